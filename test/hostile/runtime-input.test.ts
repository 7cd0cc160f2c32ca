/**
 * Hostile input that only shows at run time, on a real worker: expressions that never terminate or blow
 * up memory, and a large input. Each runaway run ends with a specific error (type, pointer, message)
 * within a bound, while a good execution started alongside completes on the same worker. (Inputs over
 * Temporal's payload limit are refused at the API: see grpc-requests.test.ts.)
 */
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { doc } from './corpus';

jest.setTimeout(180_000);

const EXPRESSION = 'https://serverlessworkflow.io/spec/1.0.0/errors/expression';

/** Expressions that parse but never finish, or would need unbounded memory. */
const RUNAWAY = [
  '${ def f: f; f }',
  '${ def f: 1 + f; f }',
  '${ [repeat(1)] }',
  '${ [range(1e12)] | length }',
  '${ until(false; .) }',
  '${ [limit(1e10; repeat("x"))] | length }',
  '${ reduce range(1e12) as $i (0; . + $i) }',
  '${ last(range(1e12)) }',
  '${ [0 | recurse(. + 1; true)] | length }',
  '${ "x" * 1e9 }',
  // Work that grows with every step: stopped because steps are charged by the size they copy.
  '${ [] | until(false; . + [1]) }',
  '${ [range(1000000) | "x"] | join(",") | [splits(",")] | join(",") }',
];

describe('hostile input at run time', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startTestRunner();
  });

  afterAll(async () => {
    await runner?.shutdown();
  });

  it.each(RUNAWAY.map((e) => [e]))('stops %s with an expression error', async (expression) => {
    const good = runner.start(doc([{ pause: { wait: { milliseconds: 200 } } }, { answer: { set: { value: 1 } } }]));
    const started = Date.now();
    const { result } = await runner.run(doc([{ runaway: { set: { v: expression } } }]), { seed: 1 });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: EXPRESSION, instance: '/do/0/runaway' });
    expect(result.error?.detail ?? result.error?.title ?? '').toMatch(
      /budget|limit|too (large|long|deep)|exceed|memory|recursion/i,
    );
    await expect(runner.outcome(await good)).resolves.toMatchObject({
      result: { status: 'completed', output: { value: 1 } },
    });
  });

  it('handles a large but accepted input (1 MB) end to end', async () => {
    const big = { items: Array.from({ length: 20_000 }, (_, i) => ({ i, pad: 'y'.repeat(40) })) };
    const { result } = await runner.run(doc([{ count: { set: { n: '${ .items | length }' } } }]), big);
    expect(result).toMatchObject({ status: 'completed', output: { n: 20_000 } });
  });
});
