/**
 * The interpreter's run state: everything a task needs (document, evaluator, context, progress log) and
 * everything that survives continue-as-new (see {@link ResumeState}).
 */
import type {
  ExecutionStatus,
  ModelUsageSummary,
  RecoveredFrom,
  RunLimits,
  TaskRecord,
  WorkflowErrorData,
  WorkflowExecuteInput,
} from '../../contract';
import type { ExpressionEvaluator, Variables } from '../../../zigflow/dsl/expressions';
import type { FlowDirective, TaskDefinition, WorkflowDocument } from '../../../zigflow/dsl/model';
import type { NamedTask } from '../../../zigflow/dsl/tasks';
import type { ProgressFields, ProgressLog } from './progress';

/** A CloudEvent as the `event` signal delivers it (a JSON object). */
export type CloudEvent = Record<string, unknown>;

/** Kept in the run result and carried across continue-as-new; older records are dropped past this bound. */
export const MAX_TASK_RECORDS = 2000;

/** Where one resumable level (a task list or a `for` loop) stood: next index and that step's input. */
export interface ResumeCursor {
  /** JSON pointer of the list (`/do`, `/do/3/loop/do`) or of the `for` task (`/do/3/loop`). */
  position: string;
  index: number;
  data: unknown;
}

/** What a continued run needs to pick up where the previous one stopped, without re-running finished work. */
export interface ResumeState {
  /**
   * Every resumable level that was running, outermost first: each list and `for` re-entered on the way
   * down starts at its cursor instead of at the beginning.
   */
  cursors?: ResumeCursor[];
  context: unknown;
  /** Transformed workflow input (`$input` of `workflow.input`). */
  workflowInput: unknown;
  startedAt: string;
  lastSequence: number;
  tasks: TaskRecord[];
  pendingEvents: CloudEvent[];
  paused: boolean;
  /** Tasks run since the last durable wait, carried so that continue-as-new does not restart the guard. */
  tasksWithoutWait?: number;
  /** Set when `recover` started this run from a failed or terminated one (a new run, not a continuation). */
  recovery?: { fromRunId: string; taskPosition?: string; reason?: string };
  /** Carried across continue-as-new: the recovery that started this execution's current chain of runs. */
  recoveredFrom?: RecoveredFrom;
  /** Earlier form (top-level only), still read when a run continued by an older worker resumes. */
  topIndex?: number;
  data?: unknown;
  forLoop?: { position: string; index: number; data: unknown };
}

export interface CurrentTask {
  name: string;
  position: string;
}

export interface RunState {
  executionId: string;
  workflowName: string;
  document: WorkflowDocument;
  evaluator: ExpressionEvaluator;
  progress: ProgressLog;
  /** `$context`, replaced by `export.as`. */
  context: unknown;
  /** `$workflow` and `$runtime` (constant per run). */
  workflowDescriptor: Record<string, unknown>;
  runtimeDescriptor: Record<string, unknown>;
  env: Record<string, string>;
  /** Secret name → sealed value; opened only inside activities. */
  sealedSecrets: Record<string, string>;
  status: ExecutionStatus;
  paused: boolean;
  currentTask?: CurrentTask;
  error?: WorkflowErrorData;
  tasks: TaskRecord[];
  /** CloudEvents received through the `event` signal and not yet consumed by a `listen` task. */
  pendingEvents: CloudEvent[];
  /** Task boundaries since the last yield (the slice's per-task units; run-guard.ts). */
  stepsSinceYield: number;
  /** The run's limits (start input over defaults; run-guard.ts). */
  limits: Required<RunLimits>;
  /** Tasks run since the last durable wait: the runaway guard and the progress bound (run-guard.ts). */
  tasksWithoutWait: number;
  /** jq steps the evaluator had metered when the current slice began. */
  sliceMark: number;
  /** Whether the `time-slices` patch applies; unknown until a yield rule first acts. */
  slicing?: boolean;
  /** Whether the `runaway-guard` patch applies; unknown until the limit is first passed. */
  guarded?: boolean;
  /** Running tasks whose `task_started` the progress bound holds back (reported if they wait). */
  heldStarts: Map<TaskRecord, ProgressFields>;
  /**
   * Concurrent regions open now (`fork` branches, timeout races). Read and changed only by steps.ts, which
   * waits with real promise steps inside a region (the command order recorded histories hold) and with
   * Laters outside (later.ts).
   */
  racing: number;
  /**
   * Timeout races in progress (steps.ts `race`): under one, calls never run as local activities, whose
   * open workflow task would keep the timeout's timer from starting until the call ends.
   */
  timeouts: number;
  /** `$task.startedAt` of the tasks started at this workflow time (interpreter.ts). */
  taskClock?: { ms: number; time: Record<string, unknown> };
  /** Resume points of a continued run by position, each consumed when its list or loop is re-entered. */
  resumeCursors: Map<string, ResumeCursor>;
  /** The resumable lists and loops running now (live cursors), snapshotted by continue-as-new. */
  liveCursors: Map<string, { index: number; data: unknown }>;
  /** Continue-as-new once history reaches this many events even if the server does not suggest it. */
  continueAsNewAfterEvents: number;
  workflowInput: unknown;
  startedAt: string;
  /** The run's start argument, passed again on continue-as-new. */
  originalInput: WorkflowExecuteInput;
  /**
   * Cataloged functions' definitions fetched by this run, by `name:version@catalog`: fetched once per run
   * (the activity result is in history), again after continue-as-new.
   */
  catalogFunctions?: Map<string, TaskDefinition>;
  /** Set on a run `recover` started; carried across continue-as-new. */
  recoveredFrom?: RecoveredFrom;
}

/** One task being executed by its kind's executor. */
export interface TaskCall {
  rs: RunState;
  runner: Runner;
  name: string;
  /** The task's definition (its kind-specific fields reach the executor as its second argument). */
  task: TaskDefinition;
  position: string;
  /** Transformed task input. */
  input: unknown;
  /** User variables in scope (`for` items, `catch.as`, ...). */
  scope: Variables;
  /** `$task` of the running task. */
  taskDescriptor: Record<string, unknown>;
  /** The task's runtime arguments as the interpreter built them, and the scope they were built from. */
  vars?: { vars: Variables; scopeOf: Variables };
  /** What the task's model calls used (default-catalog functions); reported on its completion or failure. */
  modelUsage?: ModelUsageSummary;
}

export interface TaskResult {
  output: unknown;
  /** Set by composite tasks when a nested `then: end` ends the workflow. */
  flow?: FlowDirective;
  /** `$authorization` of the task's `output.as`/`export.as` (call tasks with authentication). */
  authorization?: unknown;
}

/**
 * Pure-data work completes synchronously: promise creation is costly in the workflow sandbox (the SDK
 * captures a stack trace per promise), so interpreter steps return a promise only when they really wait.
 */
export type MaybePromise<T> = T | PromiseLike<T>;

/** A composite task's result from its list's: a nested `then: end` ends the workflow. */
export function listTaskResult(result: ListResult): TaskResult {
  return { output: result.output, flow: result.ended ? 'end' : undefined };
}

export interface TaskOutcome {
  output: unknown;
  flow: FlowDirective;
}

export interface ListResult {
  output: unknown;
  ended: boolean;
}

/** Interpreter entry points handed to composite tasks (avoids import cycles between task files). */
export interface Runner {
  runList(
    rs: RunState,
    list: NamedTask[],
    listPointer: string,
    input: unknown,
    scope: Variables,
  ): MaybePromise<ListResult>;
  /** Runs one task through the whole pipeline (data flow, `if`, timeout, progress events). */
  runTask(
    rs: RunState,
    named: NamedTask,
    position: string,
    input: unknown,
    scope: Variables,
  ): MaybePromise<TaskOutcome>;
  /** Task boundary: honours pause and yields periodically; a promise only when it has to wait. */
  checkpoint(rs: RunState): Promise<void> | undefined;
}

/** All runtime arguments for an expression of a task (the spec's table; `$secrets` is never bound here). */
export function taskVariables(call: TaskCall, extra?: Variables): Variables {
  // The variables the interpreter built for this task, refreshed: a copy only when the scope differs.
  const own = call.vars;
  if (own && extra === undefined && own.scopeOf === call.scope) {
    own.vars.context = call.rs.context;
    own.vars.input = call.input;
    return own.vars;
  }
  return {
    ...call.scope,
    ...extra,
    context: call.rs.context,
    input: call.input,
    task: call.taskDescriptor,
    workflow: call.rs.workflowDescriptor,
    runtime: call.rs.runtimeDescriptor,
    authorization: null,
  };
}

export function recordTask(rs: RunState, record: TaskRecord): TaskRecord {
  rs.tasks.push(record);
  if (rs.tasks.length > MAX_TASK_RECORDS) rs.tasks.splice(0, rs.tasks.length - MAX_TASK_RECORDS);
  return record;
}
