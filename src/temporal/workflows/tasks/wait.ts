/** `wait`: a durable timer for an inline duration, an ISO 8601 string or an expression producing either. */
import { sleep } from '@temporalio/workflow';
import { durationToMs } from '../../../zigflow/dsl/durations';
import { taskVariables, type TaskCall, type TaskResult } from '../interpreter/run-state';

export async function runWait(call: TaskCall): Promise<TaskResult> {
  const value = call.rs.evaluator.evaluateTemplate(call.task.wait, call.input, taskVariables(call), {
    instance: call.position,
  });
  const ms = durationToMs(value, call.position);
  await sleep(ms, { summary: `wait ${call.name}` });
  call.rs.stepsSinceYield = 0;
  return { output: call.input };
}
