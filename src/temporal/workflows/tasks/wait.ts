/** `wait`: a durable timer for an inline duration, an ISO 8601 string or an expression producing either. */
import { durationToMs } from '../../../zigflow/dsl/durations';
import { runSteps, sleep, type Steps } from '../interpreter/steps';
import { taskVariables, type MaybePromise, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runWait(call: TaskCall): MaybePromise<TaskResult> {
  return runSteps(call.rs, waitSteps(call));
}

function* waitSteps(call: TaskCall): Steps<TaskResult> {
  const value = call.rs.evaluator.evaluateTemplate(call.task.wait, call.input, taskVariables(call), {
    instance: call.position,
  });
  const ms = durationToMs(value, call.position);
  yield sleep(call.rs, ms, `wait ${call.name}`);
  call.rs.stepsSinceYield = 0;
  return { output: call.input };
}
