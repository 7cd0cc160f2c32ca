/**
 * jq's regular expressions (Oniguruma syntax, Perl_NT flavour) with bounded matching time. A pattern
 * without repetition (`*`, `+`, `?`, `{n,m}`) and with few alternatives cannot backtrack catastrophically:
 * it runs on JavaScript's RegExp, whose work per start position is bounded by the pattern. Every other
 * pattern runs on the host's linear-time engine (RE2 syntax, see RegexEngine), which has no backreferences
 * or lookaround: such a pattern is refused with a clear error instead of matching in exponential time.
 */
import { runtimeError } from './errors';
import { describe } from './values';

/** A linear-time regular expression engine supplied by the host, speaking RE2 syntax (e.g. re2js). */
export interface RegexEngine {
  /** Compiles an RE2 pattern; throws an Error whose message says what is wrong with it. */
  compile(pattern: string, flags: RegexFlags): RegexProgram;
}

export interface RegexFlags {
  readonly ignoreCase: boolean;
  /** `.` matches newlines too. */
  readonly dotAll: boolean;
}

export interface RegexProgram {
  /**
   * The leftmost-first match starting at or after UTF-16 index `from`: `[start, end]` UTF-16 indices of the
   * whole match, then of each capture group (`-1, -1` for a group that took no part), or null. `^` and `\A`
   * match at index 0 only, whatever `from` is.
   */
  exec(input: string, from: number): readonly number[] | null;
  /** Whether the pattern matches anywhere in `input` (no captures: engines answer this fastest). */
  test(input: string): boolean;
}

/** A compiled jq regex: capture names in order and the jq flags that drive the match loop. */
interface Compiled {
  readonly names: readonly (string | null)[];
  readonly global: boolean;
  readonly skipEmpty: boolean;
  readonly exec: (input: string, from: number) => readonly number[] | null;
  readonly test: (input: string) => boolean;
}

/** More alternatives than this could multiply backtracking paths: such patterns go to the linear engine. */
const MAX_NATIVE_ALTERNATIVES = 4;
const CACHE_LIMIT = 500;

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

/** A pattern in both target syntaxes, with what decides which engine may run it. */
interface Translation {
  readonly js: string;
  readonly re2: string;
  readonly names: (string | null)[];
  /** Repetition operators outside classes. */
  readonly quantifiers: number;
  readonly alternatives: number;
  /** The first construct RE2 cannot run (backreference, lookaround, `\Z`), with its offset. */
  readonly unsupported: { readonly what: string; readonly at: number } | null;
}

/** One escape sequence (`at` is just after the backslash) in both syntaxes; `length` characters follow the backslash. */
function translateEscape(
  src: string,
  at: number,
  inClass: boolean,
): { js: string; re2: string; length: number; unsupported?: string } {
  const d = src[at] ?? '';
  const same = (s: string): { js: string; re2: string; length: number } => ({ js: s, re2: s, length: 1 });
  if (d === 'h') return same(inClass ? '0-9a-fA-F' : '[0-9a-fA-F]');
  if (d === 'H') return same('[^0-9a-fA-F]');
  if (d === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(at + 1, at + 5))) {
    const hex = src.slice(at + 1, at + 5);
    return { js: '\\u' + hex, re2: '\\x{' + hex + '}', length: 5 };
  }
  if (inClass) return same('\\' + d);
  if (d === 'A') return { js: '^', re2: '\\A', length: 1 };
  if (d === 'z') return { js: '$(?![\\s\\S])', re2: '\\z', length: 1 };
  if (d === 'Z') return { js: '(?=\\n?$(?![\\s\\S]))', re2: '', length: 1, unsupported: '\\Z' };
  if ((d >= '1' && d <= '9') || d === 'k') return { ...same('\\' + d), unsupported: 'a backreference' };
  return same('\\' + d);
}

/** Translates Oniguruma (Perl_NT syntax) to JavaScript and RE2 patterns and lists the capture names in order. */
function translate(src: string, extended: boolean): Translation {
  let js = '';
  let re2 = '';
  const names: (string | null)[] = [];
  let quantifiers = 0;
  let alternatives = 0;
  let unsupported: { what: string; at: number } | null = null;
  const refuse = (what: string, at: number): void => {
    unsupported ??= { what, at };
  };
  const both = (s: string): void => {
    js += s;
    re2 += s;
  };
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const e = translateEscape(src, i + 1, inClass);
      js += e.js;
      re2 += e.re2;
      if (e.unsupported !== undefined) refuse(e.unsupported, i);
      i += e.length;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const cls = end > 0 ? POSIX[src.slice(i + 2, end)] : undefined;
        if (cls !== undefined) {
          both(cls);
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      both(c === '[' ? '\\[' : c);
      continue;
    }
    if (extended && /\s/.test(c)) continue;
    if (extended && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      both(c);
      if (src[i + 1] === '^') both(src[++i]);
      if (src[i + 1] === ']') both('\\' + src[++i]);
      continue;
    }
    if (
      c === '*' ||
      c === '+' ||
      (c === '?' && src[i - 1] !== '(') ||
      (c === '{' && /^\{\d*,?\d*\}/.test(src.slice(i)))
    )
      quantifiers++;
    if (c === '|') alternatives++;
    if (c === '(' && src[i + 1] === '?') {
      const kind = src.slice(i + 2, i + 4);
      if (kind[0] === '=' || kind[0] === '!' || kind === '<=' || kind === '<!') refuse('lookaround', i);
      else if (kind[0] === '<' || kind === 'P<') {
        // a named group: Oniguruma's (?<name>...) and Python's (?P<name>...); JavaScript knows only the first
        const open = kind === 'P<' ? i + 4 : i + 3;
        const end = src.indexOf('>', open);
        const name = src.slice(open, end < 0 ? src.length : end);
        names.push(name);
        js += '(?<' + name + '>';
        re2 += '(?P<' + name + '>';
        i = end < 0 ? src.length : end;
        continue;
      }
    } else if (c === '(') names.push(null);
    both(c);
  }
  return { js, re2, names, quantifiers, alternatives, unsupported };
}

function invalid(re: string, at: number, why: string): never {
  throw runtimeError(`${re} (at offset ${at}) is not a valid regex: ${why}`);
}

/** JavaScript's RegExp for a pattern that cannot backtrack catastrophically. */
function nativeProgram(t: Translation, re: string, ignoreCase: boolean, dotAll: boolean): RegexProgram {
  const flags = 'dg' + (ignoreCase ? 'i' : '') + (dotAll ? 's' : '');
  let compiled: RegExp;
  try {
    compiled = new RegExp(t.js, flags + 'u');
  } catch {
    try {
      compiled = new RegExp(t.js, flags);
    } catch (e) {
      invalid(re, 0, (e as Error).message);
    }
  }
  const groups = t.names.length;
  return {
    exec(input, from) {
      compiled.lastIndex = from;
      const m = compiled.exec(input);
      if (m === null) return null;
      const indices = (m as RegExpExecArray & { indices: ([number, number] | undefined)[] }).indices;
      const out = new Array<number>(2 * (groups + 1));
      for (let k = 0; k <= groups; k++) {
        const r = indices[k];
        out[2 * k] = r === undefined ? -1 : r[0];
        out[2 * k + 1] = r === undefined ? -1 : r[1];
      }
      return out;
    },
    test(input) {
      compiled.lastIndex = 0;
      return compiled.test(input);
    },
  };
}

/** The compiled regular expressions of one Engine, by pattern and flags (bounded LRU). */
export class RegexCache {
  private readonly cache = new Map<string, Compiled>();

  constructor(private readonly engine: RegexEngine | undefined) {}

  compile(re: unknown, flags: unknown): Compiled {
    if (typeof re !== 'string') throw runtimeError(`${describe(re)} cannot be matched, as it is not a string`);
    if (flags !== null && typeof flags !== 'string') throw runtimeError(`${describe(flags)} is not a string`);
    const f = flags ?? '';
    const key = f + '\u0000' + re;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const compiled = this.build(re, f);
    this.cache.set(key, compiled);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    return compiled;
  }

  private build(re: string, f: string): Compiled {
    for (const ch of f) if (!'gixnslp'.includes(ch)) throw runtimeError(`${f} is not a valid modifier string`);
    const t = translate(re, f.includes('x'));
    const ignoreCase = f.includes('i');
    const dotAll = f.includes('p');
    const native = t.quantifiers === 0 && t.alternatives <= MAX_NATIVE_ALTERNATIVES;
    const program = native ? nativeProgram(t, re, ignoreCase, dotAll) : this.linearProgram(t, re, ignoreCase, dotAll);
    return {
      names: t.names,
      global: f.includes('g'),
      skipEmpty: f.includes('n'),
      exec: (input, from) => program.exec(input, from),
      test: (input) => program.test(input),
    };
  }

  private linearProgram(t: Translation, re: string, ignoreCase: boolean, dotAll: boolean): RegexProgram {
    if (t.unsupported !== null) {
      invalid(
        re,
        t.unsupported.at,
        `${t.unsupported.what} is not supported in a pattern with repetition (*, +, ?, {n,m}), ` +
          'which must match in linear time',
      );
    }
    if (this.engine === undefined)
      invalid(re, 0, 'a pattern with repetition needs a linear-time regex engine, and this jq engine has none');
    try {
      return this.engine.compile(t.re2, { ignoreCase, dotAll });
    } catch (e) {
      invalid(re, 0, e instanceof Error ? e.message : String(e));
    }
  }
}
