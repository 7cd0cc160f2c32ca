/**
 * The interpreter core: runs task lists (flow directives) and single tasks (the data-flow pipeline, `if`,
 * timeout, progress events, error instances). Each task kind lives in its own file; see tasks/index.ts.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  ContinueAsNew,
  isCancellation,
} from '@temporalio/workflow';
import {
  DSL_ERROR_FAILURE_TYPE,
  FAULT_FAILURE_TYPE,
  RETRYABLE_DSL_ERROR_FAILURE_TYPE,
  type TaskRecord,
  type WorkflowErrorData,
} from '../../contract';
import { exportContext, transformInput, transformOutput } from '../../../zigflow/dsl/data-flow';
import { asErrorData, dslError, isWorkflowFault, WorkflowFault, withInstance } from '../../../zigflow/dsl/errors';
import type { Variables } from '../../../zigflow/dsl/expressions';
import type { TaskKind } from '../../../zigflow/dsl/model';
import { callKind, indexOfTask, taskPointer, type NamedTask } from '../../../zigflow/dsl/tasks';
import { yieldPoint } from './activity-calls';
import {
  continueAsNewNow,
  enterResumable,
  isResumableList,
  leaveResumable,
  shouldContinueAsNew,
} from './continue-as-new';
import { execute } from '../tasks';
import {
  recordTask,
  type ListResult,
  type MaybePromise,
  type Runner,
  type RunState,
  type TaskCall,
  type TaskOutcome,
  type TaskResult,
} from './run-state';
import { countTask, noteDurableWait, RunawayStop, sliceSpent, startSlice, taskEvents } from './run-guard';
import { isPromise, race } from './steps';
import { timeoutMs } from './timeout';

export const runner: Runner = {
  runList,
  runTask: (rs, named, position, input, scope) => runTask(rs, named, position, input, scope),
  checkpoint,
};

interface ListCursor {
  rs: RunState;
  list: NamedTask[];
  listPointer: string;
  scope: Variables;
  index: number;
  data: unknown;
  /** Whether the run may continue-as-new at this list's task boundaries (see continue-as-new.ts). */
  resumable: boolean;
}

function runList(
  rs: RunState,
  list: NamedTask[],
  listPointer: string,
  input: unknown,
  scope: Variables,
): MaybePromise<ListResult> {
  const c: ListCursor = {
    rs,
    list,
    listPointer,
    scope,
    index: 0,
    data: input,
    resumable: isResumableList(listPointer),
  };
  if (c.resumable) {
    const cursor = enterResumable(rs, listPointer, c);
    if (cursor) {
      c.index = cursor.index;
      c.data = cursor.data;
    }
  }
  return continueList(c);
}

/** Runs tasks synchronously while they complete synchronously; continues asynchronously after a wait. */
function continueList(c: ListCursor): MaybePromise<ListResult> {
  while (c.index < c.list.length) {
    const pause = checkpoint(c.rs);
    const handover = c.resumable && shouldContinueAsNew(c.rs, c.listPointer);
    if (pause || handover) return resumeList(c, pause, handover);
    const named = c.list[c.index];
    const outcome = runTask(c.rs, named, taskPointer(c.listPointer, c.index, named.name), c.data, c.scope);
    if (isPromise(outcome)) return outcome.then((o) => afterTask(c, o) ?? continueList(c));
    const done = afterTask(c, outcome);
    if (done) return done;
  }
  return endList(c, { output: c.data, ended: false });
}

function endList(c: ListCursor, result: ListResult): ListResult {
  if (c.resumable) leaveResumable(c.rs, c.listPointer);
  return result;
}

async function resumeList(c: ListCursor, pause: Promise<void> | undefined, handover: boolean): Promise<ListResult> {
  if (pause) await pause;
  if (handover) await continueAsNewNow(c.rs);
  const named = c.list[c.index];
  const outcome = await runTask(c.rs, named, taskPointer(c.listPointer, c.index, named.name), c.data, c.scope);
  return afterTask(c, outcome) ?? continueList(c);
}

/** Applies a task's flow directive to the cursor; returns the list's result when the list is done. */
function afterTask(c: ListCursor, outcome: TaskOutcome): ListResult | undefined {
  c.data = outcome.output;
  if (outcome.flow === 'end') return endList(c, { output: c.data, ended: true });
  if (outcome.flow === 'exit') return endList(c, { output: c.data, ended: false });
  if (outcome.flow === 'continue') {
    c.index += 1;
    return c.index < c.list.length ? undefined : endList(c, { output: c.data, ended: false });
  }
  const target = indexOfTask(c.list, outcome.flow);
  if (target < 0) {
    const position = taskPointer(c.listPointer, c.index, c.list[c.index].name);
    throw new WorkflowFault(
      dslError('configuration', `'then: ${outcome.flow}' names no task in the same list`, { instance: position }),
    );
  }
  c.index = target;
  return undefined;
}

/**
 * Task boundary: pure-data work never leaves the activation on its own, so once the slice is spent
 * (run-guard.ts) the run yields with a no-op local activity: other runs on the worker and signals,
 * queries and cancellation get in.
 */
function checkpoint(rs: RunState): Promise<void> | undefined {
  rs.stepsSinceYield += 1;
  if (!rs.paused && !sliceSpent(rs)) return undefined;
  return holdAndYield(rs);
}

async function holdAndYield(rs: RunState): Promise<void> {
  if (rs.paused) {
    rs.status = 'paused';
    rs.progress.emit('workflow_paused', { message: 'paused at a task boundary' });
    await condition(() => !rs.paused);
    noteDurableWait(rs);
    rs.status = 'running';
    rs.progress.emit('workflow_resumed');
  }
  if (sliceSpent(rs)) {
    startSlice(rs);
    await yieldPoint();
  }
}

function timeOf(ms: number): { iso8601: string; epoch: { seconds: number; milliseconds: number } } {
  return { iso8601: new Date(ms).toISOString(), epoch: { seconds: Math.floor(ms / 1000), milliseconds: ms } };
}

/**
 * `$task.startedAt`. Workflow time stands still within an activation, so the tasks started in one share
 * one frozen value instead of formatting a date each.
 */
function startedAtNow(rs: RunState): Record<string, unknown> {
  const ms = Date.now();
  if (rs.taskClock?.ms !== ms) {
    const time = timeOf(ms);
    Object.freeze(time.epoch);
    rs.taskClock = { ms, time: Object.freeze(time) };
  }
  return rs.taskClock.time;
}

interface TaskRun {
  rs: RunState;
  call: TaskCall;
  /** The kind fields of the task's progress events: its kind (none when it has none), a call's protocol. */
  taskKind: TaskKind | undefined;
  callKind: string | undefined;
  vars: Variables;
  record: TaskRecord;
  /** Whether the progress bound holds this task's events back (run-guard.ts). */
  quiet: boolean;
}

/** One task through the data-flow pipeline; synchronous unless the task's kind waits. */
export function runTask(
  rs: RunState,
  named: NamedTask,
  position: string,
  rawInput: unknown,
  scope: Variables,
): MaybePromise<TaskOutcome> {
  const { name, task } = named;
  countTask(rs, position);
  const taskDescriptor: Record<string, unknown> = {
    name,
    reference: position,
    definition: task,
    input: rawInput,
    startedAt: startedAtNow(rs),
  };
  // Object.assign rather than a spread: the workflow bundle compiles spreads to a much slower helper.
  const vars: Variables = Object.assign({}, scope);
  vars.context = rs.context;
  vars.task = taskDescriptor;
  vars.workflow = rs.workflowDescriptor;
  vars.runtime = rs.runtimeDescriptor;
  vars.authorization = null;
  const record = recordTask(rs, { name, position, status: 'running' });
  rs.currentTask = { name, position };
  const call: TaskCall = {
    rs,
    runner,
    name,
    task,
    position,
    input: rawInput,
    scope,
    taskDescriptor,
    vars: { vars, scopeOf: scope },
  };
  const run: TaskRun = {
    rs,
    call,
    taskKind: named.kind,
    callKind: callKind(named),
    vars,
    record,
    quiet: taskEvents.quiet(rs),
  };
  try {
    if (named.kind === undefined) {
      throw new WorkflowFault(dslError('configuration', `task '${name}' has no known kind`));
    }
    vars.input = rawInput;
    const input = task.input ? transformInput(rs.evaluator, task.input, rawInput, vars, position) : rawInput;
    vars.input = input;
    call.input = input;
    if (task.if !== undefined && !rs.evaluator.evaluateCondition(task.if, input, vars, position)) {
      record.status = 'skipped';
      const fields = { taskName: name, taskPosition: position, taskKind: run.taskKind, callKind: run.callKind };
      taskEvents.ended(rs, record, 'task_skipped', fields, run.quiet);
      return { output: rawInput, flow: 'continue' };
    }
    const fields = { taskName: name, taskPosition: position, taskKind: run.taskKind, callKind: run.callKind };
    taskEvents.started(rs, record, fields, run.quiet);
    const ms = timeoutMs(task.timeout, rs.document.use?.timeouts, position);
    const result =
      ms === undefined
        ? execute(named, call)
        : race(rs, ms, `task ${name}`, position, async () => execute(named, call));
    if (isPromise(result))
      return result.then(
        (r) => finishTask(run, r),
        (e: unknown) => failTask(run, e),
      );
    return finishTask(run, result);
  } catch (e) {
    return failTask(run, e);
  }
}

function finishTask(run: TaskRun, result: TaskResult): TaskOutcome {
  const { rs, call, vars, record } = run;
  try {
    call.taskDescriptor.output = result.output;
    vars.context = rs.context;
    vars.authorization = result.authorization ?? null;
    const output = transformOutput(rs.evaluator, call.task.output, result.output, vars, call.position);
    if (call.task.export) {
      vars.output = output;
      rs.context = exportContext(rs.evaluator, call.task.export, output, rs.context, vars, call.position);
    }
    record.status = 'completed';
    // A held event needs no summary (serializing the output is the dearest part of an event).
    const reported = !run.quiet || !rs.heldStarts.has(record);
    const fields = {
      taskName: call.name,
      taskPosition: call.position,
      taskKind: run.taskKind,
      callKind: run.callKind,
      outputSummary: reported ? rs.progress.summaryOf(output) : undefined,
      modelUsage: call.modelUsage,
    };
    taskEvents.ended(rs, record, 'task_completed', fields, run.quiet);
    // A nested `then: end` or a switch case's directive takes precedence over the task's own `then`.
    return { output, flow: result.flow ?? call.task.then ?? 'continue' };
  } catch (e) {
    return failTask(run, e);
  }
}

function failTask(run: TaskRun, e: unknown): never {
  const { rs, call, record } = run;
  if (isCancellation(e) || e instanceof ContinueAsNew) {
    record.status = 'cancelled';
    throw e;
  }
  // The runaway stop travels unchanged: `try` must not catch it (run-guard.ts).
  const fault = e instanceof RunawayStop ? e : new WorkflowFault(toErrorData(e, call.position));
  record.status = 'failed';
  taskEvents.failed(rs, record, {
    taskName: call.name,
    taskPosition: call.position,
    taskKind: run.taskKind,
    callKind: run.callKind,
    error: fault.error,
    modelUsage: call.modelUsage,
  });
  throw fault;
}

/** Any failure inside a task as DSL error data; the innermost task's pointer becomes `instance`. */
export function toErrorData(e: unknown, position: string): WorkflowErrorData {
  if (isWorkflowFault(e) || e instanceof RunawayStop) return withInstance(e.error, position);
  if (e instanceof ActivityFailure || e instanceof ChildWorkflowFailure || e instanceof ApplicationFailure) {
    // A local activity's failure reaches workflow code as the activity's own ApplicationFailure (the one
    // its marker records), not wrapped in an ActivityFailure as a regular activity's is.
    const cause = e instanceof ApplicationFailure ? e : e.cause;
    if (cause instanceof ApplicationFailure) {
      const details = cause.details?.[0];
      // A retryable one (a model endpoint's 429 or 5xx) arrives here once Temporal's attempts ran out.
      if (cause.type === DSL_ERROR_FAILURE_TYPE || cause.type === RETRYABLE_DSL_ERROR_FAILURE_TYPE) {
        const data = asErrorData(details);
        if (data) return withInstance(data, position);
      }
      if (cause.type === FAULT_FAILURE_TYPE) {
        const data = asErrorData((details as { error?: unknown } | undefined)?.error);
        if (data) return withInstance(data, position);
      }
    }
    return dslError('runtime', cause?.message ?? e.message, { instance: position });
  }
  const message = e instanceof Error ? e.message : String(e);
  return dslError('runtime', message, { instance: position });
}
