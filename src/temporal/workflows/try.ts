/**
 * `try`/`catch`: runs the `try` list; a fault that passes `errors.with`, `when` and `exceptWhen` is caught.
 * With a `retry` policy the list runs again after a durable timer (delay, backoff, jitter) while the
 * policy's limits allow; otherwise (or once retries are exhausted and `catch.do` exists) `catch.do` runs
 * with the error bound to `$<as>` (default `$error`). Exhausted retries without `catch.do` re-raise.
 */
import { sleep } from '@temporalio/workflow';
import type { WorkflowErrorData } from '../contract';
import { isWorkflowFault } from '../../zigflow/dsl/errors';
import { taskList } from '../../zigflow/dsl/tasks';
import { matchesErrorFilter, resolveRetryPolicy, retryAllowed, retryDelayMs } from './retry';
import { withTimeout } from './timeout';
import { taskVariables, type TaskCall, type TaskResult } from './state';

interface CatchDefinition {
  errors?: { with?: Record<string, unknown> };
  as?: string;
  when?: unknown;
  exceptWhen?: unknown;
  retry?: unknown;
  do?: unknown;
}

export async function runTry(call: TaskCall): Promise<TaskResult> {
  const { rs, runner, position } = call;
  const list = taskList(call.task.try);
  const handler = (call.task.catch ?? {}) as CatchDefinition;
  const retry = resolveRetryPolicy(handler.retry, rs.document.use?.retries, position);
  const startedMs = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      // limit.attempt.duration bounds each attempt like a task timeout.
      const result = await withTimeout(retry?.maxAttemptDurationMs, `attempt of ${call.name}`, position, async () =>
        runner.runList(rs, list, `${position}/try`, call.input, call.scope),
      );
      return { output: result.output, flow: result.ended ? 'end' : undefined };
    } catch (e) {
      if (!isWorkflowFault(e)) throw e;
      const errVar = handler.as ?? 'error';
      const scope = { ...call.scope, [errVar]: e.error };
      if (!caught(call, handler, e.error, scope)) throw e;
      if (retry) {
        if (retryAllowed(call, retry, attempt, Date.now() - startedMs, e.error, scope)) {
          const delay = retryDelayMs(retry, attempt);
          rs.progress.emit('task_retrying', {
            taskName: call.name,
            taskPosition: position,
            taskKind: 'try',
            attempt: attempt + 1,
            error: e.error,
            message: `retrying in ${delay} ms`,
          });
          await sleep(delay, { summary: `retry ${call.name}` });
          rs.stepsSinceYield = 0;
          continue;
        }
        if (handler.do === undefined) throw e;
      }
      return runHandler(call, handler, scope);
    }
  }
}

function caught(call: TaskCall, handler: CatchDefinition, error: WorkflowErrorData, scope: Record<string, unknown>): boolean {
  if (!matchesErrorFilter(handler.errors?.with, error)) return false;
  const vars = taskVariables({ ...call, scope });
  const { evaluator } = call.rs;
  if (handler.when !== undefined && !evaluator.evaluateCondition(handler.when, call.input, vars, call.position)) {
    return false;
  }
  if (handler.exceptWhen !== undefined && evaluator.evaluateCondition(handler.exceptWhen, call.input, vars, call.position)) {
    return false;
  }
  return true;
}

async function runHandler(call: TaskCall, handler: CatchDefinition, scope: Record<string, unknown>): Promise<TaskResult> {
  if (handler.do === undefined) return { output: call.input };
  const result = await call.runner.runList(call.rs, taskList(handler.do), `${call.position}/catch/do`, call.input, scope);
  return { output: result.output, flow: result.ended ? 'end' : undefined };
}
