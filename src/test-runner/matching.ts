/**
 * How a test compares what it wrote with what happened: strings as exact text or `*` globs (mock
 * patterns), values as JSON subsets (mock bodies, `outputIncludes`, `error`), and a first difference
 * described by JSON pointer so a failing test says where it differs.
 */
import { joinPointer } from '../zigflow/dsl/pointers';

/** `*` matches any run of characters (`/` included); everything else is literal. */
export function globMatches(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(text);
}

/**
 * Where `actual` first differs from `expected`, or undefined when it does not. With `subset`, objects
 * may hold more keys than expected (recursively); arrays always compare element by element with the same
 * length, like Jest's `toMatchObject`. Strings in `expected` may be globs when `globs` is set.
 */
export function firstDifference(
  expected: unknown,
  actual: unknown,
  options: { subset: boolean; globs?: boolean },
  pointer = '',
): string | undefined {
  if (options.globs && typeof expected === 'string' && typeof actual === 'string') {
    return globMatches(expected, actual) ? undefined : mismatch(pointer, expected, actual);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return mismatch(pointer, expected, actual);
    if (expected.length !== actual.length) {
      return `${where(pointer)}: expected ${expected.length} items, got ${actual.length} (${preview(actual)})`;
    }
    for (let i = 0; i < expected.length; i++) {
      const diff = firstDifference(expected[i], actual[i], options, joinPointer(pointer, i));
      if (diff) return diff;
    }
    return undefined;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return mismatch(pointer, expected, actual);
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) return `${where(joinPointer(pointer, key))}: missing (expected ${preview(expected[key])})`;
      const diff = firstDifference(expected[key], actual[key], options, joinPointer(pointer, key));
      if (diff) return diff;
    }
    if (!options.subset) {
      const extra = Object.keys(actual).find((k) => !(k in expected));
      if (extra !== undefined) return `${where(joinPointer(pointer, extra))}: not expected (${preview(actual[extra])})`;
    }
    return undefined;
  }
  return Object.is(expected, actual) || (expected === null && actual === undefined)
    ? undefined
    : mismatch(pointer, expected, actual);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mismatch(pointer: string, expected: unknown, actual: unknown): string {
  return `${where(pointer)}: expected ${preview(expected)}, got ${preview(actual)}`;
}

function where(pointer: string): string {
  return pointer === '' ? 'the value' : pointer;
}

/** A bounded JSON preview for messages. */
export function preview(value: unknown, max = 120): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
