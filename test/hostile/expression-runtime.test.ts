/**
 * The expression corpus (expression-corpus.ts) run through a real worker on the Temporal dev server: each
 * run ends, within 10 s of wall time, with exactly the outcome its case names (the expression error's type,
 * status, pointer, jq error code and message, or the output), and a good run started alongside each case
 * completes on the same worker. Cases run one at a time so that the time bound is each run's own.
 */
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { doc } from './corpus';
import { expressionCorpus } from './expression-corpus';

jest.setTimeout(900_000);

const EXPRESSION = 'https://serverlessworkflow.io/spec/1.0.0/errors/expression';
/** The detail of a failed expression: `<jq error code> error in '<program>': <jq message>`. */
const DETAIL = /^(\w+) error in '[\s\S]*?': ([\s\S]*)$/;

describe('hostile expressions at run time', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startTestRunner();
  });

  afterAll(async () => {
    await runner?.shutdown();
  });

  it.each(expressionCorpus().map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const good = runner.start(doc([{ answer: { set: { value: 1 } } }]));
    const started = Date.now();
    const { result } = await runner.run(doc([{ runaway: { set: { v: `\${ ${c.program} }` } } }]));
    expect(Date.now() - started).toBeLessThan(10_000);
    if ('output' in c.expect) {
      expect(result).toMatchObject({ status: 'completed', output: { v: c.expect.output } });
    } else {
      expect(result.status).toBe('faulted');
      expect(result.error).toMatchObject({ type: EXPRESSION, status: 400, instance: '/do/0/runaway' });
      const [, code, message] = DETAIL.exec(result.error?.detail ?? '') ?? [];
      expect(code).toBe(c.expect.code);
      expect(message).toMatch(c.expect.message);
    }
    await expect(runner.outcome(await good)).resolves.toMatchObject({
      result: { status: 'completed', output: { value: 1 } },
    });
  });

  it('holds at least 50 cases, the catastrophic regex and its 10,000-character version among them', () => {
    const programs = expressionCorpus().map((c) => c.program);
    expect(programs.length).toBeGreaterThanOrEqual(50);
    expect(programs).toEqual(
      expect.arrayContaining(['("a" * 40 + "b") | test("^(a+)+$")', '("a" * 10000 + "b") | test("^(a+)+$")']),
    );
  });
});
