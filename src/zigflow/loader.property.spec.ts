/**
 * Property tests: whatever text arrives, the loader returns a result (never throws), quickly, and
 * every problem it reports is well formed and points at something that exists.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { LoadResult, loadWorkflow } from './loader';
import { valueAt } from './validation/schema-messages';

/** Per-document budget: far above the real cost (~1 ms), low enough to catch a pathological case. */
const BUDGET_MS = 1000;

function timedLoad(text: string): LoadResult {
  const started = performance.now();
  const result = loadWorkflow(text);
  const elapsed = performance.now() - started;
  if (elapsed > BUDGET_MS)
    throw new Error(`loadWorkflow took ${Math.round(elapsed)} ms on ${JSON.stringify(text.slice(0, 200))}`);
  return result;
}

function assertWellFormed(result: LoadResult, document?: unknown): void {
  if (result.ok) {
    expect(typeof result.workflow).toBe('object');
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const p of result.problems) {
    expect(['yaml', 'schema', 'semantic', 'limits']).toContain(p.kind);
    expect(typeof p.message).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.pointer === '' || p.pointer.startsWith('/')).toBe(true);
    if (p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
    if (document !== undefined && p.pointer !== '' && p.kind !== 'yaml')
      expect(valueAt(document, p.pointer)).not.toBeUndefined();
  }
}

const TOKENS = [
  '- ',
  ': ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a ',
  '\n',
  '\n  ',
  '\n    ',
  '"',
  "'",
  '#',
  '|',
  '>',
  '? ',
  '!!str ',
  '---\n',
  'do',
  'document',
  'set',
  'call',
  'then',
  'dsl',
  "'1.0.3'",
  '${ . }',
  '${',
  'x',
  '1',
  'true',
  'null',
  '~',
  '\t',
  '<<',
];
const garbageYaml = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((parts) => parts.join(''));

const HEADER = { dsl: '1.0.3', namespace: 'fuzz', name: 'fuzz', version: '1.0.0' };
const KINDS = [
  'call',
  'do',
  'emit',
  'for',
  'fork',
  'listen',
  'raise',
  'run',
  'set',
  'switch',
  'try',
  'wait',
  'then',
  'if',
  'catch',
  'with',
  'output',
  'input',
  'export',
  'timeout',
];
const expression = fc.oneof(
  fc.string(),
  fc.string().map((s) => '${ ' + s + ' }'),
  fc.constantFrom('.a', '.a |', '$secrets.k', 'input', 'now', '[.[] | select(.x)]', '{a: }'),
);
const field = fc.oneof(fc.jsonValue({ maxDepth: 3 }), expression);
const task = fc.dictionary(fc.constantFrom(...KINDS), field, { maxKeys: 4 });
const taskList = fc.array(fc.dictionary(fc.string({ maxLength: 6 }), task, { minKeys: 1, maxKeys: 2 }), {
  maxLength: 6,
});
const nearValidDocument = fc.record({ document: fc.constant(HEADER), do: taskList });

describe('loadWorkflow properties', () => {
  // The first load compiles the JSON schema (about a second); the budget is for validation itself.
  beforeAll(() => loadWorkflow('warm: up'));

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => assertWellFormed(timedLoad(text))),
      { numRuns: 1500 },
    );
  }, 180_000);

  it('never throws on garbage YAML', () => {
    fc.assert(
      fc.property(garbageYaml, (text) => assertWellFormed(timedLoad(text))),
      { numRuns: 2000 },
    );
  }, 180_000);

  it('never throws on random JSON documents, in YAML or JSON form', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, asJson) => {
        const text = asJson ? JSON.stringify(value) : stringify(value);
        assertWellFormed(timedLoad(text));
      }),
      { numRuns: 1000 },
    );
  }, 180_000);

  it('reports problems that point at existing values of near-valid documents', () => {
    fc.assert(
      fc.property(nearValidDocument, (document) => {
        assertWellFormed(timedLoad(stringify(document)), JSON.parse(JSON.stringify(document)));
      }),
      { numRuns: 800 },
    );
  }, 180_000);

  it('compiles any expression text without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (jq) => {
        const text = stringify({ document: HEADER, do: [{ a: { set: { x: '${ ' + jq + ' }' }, if: jq } }] });
        assertWellFormed(timedLoad(text));
      }),
      { numRuns: 1500 },
    );
  }, 180_000);
});
