/**
 * Validation problems as data: every problem a document has, with the JSON pointer of the offending
 * value and, when the YAML source is known, its 1-based line and column.
 */

export type ProblemKind = 'yaml' | 'schema' | 'semantic' | 'limits';

export interface ValidationProblem {
  kind: ProblemKind;
  message: string;
  /** RFC 6901 JSON pointer into the document ('' is the whole document). */
  pointer: string;
  line?: number;
  column?: number;
}

/**
 * A problem while it is being built: `atKey` asks for the position of the map key rather than of its
 * value (an unknown property is the key's fault). Stripped before problems leave the loader.
 */
export interface DraftProblem extends ValidationProblem {
  atKey?: boolean;
  /** Offset inside the string value (e.g. of a jq parse error), mapped to a column when the scalar allows. */
  valueOffset?: number;
}

/** Names for a message, bounded: a document may hold thousands of tasks. */
export function listNames(names: Iterable<string>, max = 10): string {
  const all = [...names];
  return all.length > max ? `${all.slice(0, max).join(', ')}, … ${all.length - max} more` : all.join(', ');
}

/**
 * Orders problems by source position (problems without one go last, by pointer), so an author reads them
 * top to bottom; exact duplicates (same kind, pointer and message) are dropped.
 */
export function sortProblems(problems: ValidationProblem[]): ValidationProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.kind}\u0000${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const big = Number.MAX_SAFE_INTEGER;
  return unique.sort(
    (a, b) =>
      (a.line ?? big) - (b.line ?? big) ||
      (a.column ?? big) - (b.column ?? big) ||
      (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0),
  );
}

/** Renders a problem the way the CLI prints it: `line:column pointer: message`. */
export function formatProblem(p: ValidationProblem): string {
  const where = p.line !== undefined ? `${p.line}:${p.column ?? 1}` : '-';
  return `${where} ${p.pointer || '/'} [${p.kind}] ${p.message}`;
}
