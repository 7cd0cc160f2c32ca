/**
 * `try`/`catch`: runs the `try` list; a fault that passes `errors.with`, `when` and `exceptWhen` is caught.
 * With a `retry` policy the list runs again after a durable timer (delay, backoff, jitter) while the
 * policy's limits allow; otherwise (or once retries are exhausted and `catch.do` exists) `catch.do` runs
 * with the error bound to `$<as>` (default `$error`). Exhausted retries without `catch.do` re-raise.
 */
import { sleep } from '@temporalio/workflow';
import type { WorkflowErrorData } from '../../contract';
import { isWorkflowFault } from '../../../zigflow/dsl/errors';
import { taskList, type NamedTask } from '../../../zigflow/dsl/tasks';
import { Later } from '../interpreter/later';
import {
  matchesErrorFilter,
  resolveRetryPolicy,
  retryAllowed,
  retryDelayMs,
  type RetryPolicy,
} from '../interpreter/retry';
import { withTimeout } from '../interpreter/timeout';
import {
  andThen,
  isPromise,
  listTaskResult,
  taskVariables,
  type ListResult,
  type MaybePromise,
  type TaskCall,
  type TaskResult,
} from '../interpreter/run-state';

interface CatchDefinition {
  errors?: { with?: Record<string, unknown> };
  as?: string;
  when?: unknown;
  exceptWhen?: unknown;
  retry?: unknown;
  do?: unknown;
}

export function runTry(call: TaskCall): MaybePromise<TaskResult> {
  return call.rs.racing > 0 ? runTryAsync(call) : runTryInline(call);
}

interface TryPlan {
  list: NamedTask[];
  handler: CatchDefinition;
  retry: RetryPolicy | undefined;
  startedMs: number;
}

function plan(call: TaskCall): TryPlan {
  const handler = (call.task.catch ?? {}) as CatchDefinition;
  return {
    list: taskList(call.task.try),
    handler,
    retry: resolveRetryPolicy(handler.retry, call.rs.document.use?.retries, call.position),
    startedMs: Date.now(),
  };
}

/** One attempt of the `try` list; `limit.attempt.duration` bounds it like a task timeout. */
function attempt(call: TaskCall, p: TryPlan): MaybePromise<ListResult> {
  const { rs, runner, position } = call;
  const run = () => runner.runList(rs, p.list, `${position}/try`, call.input, call.scope);
  const ms = p.retry?.maxAttemptDurationMs;
  return ms === undefined ? run() : withTimeout(rs, ms, `attempt of ${call.name}`, position, async () => run());
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

function runTryInline(call: TaskCall): MaybePromise<TaskResult> {
  const p = plan(call);
  const recover = (e: unknown, attemptNo: number): MaybePromise<TaskResult> => {
    const next = afterFailure(call, p, e, attemptNo);
    if ('scope' in next) return runHandlerInline(call, p.handler, next.scope);
    return Later.from(sleep(next.delay, { summary: `retry ${call.name}` })).then(() => {
      call.rs.stepsSinceYield = 0;
      return tryFrom(attemptNo + 1);
    });
  };
  const tryFrom = (attemptNo: number): MaybePromise<TaskResult> => {
    let result: MaybePromise<ListResult>;
    try {
      result = attempt(call, p);
    } catch (e) {
      return recover(e, attemptNo);
    }
    return isPromise(result)
      ? result.then(listTaskResult, (e: unknown) => recover(e, attemptNo))
      : listTaskResult(result);
  };
  return tryFrom(1);
}

/** Inside a concurrent region: the promise steps recorded histories were made with (see interpreter/later.ts). */
async function runTryAsync(call: TaskCall): Promise<TaskResult> {
  const { rs, runner, position } = call;
  const p = plan(call);
  for (let attemptNo = 1; ; attemptNo += 1) {
    try {
      const result = await withTimeout(
        rs,
        p.retry?.maxAttemptDurationMs,
        `attempt of ${call.name}`,
        position,
        async () => runner.runList(rs, p.list, `${position}/try`, call.input, call.scope),
      );
      return listTaskResult(result);
    } catch (e) {
      const next = afterFailure(call, p, e, attemptNo);
      if ('scope' in next) return runHandler(call, p.handler, next.scope);
      await sleep(next.delay, { summary: `retry ${call.name}` });
      rs.stepsSinceYield = 0;
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

async function runHandler(
  call: TaskCall,
  handler: CatchDefinition,
  scope: Record<string, unknown>,
): Promise<TaskResult> {
  if (handler.do === undefined) return { output: call.input };
  const result = await call.runner.runList(
    call.rs,
    taskList(handler.do),
    `${call.position}/catch/do`,
    call.input,
    scope,
  );
  return listTaskResult(result);
}

function runHandlerInline(
  call: TaskCall,
  handler: CatchDefinition,
  scope: Record<string, unknown>,
): MaybePromise<TaskResult> {
  if (handler.do === undefined) return { output: call.input };
  return andThen(
    call.runner.runList(call.rs, taskList(handler.do), `${call.position}/catch/do`, call.input, scope),
    listTaskResult,
  );
}
