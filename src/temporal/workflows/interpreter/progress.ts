/**
 * The run's progress log: every event gets the next sequence number, goes out through the `progress` sink
 * (batched per activation, not recorded in history, not called on replay) and stays in a bounded in-memory log that the `events`
 * query serves. Timestamps are workflow time, so replays rebuild the identical log.
 */
import { proxySinks } from '@temporalio/workflow';
import type { EventsPage, ProgressEventType, WorkflowProgressEvent } from '../../contract';
import { type ProgressBatch, type ProgressSinks, type ProgressTuple, unpackProgressEvent } from '../../progress-batch';
/** The progress bound (run-guard.ts `taskEvents`): tasks of a stretch without a durable wait that report every event. */
export const FULL_PROGRESS_TASKS = 1000;

const { progress } = proxySinks<ProgressSinks>();

/** Events kept for the query (get_events, and the delivery reading back what it no longer holds); older ones cannot be read back. */
const MAX_KEPT_EVENTS = 5000;
const MAX_SUMMARY_CHARS = 1024;
const MAX_PAGE = 1000;

export type ProgressFields = Partial<
  Pick<
    WorkflowProgressEvent,
    | 'taskName'
    | 'taskPosition'
    | 'taskKind'
    | 'callKind'
    | 'message'
    | 'attempt'
    | 'error'
    | 'outputSummary'
    | 'modelUsage'
  >
> & { status?: WorkflowProgressEvent['status'] };

const DEFAULT_STATUS: Record<ProgressEventType, WorkflowProgressEvent['status']> = {
  workflow_started: 'running',
  workflow_validating: 'running',
  workflow_validated: 'running',
  task_started: 'running',
  task_completed: 'completed',
  task_failed: 'failed',
  task_retrying: 'retrying',
  task_skipped: 'skipped',
  workflow_paused: 'paused',
  workflow_resumed: 'running',
  workflow_completed: 'completed',
  workflow_failed: 'failed',
  workflow_cancelled: 'cancelled',
  event_emitted: 'running',
  workflow_recovered: 'running',
  task_events_skipped: 'running',
};

const PROGRESS_LOG_KEY = Symbol.for('workflow-runner.progress-log');
const PROGRESS_OBSERVER_KEY = Symbol.for('workflow-runner.progress-observer');

/**
 * Sees every event of the running workflow as it is emitted (tracing.ts makes task spans from them). Set
 * before the workflow function runs; a run without an observer pays one undefined check per event.
 */
export function observeProgress(observer: (event: ProgressTuple) => void): void {
  (globalThis as Record<symbol, unknown>)[PROGRESS_OBSERVER_KEY] = observer;
}

/** Flushes the running workflow's progress log; the `concludeActivation` interceptor calls it. */
export function flushProgress(): void {
  const log = (globalThis as Record<symbol, unknown>)[PROGRESS_LOG_KEY];
  if (log instanceof ProgressLog) log.flush();
}

export class ProgressLog {
  /** Events kept for the query, as tuples (progress-batch.ts); expanded only when the query asks. */
  private readonly kept: ProgressTuple[] = [];
  /**
   * Events of the current activation not yet handed to the sink. One sink call per activation: the worker
   * copies the workflow info for every sink call, so a call per event costs more than the event itself.
   */
  private unsent: ProgressTuple[] = [];
  workflowName = '';
  private stampMs = Number.NaN;
  private stamp = '';
  private summarized: unknown = undefined;
  private summary: string | undefined = undefined;
  /** Task events held back by the progress bound (run-guard.ts) since the last summary, and the last one's task. */
  private held = 0;
  private heldPosition: string | undefined = undefined;
  private readonly observer = (globalThis as Record<symbol, unknown>)[PROGRESS_OBSERVER_KEY] as
    ((event: ProgressTuple) => void) | undefined;

  constructor(
    private readonly executionId: string,
    /** Sequence of the last event already emitted (by a previous run, after continue-as-new). */
    private lastSequence = 0,
  ) {
    // Workflow globals are per workflow (the SDK swaps them between workflows), so this finds this run's log.
    (globalThis as Record<symbol, unknown>)[PROGRESS_LOG_KEY] = this;
  }

  get sequence(): number {
    return this.lastSequence;
  }

  emit(eventType: ProgressEventType, fields: ProgressFields = {}): void {
    // The summary of held events always precedes the next reported event.
    if (this.held > 0) this.flushHeld();
    this.append(eventType, fields);
  }

  /** Counts a task event that the progress bound holds back instead of reporting it. */
  hold(taskPosition: string | undefined): void {
    this.held += 1;
    this.heldPosition = taskPosition;
  }

  /** Takes back `n` held events that are reported after all. */
  unhold(n: number): void {
    this.held = Math.max(0, this.held - n);
  }

  /** Reports the held events as one `task_events_skipped` event (none when nothing is held). */
  flushHeld(): void {
    if (this.held === 0) return;
    const n = this.held;
    this.held = 0;
    this.append('task_events_skipped', {
      taskPosition: this.heldPosition,
      message:
        `${n} task event${n === 1 ? '' : 's'} not reported: past ${FULL_PROGRESS_TASKS} tasks without a ` +
        'durable wait, started/completed/skipped events of tasks that do not wait are counted, not sent ' +
        `(the last was of ${this.heldPosition ?? 'a task'})`,
    });
  }

  private append(eventType: ProgressEventType, fields: ProgressFields): void {
    this.lastSequence += 1;
    const tuple: ProgressTuple = [
      this.lastSequence,
      eventType,
      fields.status ?? DEFAULT_STATUS[eventType],
      this.timestamp(),
      this.workflowName,
      fields.taskName,
      fields.taskPosition,
      fields.taskKind,
      fields.message,
      fields.attempt,
      fields.error,
      fields.outputSummary,
    ];
    // Optional trailing fields, in tuple order: callKind, then modelUsage (task events of model calls).
    if (fields.callKind !== undefined || fields.modelUsage) tuple.push(fields.callKind);
    if (fields.modelUsage) tuple.push(fields.modelUsage);
    this.kept.push(tuple);
    if (this.kept.length > MAX_KEPT_EVENTS) this.kept.splice(0, this.kept.length - MAX_KEPT_EVENTS);
    this.unsent.push(tuple);
    if (this.observer) this.observer(tuple);
  }

  /**
   * {@link summarize}, remembering the last value: a task whose output is the object it received (a
   * `switch`, a `set` of a bare `${ . }`) repeats the summary before it instead of serializing again.
   * Outputs are never changed in place, so the same object has the same summary.
   */
  summaryOf(value: unknown): string | undefined {
    if (value === this.summarized && typeof value === 'object' && value !== null) return this.summary;
    this.summarized = value;
    this.summary = summarize(value);
    return this.summary;
  }

  /** Workflow time as ISO 8601, formatted once per instant (it stands still within an activation). */
  private timestamp(): string {
    const ms = Date.now();
    if (ms !== this.stampMs) {
      this.stampMs = ms;
      this.stamp = new Date(ms).toISOString();
    }
    return this.stamp;
  }

  /** Hands the events of this activation to the sink (called when the activation concludes). */
  flush(): void {
    if (this.unsent.length === 0) return;
    const batch: ProgressBatch = { executionId: this.executionId, events: this.unsent };
    this.unsent = [];
    progress.emitBatch(batch);
  }

  page(query: { fromSequence?: number; limit?: number } = {}): EventsPage {
    const from = query.fromSequence ?? 1;
    const limit = Math.max(1, Math.min(query.limit ?? MAX_PAGE, MAX_PAGE));
    const matching = this.kept.filter((t) => t[0] >= from);
    const events = matching.slice(0, limit).map((t) => unpackProgressEvent(this.executionId, t));
    return {
      events,
      firstSequence: this.kept.length > 0 ? this.kept[0][0] : this.lastSequence + 1,
      lastSequence: this.lastSequence,
      hasMore: matching.length > events.length,
    };
  }
}

/** JSON of a value, cut to a bound, for `outputSummary`. */
export function summarize(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value) ?? 'null';
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS)}...` : text;
}
