/**
 * The building blocks compiled filters and native builtins share: iteration, path checks, error
 * guarding, `try`, `limit`. A leaf of the engine: it knows runtime values and filters, not the compiler.
 */
import { errorValue, isCatchable, JqError } from './errors';
import { BreakSignal, INVALID_PATH, Passthrough, step, type Emit, type Env, type Fn, type Path } from './runtime';
import { describe, preview, toJson } from './values';

/** Error for a value-only expression used where a path is required. */
export function invalidPath(v: unknown): JqError {
  const msg = `Invalid path expression with result ${preview(v)}`;
  return new JqError('runtime', msg, { value: msg });
}

/** Wraps a filter that produces plain values so that path tracking rejects it like jq does. */
export function valueOnly(fn: Fn): Fn {
  return (input, path, env, emit) => {
    if (path === null) return fn(input, null, env, emit);
    fn(input, null, env, (v) => emit(v, INVALID_PATH));
  };
}

/** Extends a tracked path by one key, failing like jq when the value did not come from a path. */
export function extendPath(vp: Path | null, key: unknown, v: unknown): Path | null {
  if (vp === null) return null;
  if (vp === INVALID_PATH) {
    const msg = `Invalid path expression near attempt to access element ${toJson(key)} of ${toJson(v)}`;
    throw new JqError('runtime', msg, { value: msg });
  }
  return [...vp, key];
}

export const identity: Fn = (input, path, _env, emit) => emit(input, path);

/** `.[]`: every element of an array or value of an object, in order. */
export function iterate(v: unknown, vp: Path | null, env: Env, emit: Emit): void {
  step(env.ctx);
  if (vp === INVALID_PATH) {
    const msg = `Invalid path expression near attempt to iterate through ${toJson(v)}`;
    throw new JqError('runtime', msg, { value: msg });
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) emit(v[i], vp === null ? null : [...vp, i]);
  } else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) emit(o[k], vp === null ? null : [...vp, k]);
  } else {
    const msg = `Cannot iterate over ${describe(v)}`;
    throw new JqError('runtime', msg, { value: msg });
  }
}

/** `.[]?`: only the iteration's own error is suppressed, not errors raised downstream. */
export function iterateOpt(v: unknown, vp: Path | null, env: Env, emit: Emit): void {
  if (Array.isArray(v) || (v !== null && typeof v === 'object')) iterate(v, vp, env, emit);
}

/** `..`: the input and everything inside it, depth first. Each value visited is one step. */
export function recurseAll(input: unknown, path: Path | null, env: Env, emit: Emit): void {
  step(env.ctx);
  emit(input, path);
  if (path === INVALID_PATH && (Array.isArray(input) || (input !== null && typeof input === 'object')))
    iterate(input, path, env, emit);
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) recurseAll(input[i], path === null ? null : [...path, i], env, emit);
  } else if (input !== null && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    for (const k of Object.keys(o)) recurseAll(o[k], path === null ? null : [...path, k], env, emit);
  }
}

/** Guards `emit` so that errors raised downstream pass through an enclosing try/alternative untouched. */
export function guardEmit(emit: Emit): Emit {
  return (v, p) => {
    try {
      emit(v, p);
    } catch (e) {
      throw new Passthrough(e);
    }
  };
}

/** `try body catch handler` (`handler` null: `try body` / `body?`): only the body's own errors are caught. */
export function tryCatch(body: Fn, handler: Fn | null): Fn {
  return (i, p, e, emit) => {
    try {
      body(i, p, e, guardEmit(emit));
    } catch (err) {
      if (err instanceof Passthrough) throw err.inner;
      if (!isCatchable(err)) throw err;
      if (handler === null) return;
      // error(null) is caught as null; jq 1.8 `try error(null) catch .` yields null
      handler(errorValue(err), null, e, emit);
    }
  };
}

/** The first `n` outputs of `f`, unwinding `f` once they are out. */
export function limitFilter(n: number, f: Fn): Fn {
  return (i, p, e, emit) => {
    if (n <= 0) return;
    let count = 0;
    const token = new BreakSignal({});
    try {
      f(i, p, e, (v, vp) => {
        count++;
        emit(v, vp);
        if (count >= n) throw token;
      });
    } catch (err) {
      if (err !== token) throw err;
    }
  };
}

/** All outputs of `f` as values. */
export function collect(f: Fn, input: unknown, env: Env): unknown[] {
  const out: unknown[] = [];
  f(input, null, env, (v) => out.push(v));
  return out;
}
