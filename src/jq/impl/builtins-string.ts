import { runtimeError } from './errors';
import { fn, type NativeTable } from './native';
import { index, indices, slice } from './paths';
import { splitString } from './ops';
import { compare, describe, isObject, toJson } from './values';

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw runtimeError(`${describe(v)} ${what}`);
  return v;
}

/** Byte-offset-free substring search: jq reports code-unit positions for ASCII; we report code points. */
function stringIndices(s: string, sub: string): number[] | null {
  if (sub === '') return null;
  const out: number[] = [];
  let cpIndex = 0;
  let last = 0;
  for (let k = s.indexOf(sub); k >= 0; k = s.indexOf(sub, k + 1)) {
    cpIndex += Array.from(s.slice(last, k)).length;
    last = k;
    out.push(cpIndex);
  }
  return out;
}

function indicesOf(v: unknown, x: unknown): unknown {
  if (v === null) return null;
  if (typeof v === 'string' && typeof x === 'string') return stringIndices(v, x);
  if (Array.isArray(v) && Array.isArray(x)) return indices(v, x);
  if (Array.isArray(v)) return indices(v, [x]);
  // jq: otherwise `.[$i]`
  return index(v, x);
}

/** jq defines ascii_downcase/upcase over explode, hence the message. */
function explodable(v: unknown): string {
  if (typeof v !== 'string') throw runtimeError('explode input must be a string');
  return v;
}

const WS = /^[\s\u0085]+|[\s\u0085]+$/g;

function trimInput(v: unknown): string {
  if (typeof v !== 'string') throw runtimeError('trim input must be a string');
  return v;
}

export const STRING_NATIVES: NativeTable = {
  'split/1': fn((v, sep) => {
    if (typeof v !== 'string' || typeof sep !== 'string')
      throw runtimeError('split input and separator must be strings');
    return splitString(v, sep);
  }),
  'join/1': fn((input, sep) => {
    const v = isObject(input) ? Object.values(input) : input;
    if (!Array.isArray(v)) throw runtimeError(`Cannot iterate over ${describe(v)}`);
    if (v.length === 0) return '';
    let out = '';
    v.forEach((x, k) => {
      if (k > 0) {
        if (typeof sep !== 'string') throw runtimeError(`${describe(out)} and ${describe(sep)} cannot be added`);
        out += sep;
      }
      if (x === null) return;
      if (typeof x === 'string') out += x;
      else if (typeof x === 'number' || typeof x === 'boolean') out += toJson(x);
      else throw runtimeError(`${describe(out)} and ${describe(x)} cannot be added`);
    });
    return out;
  }),
  'ascii_downcase/0': fn((v) => explodable(v).replace(/[A-Z]/g, (c) => c.toLowerCase())),
  'ascii_upcase/0': fn((v) => explodable(v).replace(/[a-z]/g, (c) => c.toUpperCase())),
  'startswith/1': fn((v, x) => {
    if (typeof v !== 'string' || typeof x !== 'string') throw runtimeError('startswith() requires string inputs');
    return v.startsWith(x);
  }),
  'endswith/1': fn((v, x) => {
    if (typeof v !== 'string' || typeof x !== 'string') throw runtimeError('endswith() requires string inputs');
    return v.endsWith(x);
  }),
  'trim/0': fn((v) => trimInput(v).replace(WS, '')),
  'ltrim/0': fn((v) => trimInput(v).replace(/^[\s\u0085]+/, '')),
  'rtrim/0': fn((v) => trimInput(v).replace(/[\s\u0085]+$/, '')),
  'trimstr/1': fn((v, x) => {
    if (typeof v !== 'string' || typeof x !== 'string' || x === '') return v;
    let s = v;
    if (s.startsWith(x)) s = s.slice(x.length);
    if (s.endsWith(x)) s = s.slice(0, s.length - x.length);
    return s;
  }),
  'indices/1': fn(indicesOf),
  '_indices/1': fn(indicesOf),
  // jq: def index($i): indices($i) | .[0]; def rindex($i): indices($i) | .[-1:][0];
  'index/1': fn((v, x) => index(indicesOf(v, x), 0)),
  'rindex/1': fn((v, x) => {
    const r = indicesOf(v, x);
    if (Array.isArray(r)) return r.length === 0 ? null : r[r.length - 1];
    return index(slice(r, -1, null), 0);
  }),
  '_strindices/1': fn((v, x) => {
    const s = str(v, 'cannot be searched, as it is not a string');
    return stringIndices(s, str(x, 'is not a string')) ?? [];
  }),
  'toboolean/0': fn((v) => {
    if (typeof v === 'boolean') return v;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw runtimeError(`${describe(v)} cannot be parsed as a boolean`);
  }),
  'bsearch/1': fn((v, x) => {
    if (!Array.isArray(v)) throw runtimeError(`${describe(v)} cannot be searched from`);
    let lo = 0;
    let hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compare(v[mid], x);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1 - lo;
  }),
  'ascii/0': fn((v) => String.fromCharCode(v as number)),
};
