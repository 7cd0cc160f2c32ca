import { runtimeError } from './errors';
import { keyCopyCost } from './runtime';
import { codepointLength, codepointSlice } from './strings';
import { compare, describe, isObject, typeOf, type JqObject } from './values';

interface SliceKey {
  start?: unknown;
  end?: unknown;
}

function isSliceKey(k: unknown): k is SliceKey {
  return isObject(k) && ('start' in k || 'end' in k);
}

/** Resolves a jq slice [from:to] against a length: floors the start, ceils the end, clamps. */
export function sliceBounds(len: number, from: unknown, to: unknown): [number, number] {
  if (
    (from !== null && from !== undefined && typeof from !== 'number') ||
    (to !== null && to !== undefined && typeof to !== 'number')
  ) {
    throw runtimeError('Start and end indices of an array slice must be numbers');
  }
  let s = from === null || from === undefined || from !== from ? 0 : Math.floor(from as number);
  let e = to === null || to === undefined || to !== to ? len : Math.ceil(to as number);
  if (s < 0) s = Math.max(0, len + s);
  if (e < 0) e = Math.max(0, len + e);
  if (s > len) s = len;
  if (e > len) e = len;
  if (e < s) e = s;
  return [s, e];
}

export function slice(t: unknown, from: unknown, to: unknown): unknown {
  if (t === null) return null;
  if (typeof t === 'string') {
    const [s, e] = sliceBounds(codepointLength(t), from, to);
    return codepointSlice(t, s, e);
  }
  if (Array.isArray(t)) {
    const [s, e] = sliceBounds(t.length, from, to);
    return t.slice(s, e);
  }
  throw runtimeError(`Cannot index ${typeOf(t)} with object`);
}

/** `t[k]` with jq's rules for every type combination. */
export function index(t: unknown, k: unknown): unknown {
  if (typeof k === 'string') {
    if (isObject(t)) {
      const v = Object.prototype.hasOwnProperty.call(t, k) ? t[k] : undefined;
      return v === undefined ? null : v;
    }
    if (t === null) return null;
  } else if (typeof k === 'number') {
    if (Array.isArray(t)) {
      if (k !== k) return null;
      let i = Math.floor(k);
      if (i < 0) i += t.length;
      const v = i >= 0 && i < t.length ? t[i] : undefined;
      return v === undefined ? null : v;
    }
    if (t === null) return null;
  } else if (isSliceKey(k) && (t === null || Array.isArray(t) || typeof t === 'string')) {
    return slice(t, k.start, k.end);
  } else if (Array.isArray(k) && Array.isArray(t)) {
    return indices(t, k);
  } else if (k === null && (t === null || isObject(t))) {
    if (t === null) return null;
  }
  if (isObject(k) && !isSliceKey(k) && (t === null || Array.isArray(t)))
    throw runtimeError(`Cannot index ${typeOf(t)} with object`);
  throw runtimeError(`Cannot index ${typeOf(t)} with ${describe(k)}`);
}

export function indices(t: unknown[], k: unknown[]): number[] | null {
  const out: number[] = [];
  if (k.length === 0) return null;
  for (let i = 0; i + k.length <= t.length; i++) {
    let ok = true;
    for (let j = 0; j < k.length; j++) {
      if (compare(t[i + j], k[j]) !== 0) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(i);
  }
  return out;
}

export function getpath(t: unknown, path: readonly unknown[]): unknown {
  let cur: unknown = t;
  for (const k of path) {
    if (cur === null) return null;
    cur = index(cur, k);
  }
  return cur;
}

/** Receives the size of each container an update copies, so callers can charge the copying. */
export type CopyCost = (copied: number) => void;

const FREE: CopyCost = () => undefined;

/**
 * How a series of updates to one value copies: `cost` hears of every copy, and containers in `owned` were
 * copied by an earlier update of the same series and are reachable from nowhere else, so they are updated
 * in place (`.[] |= f` over n elements copies the array once, not n times). The caller must drop a
 * container from `owned` (or clear it) before user code can see it.
 */
export interface CopyPolicy {
  readonly cost: CopyCost;
  readonly owned: Set<object> | null;
}

const COPY_ALL: CopyPolicy = { cost: FREE, owned: null };

/** Copies an object for an update, reporting its size. */
function copyObject(t: JqObject, cost: CopyCost): JqObject {
  const o = { ...t };
  if (cost !== FREE) cost(keyCopyCost(Object.keys(o).length));
  return o;
}

function writableObject(t: JqObject | null, policy: CopyPolicy): JqObject {
  if (t !== null && policy.owned?.has(t)) return t;
  const o = t === null ? {} : copyObject(t, policy.cost);
  policy.owned?.add(o);
  return o;
}

function writableArray(t: unknown[] | null, policy: CopyPolicy): unknown[] {
  if (t !== null && policy.owned?.has(t)) return t;
  const a = t === null ? [] : t.slice();
  policy.cost(a.length);
  policy.owned?.add(a);
  return a;
}

export function setpath(t: unknown, path: readonly unknown[], v: unknown, policy = COPY_ALL, i = 0): unknown {
  if (i === path.length) return v;
  const k = path[i];
  if (typeof k === 'string') {
    if (t !== null && !isObject(t)) throw runtimeError(`Cannot index ${typeOf(t)} with "${k}"`);
    const o = writableObject(t, policy);
    o[k] = setpath(o[k] === undefined ? null : o[k], path, v, policy, i + 1);
    return o;
  }
  if (typeof k === 'number') {
    if (t !== null && !Array.isArray(t)) throw runtimeError(`Cannot index ${typeOf(t)} with ${describe(k)}`);
    if (k !== k) throw runtimeError('Cannot set array element at NaN index');
    let idx = Math.floor(k);
    const len = t === null ? 0 : t.length;
    if (idx < 0) {
      idx += len;
      if (idx < 0) throw runtimeError('Out of bounds negative array index');
    }
    if (idx > 536870912) throw runtimeError('Array index too large');
    // growing the array to the index is work too: `.[100000000] = 1` is charged before it allocates
    if (idx > len) policy.cost(idx - len);
    const a = writableArray(t, policy);
    while (a.length < idx) a.push(null);
    a[idx] = setpath(idx < a.length ? a[idx] : null, path, v, policy, i + 1);
    return a;
  }
  if (isSliceKey(k)) {
    if (typeof t === 'string') throw runtimeError('Cannot update string slices');
    if (t !== null && !Array.isArray(t)) throw runtimeError(`Cannot update field at object index of ${typeOf(t)}`);
    const a = t === null ? [] : t;
    const [s, e] = sliceBounds(a.length, k.start, k.end);
    policy.cost(a.length);
    const nv = setpath(a.slice(s, e), path, v, policy, i + 1);
    if (!Array.isArray(nv)) throw runtimeError('A slice of an array can only be assigned another array');
    return [...a.slice(0, s), ...nv, ...a.slice(e)];
  }
  if (Array.isArray(k)) throw runtimeError(`Cannot update field at array index of ${typeOf(t)}`);
  throw runtimeError(`Invalid path component ${describe(k)}`);
}

/** Deletes several paths at once; indices refer to the container before any deletion (jq's jv_dels). */
function deleteAll(t: unknown, paths: readonly (readonly unknown[])[], cost: CopyCost): unknown {
  if (paths.some((p) => p.length === 0)) return null;
  if (t === null) return null;
  const whole: unknown[] = [];
  const deeper = new Map<string, { key: unknown; tails: unknown[][] }>();
  for (const p of paths) {
    if (p.length === 1) whole.push(p[0]);
    else {
      const id = JSON.stringify(p[0]);
      const g = deeper.get(id) ?? { key: p[0], tails: [] };
      g.tails.push(p.slice(1));
      deeper.set(id, g);
    }
  }
  let cur: unknown = t;
  for (const { key, tails } of deeper.values()) {
    if (isSliceKey(key)) {
      if (!Array.isArray(cur)) throw runtimeError(`Cannot delete field at object index of ${typeOf(cur)}`);
      const [s, e] = sliceBounds(cur.length, key.start, key.end);
      cost(cur.length);
      const nv = deleteAll(cur.slice(s, e), tails, cost);
      cur = [...cur.slice(0, s), ...(nv as unknown[]), ...cur.slice(e)];
      continue;
    }
    const child = index(cur, key);
    if (child === null) continue;
    cur = setpath(cur, [key], deleteAll(child, tails, cost), { cost, owned: null });
  }
  if (whole.length === 0) return cur;
  if (isObject(cur)) {
    const o: JqObject = copyObject(cur, cost);
    for (const k of whole) {
      if (typeof k !== 'string') throw runtimeError(`Cannot delete field at index of object`);
      delete o[k];
    }
    return o;
  }
  if (Array.isArray(cur)) {
    const len = cur.length;
    cost(len);
    const doomed = new Set<number>();
    for (const k of whole) {
      if (typeof k === 'number') {
        if (k !== k) continue;
        let idx = Math.floor(k);
        if (idx < 0) idx += len;
        if (idx >= 0) doomed.add(idx);
      } else if (isSliceKey(k)) {
        const [s, e] = sliceBounds(len, k.start, k.end);
        for (let x = s; x < e; x++) doomed.add(x);
      } else throw runtimeError(`Cannot delete field at object index of array`);
    }
    return cur.filter((_x, idx) => !doomed.has(idx));
  }
  throw runtimeError(`Cannot delete field at index of ${typeOf(cur)}`);
}

export function delpaths(t: unknown, paths: unknown, cost: CopyCost = FREE): unknown {
  if (!Array.isArray(paths)) throw runtimeError('Paths must be specified as an array');
  for (const p of paths) if (!Array.isArray(p)) throw runtimeError('Path must be specified as an array');
  return deleteAll(t, paths as unknown[][], cost);
}
