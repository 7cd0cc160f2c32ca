/**
 * Resource limits on workflow documents. They run before the YAML parser so that a hostile document
 * (megabytes of text, `[[[[...` a million levels deep) is refused in linear time with a clear reason,
 * instead of exhausting the parser's stack or the worker's memory.
 */
import { ValidationProblem } from './problems';
import { joinPointer } from '../dsl/pointers';

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;
/** Aliases that may be expanded while turning YAML into JSON (billion-laughs guard). */
export const MAX_ALIAS_COUNT = 100;

/** UTF-8 length of a string, stopping early once it exceeds `limit` (no Node Buffer: the loader is pure). */
export function utf8Length(text: string, limit = Infinity): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function checkSize(text: string, maxBytes: number): ValidationProblem | undefined {
  const bytes = utf8Length(text, maxBytes);
  if (bytes <= maxBytes) return undefined;
  return {
    kind: 'limits',
    pointer: '',
    message: `document is larger than the limit of ${maxBytes} bytes`,
  };
}

interface ScanState {
  flow: number;
  indents: number[];
  /** Indentation of a block scalar header line while its content is being skipped. */
  blockScalarIndent: number | undefined;
}

/**
 * Estimates the nesting depth of YAML text line by line: the block indentation stack, compact
 * sequence/complex-key indicators (`- - -`, `? ? ?`) and flow brackets outside quotes and comments.
 * It is a guard against parser stack exhaustion; the exact depth is checked after parsing.
 * Returns the offset where the limit is first exceeded, or undefined.
 */
export function scanDepth(text: string, maxDepth: number): number | undefined {
  const state: ScanState = { flow: 0, indents: [], blockScalarIndent: undefined };
  let offset = 0;
  while (offset <= text.length) {
    const end = nextLineEnd(text, offset);
    const exceeded = scanLine(text, offset, end, state, maxDepth);
    if (exceeded !== undefined) return exceeded;
    offset = end + 1;
  }
  return undefined;
}

function nextLineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

function scanLine(text: string, start: number, end: number, state: ScanState, maxDepth: number): number | undefined {
  let i = start;
  while (i < end && text[i] === ' ') i++;
  const indent = i - start;
  if (i >= end || text[i] === '#' || text[i] === '\r') return undefined;
  if (state.blockScalarIndent !== undefined) {
    if (indent > state.blockScalarIndent) return undefined;
    state.blockScalarIndent = undefined;
  }
  if (state.flow === 0) {
    while (state.indents.length > 0 && state.indents[state.indents.length - 1] >= indent) state.indents.pop();
    state.indents.push(indent);
    while (i + 1 < end && (text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
      state.indents.push(i);
      i += 2;
      while (i < end && text[i] === ' ') i++;
      if (state.indents.length > maxDepth) return i;
    }
    if (state.indents.length > maxDepth) return i;
  }
  return scanFlow(text, i, end, state, maxDepth, indent);
}

/** Counts flow brackets on one line; in block context only a bracket that starts a value opens a flow. */
function scanFlow(
  text: string,
  from: number,
  end: number,
  state: ScanState,
  maxDepth: number,
  indent: number,
): number | undefined {
  let quote: string | undefined;
  let valueStart = true;
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if ((c === '"' || c === "'") && (state.flow > 0 || valueStart)) quote = c;
    else if (c === '#' && (i === from || text[i - 1] === ' ')) return undefined;
    else if ((c === '[' || c === '{') && (state.flow > 0 || valueStart)) {
      state.flow++;
      if (state.flow + state.indents.length > maxDepth) return i;
    } else if ((c === ']' || c === '}') && state.flow > 0) state.flow--;
    else if ((c === '|' || c === '>') && state.flow === 0 && valueStart) state.blockScalarIndent = indent;
    if (c !== ' ')
      valueStart = state.flow > 0 ? c === ',' || c === '[' || c === '{' || c === ':' : c === ':' || c === '-';
  }
  return undefined;
}

/**
 * Exact depth of a parsed value (the root map is level 1), iteratively (a recursive walk is what the limit protects against).
 * Returns the pointer of the first value nested deeper than `maxDepth`, or undefined.
 */
export function findTooDeep(value: unknown, maxDepth: number): string | undefined {
  const stack: { value: unknown; depth: number; pointer: string }[] = [{ value, depth: 1, pointer: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth > maxDepth) return item.pointer;
    const entries = Array.isArray(item.value)
      ? item.value.map((v, i) => [String(i), v] as const)
      : Object.entries(item.value);
    for (let k = entries.length - 1; k >= 0; k--) {
      stack.push({ value: entries[k][1], depth: item.depth + 1, pointer: joinPointer(item.pointer, entries[k][0]) });
    }
  }
  return undefined;
}
