import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { WorkflowProgressEvent } from '../temporal/contract';
import {
  METRIC,
  WORKER_STATES,
  type ExecutionOutcome,
  type GiveUpReasonLabel,
  type ResendReasonLabel,
  type TaskOutcome,
  type WorkerStateName,
} from './metrics.names';
import { TemporalTelemetry } from './temporal-telemetry';

/**
 * A progress event as the metrics read it: `taskKind` (the DSL task type, e.g. `call`, `set`) is
 * optional so events from producers that do not set it are counted under `unknown`.
 */
export type ObservedProgressEvent = WorkflowProgressEvent & { taskKind?: string };

/** How many runs may be tracked for duration at once; a bound so lost terminal events cannot leak memory. */
const MAX_TRACKED_RUNS = 50_000;

const TASK_OUTCOME_BY_EVENT: Partial<Record<WorkflowProgressEvent['eventType'], TaskOutcome>> = {
  task_completed: 'completed',
  task_failed: 'failed',
  task_skipped: 'skipped',
  task_retrying: 'retrying',
};
const RUN_OUTCOME_BY_EVENT: Partial<Record<WorkflowProgressEvent['eventType'], ExecutionOutcome>> = {
  workflow_completed: 'completed',
  workflow_failed: 'failed',
  workflow_cancelled: 'cancelled',
};

/**
 * The runner's Prometheus metrics: callback client, executions and tasks, worker state. Temporal's
 * own worker metrics reach the same registry through {@link TemporalTelemetry}, which this service
 * depends on so that injecting it installs the Temporal runtime before any connection is made.
 */
@Injectable()
export class MetricsService {
  /** executionId → start time (ms since epoch, workflow time) of runs seen starting. */
  private readonly runStarts = new Map<string, number>();

  constructor(
    @InjectMetric(METRIC.callbackCalls) private readonly callbackCalls: Counter<'code'>,
    @InjectMetric(METRIC.callbackRetries) private readonly callbackRetries: Counter,
    @InjectMetric(METRIC.callbackLatency) private readonly callbackLatency: Histogram<'code'>,
    @InjectMetric(METRIC.callbackWaiting) private readonly callbackWaiting: Gauge,
    @InjectMetric(METRIC.callbackOldestWaiting) private readonly callbackOldestWaiting: Gauge,
    @InjectMetric(METRIC.callbackResent) private readonly callbackResentTotal: Counter<'reason'>,
    @InjectMetric(METRIC.callbackGivenUp) private readonly callbackGivenUpTotal: Counter<'reason'>,
    @InjectMetric(METRIC.callbackReplicasRecovered) private readonly replicasRecovered: Counter,
    @InjectMetric(METRIC.executionsStarted) private readonly executionsStarted: Counter,
    @InjectMetric(METRIC.executionsFinished) private readonly executionsFinished: Counter<'status'>,
    @InjectMetric(METRIC.executionsInFlight) private readonly executionsInFlight: Gauge,
    @InjectMetric(METRIC.executionDuration) private readonly executionDuration: Histogram<'status'>,
    @InjectMetric(METRIC.tasks) private readonly tasks: Counter<'kind' | 'outcome'>,
    @InjectMetric(METRIC.workerState) private readonly workerStateGauge: Gauge<'state'>,
    readonly temporalTelemetry: TemporalTelemetry,
  ) {}

  /** One report_progress call ended with gRPC status `code` (e.g. `OK`, `UNAVAILABLE`) after `seconds`. */
  callbackCall(code: string, seconds: number): void {
    this.callbackCalls.inc({ code });
    this.callbackLatency.observe({ code }, seconds);
  }

  callbackRetry(): void {
    this.callbackRetries.inc();
  }

  /** Undelivered events on this replica and how long the oldest one has waited. */
  callbackBacklog(waiting: number, oldestSeconds: number): void {
    this.callbackWaiting.set(waiting);
    this.callbackOldestWaiting.set(waiting > 0 ? oldestSeconds : 0);
  }

  /** Events sent from a Temporal read instead of from memory. */
  callbackResent(reason: ResendReasonLabel, count: number): void {
    this.callbackResentTotal.inc({ reason }, count);
  }

  /** Events the delivery policy gave up on (CALLBACK_GIVE_UP_AFTER, CALLBACK_MAX_ATTEMPTS, unreadable). */
  callbackGivenUp(reason: GiveUpReasonLabel, count: number): void {
    this.callbackGivenUpTotal.inc({ reason }, count);
  }

  /** A dead replica's undelivered events were all delivered by this one. */
  replicaRecovered(): void {
    this.replicasRecovered.inc();
  }

  executionStarted(): void {
    this.executionsStarted.inc();
    this.executionsInFlight.inc();
  }

  executionFinished(status: ExecutionOutcome, seconds: number): void {
    this.executionsFinished.inc({ status });
    this.executionsInFlight.dec();
    if (Number.isFinite(seconds) && seconds >= 0) this.executionDuration.observe({ status }, seconds);
  }

  taskFinished(kind: string, outcome: TaskOutcome): void {
    this.tasks.inc({ kind, outcome });
  }

  /** The worker moved to `state`: exactly one state series is 1 at a time. */
  workerState(state: WorkerStateName): void {
    for (const s of WORKER_STATES) this.workerStateGauge.set({ state: s }, s === state ? 1 : 0);
  }

  /**
   * Derives execution and task metrics from one progress event (called by the progress sink).
   * Durations use the events' own timestamps (workflow time), so they measure the run, not delivery.
   */
  progressEvent(e: ObservedProgressEvent): void {
    const taskOutcome = TASK_OUTCOME_BY_EVENT[e.eventType];
    if (taskOutcome) {
      this.taskFinished(e.taskKind ?? 'unknown', taskOutcome);
      return;
    }
    // A recovered run is a new run of the execution: counted like a start, so it is in flight until it ends.
    if (e.eventType === 'workflow_started' || e.eventType === 'workflow_recovered') {
      this.trackStart(e.executionId, Date.parse(e.timestamp));
      this.executionStarted();
      return;
    }
    const runOutcome = RUN_OUTCOME_BY_EVENT[e.eventType];
    if (!runOutcome) return;
    const startedAt = this.runStarts.get(e.executionId);
    this.runStarts.delete(e.executionId);
    const seconds = startedAt === undefined ? Number.NaN : (Date.parse(e.timestamp) - startedAt) / 1000;
    this.executionFinished(runOutcome, seconds);
  }

  private trackStart(executionId: string, at: number): void {
    if (this.runStarts.size >= MAX_TRACKED_RUNS) {
      // Maps iterate in insertion order: drop the oldest run, whose end this worker never saw.
      const oldest = this.runStarts.keys().next();
      if (!oldest.done) this.runStarts.delete(oldest.value);
    }
    this.runStarts.set(executionId, at);
  }
}
