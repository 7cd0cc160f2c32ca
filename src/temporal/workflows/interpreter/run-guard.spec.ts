import type { TaskRecord } from '../../contract';
import { ProgressLog } from './progress';
import {
  announceWait,
  countTask,
  DEFAULT_MAX_TASKS_WITHOUT_WAIT,
  DEFAULT_SLICE_UNITS,
  FULL_PROGRESS_TASKS,
  runLimits,
  RunawayStop,
  sliceSpent,
  startSlice,
  taskEvents,
  TASK_UNITS,
  waited,
} from './run-guard';
import type { RunState } from './run-state';

// Outside a workflow there is no patch state: each test says what a run's history holds.
const patched = jest.fn<boolean, [string]>();
const batches: unknown[] = [];
jest.mock('@temporalio/workflow', () => ({
  patched: (id: string) => patched(id),
  proxySinks: () => ({ progress: { emitBatch: (b: unknown) => batches.push(b) } }),
}));

function runState(limits: { maxTasksWithoutWait?: number; sliceUnits?: number } = {}): RunState {
  const rs = {
    limits: runLimits(limits),
    tasksWithoutWait: 0,
    stepsSinceYield: 0,
    sliceMark: 0,
    heldStarts: new Map(),
    evaluator: { meter: { steps: 0, evaluations: 0 } },
    progress: new ProgressLog('exec-1'),
  };
  return rs as unknown as RunState;
}

beforeEach(() => {
  patched.mockReset();
  batches.length = 0;
});

describe('run limits', () => {
  it('take the start input over the defaults and ignore nonsense', () => {
    expect(runLimits(undefined)).toEqual({
      maxTasksWithoutWait: DEFAULT_MAX_TASKS_WITHOUT_WAIT,
      sliceUnits: DEFAULT_SLICE_UNITS,
      localCalls: false,
    });
    expect(runLimits({ maxTasksWithoutWait: 10, sliceUnits: 99.5, localCalls: true })).toEqual({
      maxTasksWithoutWait: 10,
      sliceUnits: 99,
      localCalls: true,
    });
    // Only a real true opts in (a start input written by hand may carry anything).
    expect(runLimits({ localCalls: 'yes' as unknown as boolean }).localCalls).toBe(false);
    expect(runLimits({ maxTasksWithoutWait: -1, sliceUnits: Number.NaN }).maxTasksWithoutWait).toBe(
      DEFAULT_MAX_TASKS_WITHOUT_WAIT,
    );
  });
});

describe('the runaway guard', () => {
  it('stops the task past the limit with a runtime error naming it, asking the patch only then', () => {
    patched.mockReturnValue(true);
    const rs = runState({ maxTasksWithoutWait: 3 });
    for (let i = 0; i < 3; i += 1) countTask(rs, `/do/${i}/t`);
    expect(patched).not.toHaveBeenCalled();
    let stop: unknown;
    try {
      countTask(rs, '/do/3/t');
    } catch (e) {
      stop = e;
    }
    expect(stop).toBeInstanceOf(RunawayStop);
    expect((stop as RunawayStop).error).toEqual({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime',
      status: 500,
      title: 'Runaway Loop',
      detail:
        '3 tasks ran without waiting on anything durable (an activity, a timer, a signal or a child workflow): ' +
        'the run is stopped as a runaway loop before task /do/3/t',
      instance: '/do/3/t',
    });
    expect(patched).toHaveBeenCalledWith('runaway-guard');
  });

  it('lets a run recorded without the guard go on, and starts afresh after a durable wait', () => {
    patched.mockReturnValue(false);
    const rs = runState({ maxTasksWithoutWait: 2 });
    for (let i = 0; i < 5; i += 1) countTask(rs, '/do/0/t');
    patched.mockReturnValue(true);
    const fresh = runState({ maxTasksWithoutWait: 2 });
    countTask(fresh, '/do/0/t');
    countTask(fresh, '/do/0/t');
    waited(fresh);
    expect(() => countTask(fresh, '/do/0/t')).not.toThrow();
  });
});

describe('time slices', () => {
  it('yield once metered work and task boundaries reach the slice', () => {
    patched.mockReturnValue(true);
    const rs = runState({ sliceUnits: 1000 });
    rs.stepsSinceYield = 4;
    rs.evaluator.meter.steps = 1000 - 4 * TASK_UNITS - 1;
    expect(sliceSpent(rs)).toBe(false);
    expect(patched).not.toHaveBeenCalled();
    rs.evaluator.meter.steps += 1;
    expect(sliceSpent(rs)).toBe(true);
    expect(patched).toHaveBeenCalledWith('time-slices');
    startSlice(rs);
    expect(sliceSpent(rs)).toBe(false);
    // Expression evaluations count too (a one-step path costs more than a step).
    rs.evaluator.meter.evaluations = 40;
    expect(sliceSpent(rs)).toBe(true);
  });

  it('keep the 500-boundary rule in runs recorded before them', () => {
    patched.mockReturnValue(false);
    const rs = runState({ sliceUnits: 10 });
    rs.stepsSinceYield = 1;
    rs.evaluator.meter.steps = 1_000_000;
    expect(sliceSpent(rs)).toBe(false);
    rs.stepsSinceYield = 500;
    expect(sliceSpent(rs)).toBe(true);
    expect(patched).toHaveBeenCalledTimes(1);
  });
});

describe('the progress bound', () => {
  const fields = (i: number) => ({ taskName: 't', taskPosition: `/do/${i}/t` });
  const record = (): TaskRecord => ({ name: 't', position: '/do/0/t', status: 'running' });
  const types = (rs: RunState) => rs.progress.page().events.map((e) => e.eventType);

  it('reports the first tasks of a stretch, then sums the rest up before the next reported event', () => {
    const rs = runState();
    rs.tasksWithoutWait = FULL_PROGRESS_TASKS;
    expect(taskEvents.quiet(rs)).toBe(false);
    rs.tasksWithoutWait += 1;
    expect(taskEvents.quiet(rs)).toBe(true);
    for (let i = 0; i < 3; i += 1) {
      const r = record();
      taskEvents.started(rs, r, fields(i), true);
      taskEvents.ended(rs, r, 'task_completed', fields(i), true);
    }
    taskEvents.ended(rs, record(), 'task_skipped', fields(3), true);
    expect(types(rs)).toEqual([]);
    rs.progress.emit('workflow_completed');
    const [summary, done] = rs.progress.page().events;
    expect(summary).toMatchObject({ eventType: 'task_events_skipped', sequence: 1, taskPosition: '/do/3/t' });
    expect(summary.message).toMatch(/^7 task events not reported: past 1000 tasks without a durable wait/);
    expect(done).toMatchObject({ eventType: 'workflow_completed', sequence: 2 });
  });

  it('reports the held start of tasks that wait, and their completion', () => {
    const rs = runState();
    rs.tasksWithoutWait = FULL_PROGRESS_TASKS + 1;
    const outer = record();
    const inner = record();
    const pure = record();
    taskEvents.started(rs, pure, fields(0), true);
    taskEvents.ended(rs, pure, 'task_completed', fields(0), true);
    taskEvents.started(rs, outer, fields(1), true);
    taskEvents.started(rs, inner, fields(2), true);
    announceWait(rs);
    waited(rs);
    taskEvents.ended(rs, inner, 'task_completed', fields(2), true);
    taskEvents.failed(rs, outer, fields(1));
    expect(rs.progress.page().events.map((e) => [e.eventType, e.taskPosition])).toEqual([
      ['task_events_skipped', '/do/2/t'],
      ['task_started', '/do/1/t'],
      ['task_started', '/do/2/t'],
      ['task_completed', '/do/2/t'],
      ['task_failed', '/do/1/t'],
    ]);
    expect(rs.progress.page().events[0].message).toMatch(/^2 task events not reported/);
  });
});
