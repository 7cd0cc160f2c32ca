/**
 * Reader and runner for jq's own test files (jq.test format): blocks of program, input and expected
 * outputs separated by blank lines; `%%FAIL` blocks expect a compile error. Used by conformance.spec.ts.
 */
import { JqError, type Engine, type EvalOptions, type Program } from './index';
import { equals } from './impl/values';

export interface ConformanceCase {
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly program: string;
  readonly input?: string;
  readonly expected: string[];
  readonly fail: boolean;
}

export function parseTestFile(file: string, text: string): ConformanceCase[] {
  const lines = text.split('\n');
  const cases: ConformanceCase[] = [];
  let i = 0;
  const skip = (l: string): boolean => l.trim() === '' || l.startsWith('#');
  while (i < lines.length) {
    if (skip(lines[i])) {
      i++;
      continue;
    }
    const start = i;
    let fail = false;
    if (lines[i].startsWith('%%FAIL')) {
      fail = true;
      i++;
    }
    const program = lines[i++];
    const block: string[] = [];
    while (i < lines.length && lines[i].trim() !== '') {
      // jq's test driver skips comment lines anywhere, including inside a block
      if (!lines[i].startsWith('#')) block.push(lines[i]);
      i++;
    }
    const id = `${file}:${start + 1}`;
    if (fail) cases.push({ id, file, line: start + 1, program, expected: block, fail: true });
    else cases.push({ id, file, line: start + 1, program, input: block[0], expected: block.slice(1), fail: false });
  }
  return cases;
}

/** Parses a JSON text like jq's test driver (accepts nan). */
function parseValue(text: string): unknown {
  const t = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(t);
  } catch {
    // jq's parser also accepts nan/NaN and Infinity; revive them outside string literals
    const marked = t.replace(
      /("(?:[^"\\]|\\.)*")|(-?\bNaN\b|\bnan\b)|(-?)\bInfinity\b/g,
      (m, str: string | undefined, nan: string | undefined, sign: string | undefined) =>
        str !== undefined ? str : nan !== undefined ? '"__jq_nan__"' : `${sign ?? ''}1.7976931348623157e308`,
    );
    return JSON.parse(marked, (_k, v: unknown) => (v === '__jq_nan__' ? NaN : v));
  }
}

/** Runs one case; returns null when it passes, or a reason. */
export function runCase(jq: Engine, c: ConformanceCase): string | null {
  if (c.fail) {
    try {
      jq.compile(c.program).evaluate(null, { budget: { maxSteps: 100_000 } });
      return 'expected a compile error';
    } catch (e) {
      return e instanceof JqError && (e.code === 'parse' || e.code === 'compile')
        ? null
        : `expected a compile error, got ${String(e)}`;
    }
  }
  let expected: unknown[];
  try {
    expected = c.expected.map(parseValue);
  } catch {
    return 'unparseable expected output';
  }
  // Like jq's driver: an error raised after every expected output was produced does not fail the case.
  const outputs: unknown[] = [];
  let error: string | null = null;
  try {
    const input = parseValue(c.input ?? 'null');
    const program = jq.compile(c.program) as Program & {
      stream(input: unknown, options: EvalOptions, sink: (v: unknown) => void): void;
    };
    program.stream(input, { now: () => 1425599621, env: { PAGER: 'less' }, budget: { maxSteps: 5_000_000 } }, (v) => {
      outputs.push(v);
    });
  } catch (e) {
    error = `error: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (outputs.length !== expected.length || !outputs.every((v, k) => sameValue(v, expected[k]))) {
    return error ?? `got ${JSON.stringify(outputs)}`;
  }
  return null;
}

/** jq's test driver compares with jv_equal; NaN outputs print as null. */
function sameValue(a: unknown, b: unknown): boolean {
  return equals(normalizeNaN(a), b);
}

function normalizeNaN(v: unknown): unknown {
  if (typeof v === 'number')
    return v !== v ? null : v === Infinity ? 1.7976931348623157e308 : v === -Infinity ? -1.7976931348623157e308 : v;
  if (Array.isArray(v)) return v.map(normalizeNaN);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = normalizeNaN(x);
    return o;
  }
  return v;
}

export interface KnownFailure {
  readonly category: string;
  readonly reason: string;
}

/** The Markdown table of known failures that docs/jq.md embeds (kept in sync by conformance.spec.ts). */
export function knownFailuresTable(known: Record<string, KnownFailure>, cases: readonly ConformanceCase[]): string {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const rows = Object.entries(known).map(([id, f]) => {
    const program = (byId.get(id)?.program ?? '').replace(/\|/g, '\\|').replace(/`/g, "'");
    const shown = program.length > 60 ? program.slice(0, 57) + '...' : program;
    return `| ${id} | \`${shown}\` | ${f.category} | ${f.reason} |`;
  });
  return ['| case | program | category | reason |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
