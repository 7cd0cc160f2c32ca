/** Generators and builtins that take filter arguments: select, map, recurse, range, limit, loops, sorts by key. */
import { collect, iterate, limitFilter } from './combinators';
import { runtimeError } from './errors';
import { gen, vgen, type NativeTable } from './native';
import { chargeSort, step, type Env, type Fn, type Path } from './runtime';
import { compare, describe, isTruthy, typeOf } from './values';

/**
 * Evaluates `[f]` for every element and returns the rows stably sorted by it, charging the comparisons.
 * When every `[f]` has exactly one element the rows compare by that element, which orders them the same way
 * and is much cheaper.
 */
function keyed(f: Fn, v: unknown, env: Env): { key: unknown; value: unknown }[] {
  if (!Array.isArray(v)) throw runtimeError(`Cannot index ${typeOf(v)} with number`);
  // the sort's comparisons are known before the keys are computed: an input too big for the budget is refused first
  chargeSort(env.ctx, v.length);
  let single = true;
  const rows = v.map((x) => {
    const key: unknown[] = [];
    f(x, null, env, (k) => key.push(k));
    if (key.length !== 1) single = false;
    return { key: key as unknown, value: x };
  });
  if (single) for (const r of rows) r.key = (r.key as unknown[])[0];
  return rows.sort((a, b) => compare(a.key, b.key));
}

/**
 * while/2 (`whileTrue`) and until/2 as one loop, iterative while each step has one condition and one update
 * output (jq's recursive definitions rely on tail calls). A true condition emits the value; the loop goes on
 * from the update while the condition equals `whileTrue` (while: true goes on, until: false goes on).
 */
function conditionLoop(cond: Fn, update: Fn, whileTrue: boolean): Fn {
  const loop: Fn = (i, _p, e, emit) => {
    let v = i;
    for (;;) {
      step(e.ctx);
      const cs = collect(cond, v, e);
      if (cs.length !== 1) {
        for (const c of cs) {
          const holds = isTruthy(c);
          if (holds) emit(v, null);
          if (holds === whileTrue) update(v, null, e, (u) => loop(u, null, e, emit));
        }
        return;
      }
      const holds = isTruthy(cs[0]);
      if (holds) emit(v, null);
      if (holds !== whileTrue) return;
      const us = collect(update, v, e);
      if (us.length !== 1) {
        for (const u of us) loop(u, null, e, emit);
        return;
      }
      v = us[0];
    }
  };
  return loop;
}

export const GENERATOR_NATIVES: NativeTable = {
  'select/1': gen(
    ([f]) =>
      (i, p, e, emit) =>
        f(i, null, e, (c) => (isTruthy(c) ? emit(i, p) : undefined)),
  ),
  'recurse/1': gen(([f]) => {
    const r: Fn = (i, p, e, emit) => {
      emit(i, p);
      step(e.ctx);
      f(i, p, e, (v, vp) => r(v, vp, e, emit));
    };
    return r;
  }),
  'map/1': vgen(([f]) => (i, p, e, emit) => {
    const out: unknown[] = [];
    iterate(i, null, e, (x) => f(x, null, e, (y) => out.push(y)));
    emit(out, null);
  }),
  'range/2': vgen(([from, upto]) => (i, p, e, emit) => {
    from(i, null, e, (a) =>
      upto(i, null, e, (b) => {
        if (typeof a !== 'number' || typeof b !== 'number') throw runtimeError('Range bounds must be numeric');
        for (let x = a; x < b; x++) {
          step(e.ctx);
          emit(x, null);
        }
      }),
    );
  }),
  'range/3': vgen(([from, upto, by]) => (i, p, e, emit) => {
    from(i, null, e, (a) =>
      upto(i, null, e, (b) =>
        by(i, null, e, (s) => {
          if (typeof a !== 'number' || typeof b !== 'number' || typeof s !== 'number')
            throw runtimeError('Range bounds must be numeric');
          if (s > 0)
            for (let x = a; x < b; x += s) {
              step(e.ctx);
              emit(x, null);
            }
          else if (s < 0)
            for (let x = a; x > b; x += s) {
              step(e.ctx);
              emit(x, null);
            }
          else if (a < b)
            for (;;) {
              step(e.ctx);
              emit(a, null);
            }
        }),
      ),
    );
  }),
  'limit/2': gen(
    ([n, f]) =>
      (i, p, e, emit) =>
        n(i, null, e, (count) => {
          if (typeof count !== 'number') throw runtimeError('Invalid limit: not a number');
          if (count < 0) throw runtimeError("limit doesn't support negative count");
          limitFilter(count, f)(i, p, e, emit);
        }),
  ),
  // def while(cond; update): def _while: if cond then ., (update | _while) else empty end; _while;
  'while/2': vgen(([cond, update]) => conditionLoop(cond, update, true)),
  // def until(cond; update): def _until: if cond then . else (update | _until) end; _until;
  'until/2': vgen(([cond, update]) => conditionLoop(cond, update, false)),
  // jq 1.8.2 applies f to the original input again and again: [1|limit(3; repeat(.*2))] is [2,2,2]
  'repeat/1': gen(([f]) => (i, p, e, emit) => {
    for (;;) {
      step(e.ctx);
      f(i, p, e, emit);
    }
  }),
  'first/1': gen(([f]) => limitFilter(1, f)),
  'last/1': gen(([f]) => (i, p, e, emit) => {
    let got = false;
    let last: unknown;
    let lastPath: Path | null = null;
    f(i, p, e, (v, vp) => {
      got = true;
      last = v;
      lastPath = vp;
    });
    if (got) emit(last, lastPath);
  }),
  'isempty/1': gen(([f]) => (i, _p, e, emit) => {
    let empty = true;
    limitFilter(1, f)(i, null, e, () => {
      empty = false;
    });
    emit(empty, null);
  }),
  'sort_by/1': vgen(([f]) => (i, p, e, emit) => {
    if (!Array.isArray(i)) throw runtimeError(`${describe(i)} cannot be sorted, as it is not an array`);
    emit(
      keyed(f, i, e).map((r) => r.value),
      null,
    );
  }),
  'group_by/1': vgen(([f]) => (i, p, e, emit) => {
    const rows = keyed(f, i, e);
    const out: unknown[][] = [];
    let prev: unknown;
    for (const r of rows) {
      if (out.length > 0 && compare(prev, r.key) === 0) out[out.length - 1].push(r.value);
      else out.push([r.value]);
      prev = r.key;
    }
    emit(out, null);
  }),
  'unique_by/1': vgen(([f]) => (i, p, e, emit) => {
    const rows = keyed(f, i, e);
    const out: unknown[] = [];
    let prev: unknown;
    for (const r of rows) {
      if (out.length === 0 || compare(prev, r.key) !== 0) out.push(r.value);
      prev = r.key;
    }
    emit(out, null);
  }),
  'min_by/1': gen(([f]) => (i, _p, e, emit) => {
    const rows = keyed(f, i, e);
    emit(rows.length ? rows[0].value : null, null);
  }),
  'max_by/1': gen(([f]) => (i, _p, e, emit) => {
    const rows = keyed(f, i, e);
    // jq returns the last of equal maxima
    emit(rows.length ? rows[rows.length - 1].value : null, null);
  }),
};
