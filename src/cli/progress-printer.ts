import type { TaskRecord, WorkflowProgressEvent } from '../temporal/contract';

const TASK_END: Partial<Record<WorkflowProgressEvent['eventType'], TaskRecord['status']>> = {
  task_completed: 'completed',
  task_failed: 'failed',
  task_skipped: 'skipped',
};

/** One progress event as a stderr line: `[seq] type  task (position)  message`. */
export function formatEvent(e: WorkflowProgressEvent): string {
  const task = e.taskName ? `  ${e.taskName} (${e.taskPosition ?? '?'})` : '';
  const attempt = e.attempt && e.attempt > 1 ? ` attempt ${e.attempt}` : '';
  const error = e.error ? `  ${e.error.title ?? e.error.type}${e.error.detail ? `: ${e.error.detail}` : ''}` : '';
  const message = e.message && !error ? `  ${e.message}` : '';
  return `[${String(e.sequence).padStart(3)}] ${e.eventType.padEnd(19)}${task}${attempt}${message}${error}`;
}

/**
 * Collects the tasks of a run from its progress events, in the order they started: the task list of
 * `run --json` when the run ends without a result (cancelled, or failed outside the DSL).
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
