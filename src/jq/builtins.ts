import { invalidPath, iterate } from './compiler';
import { JqError, runtimeError } from './errors';
import { toStringValue } from './formats';
import { fn, fnCtx, gen, vgen, type NativeTable } from './native';
import { MATH_NATIVES } from './builtins-math';
import { STRING_NATIVES } from './builtins-string';
import { REGEX_NATIVES } from './regex';
import { DATE_NATIVES } from './dates';
import { delpaths, getpath, index, setpath } from './paths';
import { BreakSignal, chargeSort, INVALID_PATH, step, type Ctx, type Env, type Fn, type Path } from './runtime';
import { codepointLength, utf8ByteLength } from './strings';
import { add } from './ops';
import { compare, describe, equals, isObject, isTruthy, sortedKeys, toJson, typeOf, type JqObject } from './values';
import { parseJson } from './json';
import { builtinRegistry } from './globals';

function length(v: unknown): unknown {
  switch (typeOf(v)) {
    case 'null':
      return 0;
    case 'boolean':
      throw runtimeError(`${describe(v)} has no length`);
    case 'number':
      return Math.abs(v as number);
    case 'string':
      return codepointLength(v as string);
    case 'array':
      return (v as unknown[]).length;
    default:
      return Object.keys(v as JqObject).length;
  }
}

function keys(v: unknown, sorted: boolean): unknown {
  if (Array.isArray(v)) return v.map((_x, i) => i);
  if (isObject(v)) return sorted ? sortedKeys(v) : Object.keys(v);
  throw runtimeError(`${describe(v)} has no keys`);
}

function has(v: unknown, k: unknown): boolean {
  if (v === null) return false;
  if (isObject(v) && typeof k === 'string') return Object.prototype.hasOwnProperty.call(v, k);
  if (Array.isArray(v) && typeof k === 'number') return k >= 0 && k < v.length;
  throw runtimeError(`Cannot check whether ${typeOf(v)} has a ${typeOf(k)} key`);
}

export function contains(a: unknown, b: unknown): boolean {
  if (typeOf(a) !== typeOf(b))
    throw runtimeError(`${describe(a)} and ${describe(b)} cannot have their containment checked`);
  return containsInner(a, b);
}

function containsInner(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b)) {
    return Object.keys(b).every((k) => Object.prototype.hasOwnProperty.call(a, k) && containsInner(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return b.every((y) => a.some((x) => containsInner(x, y)));
  if (typeof a === 'string' && typeof b === 'string') return a.includes(b);
  return typeOf(a) === typeOf(b) && equals(a, b);
}

/** Sorts a copy of an array, charging the comparisons (n·log2(n) steps). */
function sortArray(v: unknown, ctx: Ctx): unknown[] {
  if (!Array.isArray(v)) throw runtimeError(`${describe(v)} cannot be sorted, as it is not an array`);
  chargeSort(ctx, v.length);
  return v.slice().sort(compare);
}

/**
 * Evaluates `[f]` for every element and returns the rows stably sorted by it, charging the comparisons.
 * When every `[f]` has exactly one element the rows compare by that element, which orders them the same way
 * and is much cheaper.
 */
function keyed(f: Fn, v: unknown, env: Env): { key: unknown; value: unknown }[] {
  if (!Array.isArray(v)) throw runtimeError(`Cannot index ${typeOf(v)} with number`);
  let single = true;
  const rows = v.map((x) => {
    const key: unknown[] = [];
    f(x, null, env, (k) => key.push(k));
    if (key.length !== 1) single = false;
    return { key: key as unknown, value: x };
  });
  if (single) for (const r of rows) r.key = (r.key as unknown[])[0];
  chargeSort(env.ctx, rows.length);
  return rows.sort((a, b) => compare(a.key, b.key));
}

function implode(v: unknown): string {
  if (!Array.isArray(v)) throw runtimeError('implode input must be an array');
  let out = '';
  for (const c of v) {
    if (typeof c !== 'number' || c !== c) {
      if (typeof c === 'number')
        throw runtimeError("number (null) can't be imploded, unicode codepoint needs to be numeric");
      throw runtimeError(`${describe(c)} can't be imploded, unicode codepoint needs to be numeric`);
    }
    let cp = Math.trunc(c);
    if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    out += String.fromCodePoint(cp);
  }
  return out;
}

function tonumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v;
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return Number(s);
    if (s === 'nan' || s === '-nan') return NaN;
    throw runtimeError(`${describe(v)} cannot be parsed as a number`);
  }
  throw runtimeError(`${describe(v)} cannot be parsed as a number`);
}

function collect(f: Fn, input: unknown, env: Env): unknown[] {
  const out: unknown[] = [];
  f(input, null, env, (v) => out.push(v));
  return out;
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

function limitGen(n: number, f: Fn): Fn {
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

const CORE: NativeTable = {
  'empty/0': gen(() => () => undefined),
  'not/0': fn((v) => !isTruthy(v)),
  'length/0': fn(length),
  'utf8bytelength/0': fn((v) => {
    if (typeof v !== 'string') throw runtimeError(`${describe(v)} only strings have UTF-8 byte length`);
    return utf8ByteLength(v);
  }),
  'keys/0': fn((v) => keys(v, true)),
  'keys_unsorted/0': fn((v) => keys(v, false)),
  'has/1': fn((v, k) => has(v, k)),
  'contains/1': fn((v, b) => contains(v, b)),
  'type/0': fn(typeOf),
  'add/0': fn((v) => {
    if (isObject(v)) v = Object.values(v);
    if (!Array.isArray(v)) throw runtimeError(`Cannot iterate over ${describe(v)}`);
    let acc: unknown = null;
    for (const x of v) acc = add(acc, x);
    return acc;
  }),
  'tostring/0': fn(toStringValue),
  'tonumber/0': fn(tonumber),
  'tojson/0': fn((v) => toJson(v)),
  'fromjson/0': fn((v) => {
    if (typeof v !== 'string') throw runtimeError(`${describe(v)} only strings can be parsed`);
    return parseJson(v);
  }),
  'sort/0': fnCtx(sortArray),
  // jq 1.8: def reverse: [.[length - 1 - range(0;length)]];
  'reverse/0': fn((v) => {
    if (Array.isArray(v)) return v.slice().reverse();
    const n = length(v) as number;
    if (n === 0) return [];
    index(v, n - 1);
    return [];
  }),
  'unique/0': fnCtx((v, ctx) => sortArray(v, ctx).filter((x, k, a) => k === 0 || compare(a[k - 1], x) !== 0)),
  'min/0': fnCtx((v, ctx) => {
    const s = sortArray(v, ctx);
    return s.length ? s[0] : null;
  }),
  'max/0': fnCtx((v, ctx) => {
    const s = sortArray(v, ctx);
    return s.length ? s[s.length - 1] : null;
  }),
  'explode/0': fn((v) => {
    if (typeof v !== 'string') throw runtimeError(`${describe(v)} cannot be exploded`);
    return Array.from(v, (ch) => ch.codePointAt(0));
  }),
  'implode/0': fn(implode),
  'tostream/0': vgen(() => (i, p, _e, emit) => {
    const walk = (v: unknown, path: unknown[], top: boolean): void => {
      if (Array.isArray(v) && v.length > 0) {
        v.forEach((x, k) => walk(x, [...path, k], false));
        emit([[...path, v.length - 1]], null);
      } else if (isObject(v) && Object.keys(v).length > 0) {
        const ks = Object.keys(v);
        ks.forEach((k) => walk(v[k], [...path, k], false));
        emit([[...path, ks[ks.length - 1]]], null);
      } else emit([path, v], null);
      void top;
    };
    walk(i, [], true);
  }),
  'getpath/1': gen(
    ([a]) =>
      (i, p, e, emit) =>
        a(i, null, e, (path) => {
          if (!Array.isArray(path)) throw runtimeError('Path must be specified as an array');
          let v: unknown;
          try {
            v = getpath(i, path);
          } catch (err) {
            if (p === null) throw err;
            v = null;
          }
          if (p === INVALID_PATH) throw invalidPath(i);
          emit(v, p === null ? null : [...p, ...path]);
        }),
  ),
  'setpath/2': fn((v, path, x) => {
    if (!Array.isArray(path)) throw runtimeError('Path must be specified as an array');
    return setpath(v, path, x);
  }),
  'delpaths/1': fn((v, paths) => delpaths(v, paths)),
  'path/1': vgen(([f]) => (i, p, e, emit) => {
    f(i, [], e, (v, vp) => {
      if (vp === INVALID_PATH) throw invalidPath(v);
      emit(vp === null ? [] : vp.slice(), null);
    });
  }),
  'paths/0': vgen(() => (i, p, e, emit) => {
    const walk = (v: unknown, path: unknown[]): void => {
      if (Array.isArray(v))
        v.forEach((x, k) => {
          emit([...path, k], null);
          walk(x, [...path, k]);
        });
      else if (isObject(v))
        for (const k of Object.keys(v)) {
          emit([...path, k], null);
          walk(v[k], [...path, k]);
        }
    };
    walk(i, []);
    void e;
  }),
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
  'error/0': gen(() => (i) => {
    throw new JqError('user', typeof i === 'string' ? i : `${toJson(i)} (not a string)`, { value: i });
  }),
  'error/1': gen(
    ([m]) =>
      (i, _p, e) =>
        m(i, null, e, (msg) => {
          throw new JqError('user', typeof msg === 'string' ? msg : `${toJson(msg)} (not a string)`, { value: msg });
        }),
  ),
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
          limitGen(count, f)(i, p, e, emit);
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
  'first/1': gen(([f]) => limitGen(1, f)),
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
    limitGen(1, f)(i, null, e, () => {
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
  'to_entries/0': fn((v) => {
    if (Array.isArray(v)) return v.map((x, k) => ({ key: k, value: x }));
    if (!isObject(v)) throw runtimeError(`${describe(v)} has no keys`);
    return Object.keys(v).map((k) => ({ key: k, value: v[k] }));
  }),
  'input/0': gen(
    () => (_i, _p, e, emit) => {
      const ctx = e.ctx;
      // jq 1.8 raises `break` when the inputs are exhausted
      if (ctx.inputIndex >= ctx.inputs.length) throw new JqError('runtime', 'No more inputs', { value: 'break' });
      emit(ctx.inputs[ctx.inputIndex++], null);
    },
    'input',
  ),
  'inputs/0': gen(
    () => (_i, _p, e, emit) => {
      const ctx = e.ctx;
      while (ctx.inputIndex < ctx.inputs.length) emit(ctx.inputs[ctx.inputIndex++], null);
    },
    'inputs',
  ),
  'debug/0': gen(
    () => (i, p, e, emit) => {
      e.ctx.debug?.(['DEBUG:', i]);
      emit(i, p);
    },
    'debug',
  ),
  'stderr/0': gen(
    () => (i, p, e, emit) => {
      e.ctx.debug?.(i);
      emit(i, p);
    },
    'stderr',
  ),
  'input_filename/0': fn(() => null, 'input_filename'),
  'now/0': gen(
    () => (_i, _p, e, emit) => {
      if (!e.ctx.now)
        throw new JqError('runtime', 'now is not available: no clock was supplied', { value: 'now is not available' });
      emit(e.ctx.now(), null);
    },
    'now',
  ),
  'halt/0': gen(
    () => () => {
      throw new JqError('halt', 'halt', { value: null });
    },
    'halt',
  ),
  'halt_error/1': gen(
    ([code]) =>
      (i, _p, e) =>
        code(i, null, e, (c) => {
          if (typeof c !== 'number') throw runtimeError('halt_error/1: number required');
          throw new JqError('halt', typeof i === 'string' ? i : toJson(i), { value: i });
        }),
    'halt_error',
  ),
  'builtins/0': fn(() => builtinNames()),
  'input_line_number/0': fn(() => 0),
  'get_search_list/0': fn(() => []),
  'have_decnum/0': fn(() => false),
  'have_literal_numbers/0': fn(() => false),
  'ltrimstr/1': fn((v, x) => {
    if (typeof v !== 'string' || typeof x !== 'string') throw runtimeError('startswith() requires string inputs');
    return v.startsWith(x) ? v.slice(x.length) : v;
  }),
  'rtrimstr/1': fn((v, x) => {
    if (typeof v !== 'string' || typeof x !== 'string') throw runtimeError('endswith() requires string inputs');
    return v.endsWith(x) && x.length > 0 ? v.slice(0, v.length - x.length) : v;
  }),
};

function builtinNames(): string[] {
  const names = new Set(Object.keys(NATIVES).filter((k) => !k.startsWith('_')));
  for (const k of builtinRegistry().names()) if (!k.startsWith('_')) names.add(k);
  return [...names].sort();
}

export const NATIVES: NativeTable = { ...CORE, ...MATH_NATIVES, ...STRING_NATIVES, ...REGEX_NATIVES, ...DATE_NATIVES };
export type { Path };
