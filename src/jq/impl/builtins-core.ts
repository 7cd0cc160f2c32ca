/** The core native builtins (jq's C builtins: values, paths, errors, host capabilities), as a table. */
import { invalidPath } from './combinators';
import { JqError, runtimeError } from './errors';
import { toStringValue } from './formats';
import { fn, fnCtx, gen, vgen, type NativeTable } from './native';
import { delpaths, getpath, index, setpath } from './paths';
import { charge, chargeSort, chargeSteps, INVALID_PATH, type Ctx } from './runtime';
import { codepointLength, utf8ByteLength } from './strings';
import { add } from './ops';
import { compare, describe, equals, isObject, isTruthy, sortedKeys, toJson, typeOf, type JqObject } from './values';
import { parseJson } from './json';

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

export const CORE_NATIVES: NativeTable = {
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
  'tostream/0': vgen(() => (i, _p, e, emit) => {
    // every event holds a fresh copy of its path: charged by length, so deep values stay within the budget
    const at = (path: unknown[], k: unknown): unknown[] => {
      chargeSteps(e.ctx, path.length + 1);
      return [...path, k];
    };
    const walk = (v: unknown, path: unknown[]): void => {
      if (Array.isArray(v) && v.length > 0) {
        v.forEach((x, k) => walk(x, at(path, k)));
        emit([at(path, v.length - 1)], null);
      } else if (isObject(v) && Object.keys(v).length > 0) {
        const ks = Object.keys(v);
        ks.forEach((k) => walk(v[k], at(path, k)));
        emit([at(path, ks[ks.length - 1])], null);
      } else emit([path, v], null);
    };
    walk(i, []);
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
  'setpath/2': fnCtx((v, ctx, path, x) => {
    if (!Array.isArray(path)) throw runtimeError('Path must be specified as an array');
    return setpath(v, path, x, { cost: (n) => chargeSteps(ctx, n), owned: null });
  }),
  'delpaths/1': fnCtx((v, ctx, paths) => delpaths(v, paths, (n) => chargeSteps(ctx, n))),
  'path/1': vgen(([f]) => (i, p, e, emit) => {
    f(i, [], e, (v, vp) => {
      if (vp === INVALID_PATH) throw invalidPath(v);
      emit(vp === null ? [] : vp.slice(), null);
    });
  }),
  'paths/0': vgen(() => (i, _p, e, emit) => {
    // each path is a fresh array as long as its depth: charged, so deep or huge inputs stay within the budget
    const walk = (v: unknown, path: unknown[]): void => {
      const visit = (x: unknown, k: unknown): void => {
        chargeSteps(e.ctx, path.length + 1);
        const next = [...path, k];
        emit(next, null);
        walk(x, next);
      };
      if (Array.isArray(v)) v.forEach((x, k) => visit(x, k));
      else if (isObject(v)) for (const k of Object.keys(v)) visit(v[k], k);
    };
    walk(i, []);
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
  'builtins/0': vgen((_args, scope) => (_i, _p, e, emit) => {
    const names = scope.lib.names().filter((k) => !k.startsWith('_'));
    charge(e.ctx, names);
    emit(names, null);
  }),
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
