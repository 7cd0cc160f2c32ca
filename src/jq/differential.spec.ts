/**
 * Differential tests against real jq 1.8.2 (the jq-wasm development dependency): generated programs over
 * generated JSON inputs must give the same outputs, or both raise an error with the same message.
 */
import fc from 'fast-check';
import { loadJq, type Jq } from 'jq-wasm';
import { createDslJq } from '../zigflow/dsl/jq-engine';
import { JqError } from './index';
import { equals } from './impl/values';

// the engine as workflows run it (RE2 for regular expressions with repetition)
const jq = createDslJq();
const compile = (text: string) => jq.compile(text);

type Outcome = { ok: true; values: unknown[] } | { ok: false; message: string };

function ours(program: string, input: unknown): Outcome {
  try {
    return { ok: true, values: compile(program).evaluate(input) };
  } catch (e) {
    if (e instanceof JqError) return { ok: false, message: e.message };
    throw e;
  }
}

function theirs(jq: Jq, program: string, input: unknown): Outcome {
  // jq-wasm takes a string input as JSON text
  const r = jq.raw(JSON.stringify(input), program, ['-c']);
  const values = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
  if (r.exitCode !== 0) return { ok: false, message: r.stderr.replace(/^jq: error \(at [^)]*\): /, '').trim() };
  return { ok: true, values };
}

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -20, max: 20 }),
    fc.constantFrom('a', 'b', 'xyz', '', 'A b', '1'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const leaf = fc.constantFrom(
  '.',
  '.a',
  '.b',
  '.[0]',
  '.[]?',
  '.a.b?',
  '1',
  '"s"',
  'null',
  'true',
  'length',
  'type',
  'keys?',
  'tostring',
  'tojson',
  '(.. | numbers)',
  'to_entries?',
  'add?',
  'sort?',
  'reverse?',
  'paths?',
  '[.[]?]',
  'not',
  'empty',
  '$__loc__',
  'ascii_downcase?',
  'floor?',
  'tostring | length',
  '.[1:]?',
  'unique?',
  'length > 1',
  'has("a")?',
  'from_entries?',
  'with_entries(.value |= tostring)?',
  '[splits("a")?]',
  'test("a")?',
  '@base64?',
  '@csv?',
  '@tsv?',
  '[tostream]',
  'getpath(["a", 0])?',
  'keys_unsorted?',
  'min_by(.a?)?',
  'unique_by(type)?',
  'flatten?',
  'any?',
  'all?',
  'indices(1)?',
  'index("a")?',
  'ltrimstr("a")?',
  'implode?',
  'explode?',
  'tojson | fromjson',
  '@sh?',
  '@uri?',
  'join(",")?',
  'map_values(type)?',
  'del(.[0])?',
  'walk(if type == "number" then . + 1 else . end)',
  'transpose?',
  '[limit(1; .[]?)]',
  'first(.[]?)',
  '[last(.[]?)]',
  '[nth(1; .[]?)]',
  '[.[]?] | length',
  'tostring | ascii_downcase',
  '[.. | strings]',
  'to_entries? | map(.key)',
  'with_entries(select(.value != null))?',
  '@html?',
  '[.[]? | numbers] | add',
  'abs?',
  '[paths]',
  'splits(", ")?',
  'sub("a"; "b")?',
  'gsub("[ab]"; "X")?',
  '[scan("[a-z]")?]',
  'ascii_upcase?',
  'trim?',
  '@json',
  'min?',
  'max?',
  'sort_by(type)?',
  'group_by(type)?',
);

const program: fc.Arbitrary<string> = fc.letrec((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(tie('p'), fc.constantFrom('+', '-', '*', '==', '!=', '<', '>=', 'and', 'or', '//', '|', ','), tie('p'))
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    tie('p').map((a) => `[${a}]`),
    tie('p').map((a) => `{k: (${a})}`),
    tie('p').map((a) => `map(${a})?`),
    tie('p').map((a) => `select(${a})`),
    tie('p').map((a) => `try (${a}) catch .`),
    tie('p').map((a) => `(${a})?`),
    tie('p').map((a) => `[limit(2; ${a})]`),
    tie('p').map((a) => `first(${a})?`),
    tie('p').map((a) => `reduce (${a}) as $x (0; . + 1)`),
    tie('p').map((a) => `(${a}) as $v | [$v, .]`),
    tie('p').map((a) => `.a |= (${a})`),
    tie('p').map((a) => `"x\\(${a})y"`),
    tie('p').map((a) => `del(.a, .[0]?)?`.replace('.a', `.a`) + ` | (${a})`),
    fc.tuple(tie('p'), tie('p'), tie('p')).map(([a, b, c]) => `if ${a} then ${b} else ${c} end`),
    tie('p').map((a) => `[paths(${a})]?`),
    tie('p').map((a) => `sort_by(${a})?`),
    tie('p').map((a) => `group_by(${a})?`),
  ),
})).p;

describe('differential: this engine vs jq 1.8.2 (jq-wasm)', () => {
  let jq: Jq;
  beforeAll(async () => {
    jq = await loadJq();
  });

  const check = (p: string, input: unknown): void => {
    const a = ours(p, input);
    const b = theirs(jq, p, input);
    if (a.ok && b.ok) {
      const same = a.values.length === b.values.length && a.values.every((v, k) => equals(v, b.values[k]));
      expect({ p, input, values: same ? 'same' : a.values }).toEqual({ p, input, values: same ? 'same' : b.values });
    } else {
      expect({ p, input, ok: a.ok, message: a.ok ? a.values : a.message }).toEqual({
        p,
        input,
        ok: b.ok,
        message: b.ok ? b.values : b.message,
      });
    }
  };

  it('agrees on hand-picked programs', () => {
    const input = { a: [1, 2, { b: 'x' }], b: 'str', c: { d: null, e: [true, false] }, n: 3.5 };
    for (const p of [
      '.a[2].b',
      '[.. | numbers]',
      '[paths]',
      'to_entries',
      'with_entries(.value |= tostring)',
      '.a |= map(tostring)',
      '[.a[] | select(type == "number")] | add',
      'del(.a[0, 2])',
      '[splits("t")?]',
      '.b | test("S"; "i")',
      '[.a[] | tojson] | join(",")',
      '{(.b): .n}',
      'reduce .a[] as $x ([]; [$x] + .)',
      '[foreach .a[] as $x (0; . + 1)]',
      '.n | floor, ceil, round, sqrt',
      'path(.a[0].b?)',
      '[limit(2; .a[])]',
      'getpath(["c","e",1])',
      'tostream',
      '[.a[] | numbers] | {min: min, max: max}',
      '@base64 "v=\\(.b)"',
      '(.a | length) as $n | [range($n)]',
      'try error("x") catch .',
      '.b | ascii_upcase | explode | implode',
      '[.c | .. ] | length',
      'input_line_number',
      '[.[] | type] | unique',
      '.a[1:] | first, last',
      'any(.a[]; . == 2), all(.a[]; . != null)',
      '.b * 2',
      '[1,2] - [2]',
      '{} * {a: {b: 1}}',
      '.a as [$x, $y] | $x + $y',
      '. as {b: $s} | $s',
      '"\\(1 + 2)"',
      'ltrimstr("s")?',
      '.b | sub("t"; "T")',
      '[.b | scan("[a-z]")]',
      '1 / 0',
      '{} | .a.b.c',
      '[.[] | length]',
      '.x // "default"',
      '.a[] |= . * 2',
      'try (.a[] |= . * 2) catch .',
      '[pow(2,3; 1,2)]',
      '["\\((1,2)) \\((3,4))"]',
      '[{a:(1,2), b:(3,4)}]',
      '[range(0,1;3,4)]',
      '[limit(1,2; 5,6)]',
      '[0 | while(. < 5; . + 1, . + 2)]',
      '[3 | until(. > 4; . + 1, . + 2)]',
      '[1 | limit(3; repeat(. * 2))]',
      '(.b | error) // 1',
      '.a.b?',
      '[.[] | abs?]',
      '[.a[] | tostring | ascii_downcase]',
      'to_entries | from_entries',
    ])
      check(p, input);
  });

  it('agrees on generated programs and inputs', () => {
    fc.assert(
      fc.property(program, json, (p, input) => check(p, input)),
      { numRuns: 300, seed: 4242 },
    );
  });
});
