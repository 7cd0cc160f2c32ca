/**
 * Workflow errors as data (RFC 7807 problem details, DSL 1.0 "Error" definition). Sandbox-safe: used by
 * workflow code, activities and the loader alike.
 */
import type { WorkflowErrorData } from '../../temporal/contract';

export type ErrorKind =
  | 'configuration'
  | 'validation'
  | 'expression'
  | 'authentication'
  | 'authorization'
  | 'timeout'
  | 'communication'
  | 'runtime';

export const ERROR_KINDS: readonly ErrorKind[] = [
  'configuration',
  'validation',
  'expression',
  'authentication',
  'authorization',
  'timeout',
  'communication',
  'runtime',
];

const SPEC_PREFIX = 'https://serverlessworkflow.io/spec/1.0.0/errors/';
/** Type URIs written by pre-1.0 drafts (and by the conformance kit's catch filters). */
const LEGACY_PREFIX = 'https://serverlessworkflow.io/dsl/errors/types/';

const DEFAULT_STATUS: Record<ErrorKind, number> = {
  configuration: 400,
  validation: 400,
  expression: 400,
  authentication: 401,
  authorization: 403,
  timeout: 408,
  communication: 500,
  runtime: 500,
};

export function errorTypeUri(kind: ErrorKind): string {
  return SPEC_PREFIX + kind;
}

/** Maps the legacy URI form onto the 1.0.0 one so filters written either way match the same errors. */
export function normalizeErrorType(type: string): string {
  if (type.startsWith(LEGACY_PREFIX)) return SPEC_PREFIX + type.slice(LEGACY_PREFIX.length);
  return type;
}

export function sameErrorType(a: string, b: string): boolean {
  return normalizeErrorType(a) === normalizeErrorType(b);
}

/** Builds a standard error of one of the spec's kinds. */
export function dslError(
  kind: ErrorKind,
  detail: string,
  options: { instance?: string; status?: number; title?: string } = {},
): WorkflowErrorData {
  const error: WorkflowErrorData = {
    type: errorTypeUri(kind),
    status: options.status ?? DEFAULT_STATUS[kind],
    title: options.title ?? titleOf(kind),
    detail,
  };
  if (options.instance !== undefined) error.instance = options.instance;
  return error;
}

function titleOf(kind: ErrorKind): string {
  return `${kind[0].toUpperCase()}${kind.slice(1)} Error`;
}

/**
 * The exception that carries a DSL error through interpreter code (the `raise` task, failed expressions,
 * failed activities). It is data plus a marker; `try` catches it and hands `error` to its handlers.
 */
export class WorkflowFault extends Error {
  readonly error: WorkflowErrorData;

  constructor(error: WorkflowErrorData) {
    super(error.detail ?? error.title ?? error.type);
    this.name = 'WorkflowFault';
    this.error = error;
  }
}

export function isWorkflowFault(e: unknown): e is WorkflowFault {
  return e instanceof Error && e.name === 'WorkflowFault' && 'error' in e;
}

/** Sets `instance` on an error that has none yet (the innermost failing task wins). */
export function withInstance(error: WorkflowErrorData, instance: string): WorkflowErrorData {
  return error.instance ? error : { ...error, instance };
}

/** Accepts anything that looks like problem details (e.g. from an activity failure's details). */
export function asErrorData(value: unknown): WorkflowErrorData | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.type !== 'string' || typeof v.status !== 'number') return undefined;
  const error: WorkflowErrorData = { type: v.type, status: v.status };
  if (typeof v.title === 'string') error.title = v.title;
  if (typeof v.detail === 'string') error.detail = v.detail;
  if (typeof v.instance === 'string') error.instance = v.instance;
  return error;
}
