/**
 * Property-based fuzzing (fast-check) of the YAML loader, the document validator and the jq parser:
 * thousands of generated inputs each; every input must end in a result or the component's own typed
 * error, never a crash (TypeError, RangeError, stack overflow) and never past the time budget.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { JqError } from '../../src/jq';
import { parse as parseJq } from '../../src/jq/impl/parser';
import { createDslJq } from '../../src/zigflow/dsl/jq-engine';
import { loadWorkflow, validateDocument, type LoadResult } from '../../src/zigflow/loader';
import { referenceDocument } from './corpus';

/** Wall-clock per input; generous because CI machines are shared (a GC pause or a busy core is not a hang). */
const BUDGET_MS = 5000;
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

function timed<T>(fn: () => T): T {
  const started = performance.now();
  const result = fn();
  const elapsed = performance.now() - started;
  if (elapsed > BUDGET_MS) throw new Error(`took ${Math.round(elapsed)} ms (budget ${BUDGET_MS} ms)`);
  return result;
}

function assertWellFormed(result: LoadResult): void {
  if (result.ok) return;
  if (result.problems.length === 0) throw new Error('refused without a problem');
  for (const p of result.problems) {
    if (typeof p.message !== 'string' || p.message.length === 0)
      throw new Error(`problem without message: ${JSON.stringify(p)}`);
    if (typeof p.pointer !== 'string' || (p.pointer !== '' && !p.pointer.startsWith('/')))
      throw new Error(`bad pointer: ${JSON.stringify(p)}`);
  }
}

/** YAML-ish text: fragments that stress the YAML parser's indicators, indentation and quoting. */
const yamlFragment = fc.constantFrom(
  'document:',
  'do:',
  '  - ',
  '- ',
  ': ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '&a ',
  '*a',
  '!!str ',
  '? ',
  '|',
  '>',
  '#',
  '\n',
  '\n  ',
  '\n    ',
  '\t',
  '${ . }',
  'set:',
  'then: end',
  'dsl: 1.0.0',
  '---',
  '...',
  '%YAML 1.2',
  '\\',
  '\u0000',
  '\u{1F600}',
);
const yamlText = fc
  .array(fc.oneof(yamlFragment, fc.string({ maxLength: 8 })), { maxLength: 60 })
  .map((parts) => parts.join(''));

const TASK_KEYS = [
  'set',
  'do',
  'switch',
  'for',
  'fork',
  'try',
  'catch',
  'call',
  'with',
  'raise',
  'wait',
  'emit',
  'listen',
  'run',
  'then',
  'if',
  'input',
  'output',
  'export',
  'timeout',
];
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: false }),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('${ . }', '${ .a | | }', 'end', 'continue', 'http', '1.0.0'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...TASK_KEYS), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** The reference document with one subtree replaced by an arbitrary value. */
const mutatedReference = fc.tuple(fc.nat(), anyJson).map(([seed, replacement]) => {
  const document = referenceDocument();
  const paths: Array<[any, string | number]> = [];
  const walk = (node: any): void => {
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      paths.push([node, Array.isArray(node) ? Number(key) : key]);
      walk(node[key]);
    }
  };
  walk(document);
  const [parent, key] = paths[seed % paths.length];
  parent[key] = replacement;
  return document;
});

// The project's integration timeout does not reach files run on their own; say it here.
jest.setTimeout(300_000);

describe('fuzzing the loader, validator and jq parser', () => {
  it('loadWorkflow survives arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 200 }), yamlText),
        (text) => {
          assertWellFormed(timed(() => loadWorkflow(text)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('loadWorkflow survives YAML renderings of mutated valid documents', () => {
    fc.assert(
      fc.property(mutatedReference, (document) => {
        assertWellFormed(timed(() => loadWorkflow(stringify(document))));
      }),
      // Each run validates a full document against the spec schema (~20 ms here).
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('validateDocument survives arbitrary JSON values', () => {
    fc.assert(
      fc.property(
        fc.oneof(anyJson, mutatedReference, fc.record({ document: anyJson, do: fc.array(anyJson, { maxLength: 4 }) })),
        (value) => {
          assertWellFormed(timed(() => validateDocument(value)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('validateDocument answers problems for call values that are not strings, null-prototype objects among them', () => {
    // A counterexample fast-check found: `String(call)` threw on an object without a prototype.
    const document = { document: null, do: [{ '': { call: [Object.create(null)] } }] };
    const result = validateDocument(document);
    assertWellFormed(result);
    expect(result.ok).toBe(false);
  });

  /** jq-like programs: tokens of the grammar in any order, so the parser sees near-misses, not only noise. */
  const jqToken = fc.constantFrom(
    '.',
    '..',
    '.a',
    '.[0]',
    '.[]',
    '|',
    ',',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    ':',
    ';',
    'as',
    '$x',
    'def',
    'f',
    'reduce',
    'foreach',
    'if',
    'then',
    'elif',
    'else',
    'end',
    'try',
    'catch',
    'label',
    'break',
    '?',
    '//',
    '==',
    '+',
    '-',
    '*',
    '/',
    '%',
    'and',
    'or',
    'not',
    '"s"',
    '"\\(1)"',
    '1',
    '1e400',
    '@base64',
    'select',
    'map',
    'range',
    'recurse',
    '$__loc__',
    '?//',
    '=',
    '|=',
    '+=',
    ' ',
  );
  const jqProgram = fc.array(jqToken, { maxLength: 30 }).map((tokens) => tokens.join(' '));

  it('the jq parser returns an AST or a positioned JqError for any program text', () => {
    fc.assert(
      fc.property(
        fc.oneof(jqProgram, fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 })),
        (program) => {
          try {
            timed(() => parseJq(program));
          } catch (e) {
            if (!(e instanceof JqError)) throw e;
            if (e.code !== 'parse' && e.code !== 'compile')
              throw new Error(`unexpected error code ${e.code}: ${e.message}`);
          }
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  /** Well-formed programs built from the grammar, so evaluation (not only parsing) is exercised. */
  const validJq = fc.letrec((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(
        '.',
        '.a',
        '.[0]',
        '.[]?',
        '1',
        '"s"',
        '$x',
        'null',
        '[]',
        '{}',
        'length',
        'keys?',
        'tostring',
        'add',
        'reverse',
        'sort?',
        'tojson',
        'not',
        'type',
        'floor?',
        'ascii_downcase?',
        'to_entries?',
        'paths',
        '[recurse(.[]?)]',
        'range(5)',
        'repeat(1)',
        'empty',
        'error("x")',
      ),
      fc
        .tuple(
          tie('expr'),
          fc.constantFrom('|', ',', '+', '-', '*', '/', '%', '//', '==', '<', 'and', 'or'),
          tie('expr'),
        )
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
      tie('expr').map((a) => `[${a}]`),
      tie('expr').map((a) => `{k: ${a}}`),
      fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => `(if ${a} then ${b} else ${c} end)`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(try ${a} catch ${b})`),
      fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => `reduce ${a} as $y (${b}; ${c})`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a} as $z | ${b})`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a} | select(${b}))`),
      tie('expr').map((a) => `[limit(3; ${a})]`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(def f: ${a}; ${b} | f)`),
    ),
  })).expr;

  it('compiled jq programs end in outputs or a JqError within their budget, on any input', () => {
    const jq = createDslJq();
    // A small step budget: a step that raises and suppresses an error costs ~70 us, so 20,000 steps stay
    // well inside the time budget; what this checks is that every loop is counted and ends.
    const budget = { maxSteps: 20_000, maxOutputs: 10_000, maxStringLength: 1_000_000, maxArrayLength: 100_000 };
    fc.assert(
      fc.property(fc.oneof(validJq, jqProgram), anyJson, (program, input) => {
        timed(() => {
          try {
            jq.compile(program).evaluate(input, { budget, variables: { x: 1 } });
          } catch (e) {
            if (!(e instanceof JqError)) throw e;
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('expressions nested beyond any parser stack are refused as problems, not thrown', () => {
    for (const program of [
      '('.repeat(100_000),
      '['.repeat(100_000),
      '{a:'.repeat(50_000),
      '.a|'.repeat(100_000) + '.',
      '-'.repeat(100_000) + '1',
    ]) {
      const text = stringify({
        document: { dsl: '1.0.0', namespace: 'f', name: 'f', version: '1.0.0' },
        do: [{ e: { set: { v: `\${ ${program} }` } } }],
      });
      const result = timed(() => loadWorkflow(text));
      expect(result.ok).toBe(false);
      // Refused either by the loader's nesting guard (the scanner sees the brackets) or by the expression check.
      if (!result.ok)
        expect(
          result.problems.some((p) => p.kind === 'limits' || (p.kind === 'semantic' && p.pointer === '/do/0/e/set/v')),
        ).toBe(true);
    }
  });
});
