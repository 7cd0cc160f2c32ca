/**
 * Bounds on pure-data work, so that no run can stall a worker or flood the receiver:
 *
 * - **Runaway guard.** A run that executes more than `maxTasksWithoutWait` tasks without waiting on anything
 *   durable (an activity, a timer, a signal, a child workflow) stops with a runtime error naming the task it
 *   was about to run. The slice yields below are not durable waits: they only end the activation.
 * - **Time slices.** Pure-data work never leaves the activation on its own, so the interpreter ends it with a
 *   no-op local activity once the work done since the last yield reaches `sliceUnits`. Work is counted in
 *   deterministic units (wall clock is not allowed in workflow code): jq steps, metered by the evaluator,
 *   plus {@link TASK_UNITS} per task boundary. A local activity rather than a timer: it completes inside the
 *   same workflow task, without the server round trip a timer's firing takes, and the worker's other
 *   activations that queued behind the slice run before the run's next one.
 * - **Progress bound** (see `taskEvents` below): past the first {@link FULL_PROGRESS_TASKS} tasks of a stretch
 *   without a durable wait, task events are held back and summed up in `task_events_skipped` events.
 *
 * Both the guard and the slices change the commands a run issues, so each sits behind its own `patched()`
 * id, asked lazily (only when its rule would first act): runs recorded before them replay with the old rule
 * (a yield every 500 task boundaries, no guard), and ordinary runs record no marker at all.
 */
import { patched } from '@temporalio/workflow';
import { SLICE_UNITS_PER_MS, type RunLimits, type TaskRecord } from '../../contract';
import { dslError } from '../../../zigflow/dsl/errors';
import { FULL_PROGRESS_TASKS, type ProgressFields } from './progress';

export { FULL_PROGRESS_TASKS };
import type { RunState } from './run-state';

/** Tasks a run may execute between two durable waits unless its start input says otherwise. */
export const DEFAULT_MAX_TASKS_WITHOUT_WAIT = 1_000_000;
/**
 * Work units of one task boundary (the interpreter's own cost of a task: records, variables, events) and of
 * one expression evaluation (compiled-program lookup, variables; simple paths take no jq step), in jq steps
 * of typical expressions. Measured in workflow code on a loaded two-core machine: a task of a `for` body
 * (two boundaries) about 7.5 µs, an evaluation of a one-step expression about 5 µs, a typical jq step
 * 50 to 200 ns.
 */
export const TASK_UNITS = 50;
export const EVALUATION_UNITS = 25;
/** Default slice: about one second of pure-data work per activation, far below the SDK's 5 s deadline. */
export const DEFAULT_SLICE_MS = 1000;
export const DEFAULT_SLICE_UNITS = DEFAULT_SLICE_MS * SLICE_UNITS_PER_MS;
/** Task boundaries between yields in runs recorded before time slices (no `time-slices` marker). */
const LEGACY_YIELD_EVERY_STEPS = 500;

const RUNAWAY_GUARD_PATCH = 'runaway-guard';
const TIME_SLICES_PATCH = 'time-slices';

/** The limits of a run: its start input's, over the defaults; nonsense values fall back to the defaults. */
export function runLimits(limits: RunLimits | undefined): Required<RunLimits> {
  return {
    maxTasksWithoutWait: positive(limits?.maxTasksWithoutWait) ?? DEFAULT_MAX_TASKS_WITHOUT_WAIT,
    sliceUnits: positive(limits?.sliceUnits) ?? DEFAULT_SLICE_UNITS,
    localCalls: limits?.localCalls === true,
  };
}

function positive(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;
}

/**
 * The runaway guard's stop. Not a {@link WorkflowFault} to `try` (its name differs), so no `catch` can
 * swallow it and loop again: it ends the run. It still carries the DSL error the run fails with.
 */
export class RunawayStop extends Error {
  constructor(readonly error: ReturnType<typeof dslError>) {
    super(error.detail);
    this.name = 'RunawayStop';
  }
}

/** Counts a task about to run; throws {@link RunawayStop} past the run's limit. */
export function countTask(rs: RunState, position: string): void {
  rs.tasksWithoutWait += 1;
  if (rs.tasksWithoutWait <= rs.limits.maxTasksWithoutWait) return;
  rs.guarded ??= patched(RUNAWAY_GUARD_PATCH);
  if (!rs.guarded) return;
  const limit = rs.limits.maxTasksWithoutWait;
  throw new RunawayStop(
    dslError(
      'runtime',
      `${limit} tasks ran without waiting on anything durable (an activity, a timer, a signal or a child ` +
        `workflow): the run is stopped as a runaway loop before task ${position}`,
      { instance: position, title: 'Runaway Loop' },
    ),
  );
}

/** A durable wait ended (a signal, a child workflow, resuming from pause): the runaway count starts afresh. */
export function noteDurableWait(rs: RunState): void {
  rs.tasksWithoutWait = 0;
}

/**
 * An activity or a timer completed: the runaway count and the slice start afresh (the activation ended).
 * Exactly where the earlier step budget restarted, so runs recorded before time slices yield where they did.
 */
export function waited(rs: RunState): void {
  rs.tasksWithoutWait = 0;
  rs.stepsSinceYield = 0;
  rs.sliceMark = metered(rs);
}

/** Work units spent since the slice began. */
function sliceUnits(rs: RunState): number {
  return metered(rs) - rs.sliceMark + TASK_UNITS * rs.stepsSinceYield;
}

/** The evaluator's work so far in units (it is replaced once, before the first task: see serverless-workflow.ts). */
function metered(rs: RunState): number {
  const { meter } = rs.evaluator;
  return meter.steps + EVALUATION_UNITS * meter.evaluations;
}

/**
 * Runs `f` without counting its expression work: for code the SDK may run a different number of times live
 * and in a replay (condition predicates), which would otherwise move the yields of the replay.
 */
export function unmetered<T>(rs: RunState, f: () => T): T {
  const { meter } = rs.evaluator;
  const steps = meter.steps;
  const evaluations = meter.evaluations;
  try {
    return f();
  } finally {
    meter.steps = steps;
    meter.evaluations = evaluations;
  }
}

/** At a task boundary (`stepsSinceYield` counted): whether the slice is spent and the run must yield. */
export function sliceSpent(rs: RunState): boolean {
  if (rs.slicing === true) return sliceUnits(rs) >= rs.limits.sliceUnits;
  const legacy = rs.stepsSinceYield >= LEGACY_YIELD_EVERY_STEPS;
  if (rs.slicing === false) return legacy;
  if (!legacy && sliceUnits(rs) < rs.limits.sliceUnits) return false;
  // Asked when either rule would first yield: a replayed run recorded without slices keeps its yields.
  rs.slicing = patched(TIME_SLICES_PATCH);
  return rs.slicing ? sliceUnits(rs) >= rs.limits.sliceUnits : legacy;
}

/** The run is about to yield (not a durable wait): a new slice begins; held task events are summed up. */
export function startSlice(rs: RunState): void {
  rs.stepsSinceYield = 0;
  rs.sliceMark = metered(rs);
  rs.progress.flushHeld();
}

/**
 * Task events under the progress bound. The first {@link FULL_PROGRESS_TASKS} tasks after a durable wait
 * report `task_started`, `task_completed` and `task_skipped`; later ones are held back and counted, and a
 * `task_events_skipped` event sums them up before the next event that is reported and at every slice yield.
 * Never held: workflow events, `task_failed`, `task_retrying`, and the events of a task that waits: when a
 * wait begins, the held `task_started` of every task still running is reported (see {@link announceWait}),
 * and their completion follows. All of it counts tasks, never time, so replays rebuild the same events.
 */
export const taskEvents = {
  /** Whether the task starting now has its events held back. */
  quiet(rs: RunState): boolean {
    return rs.tasksWithoutWait > FULL_PROGRESS_TASKS;
  },

  started(rs: RunState, record: TaskRecord, fields: ProgressFields, quiet: boolean): void {
    if (!quiet) {
      rs.progress.emit('task_started', fields);
      return;
    }
    rs.heldStarts.set(record, fields);
    rs.progress.hold(fields.taskPosition);
  },

  /** `task_completed` or `task_skipped`: held when the task's start was and no wait reported it since. */
  ended(
    rs: RunState,
    record: TaskRecord,
    type: 'task_completed' | 'task_skipped',
    fields: ProgressFields,
    quiet: boolean,
  ): void {
    if (quiet && (type === 'task_skipped' || rs.heldStarts.delete(record))) {
      rs.progress.hold(fields.taskPosition);
      return;
    }
    rs.progress.emit(type, fields);
  },

  /** `task_failed` is always reported (after the summary of what was held). */
  failed(rs: RunState, record: TaskRecord, fields: ProgressFields): void {
    rs.heldStarts.delete(record);
    rs.progress.emit('task_failed', fields);
  },
};

/**
 * A durable wait begins: the tasks running now are tasks that wait, so their held `task_started` events
 * are reported now (outermost first) after the summary of the others.
 */
export function announceWait(rs: RunState): void {
  if (rs.heldStarts.size === 0) {
    rs.progress.flushHeld();
    return;
  }
  rs.progress.unhold(rs.heldStarts.size);
  rs.progress.flushHeld();
  for (const fields of rs.heldStarts.values()) rs.progress.emit('task_started', fields);
  rs.heldStarts.clear();
}
