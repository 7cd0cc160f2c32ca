/**
 * Filters that build values: arrays, objects, strings with interpolation, and `if`. They receive their
 * parts already compiled, so this module sits below the compiler.
 */
import { valueOnly } from './combinators';
import { JqError } from './errors';
import { formatString } from './formats';
import { index } from './paths';
import {
  charge,
  chargeSteps,
  checkString,
  filter,
  type Direct,
  type Emit,
  type Env,
  type Filter,
  type Fn,
} from './runtime';
import { describe, isTruthy } from './values';

const NONE = Symbol('none');

export function arrayFilter(body: Fn | null): Filter {
  if (body === null) return filter(valueOnly((_i, _p, _e, emit) => emit([], null)));
  return filter(
    valueOnly((i, _p, e, emit) => {
      const out: unknown[] = [];
      const max = e.ctx.budget.maxArrayLength;
      body(i, null, e, (v) => {
        if (out.length >= max) throw new JqError('budget', `jq budget exceeded: maxArrayLength (limit ${max})`);
        out.push(v);
      });
      emit(out, null);
    }),
  );
}

/** One `key: value` entry of an object construction; `value` null for the `{a}` / `{$x}` shorthand. */
export interface ObjectPart {
  readonly key: Fn;
  readonly value: Fn | null;
  /** The key when it is a string literal (no generator to run). */
  readonly keyConst: string | undefined;
}

/** The [key, value] pairs one entry produces: keys outermost, like jq. */
function pairsOf(en: ObjectPart, i: unknown, e: Env): [string, unknown][] {
  const out: [string, unknown][] = [];
  const withKey = (k: unknown): void => {
    if (typeof k !== 'string') {
      const msg = `Cannot use ${describe(k)} as object key`;
      throw new JqError('runtime', msg, { value: msg });
    }
    if (en.value === null) out.push([k, index(i, k)]);
    else en.value(i, null, e, (v) => out.push([k, v]));
  };
  if (en.keyConst !== undefined) withKey(en.keyConst);
  else en.key(i, null, e, withKey);
  return out;
}

/** `{...}`: every object built is charged one step per key it copies, like the objects operators build. */
export function objectFilter(entries: readonly ObjectPart[]): Filter {
  return filter(
    valueOnly((i, _p, e, emit) => {
      const all = entries.map((en) => pairsOf(en, i, e));
      if (all.every((pairs) => pairs.length === 1)) {
        // the common case: one object, no cartesian product
        chargeSteps(e.ctx, all.length);
        const o: Record<string, unknown> = {};
        for (const pairs of all) o[pairs[0][0]] = pairs[0][1];
        return emit(o, null);
      }
      const build = (idx: number, acc: Record<string, unknown>): void => {
        if (idx === all.length) {
          chargeSteps(e.ctx, idx);
          return emit({ ...acc }, null);
        }
        for (const [k, v] of all[idx]) {
          chargeSteps(e.ctx, idx + 1);
          build(idx + 1, { ...acc, [k]: v });
        }
      };
      build(0, {});
    }),
  );
}

/** The string an interpolation built, charged by length like the strings operators build. */
function built(parts: string[], e: Env): unknown {
  const s = parts.join('');
  charge(e.ctx, s);
  return checkString(s, e.ctx);
}

/** `"a\(x)b"` and `@fmt "..."`: jq evaluates the last interpolation outermost ("\((1,2)) \((3,4))" gives "1 3", "2 3", "1 4", "2 4"). */
export function stringFilter(parts: readonly (string | Filter)[], format: string | null): Filter {
  const fns = parts.map((part) => (typeof part === 'string' ? part : part.run));
  const fmt = format ?? 'text';
  const build = (i: unknown, e: Env, idx: number, acc: string[], emit: Emit): void => {
    if (idx < 0) return emit(built(acc, e), null);
    const f = fns[idx];
    if (typeof f === 'string') {
      acc[idx] = f;
      return build(i, e, idx - 1, acc, emit);
    }
    f(i, null, e, (v) => {
      acc[idx] = formatString(fmt, v);
      build(i, e, idx - 1, acc, emit);
    });
  };
  const run = valueOnly((i, _p, e, emit) => build(i, e, fns.length - 1, new Array<string>(fns.length), emit));
  const directs = parts.map((part) => (typeof part === 'string' ? part : part.direct));
  if (directs.some((d) => d === null)) return filter(run);
  return filter(run, (i, e) => {
    const acc = new Array<string>(directs.length);
    for (let idx = directs.length - 1; idx >= 0; idx--) {
      const d = directs[idx] as string | Direct;
      acc[idx] = typeof d === 'string' ? d : formatString(fmt, d(i, e));
    }
    return built(acc, e);
  });
}

/**
 * `if cond then a else b end`. The condition's outputs are gathered before a branch runs, so the branch
 * does not nest inside the condition's frames (deep jq recursion goes through `if`); outputs and their
 * order are unchanged.
 */
export function ifFilter(cond: Fn, then: Fn, otherwise: Fn): Fn {
  return (i, p, e, emit) => {
    let first: unknown = NONE;
    const more: unknown[] = [];
    cond(i, null, e, (c) => {
      if (first === NONE) first = c;
      else more.push(c);
    });
    if (first === NONE) return;
    if (isTruthy(first)) then(i, p, e, emit);
    else otherwise(i, p, e, emit);
    for (const c of more) (isTruthy(c) ? then : otherwise)(i, p, e, emit);
  };
}
