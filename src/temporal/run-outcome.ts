/**
 * How a run ended, as the CLI reports it (`run --json`, `test`): from the run result, or from the failure
 * and the progress events when there is no result.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import {
  FAULT_FAILURE_TYPE,
  type TaskRecord,
  type WorkflowErrorData,
  type WorkflowProgressEvent,
  type WorkflowRunResult,
} from './contract';

/** The one JSON document `run --json` prints: exactly these four keys, in this order. */
export interface RunReport {
  status: WorkflowRunResult['status'];
  output: unknown;
  error: WorkflowErrorData | null;
  tasks: TaskRecord[];
}

const RUNTIME_ERROR = 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime';
const VALIDATION_ERROR = 'https://serverlessworkflow.io/spec/1.0.0/errors/validation';

export function reportOf(result: WorkflowRunResult, fallbackTasks: TaskRecord[]): RunReport {
  return {
    status: result.status,
    output: result.output ?? null,
    error: result.error ?? null,
    tasks: result.tasks?.length
      ? result.tasks.map(({ name, position, status }) => ({ name, position, status }))
      : fallbackTasks,
  };
}

/** A run that failed validation before it could start: reported like a faulted run. */
export function invalidReport(detail: string): RunReport {
  return {
    status: 'faulted',
    output: null,
    error: { type: VALIDATION_ERROR, status: 400, title: 'Invalid workflow', detail },
    tasks: [],
  };
}

function isFaultResult(value: unknown): value is WorkflowRunResult {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 'faulted';
}

/**
 * Maps how `handle.result()` ended to a report. A DSL fault arrives as an ApplicationFailure of type
 * FAULT_FAILURE_TYPE carrying the run result; cancellation and termination end without one, so their
 * task list comes from the progress events (`tracked`).
 */
export function reportOfFailure(err: unknown, tracked: (cancelled: boolean) => TaskRecord[]): RunReport {
  if (!(err instanceof WorkflowFailedError)) throw err;
  const cause = err.cause;
  if (cause instanceof CancelledFailure)
    return { status: 'cancelled', output: null, error: null, tasks: tracked(true) };
  if (cause instanceof ApplicationFailure && cause.type === FAULT_FAILURE_TYPE && isFaultResult(cause.details?.[0])) {
    return reportOf(cause.details[0], tracked(false));
  }
  const title =
    cause instanceof TerminatedFailure
      ? 'Workflow terminated'
      : cause instanceof TimeoutFailure
        ? 'Workflow timed out'
        : 'Workflow failed';
  return {
    status: cause instanceof TerminatedFailure ? 'cancelled' : 'faulted',
    output: null,
    error: { type: RUNTIME_ERROR, status: 500, title, detail: cause?.message ?? err.message },
    tasks: tracked(cause instanceof TerminatedFailure),
  };
}

const TASK_END: Partial<Record<WorkflowProgressEvent['eventType'], TaskRecord['status']>> = {
  task_completed: 'completed',
  task_failed: 'failed',
  task_skipped: 'skipped',
};

/**
 * Collects the tasks of a run from its progress events, in the order they started: the task list of
 * a report when the run ends without a result (cancelled, or failed outside the DSL).
 */
export class TaskTracker {
  private readonly tasks = new Map<string, TaskRecord>();

  observe(e: WorkflowProgressEvent): void {
    if (!e.taskPosition || !e.taskName) return;
    if (e.eventType === 'task_started' && !this.tasks.has(e.taskPosition)) {
      this.tasks.set(e.taskPosition, { name: e.taskName, position: e.taskPosition, status: 'running' });
      return;
    }
    const end = TASK_END[e.eventType];
    if (!end) return;
    const known = this.tasks.get(e.taskPosition);
    if (known) known.status = end;
    else this.tasks.set(e.taskPosition, { name: e.taskName, position: e.taskPosition, status: end });
  }

  /** The tasks seen; those still running when the run ended are reported as `cancelled` when it was. */
  list(runCancelled: boolean): TaskRecord[] {
    return [...this.tasks.values()].map((t) =>
      runCancelled && t.status === 'running' ? { ...t, status: 'cancelled' } : { ...t },
    );
  }
}
