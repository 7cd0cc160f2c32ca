import type { EventsPage, ExecutionStatusView } from '../../src/temporal/contract';
import { startTestRunner, waitFor, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

const twoSteps = workflow(
  'steps',
  `
do:
  - first: { wait: PT0.3S }
  - second: { set: { done: true } }
`,
);

describe('signals and queries', () => {
  it('pause holds the run at the next task boundary until resume', async () => {
    const handle = await runner.start(twoSteps);
    await handle.signal('pause');
    await waitFor(() => runner.events(handle.workflowId).some((e) => e.eventType === 'workflow_paused'));
    const status = await handle.query<ExecutionStatusView>('status');
    expect(status.status).toBe('paused');
    expect(runner.events(handle.workflowId).some((e) => e.taskName === 'second')).toBe(false);
    await handle.signal('resume');
    const { result, events } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: { done: true } });
    const types = events.map((e) => e.eventType);
    expect(types.indexOf('workflow_paused')).toBeLessThan(types.indexOf('workflow_resumed'));
    expect(types.indexOf('workflow_resumed')).toBeLessThan(events.findIndex((e) => e.taskName === 'second'));
  });

  it('status and events queries read the run state, paged from a sequence', async () => {
    const handle = await runner.start(
      workflow(
        'q',
        `
do:
  - hold: { wait: PT30S }
`,
      ),
    );
    await waitFor(() => runner.events(handle.workflowId).some((e) => e.eventType === 'task_started'));
    const status = await handle.query<ExecutionStatusView>('status');
    expect(status).toMatchObject({
      executionId: handle.workflowId,
      workflowName: 'q',
      status: 'running',
      currentTask: { name: 'hold', position: '/do/0/hold' },
    });
    const page = await handle.query<EventsPage, [{ fromSequence: number; limit: number }]>('events', {
      fromSequence: 2,
      limit: 2,
    });
    expect(page.events.map((e) => e.sequence)).toEqual([2, 3]);
    expect(page).toMatchObject({ firstSequence: 1, lastSequence: 4, hasMore: true });
    await handle.cancel();
    const { result, events } = await runner.outcome(handle);
    expect(result.status).toBe('cancelled');
    expect(events.at(-1)).toMatchObject({ eventType: 'workflow_cancelled', sequence: 5 });
  });
});
