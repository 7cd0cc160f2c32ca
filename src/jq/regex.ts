import { runtimeError } from './errors';
import { fn, type NativeTable } from './native';
import { describe } from './values';

interface Compiled {
  readonly re: RegExp;
  readonly names: (string | null)[];
  readonly global: boolean;
  readonly skipEmpty: boolean;
}

const POSIX: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

/** Translates Oniguruma (Perl_NT syntax) to a JS pattern and lists the capture group names in order. */
function translate(src: string, extended: boolean): { pattern: string; names: (string | null)[] } {
  let out = '';
  const names: (string | null)[] = [];
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const d = src[i + 1] ?? '';
      i++;
      if (d === 'A' && !inClass) out += '^';
      else if (d === 'z' && !inClass) out += '$(?![\\s\\S])';
      else if (d === 'Z' && !inClass) out += '(?=\\n?$(?![\\s\\S]))';
      else if (d === 'h') out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]';
      else if (d === 'H') out += '[^0-9a-fA-F]';
      else out += '\\' + d;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const cls = end > 0 ? POSIX[src.slice(i + 2, end)] : undefined;
        if (cls !== undefined) {
          out += cls;
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    if (extended && /\s/.test(c)) continue;
    if (extended && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i];
      continue;
    }
    if (c === '(') {
      if (src[i + 1] !== '?') names.push(null);
      else if (src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') {
        const end = src.indexOf('>', i);
        names.push(src.slice(i + 3, end));
      } else if (src[i + 2] === 'P' && src[i + 3] === '<') {
        const end = src.indexOf('>', i);
        names.push(src.slice(i + 4, end));
        out += '(?<' + src.slice(i + 4, end) + '>';
        i = end;
        continue;
      }
    }
    out += c;
  }
  return { pattern: out, names };
}

function compileRegex(re: unknown, flags: unknown): Compiled {
  if (typeof re !== 'string') throw runtimeError(`${describe(re)} cannot be matched, as it is not a string`);
  if (flags !== null && typeof flags !== 'string') throw runtimeError(`${describe(flags)} is not a string`);
  const f = flags ?? '';
  let js = 'd';
  for (const ch of f) {
    if (ch === 'i') js += 'i';
    else if (ch === 'p') js += 's';
    else if (!'gnxsl'.includes(ch)) throw runtimeError(`${f} is not a valid modifier string`);
  }
  const { pattern, names } = translate(re, f.includes('x'));
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, js + 'gu');
  } catch {
    try {
      compiled = new RegExp(pattern, js + 'g');
    } catch (e) {
      throw runtimeError(`${re} (at offset 0) is not a valid regex: ${(e as Error).message}`);
    }
  }
  return { re: compiled, names, global: f.includes('g'), skipEmpty: f.includes('n') };
}

/** Code-point offset of a UTF-16 index. */
function cpOffset(s: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
    n++;
  }
  return n;
}

function cpLen(s: string): number {
  return cpOffset(s, s.length);
}

/**
 * Converts increasing UTF-16 indices of one string to code-point offsets, counting on from the previous index
 * so that a global match over a long string stays linear instead of rescanning from the start per match.
 */
function cpCounter(s: string): (index: number) => number {
  let at = 0;
  let cp = 0;
  return (index) => {
    if (index < at) {
      at = 0;
      cp = 0;
    }
    for (; at < index; at++, cp++) {
      const c = s.charCodeAt(at);
      if (c >= 0xd800 && c <= 0xdbff) at++;
    }
    return cp;
  };
}

function matchObject(m: RegExpExecArray, names: (string | null)[], cpAt: (index: number) => number): unknown {
  const idx = (m as RegExpExecArray & { indices: ([number, number] | undefined)[] }).indices;
  const offset = cpAt(m.index); // before the captures, which lie at or after it, so the counter only moves on
  const captures = names.map((name, k) => {
    const r = idx[k + 1];
    const str = m[k + 1];
    if (r === undefined || str === undefined) return { offset: -1, length: 0, string: null, name };
    return { offset: cpAt(r[0]), length: cpLen(str), string: str, name };
  });
  return { offset, length: cpLen(m[0]), string: m[0], captures };
}

export function matchAll(input: unknown, re: unknown, flags: unknown, testOnly: boolean): unknown {
  if (typeof input !== 'string') throw runtimeError(`${describe(input)} cannot be matched, as it is not a string`);
  const c = compileRegex(re, flags);
  const out: unknown[] = [];
  const cpAt = cpCounter(input);
  c.re.lastIndex = 0;
  for (;;) {
    const m = c.re.exec(input);
    if (m === null) break;
    if (m[0] === '')
      c.re.lastIndex =
        m.index + 1 + (input.charCodeAt(m.index) >= 0xd800 && input.charCodeAt(m.index) <= 0xdbff ? 1 : 0);
    if (!(c.skipEmpty && m[0] === '')) {
      if (testOnly) return true;
      out.push(matchObject(m, c.names, cpAt));
      if (!c.global) break;
    }
    if (m.index >= input.length) break;
  }
  return testOnly ? false : out;
}

export const REGEX_NATIVES: NativeTable = {
  '_match_impl/3': fn((v, re, flags, test) => matchAll(v, re, flags, test === true)),
};
