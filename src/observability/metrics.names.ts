/**
 * Names, help texts and label sets of the runner's own Prometheus metrics, in one place so the
 * module's providers, the service and docs/operations.md agree. Every name carries the
 * `workflow_runner_` prefix; Temporal's worker metrics keep Temporal's own `temporal_` prefix.
 */
export const METRIC = {
  callbackCalls: 'workflow_runner_callback_calls_total',
  callbackRetries: 'workflow_runner_callback_retries_total',
  callbackLatency: 'workflow_runner_callback_call_duration_seconds',
  callbackWaiting: 'workflow_runner_callback_events_waiting',
  callbackOldestWaiting: 'workflow_runner_callback_oldest_waiting_seconds',
  callbackResent: 'workflow_runner_callback_events_resent_total',
  callbackGivenUp: 'workflow_runner_callback_events_given_up_total',
  callbackReplicasRecovered: 'workflow_runner_callback_replicas_recovered_total',
  executionsStarted: 'workflow_runner_executions_started_total',
  executionsFinished: 'workflow_runner_executions_finished_total',
  executionsInFlight: 'workflow_runner_executions_in_flight',
  executionDuration: 'workflow_runner_execution_duration_seconds',
  tasks: 'workflow_runner_tasks_total',
  workerState: 'workflow_runner_worker_state',
} as const;

/** Why events were sent from a Temporal read: bodies dropped for memory, a run that moved here, a dead replica. */
export type ResendReasonLabel = 'memory' | 'moved' | 'recovered';
/** Why events were given up: the age limit, the attempts limit, or no longer readable from Temporal. */
export type GiveUpReasonLabel = 'age' | 'attempts' | 'unreadable';

/** Terminal statuses of a run, as the metrics label them. */
export type ExecutionOutcome = 'completed' | 'failed' | 'cancelled';
/** Task outcomes, as the progress events report them. */
export type TaskOutcome = 'completed' | 'failed' | 'skipped' | 'retrying';

/** Buckets for callback RPC latency: a healthy call is milliseconds, the deadline is seconds. */
export const CALLBACK_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets for run duration: from sub-second data workflows to hour-long orchestrations. */
export const EXECUTION_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Worker lifecycle states (the Temporal SDK's WorkerState values). */
export const WORKER_STATES = [
  'INITIALIZED',
  'RUNNING',
  'STOPPING',
  'DRAINING',
  'DRAINED',
  'STOPPED',
  'FAILED',
] as const;
export type WorkerStateName = (typeof WORKER_STATES)[number];
