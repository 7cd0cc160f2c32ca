/** Helpers that turn plain functions into native builtins (entries of a NativeTable). */
import { valueOnly } from './combinators';
import { charge, checkString, INVALID_PATH, type Ctx, type Env, type Fn } from './runtime';
import type { Native, Scope } from './scope';

export type { Native, NativeTable } from './scope';

/**
 * Evaluates every argument as values and calls `f` with each combination. Like jq's C builtins, the last
 * argument varies slowest: [pow(2,3; 1,2)] is [2,3,4,9].
 */
export function cartesian(args: Fn[], input: unknown, env: Env, f: (values: unknown[]) => void): void {
  const values: unknown[] = new Array(args.length);
  const go = (k: number): void => {
    if (k < 0) return f(values.slice());
    args[k](input, null, env, (v) => {
      values[k] = v;
      go(k - 1);
    });
  };
  go(args.length - 1);
}

/**
 * Runs a builtin and charges its work: the input it scans (before the work, so that an input the budget
 * cannot afford is refused without scanning it) and the value it builds (join, split, sort, tostring, ...).
 */
export function costed(ctx: Ctx, input: unknown, work: () => unknown): unknown {
  charge(ctx, input);
  const v = work();
  charge(ctx, v);
  return checkString(v, ctx);
}

/** A builtin computing one value from the input and its value arguments (cartesian over argument outputs). */
export function fn(impl: (input: unknown, ...args: unknown[]) => unknown, host?: string): Native {
  return {
    host,
    make: (args) => {
      if (args.length === 0) {
        return (i, p, e, emit) => {
          const v = costed(e.ctx, i, () => impl(i));
          emit(v, p === null ? null : INVALID_PATH);
        };
      }
      if (args.length === 1) {
        const a = args[0];
        return (i, p, e, emit) =>
          a(i, null, e, (x) => {
            const v = costed(e.ctx, i, () => impl(i, x));
            emit(v, p === null ? null : INVALID_PATH);
          });
      }
      return (i, p, e, emit) =>
        cartesian(args, i, e, (xs) => {
          const v = costed(e.ctx, i, () => impl(i, ...xs));
          emit(v, p === null ? null : INVALID_PATH);
        });
    },
  };
}

/**
 * A builtin computing one value from the input and its value arguments that also charges its own extra work
 * (sorts, copies along a path) on `ctx`.
 */
export function fnCtx(impl: (input: unknown, ctx: Ctx, ...args: unknown[]) => unknown): Native {
  return {
    make: (args) => {
      if (args.length === 0) {
        return (i, p, e, emit) => {
          const v = costed(e.ctx, i, () => impl(i, e.ctx));
          emit(v, p === null ? null : INVALID_PATH);
        };
      }
      return (i, p, e, emit) =>
        cartesian(args, i, e, (xs) => {
          const v = costed(e.ctx, i, () => impl(i, e.ctx, ...xs));
          emit(v, p === null ? null : INVALID_PATH);
        });
    },
  };
}

/** A builtin with full control over emission (generators, path-capable builtins). */
export function gen(make: (args: Fn[], scope: Scope) => Fn, host?: string): Native {
  return { make, host };
}

/** A generator builtin whose outputs are plain values (not paths). */
export function vgen(make: (args: Fn[], scope: Scope) => Fn, host?: string): Native {
  return { make: (args, scope) => valueOnly(make(args, scope)), host };
}
