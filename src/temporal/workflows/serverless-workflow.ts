/**
 * The runner's one workflow type: interprets a Serverless Workflow 1.0.x document inline. Pipeline:
 * workflow_started → workflow_validating → (local activity `validateWorkflow`) → workflow_validated or
 * workflow_failed → task events → workflow_completed / workflow_failed / workflow_cancelled.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  FAULT_FAILURE_TYPE,
  QUERY_EVENTS,
  QUERY_RECOVERY,
  QUERY_STATUS,
  SIGNAL_EVENT,
  SIGNAL_PAUSE,
  SIGNAL_RESUME,
  type EventsPage,
  type ExecutionStatusView,
  type RecoveryPoint,
  type WorkflowErrorData,
  type WorkflowExecuteInput,
  type WorkflowRunResult,
} from '../contract';
import { transformInput, transformOutput } from '../../zigflow/dsl/data-flow';
import { dslError, isWorkflowFault } from '../../zigflow/dsl/errors';
import { ExpressionEvaluator } from '../../zigflow/dsl/expressions';
import type { WorkflowDocument } from '../../zigflow/dsl/model';
import { taskList } from '../../zigflow/dsl/tasks';
import { validateDocument } from './interpreter/activity-calls';
import { runner, toErrorData } from './interpreter/interpreter';
import { ProgressLog, summarize } from './interpreter/progress';
import type { ListResult, ResumeState, RunState } from './interpreter/run-state';
import { isPromise, race, runSteps, type Steps } from './interpreter/steps';
import { timeoutMs } from './interpreter/timeout';
import { recoveryPoint, resumeCursors } from './interpreter/continue-as-new';
import { resolveSchemaResources } from './interpreter/schema-resources';
import { runLimits } from './interpreter/run-guard';
import { mayHaveSchemaResources } from '../../zigflow/dsl/schema-resources';

export const pauseSignal = defineSignal(SIGNAL_PAUSE);
export const resumeSignal = defineSignal(SIGNAL_RESUME);
export const eventSignal = defineSignal<[Record<string, unknown>]>(SIGNAL_EVENT);
export const statusQuery = defineQuery<ExecutionStatusView>(QUERY_STATUS);
export const eventsQuery = defineQuery<EventsPage, [{ fromSequence?: number; limit?: number }?]>(QUERY_EVENTS);
export const recoveryQuery = defineQuery<RecoveryPoint | null>(QUERY_RECOVERY);

/** Continue-as-new threshold unless the execution's metadata sets `runner.continueAsNewAfterEvents`. */
const DEFAULT_CONTINUE_AS_NEW_EVENTS = 10_000;
const MAX_PENDING_EVENTS = 10_000;
const RUNTIME_NAME = 'workflow-runner';
const RUNTIME_VERSION = '0.1.0';
/** The run state's document until validation hands over the real one (nothing reads it before). */
const NOT_YET_VALIDATED: WorkflowDocument = { document: { dsl: '', namespace: '', name: '', version: '' }, do: [] };

/**
 * @param input the contract's start argument
 * @param resume internal: set only by continue-as-new (Java/Go callers pass the first argument only)
 */
export async function serverlessWorkflow(
  input: WorkflowExecuteInput,
  resume?: ResumeState,
): Promise<WorkflowRunResult> {
  const rs = createRunState(input, resume);
  registerHandlers(rs);
  try {
    if (!resume) rs.progress.emit('workflow_started', { message: `execution ${rs.executionId}` });
    rs.status = 'running';
    if (resume?.recovery) announceRecovery(rs, resume.recovery);
    if (!resume) rs.progress.emit('workflow_validating');
    const validation = input.document
      ? { ok: true as const, workflow: input.document }
      : await validateDocument(input.workflowYaml);
    if (!validation.ok) {
      const lines = validation.problems.map(
        (p) => `${p.pointer || '/'}${p.line ? ` (${p.line}:${p.column ?? 0})` : ''}: ${p.message}`,
      );
      throw new ValidationFailed(dslError('validation', `invalid workflow document:\n${lines.join('\n')}`));
    }
    prepare(rs, validation.workflow);
    if (!resume) rs.progress.emit('workflow_validated');
    const ms = timeoutMs(rs.document.timeout, rs.document.use?.timeouts, '');
    const result =
      ms === undefined
        ? runSteps(rs, documentSteps(rs, input, resume))
        : race(rs, ms, 'workflow', '', () => runSteps(rs, documentSteps(rs, input, resume)));
    const output = isPromise(result) ? await result : result;
    rs.status = 'completed';
    rs.currentTask = undefined;
    rs.progress.emit('workflow_completed', { outputSummary: summarize(output) });
    return { status: 'completed', output, tasks: rs.tasks };
  } catch (e) {
    if (e instanceof ContinueAsNew) throw e;
    if (isCancellation(e)) {
      rs.status = 'cancelled';
      await CancellationScope.nonCancellable(async () => {
        rs.progress.emit('workflow_cancelled', { message: 'cancelled' });
      });
      throw e;
    }
    const error = e instanceof ValidationFailed ? e.error : isWorkflowFault(e) ? e.error : toErrorData(e, '');
    rs.status = 'failed';
    rs.error = error;
    rs.progress.emit('workflow_failed', { error, message: error.detail ?? error.title });
    const result: WorkflowRunResult = { status: 'faulted', error, tasks: rs.tasks };
    throw ApplicationFailure.create({
      type: FAULT_FAILURE_TYPE,
      message: error.detail ?? error.title ?? error.type,
      nonRetryable: true,
      details: [result],
    });
  }
}

/** The first event of a run `recover` started: links it to the run it picks up from. */
function announceRecovery(rs: RunState, recovery: NonNullable<ResumeState['recovery']>): void {
  const at = recovery.taskPosition ? ` at ${recovery.taskPosition}` : '';
  const why = recovery.reason ? `: ${recovery.reason}` : '';
  rs.progress.emit('workflow_recovered', {
    message: `recovered from run ${recovery.fromRunId}${at}${why}`,
    taskPosition: recovery.taskPosition,
  });
  rs.recoveredFrom = { runId: recovery.fromRunId, taskPosition: recovery.taskPosition, sequence: rs.progress.sequence };
}

class ValidationFailed extends Error {
  constructor(readonly error: WorkflowErrorData) {
    super(error.detail);
    this.name = 'ValidationFailed';
  }
}

function createRunState(input: WorkflowExecuteInput, resume?: ResumeState): RunState {
  const env: Record<string, string> = {};
  const sealedSecrets: Record<string, string> = {};
  for (const entry of input.environment ?? []) {
    if (entry.secret && entry.sealed !== undefined) sealedSecrets[entry.name] = entry.sealed;
    else if (!entry.secret && entry.value !== undefined) env[entry.name] = entry.value;
  }
  // A Temporal Schedule appends the start time to the workflow id it starts, so its action leaves
  // executionId empty: the workflow id is then the execution id (as for every other run).
  const executionId = input.executionId || workflowInfo().workflowId;
  const progress = new ProgressLog(executionId, resume?.lastSequence ?? 0);
  progress.workflowName = input.document ? String(input.document.document?.name ?? '') : guessName(input.workflowYaml);
  const threshold = Number(input.metadata?.['runner.continueAsNewAfterEvents']);
  return {
    executionId,
    workflowName: progress.workflowName,
    document: NOT_YET_VALIDATED,
    evaluator: new ExpressionEvaluator({ now: () => Date.now() / 1000, env }),
    progress,
    context: resume?.context ?? {},
    workflowDescriptor: {},
    runtimeDescriptor: { name: RUNTIME_NAME, version: RUNTIME_VERSION, metadata: input.metadata ?? {} },
    env,
    sealedSecrets,
    status: 'pending',
    paused: resume?.paused ?? false,
    tasks: resume?.tasks ?? [],
    pendingEvents: resume?.pendingEvents ?? [],
    stepsSinceYield: 0,
    limits: runLimits(input.limits),
    tasksWithoutWait: resume?.tasksWithoutWait ?? 0,
    sliceMark: 0,
    heldStarts: new Map(),
    racing: 0,
    timeouts: 0,
    resumeCursors: resumeCursors(resume),
    liveCursors: new Map(),
    continueAsNewAfterEvents: Number.isFinite(threshold) && threshold > 0 ? threshold : DEFAULT_CONTINUE_AS_NEW_EVENTS,
    workflowInput: resume?.workflowInput,
    startedAt: resume?.startedAt ?? new Date().toISOString(),
    originalInput: input,
    recoveredFrom: resume?.recoveredFrom,
  };
}

/** The name for events emitted before the YAML is validated (validation replaces it). */
function guessName(yamlText: string): string {
  const m = /^document:[\s\S]*?^\s+name:\s*['"]?([^'"\s#]+)/m.exec(yamlText);
  return m ? m[1] : '';
}

function prepare(rs: RunState, document: WorkflowDocument): void {
  rs.document = document;
  rs.workflowName = String(document.document?.name ?? rs.workflowName);
  rs.progress.workflowName = rs.workflowName;
  const mode = document.evaluate?.mode ?? 'strict';
  rs.evaluator = new ExpressionEvaluator({ mode, now: () => Date.now() / 1000, env: rs.env });
  const startedMs = Date.parse(rs.startedAt);
  rs.workflowDescriptor = {
    id: rs.executionId,
    definition: document,
    input: rs.originalInput.input ?? {},
    startedAt: { iso8601: rs.startedAt, epoch: { seconds: Math.floor(startedMs / 1000), milliseconds: startedMs } },
  };
}

/**
 * The document's tasks and output, driven by steps.ts: inside the workflow timeout's race (a concurrent
 * region) with its recorded promise steps, otherwise synchronous while the tasks are, a Later when they wait.
 * External schemas are fetched by every run (a continued one too); the common document without any is
 * checked synchronously (no promise, no walk with pointers).
 */
function* documentSteps(rs: RunState, input: WorkflowExecuteInput, resume?: ResumeState): Steps<unknown> {
  if (mayHaveSchemaResources(rs.document)) yield resolveSchemaResources(rs, input.input ?? {});
  const result: ListResult = yield runner.runList(
    rs,
    taskList(rs.document.do),
    '/do',
    workflowInput(rs, input, resume),
    {},
  );
  return workflowOutput(rs, result);
}

/** The transformed workflow input; a continued run's top-level list starts from its cursor (data included). */
function workflowInput(rs: RunState, input: WorkflowExecuteInput, resume?: ResumeState): unknown {
  if (!resume) {
    const raw = input.input ?? {};
    rs.workflowInput = transformInput(rs.evaluator, rs.document.input, raw, workflowVariables(rs, raw), '');
  }
  return rs.workflowInput;
}

function workflowOutput(rs: RunState, result: ListResult): unknown {
  rs.currentTask = undefined;
  return transformOutput(rs.evaluator, rs.document.output, result.output, workflowVariables(rs, rs.workflowInput), '');
}

/** Runtime arguments of the workflow-level `input.from` and `output.as` (no task is running). */
function workflowVariables(rs: RunState, input: unknown): Record<string, unknown> {
  return {
    workflow: rs.workflowDescriptor,
    runtime: rs.runtimeDescriptor,
    authorization: null,
    context: rs.context,
    input,
  };
}

function registerHandlers(rs: RunState): void {
  setHandler(pauseSignal, () => {
    rs.paused = true;
  });
  setHandler(resumeSignal, () => {
    rs.paused = false;
  });
  setHandler(eventSignal, (event) => {
    if (event && typeof event === 'object' && rs.pendingEvents.length < MAX_PENDING_EVENTS)
      rs.pendingEvents.push(event);
  });
  setHandler(statusQuery, () => {
    const view: ExecutionStatusView = {
      executionId: rs.executionId,
      workflowName: rs.workflowName,
      status: rs.status,
      lastSequence: rs.progress.sequence,
    };
    if (rs.currentTask) view.currentTask = { ...rs.currentTask };
    if (rs.error) view.error = rs.error;
    if (rs.recoveredFrom) view.recoveredFrom = rs.recoveredFrom;
    return view;
  });
  setHandler(recoveryQuery, () => recoveryPoint(rs) ?? null);
  setHandler(eventsQuery, (query) => rs.progress.page(query ?? {}));
}
