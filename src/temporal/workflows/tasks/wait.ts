/** `wait`: a durable timer for an inline duration, an ISO 8601 string or an expression producing either. */
import { durationToMs } from '../../../zigflow/dsl/durations';
import type { WaitTask } from '../../../zigflow/dsl/model';
import { waited } from '../interpreter/run-guard';
import { runSteps, sleep, type Steps } from '../interpreter/steps';
import { taskVariables, type MaybePromise, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runWait(call: TaskCall, task: WaitTask): MaybePromise<TaskResult> {
  return runSteps(call.rs, waitSteps(call, task));
}

function* waitSteps(call: TaskCall, task: WaitTask): Steps<TaskResult> {
  const value = call.rs.evaluator.evaluateTemplate(task.wait, call.input, taskVariables(call), {
    instance: call.position,
  });
  const ms = durationToMs(value, call.position);
  yield sleep(call.rs, ms, `wait ${call.name}`);
  waited(call.rs);
  return { output: call.input };
}
