/**
 * The Temporal contract of the runner, shared by workflow code (sandboxed), activities, the worker,
 * the executor and the CLI. Pure types and constants only: this file is imported inside the workflow
 * sandbox, so it imports types only.
 *
 * A Java or Go service can start a run directly through Temporal: workflow type {@link WORKFLOW_TYPE}
 * on the runner's task queue, workflow id = execution id, one argument = {@link WorkflowExecuteInput} as JSON.
 */
import type { WorkflowDocument } from '../zigflow/dsl/model';

/** The one workflow type the runner registers. */
export const WORKFLOW_TYPE = 'serverlessWorkflow';
export const DEFAULT_TASK_QUEUE = 'workflow-runner';

/** One environment entry of an execution. Secret values never enter history in clear (see `sealed`). */
export interface EnvironmentEntry {
  name: string;
  /** Clear value: only for non-secret entries. */
  value?: string;
  secret?: boolean;
  /** Secret value sealed by the runner (AES-256-GCM, see src/secrets); opened only inside activities. */
  sealed?: string;
}

export interface WorkflowExecuteInput {
  executionId: string;
  /** The document's YAML text; empty when `document` carries it already validated (the runner's starters). */
  workflowYaml: string;
  /** The workflow input: a JSON object. */
  input?: Record<string, unknown>;
  environment?: EnvironmentEntry[];
  metadata?: Record<string, string>;
  /**
   * The document already validated by the runner's loader (set by the runner's own starters, see
   * start-input.ts); when present the workflow does not validate the YAML again.
   */
  document?: WorkflowDocument;
  /**
   * Bounds on the run's pure-data work (src/temporal/workflows/interpreter/run-guard.ts), set by the runner's
   * starters from its configuration; absent fields take the defaults. Part of the start input, so a replay
   * sees the values the run started with.
   */
  limits?: RunLimits;
}

/**
 * Work units of pure-data work per millisecond of one activation (jq steps of typical expressions in
 * workflow code, measured on a loaded two-core machine): how starters turn a configured slice length into
 * {@link RunLimits.sliceUnits}.
 */
export const SLICE_UNITS_PER_MS = 5_000;

export interface RunLimits {
  /** Tasks executed without waiting on anything durable before the run stops as a runaway (default 1,000,000). */
  maxTasksWithoutWait?: number;
  /** Work units (jq steps; a task boundary counts 150) one activation may spend before it yields. */
  sliceUnits?: number;
  /**
   * Run `call: http`, `call: openapi` and `call: grpc` as local activities unless a task's
   * `metadata.localActivity` says otherwise (WORKFLOW_LOCAL_CALLS; default false). An opt-in that trades
   * durability for speed: see docs/dsl.md "Local activities".
   */
  localCalls?: boolean;
}

export const PROGRESS_EVENT_TYPES = [
  'workflow_started',
  'workflow_validating',
  'workflow_validated',
  'task_started',
  'task_completed',
  'task_failed',
  'task_retrying',
  'task_skipped',
  'workflow_paused',
  'workflow_resumed',
  'workflow_completed',
  'workflow_failed',
  'workflow_cancelled',
  'event_emitted',
  'workflow_recovered',
  'task_events_skipped',
] as const;
export type ProgressEventType = (typeof PROGRESS_EVENT_TYPES)[number];

export type ExecutionStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

/** RFC 7807 problem details as the DSL defines errors; `type` is a spec error type URI. */
export interface WorkflowErrorData {
  type: string;
  status: number;
  title?: string;
  detail?: string;
  /** JSON pointer of the failing task, e.g. `/do/1/checkStock`. */
  instance?: string;
}

export interface WorkflowProgressEvent {
  executionId: string;
  /** `${executionId}:${sequence}`: stable across retries and replays, so receivers can drop duplicates. */
  eventId: string;
  /** 1, 2, 3... per execution, no gaps, carried across continue-as-new. */
  sequence: number;
  eventType: ProgressEventType;
  status: ExecutionStatus | 'running' | 'completed' | 'failed' | 'skipped' | 'retrying';
  workflowName: string;
  taskName?: string;
  /** JSON pointer of the task, e.g. `/do/1/checkStock`. */
  taskPosition?: string;
  /** DSL task type of a task event (`set`, `call`, `for`, ...); absent on workflow events. */
  taskKind?: string;
  /** Of a `call` task's events: `http`, `grpc`, `openapi`, `asyncapi`, `a2a`, `mcp` or `function`. */
  callKind?: string;
  message?: string;
  /** ISO 8601, workflow time. */
  timestamp: string;
  attempt?: number;
  error?: WorkflowErrorData;
  /** JSON of the task/workflow output, truncated to a bound. */
  outputSummary?: string;
  /** Tokens a task's model calls used (task_completed / task_failed of default-catalog AI functions). */
  modelUsage?: ModelUsageSummary;
}

/** Summed over a task's model requests; never any prompt or completion text. */
export interface ModelUsageSummary {
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Model turns (chat: 1; agent: one per turn). */
  turns?: number;
  /** Tool calls an agent made. */
  toolCalls?: number;
}

/** Signals and queries of {@link WORKFLOW_TYPE}. */
export const SIGNAL_PAUSE = 'pause';
export const SIGNAL_RESUME = 'resume';
/** Delivers one CloudEvent to `listen` tasks; argument: a CloudEvent JSON object. */
export const SIGNAL_EVENT = 'event';
export const QUERY_STATUS = 'status';
/** Argument: `{ fromSequence?: number; limit?: number }`; returns {@link EventsPage}. */
export const QUERY_EVENTS = 'events';
/** Returns {@link RecoveryPoint}: where a failed or terminated run would pick up again (`recover`). */
export const QUERY_RECOVERY = 'recovery';

/**
 * The answer of the `recovery` query: the start argument of the run and the resume state (the second
 * workflow argument, as continue-as-new passes it) that picks up at the failed or interrupted task.
 */
export interface RecoveryPoint {
  input: WorkflowExecuteInput;
  /** A ResumeState (src/temporal/workflows/state.ts); opaque outside workflow code. */
  resume: { lastSequence: number };
  taskPosition?: string;
}

/** A run that `recover` started from an earlier run of the same execution. */
export interface RecoveredFrom {
  runId: string;
  /** JSON pointer of the task the run resumed at (the failed or interrupted one). */
  taskPosition?: string;
  /** Sequence number of the `workflow_recovered` event that opened this run. */
  sequence: number;
}

export interface TaskRecord {
  name: string;
  position: string;
  status: 'completed' | 'failed' | 'skipped' | 'running' | 'cancelled';
}

export interface ExecutionStatusView {
  executionId: string;
  workflowName: string;
  status: ExecutionStatus;
  /** Sequence number of the last event. */
  lastSequence: number;
  currentTask?: { name: string; position: string };
  error?: WorkflowErrorData;
  /** Set on a run started by `recover`. */
  recoveredFrom?: RecoveredFrom;
}

export interface EventsPage {
  events: WorkflowProgressEvent[];
  /** Lowest sequence still held by this run (earlier ones live in previous runs after continue-as-new). */
  firstSequence: number;
  lastSequence: number;
  hasMore: boolean;
}

/**
 * What {@link WORKFLOW_TYPE} returns when the workflow completes. A faulted run closes as Failed with an
 * ApplicationFailure of type {@link FAULT_FAILURE_TYPE} whose `details[0]` is this object (status `faulted`);
 * a cancelled run closes as Cancelled.
 */
export interface WorkflowRunResult {
  status: 'completed' | 'faulted' | 'cancelled';
  output?: unknown;
  error?: WorkflowErrorData;
  tasks: TaskRecord[];
}

/** ApplicationFailure type of a run that ended in a DSL fault. */
export const FAULT_FAILURE_TYPE = 'WorkflowFaulted';

/** ApplicationFailure type an activity uses for a DSL error; `details[0]` is the WorkflowErrorData. */
export const DSL_ERROR_FAILURE_TYPE = 'DslError';
/**
 * A DSL error Temporal may retry (a model endpoint's 429 or 5xx): `details[0]` is the WorkflowErrorData the
 * task fails with once the activity's retries run out.
 */
export const RETRYABLE_DSL_ERROR_FAILURE_TYPE = 'RetryableDslError';
