/**
 * A worker process killed with SIGKILL while 100 executions are in flight: after a new worker process
 * starts, all 100 complete with the outputs of an undisturbed run, and each run's progress log (read
 * through the `events` query) has no gap in its sequence numbers.
 */
import { durableOutput, queryAllEvents, sequenceDefect, useFaultHarness } from './fault-support';

const EXECUTIONS = 100;

// Hooks and tests wait on real processes; the default 5 s does not cover them.
jest.setTimeout(240_000);

describe('worker killed with SIGKILL under load', () => {
  const harness = useFaultHarness();

  it('completes every execution with the undisturbed outputs and gap-free events', async () => {
    // Kill once the runs are well under way: on average each run has finished a few of its ten tasks.
    const inFlight = await harness.startInFlight('kill', EXECUTIONS, 3);
    const { worker: first, handles } = inFlight;
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const unfinished = (await Promise.all(handles.map((h) => h.describe()))).filter(
      (d) => d.status.name === 'RUNNING',
    ).length;
    expect(unfinished).toBeGreaterThan(0);

    const results = await harness.finish(inFlight);
    results.forEach((result, n) => {
      expect(result.status).toBe('completed');
      expect(result.output).toEqual(durableOutput(n));
    });
    for (const handle of handles) {
      const events = await queryAllEvents(handle);
      expect(sequenceDefect(events)).toBeUndefined();
      expect(events[0].eventType).toBe('workflow_started');
      expect(events[events.length - 1].eventType).toBe('workflow_completed');
    }
  }, 180_000);
});
