/**
 * `_match_impl(re; flags; test)`, the native under jq's `match`, `test`, `capture`, `scan`, `split`,
 * `splits`, `sub` and `gsub` (defined in jq in builtins-jq.ts). Offsets and lengths count code points.
 */
import { runtimeError } from './errors';
import { cartesian, costed } from './native';
import { add } from './ops';
import type { RegexCache } from './regex';
import { collect, valueOnly } from './combinators';
import { charge, checkString, INVALID_PATH, type Env, type Fn } from './runtime';
import type { Native, NativeTable } from './scope';
import { describe } from './values';

function cpLen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
    n++;
  }
  return n;
}

/**
 * Converts UTF-16 indices of one string to code-point offsets, counting on from the previous index so that
 * a global match over a long string stays linear instead of rescanning from the start per match.
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

function matchObject(
  input: string,
  m: readonly number[],
  names: readonly (string | null)[],
  cpAt: (index: number) => number,
): unknown {
  const string = input.slice(m[0], m[1]);
  const offset = cpAt(m[0]); // before the captures, which usually lie at or after it: the counter moves on
  const captures = names.map((name, k) => {
    const start = m[2 * k + 2];
    const end = m[2 * k + 3];
    if (start < 0) return { offset: -1, length: 0, string: null, name };
    const str = input.slice(start, end);
    return { offset: cpAt(start), length: cpLen(str), string: str, name };
  });
  return { offset, length: cpLen(string), string, captures };
}

function isHighSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
}

/** Calls `visit` with each match jq reports (`[start, end, ...groups]`, UTF-16 indices); stops when it returns false. */
function eachMatch(
  c: ReturnType<RegexCache['compile']>,
  input: string,
  visit: (m: readonly number[]) => boolean,
): void {
  let from = 0;
  for (;;) {
    const m = c.exec(input, from);
    if (m === null) return;
    const [start, end] = m;
    const empty = start === end;
    if (!(c.skipEmpty && empty) && (!visit(m) || !c.global)) return;
    if (start >= input.length) return;
    // after an empty match the search moves on by one code point, as jq's match loop does
    from = empty ? start + (isHighSurrogate(input, start) ? 2 : 1) : end;
  }
}

function matchInput(input: unknown): string {
  if (typeof input !== 'string') throw runtimeError(`${describe(input)} cannot be matched, as it is not a string`);
  return input;
}

export function matchAll(regex: RegexCache, input: unknown, re: unknown, flags: unknown, testOnly: boolean): unknown {
  const s = matchInput(input);
  const c = regex.compile(re, flags);
  // without `n`, any match (empty or not) answers `test`
  if (testOnly && !c.skipEmpty) return c.test(s);
  let found = false;
  const out: unknown[] = [];
  const cpAt = cpCounter(s);
  eachMatch(c, s, (m) => {
    found = true;
    if (!testOnly) out.push(matchObject(s, m, c.names, cpAt));
    return !testOnly;
  });
  return testOnly ? found : out;
}

/**
 * `split($re; flags)`: the pieces between the matches of a global search, in one pass (jq's definition
 * re-slices the string from its start for every piece, and recurses once per piece).
 */
function splitBy(regex: RegexCache, input: unknown, re: unknown, flags: unknown): string[] {
  const s = matchInput(input);
  const c = regex.compile(re, add('g', flags));
  const pieces: string[] = [];
  let previous = 0;
  eachMatch(c, s, (m) => {
    pieces.push(s.slice(previous, Math.max(previous, m[0])));
    previous = Math.max(previous, m[1]);
    return true;
  });
  pieces.push(s.slice(previous));
  return pieces;
}

/**
 * `sub($re; str; $flags)` in one pass, as jq 1.8 defines it: for each match, the n-th output of `str` (run on
 * the named captures) is appended, after the text since the previous match, to the n-th result; each result
 * ends with the text after the last match. No result (no match, or `str` empty): the input itself.
 */
function substitute(regex: RegexCache, input: unknown, re: unknown, flags: unknown, str: Fn, env: Env): unknown[] {
  const s = matchInput(input);
  const c = regex.compile(re, flags);
  const results: unknown[] = [];
  let previous = 0;
  eachMatch(c, s, (m) => {
    const gap = s.slice(previous, Math.max(previous, m[0]));
    const captures: Record<string, unknown> = {};
    c.names.forEach((name, k) => {
      if (name !== null) captures[name] = m[2 * k + 2] < 0 ? null : s.slice(m[2 * k + 2], m[2 * k + 3]);
    });
    collect(str, captures, env).forEach((insert, ix) => {
      results[ix] = add(ix < results.length ? results[ix] : null, add(gap, insert));
    });
    previous = m[1];
    return true;
  });
  if (results.length === 0) return [s];
  const tail = s.slice(previous);
  return results.map((r) => add(r, tail));
}

/** A native whose value arguments run against the engine's regex cache (resolved once, at compile time). */
function withRegex(impl: (regex: RegexCache, input: unknown, ...args: unknown[]) => unknown): Native {
  return {
    make: (args, scope) => {
      const regex = scope.lib.regex;
      return (i, p, e, emit) =>
        cartesian(args, i, e, (xs) =>
          emit(
            costed(e.ctx, i, () => impl(regex, i, ...xs)),
            p === null ? null : INVALID_PATH,
          ),
        );
    },
  };
}

export const REGEX_NATIVES: NativeTable = {
  '_match_impl/3': withRegex((regex, i, re, flags, test) => matchAll(regex, i, re, flags, test === true)),
  'split/2': withRegex((regex, i, re, flags) => splitBy(regex, i, re, flags)),
  // `$re` and `$flags` bind in order (the pattern varies slowest); `str` runs once per match
  'sub/3': {
    make: ([re, str, flags], scope) => {
      const regex = scope.lib.regex;
      return valueOnly((i, _p, e, emit) =>
        re(i, null, e, (rv) =>
          flags(i, null, e, (fv) => {
            charge(e.ctx, i);
            for (const out of substitute(regex, i, rv, fv, str, e)) {
              charge(e.ctx, out);
              emit(checkString(out, e.ctx), null);
            }
          }),
        ),
      );
    },
  },
};
