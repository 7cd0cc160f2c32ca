/**
 * `try`/`catch`: runs the `try` list; a fault that passes `errors.with`, `when` and `exceptWhen` is caught.
 * With a `retry` policy the list runs again after a durable timer (delay, backoff, jitter) while the
 * policy's limits allow; otherwise (or once retries are exhausted and `catch.do` exists) `catch.do` runs
 * with the error bound to `$<as>` (default `$error`). Exhausted retries without `catch.do` re-raise.
 */
import type { WorkflowErrorData } from '../../contract';
import { isWorkflowFault } from '../../../zigflow/dsl/errors';
import type { CatchDefinition, TryTask } from '../../../zigflow/dsl/model';
import { taskList, type NamedTask } from '../../../zigflow/dsl/tasks';
import {
  matchesErrorFilter,
  resolveRetryPolicy,
  retryAllowed,
  retryDelayMs,
  type RetryPolicy,
} from '../interpreter/retry';
import { waited } from '../interpreter/run-guard';
import { attempt, runSteps, sleep, type Steps } from '../interpreter/steps';
import {
  listTaskResult,
  taskVariables,
  type ListResult,
  type MaybePromise,
  type TaskCall,
  type TaskResult,
} from '../interpreter/run-state';

export function runTry(call: TaskCall, task: TryTask): MaybePromise<TaskResult> {
  return runSteps(call.rs, trySteps(call, task));
}

interface TryPlan {
  list: NamedTask[];
  handler: CatchDefinition;
  retry: RetryPolicy | undefined;
  startedMs: number;
}

function plan(call: TaskCall, task: TryTask): TryPlan {
  const handler = task.catch ?? {};
  return {
    list: taskList(task.try),
    handler,
    retry: resolveRetryPolicy(handler.retry, call.rs.document.use?.retries, call.position),
    startedMs: Date.now(),
  };
}

/** What follows a failed attempt: another attempt after `delay` ms, or the `catch.do` handler; rethrows otherwise. */
function afterFailure(
  call: TaskCall,
  p: TryPlan,
  e: unknown,
  attemptNo: number,
): { delay: number } | { scope: Record<string, unknown> } {
  if (!isWorkflowFault(e)) throw e;
  const errVar = p.handler.as ?? 'error';
  const scope = { ...call.scope, [errVar]: e.error };
  if (!caught(call, p.handler, e.error, scope)) throw e;
  if (p.retry) {
    if (retryAllowed(call, p.retry, attemptNo, Date.now() - p.startedMs, e.error, scope)) {
      const delay = retryDelayMs(p.retry, attemptNo);
      call.rs.progress.emit('task_retrying', {
        taskName: call.name,
        taskPosition: call.position,
        taskKind: 'try',
        attempt: attemptNo + 1,
        error: e.error,
        message: `retrying in ${delay} ms`,
      });
      return { delay };
    }
    if (p.handler.do === undefined) throw e;
  }
  return { scope };
}

function* trySteps(call: TaskCall, task: TryTask): Steps<TaskResult> {
  const { rs, runner, position } = call;
  const p = plan(call, task);
  for (let attemptNo = 1; ; attemptNo += 1) {
    try {
      // `limit.attempt.duration` bounds each attempt like a task timeout.
      const result: ListResult = yield attempt(
        rs,
        p.retry?.maxAttemptDurationMs,
        `attempt of ${call.name}`,
        position,
        () => runner.runList(rs, p.list, `${position}/try`, call.input, call.scope),
      );
      return listTaskResult(result);
    } catch (e) {
      const next = afterFailure(call, p, e, attemptNo);
      if ('scope' in next) return runHandler(call, p.handler, next.scope);
      yield sleep(rs, next.delay, `retry ${call.name}`);
      waited(rs);
    }
  }
}

function caught(
  call: TaskCall,
  handler: CatchDefinition,
  error: WorkflowErrorData,
  scope: Record<string, unknown>,
): boolean {
  if (!matchesErrorFilter(handler.errors?.with, error)) return false;
  const vars = taskVariables({ ...call, scope });
  const { evaluator } = call.rs;
  if (handler.when !== undefined && !evaluator.evaluateCondition(handler.when, call.input, vars, call.position)) {
    return false;
  }
  if (
    handler.exceptWhen !== undefined &&
    evaluator.evaluateCondition(handler.exceptWhen, call.input, vars, call.position)
  ) {
    return false;
  }
  return true;
}

/** `catch.do` with the error bound in `scope`; without it, the try outputs its input. */
function runHandler(
  call: TaskCall,
  handler: CatchDefinition,
  scope: Record<string, unknown>,
): MaybePromise<TaskResult> {
  return runSteps(call.rs, handlerSteps(call, handler, scope));
}

function* handlerSteps(call: TaskCall, handler: CatchDefinition, scope: Record<string, unknown>): Steps<TaskResult> {
  if (handler.do === undefined) return { output: call.input };
  const result: ListResult = yield call.runner.runList(
    call.rs,
    taskList(handler.do),
    `${call.position}/catch/do`,
    call.input,
    scope,
  );
  return listTaskResult(result);
}
