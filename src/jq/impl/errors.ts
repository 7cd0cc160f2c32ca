/** Position of a parse/compile error in the program text (1-based line and column). */
export interface JqPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * What kind of failure a JqError is: a syntax error (`parse`), an unknown name (`compile`), one of jq's
 * runtime errors (`runtime`), `error(x)` (`user`), a budget limit (`budget`), `halt`/`halt_error` (`halt`),
 * or an engine defect (`internal`). `try`, `?` and `//` catch `runtime` and `user` only.
 */
export type JqErrorCode = 'parse' | 'compile' | 'runtime' | 'user' | 'budget' | 'halt' | 'internal';

/**
 * The one error type of the engine, classified by `code`. `value` holds the value raised by `error(x)`
 * (or halt_error's value, or a runtime error's message).
 */
export class JqError extends Error {
  readonly code: JqErrorCode;
  readonly position?: JqPosition;
  readonly value?: unknown;

  constructor(
    code: JqErrorCode,
    message: string,
    options: { position?: JqPosition | undefined; value?: unknown } = {},
  ) {
    // `try`, `?` and `//` swallow most JqErrors inside the evaluator, so capturing a stack trace for each one
    // made suppressed errors cost tens of microseconds; the public entry points attach a stack on the way out.
    // Temporal's workflow sandbox freezes Error.stackTraceLimit: there an assignment would throw, so the
    // limit is only lowered where it is writable (the sandbox then pays for the stack, but stays correct).
    const limit = Error.stackTraceLimit;
    const lowered = stackLimitWritable();
    if (lowered) Error.stackTraceLimit = 0;
    super(message);
    if (lowered) Error.stackTraceLimit = limit;
    this.name = 'JqError';
    this.code = code;
    if (options.position !== undefined) this.position = options.position;
    if ('value' in options) this.value = options.value;
  }
}

function stackLimitWritable(): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  return descriptor !== undefined && descriptor.writable === true && !Object.isFrozen(Error);
}

/** Gives an error leaving the engine the caller's stack (JqErrors are created without one). */
export function withStack(e: JqError, above: (...args: never[]) => unknown): JqError {
  if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(e, above);
  return e;
}

/** True for JqErrors that `try`, `?` and `//` may swallow: all but budget overruns and halts. */
export function isCatchable(e: unknown): e is JqError {
  return e instanceof JqError && e.code !== 'budget' && e.code !== 'halt';
}

/** What `try ... catch` hands its handler: the raised value, or the message. */
export function errorValue(e: JqError): unknown {
  return 'value' in e ? e.value : e.message;
}

export function positionOf(text: string, offset: number): JqPosition {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return { offset, line, column };
}

export function parseError(text: string, offset: number, message: string): JqError {
  const pos = positionOf(text, offset);
  return new JqError('parse', `${message} at line ${pos.line}, column ${pos.column}`, { position: pos });
}

/** A runtime error carrying a message; `value` is the message string like jq's error(msg). */
export function runtimeError(message: string): JqError {
  return new JqError('runtime', message, { value: message });
}

export function budgetError(limit: string, max: number): JqError {
  return new JqError('budget', `jq budget exceeded: ${limit} (limit ${max})`);
}
