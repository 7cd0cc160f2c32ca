/**
 * The shape of a loaded workflow document: plain JSON as the DSL 1.0.x schema defines it. The loader
 * only returns documents that passed schema and semantic validation, so the required parts are typed;
 * the rest stays open (the interpreter reads it through the DSL model).
 */
export interface WorkflowDocumentHeader {
  dsl: string;
  namespace: string;
  name: string;
  version: string;
  title?: string;
  summary?: string;
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

export type TaskListEntry = Record<string, Record<string, unknown>>;

export interface WorkflowDocument {
  document: WorkflowDocumentHeader;
  do: TaskListEntry[];
  input?: Record<string, unknown>;
  output?: Record<string, unknown>;
  use?: Record<string, unknown>;
  timeout?: unknown;
  schedule?: Record<string, unknown>;
  evaluate?: { mode?: 'strict' | 'loose'; language?: string };
  [key: string]: unknown;
}

/** DSL versions the runner executes (the conformance kit's documents use 1.0.3). */
export const SUPPORTED_DSL_VERSIONS: readonly string[] = ['1.0.0', '1.0.1', '1.0.2', '1.0.3'];
