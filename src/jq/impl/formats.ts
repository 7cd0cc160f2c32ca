import { runtimeError } from './errors';
import { utf8Decode, utf8Encode } from './strings';
import { describe, toJson, typeOf } from './values';

/** `tostring`: strings unchanged, everything else as compact JSON. */
export function toStringValue(v: unknown): string {
  return typeof v === 'string' ? v : toJson(v);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Encode(s: string): string {
  const bytes = utf8Encode(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

export function base64Decode(s: string): string {
  const { bytes, count } = decodeBits(s, B64, 6, 'base64');
  if (count % 4 === 1) throw runtimeError(`${describe(s)} trailing base64 byte found`);
  return utf8Decode(bytes);
}

/** The bytes that base64/base32 text (`width` bits per character of `alphabet`) holds before its first `=`. */
function decodeBits(s: string, alphabet: string, width: number, name: string): { bytes: number[]; count: number } {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  let count = 0;
  for (const ch of s) {
    if (ch === '=') break;
    const v = alphabet.indexOf(ch);
    if (v < 0) throw runtimeError(`${describe(s)} is not valid ${name} data`);
    count++;
    // at most 7 + width bits are pending: 16 bits hold them
    acc = ((acc << width) | v) & 0xffff;
    bits += width;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return { bytes, count };
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(s: string): string {
  const bytes = utf8Encode(s);
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function base32Decode(s: string): string {
  return utf8Decode(decodeBits(s, B32, 5, 'base32').bytes);
}

const HTML: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };

function uriEncode(s: string): string {
  let out = '';
  for (const b of utf8Encode(s)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function uriDecode(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (s[i] === '%') throw runtimeError(`${describe(s)} is not a valid uri encoding`);
    else bytes.push(...utf8Encode(s[i]));
  }
  return utf8Decode(bytes);
}

function csvField(v: unknown, fmt: 'csv' | 'tsv'): string {
  switch (typeOf(v)) {
    case 'number':
      return toJson(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'null':
      return '';
    case 'string': {
      const s = v as string;
      if (fmt === 'csv') return '"' + s.replace(/"/g, '""') + '"';
      return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
    }
    default:
      throw runtimeError(`${describe(v)} is not valid in a csv row`);
  }
}

function shQuote(v: unknown): string {
  switch (typeOf(v)) {
    case 'string':
      return "'" + (v as string).replace(/'/g, "'\\''") + "'";
    case 'array':
    case 'object':
      throw runtimeError(`${describe(v)} can not be escaped for shell`);
    default:
      return toJson(v);
  }
}

export const FORMATS: ReadonlySet<string> = new Set([
  'text',
  'json',
  'html',
  'uri',
  'urid',
  'csv',
  'tsv',
  'sh',
  'base64',
  'base64d',
  'base32',
  'base32d',
]);

/** Applies an @format to a value (the whole input of `@fmt`, or one interpolated value). */
export function applyFormat(name: string, v: unknown): string {
  switch (name) {
    case 'text':
      return toStringValue(v);
    case 'json':
      return toJson(v);
    case 'html':
      return toStringValue(v).replace(/[<>&'"]/g, (c) => HTML[c]);
    case 'uri':
      return uriEncode(toStringValue(v));
    case 'urid':
      return uriDecode(toStringValue(v));
    case 'csv':
    case 'tsv': {
      if (!Array.isArray(v)) throw runtimeError(`${describe(v)} cannot be ${name}-formatted, only an array can be`);
      return v.map((x) => csvField(x, name)).join(name === 'csv' ? ',' : '\t');
    }
    case 'sh':
      return Array.isArray(v) ? v.map(shQuote).join(' ') : shQuote(v);
    case 'base64':
      return base64Encode(toStringValue(v));
    case 'base64d':
      return base64Decode(toStringValue(v));
    case 'base32':
      return base32Encode(toStringValue(v));
    case 'base32d':
      return base32Decode(toStringValue(v));
    default:
      throw runtimeError(`${name}/0 is not a valid format`);
  }
}

/** Inside `@fmt "...\(x)..."` each interpolated value is formatted; plain strings use tostring. */
export function formatString(name: string, v: unknown): string {
  return applyFormat(name, v);
}
