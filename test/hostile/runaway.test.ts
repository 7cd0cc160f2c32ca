/**
 * The loop corpus (runaway-corpus.ts) run through a real worker on the Temporal dev server with a low limit
 * of tasks without a durable wait: each runaway ends, within 10 s of wall time, with the guard's runtime
 * error naming the task it stopped before, and its progress events stay within the documented bound; the
 * loops that wait on something durable end as their documents say. A good run started alongside each case
 * completes on the same worker.
 */
import type { WorkflowProgressEvent } from '../../src/temporal/contract';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { doc } from './corpus';
import { RUNAWAY_LIMIT, runawayCorpus } from './runaway-corpus';

jest.setTimeout(600_000);

const RUNTIME = 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime';
/** The progress bound (src/temporal/workflows/interpreter/run-guard.ts FULL_PROGRESS_TASKS). */
const FULL_PROGRESS_TASKS = 1000;

describe('runaway loops at run time', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startTestRunner();
  });

  afterAll(async () => {
    await runner?.shutdown();
  });

  it.each(runawayCorpus().map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const good = runner.start(doc([{ answer: { set: { value: 1 } } }]), {}, { validated: true });
    const started = Date.now();
    const handle = await runner.start(doc(c.tasks), c.input ?? {}, {
      validated: true,
      limits: c.limits ?? { maxTasksWithoutWait: RUNAWAY_LIMIT },
      metadata: c.metadata,
    });
    const { result, events } = await runner.outcome(handle);
    expect(Date.now() - started).toBeLessThan(10_000);
    if ('runaway' in c.expect) {
      const limit = c.limits?.maxTasksWithoutWait ?? RUNAWAY_LIMIT;
      expect(result.status).toBe('faulted');
      expect(result.error).toMatchObject({ type: RUNTIME, status: 500, title: 'Runaway Loop' });
      expect(result.error?.instance).toEqual(
        typeof c.expect.runaway === 'string' ? c.expect.runaway : expect.stringMatching(c.expect.runaway),
      );
      expect(result.error?.detail).toBe(
        `${limit} tasks ran without waiting on anything durable (an activity, a timer, a signal or a child ` +
          `workflow): the run is stopped as a runaway loop before task ${result.error?.instance}`,
      );
      expectBoundedEvents(events);
      // Every enclosing task fails with the guard's error (a top-level task has none).
      const failed = events.filter((e) => e.eventType === 'task_failed' && e.error?.detail === result.error?.detail);
      expect(failed.map((e) => e.taskPosition)).toEqual(enclosing(String(result.error?.instance)).reverse());
    } else {
      expect(result.status).toBe(c.expect.status);
      if (c.expect.errorType) expect(result.error?.type).toBe(c.expect.errorType);
    }
    await expect(runner.outcome(await good)).resolves.toMatchObject({
      result: { status: 'completed', output: { value: 1 } },
    });
  });

  it('holds runaway cycles, loops and retries of every kind', () => {
    const ids = runawayCorpus().map((c) => c.id);
    expect(ids.length).toBeGreaterThanOrEqual(15);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

/** The pointers of the tasks that enclose the task at `instance`, outermost first. */
function enclosing(instance: string): string[] {
  const parts = instance.split('/');
  const out: string[] = [];
  // A task pointer ends in /<index>/<name>; its ancestors are the prefixes that end the same way.
  for (let i = 3; i < parts.length - 1; i += 1) {
    if (/^\d+$/.test(parts[i - 1]) && !/^\d+$/.test(parts[i])) out.push(parts.slice(0, i + 1).join('/'));
  }
  return out;
}

/**
 * The progress bound: a runaway of RUNAWAY_LIMIT tasks reports the events of its first FULL_PROGRESS_TASKS
 * tasks, sums the others up in `task_events_skipped` events, and ends with its failure events.
 */
function expectBoundedEvents(events: WorkflowProgressEvent[]): void {
  const types = events.map((e) => e.eventType);
  const taskEvents = types.filter((t) => t === 'task_started' || t === 'task_completed' || t === 'task_skipped');
  expect(taskEvents.length).toBeLessThanOrEqual(2 * FULL_PROGRESS_TASKS + 10);
  const skipped = events.filter((e) => e.eventType === 'task_events_skipped');
  expect(skipped.length).toBeGreaterThan(0);
  const held = skipped.reduce((n, e) => n + Number(/^(\d+) task events? not reported/.exec(e.message ?? '')?.[1]), 0);
  expect(held).toBeGreaterThan(0);
  // Sequence numbers stay gapless: held events take none.
  expect(events.map((e) => e.sequence)).toEqual(events.map((_e, i) => i + 1));
  expect(types.at(-1)).toBe('workflow_failed');
}
