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

/**
 * The standard error types of DSL 1.0.x, the form this runner raises: every DSL version it accepts
 * (1.0.0 to 1.0.3) was released under this domain, so a document keeps getting the errors its version names.
 */
const SPEC_PREFIX = 'https://serverlessworkflow.io/spec/1.0.0/errors/';

/**
 * Other spellings of the same standard types: the pre-1.0 drafts' `.../dsl/errors/types/...` form (the
 * conformance kit's catch filters still use it), and both forms on the domain the specification moved to
 * when it was renamed the Open Workflow Specification. Filters written in any of them match the same kinds.
 */
const EQUIVALENT_PREFIXES = [
  'https://serverlessworkflow.io/dsl/errors/types/',
  'https://open-workflow-specification.org/spec/1.0.0/errors/',
  'https://open-workflow-specification.org/dsl/errors/types/',
];

/** Any spelling of a standard error type, the kind captured (`replace` resets the global flag's state). */
const STANDARD_ERROR_TYPE_PATTERN =
  /https:\/\/(?:serverlessworkflow\.io|open-workflow-specification\.org)\/(?:spec\/1\.0\.0\/errors|dsl\/errors\/types)\/(configuration|validation|expression|authentication|authorization|timeout|communication|runtime)(?![\w-])/g;

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

/** Maps every equivalent spelling onto the one the runner raises, so filters written any way match. */
export function normalizeErrorType(type: string): string {
  for (const prefix of EQUIVALENT_PREFIXES) {
    if (type.startsWith(prefix)) return SPEC_PREFIX + type.slice(prefix.length);
  }
  return type;
}

/**
 * Rewrites every spelling of a standard error type inside a text (a `when` expression comparing
 * `$error.type` with a literal) into the form the runner raises, so such comparisons hold on either domain.
 */
export function canonicalErrorTypesIn(text: string): string {
  return text.replace(STANDARD_ERROR_TYPE_PATTERN, (_whole, kind: string) => SPEC_PREFIX + kind);
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
