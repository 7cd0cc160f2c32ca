/**
 * Time slices keep a worker fair: one CPU-heavy pure-data run (a long `for` loop of jq work) and 50 light
 * runs on one worker, the light runs started once the heavy one is busy. Each light run's latency is
 * measured by the client from its start to its result; their p95 must stay under 2 s while the heavy run
 * is still running (it is terminated at the end). Without slices the heavy run would hold its workflow
 * thread for as long as its loop lasts.
 */
import { randomUUID } from 'node:crypto';
import { startTestRunner, waitFor, type TestRunner } from '../support/runner-harness';
import { doc } from './corpus';

jest.setTimeout(300_000);

const LIGHT_RUNS = 50;

describe('a CPU-heavy run beside light runs on one worker', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startTestRunner();
  });

  afterAll(async () => {
    await runner?.shutdown();
  });

  it('keeps the light runs p95 latency under 2 s', async () => {
    // Millions of jq steps per thousand iterations: minutes of work, far longer than the test.
    const heavy = await runner.start(
      doc([
        {
          crunch: {
            for: { in: '${ [range(0; 1000000)] }' },
            do: [{ work: { set: { x: '${ [range(0; 3000)] | map(. * 2) | add }' } } }],
          },
        },
      ]),
      {},
      { validated: true },
    );
    // Busy: its loop body has started and at least one slice has ended (a yield recorded in history).
    await waitFor(async () => {
      const history = await heavy.fetchHistory();
      return (history.events ?? []).filter((e) => e.markerRecordedEventAttributes).length >= 2;
    }, 60_000);
    const light = doc([
      { a: { set: { n: '${ 1 }' } } },
      { b: { set: { n: '${ .n + 1 }' } } },
      { c: { switch: [{ big: { when: '${ .n > 1 }', then: 'end' } }, { small: { then: 'continue' } }] } },
    ]);
    const latencies = await Promise.all(
      Array.from({ length: LIGHT_RUNS }, async () => {
        const started = Date.now();
        const handle = await runner.start(light, {}, { validated: true, executionId: `light-${randomUUID()}` });
        const { result } = await runner.outcome(handle);
        expect(result).toMatchObject({ status: 'completed', output: { n: 2 } });
        return Date.now() - started;
      }),
    );
    // The heavy run was busy the whole time: still running once every light run completed.
    expect((await heavy.describe()).status.name).toBe('RUNNING');
    await heavy.terminate('fairness test done');
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.ceil(0.95 * latencies.length) - 1];
    console.log(`light runs: p50 ${latencies[latencies.length >> 1]} ms, p95 ${p95} ms, max ${latencies.at(-1)} ms`);
    expect(p95).toBeLessThan(2000);
  });
});
