/**
 * SIGTERM while executions are in flight: the worker process stops polling, lets what is running finish
 * within its grace period and exits 0. Nothing is lost: a worker started afterwards completes every
 * execution with the expected output and gap-free events.
 */
import { durableOutput, queryAllEvents, sequenceDefect, useFaultHarness } from './fault-support';

const EXECUTIONS = 50;
const GRACE_MS = 5000;

// Hooks and tests wait on real processes; the default 5 s does not cover them.
jest.setTimeout(240_000);

describe('worker SIGTERM under load', () => {
  const harness = useFaultHarness();

  it('drains within the grace period, exits 0 and loses nothing', async () => {
    const inFlight = await harness.startInFlight('term', EXECUTIONS, 2, { graceMs: GRACE_MS });
    const { worker: first, handles } = inFlight;

    const signalled = Date.now();
    first.kill('SIGTERM');
    const exit = await first.exited;
    const drainMs = Date.now() - signalled;
    expect(exit).toEqual({ code: 0, signal: null });
    // Grace period plus the time to close the connection and the process.
    expect(drainMs).toBeLessThan(GRACE_MS + 5000);
    expect(first.stdout()).toContain('"type":"stopped"');

    const results = await harness.finish(inFlight);
    results.forEach((result, n) => expect(result).toMatchObject({ status: 'completed', output: durableOutput(n) }));
    for (const handle of handles) expect(sequenceDefect(await queryAllEvents(handle))).toBeUndefined();
  }, 180_000);
});
