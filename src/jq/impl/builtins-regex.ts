/**
 * `_match_impl(re; flags; test)`, the native under jq's `match`, `test`, `capture`, `scan`, `split`,
 * `splits`, `sub` and `gsub` (defined in jq in builtins-jq.ts). Offsets and lengths count code points.
 */
import { runtimeError } from './errors';
import { cartesian, costed } from './native';
import type { RegexCache } from './regex';
import { INVALID_PATH } from './runtime';
import type { NativeTable } from './scope';
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

export function matchAll(regex: RegexCache, input: unknown, re: unknown, flags: unknown, testOnly: boolean): unknown {
  if (typeof input !== 'string') throw runtimeError(`${describe(input)} cannot be matched, as it is not a string`);
  const c = regex.compile(re, flags);
  // without `n`, any match (empty or not) answers `test`
  if (testOnly && !c.skipEmpty) return c.test(input);
  const out: unknown[] = [];
  const cpAt = cpCounter(input);
  let from = 0;
  for (;;) {
    const m = c.exec(input, from);
    if (m === null) break;
    const [start, end] = m;
    const empty = start === end;
    if (!(c.skipEmpty && empty)) {
      if (testOnly) return true;
      out.push(matchObject(input, m, c.names, cpAt));
      if (!c.global) break;
    }
    if (start >= input.length) break;
    // after an empty match the search moves on by one code point, as Oniguruma's ONIG_OPTION_FIND_NOT_EMPTY loop does
    from = empty ? start + (isHighSurrogate(input, start) ? 2 : 1) : end;
  }
  return testOnly ? false : out;
}

export const REGEX_NATIVES: NativeTable = {
  // the regex cache belongs to the engine compiling the program: resolved once, at compile time
  '_match_impl/3': {
    make: (args, scope) => {
      const regex = scope.lib.regex;
      return (i, p, e, emit) =>
        cartesian(args, i, e, ([re, flags, test]) => {
          const v = costed(e.ctx, i, () => matchAll(regex, i, re, flags, test === true));
          emit(v, p === null ? null : INVALID_PATH);
        });
    },
  },
};
