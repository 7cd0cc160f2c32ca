/** `do`: runs its subtasks in sequence (flow directives apply within the list); output of the last one. */
import { taskList } from '../../zigflow/dsl/tasks';
import { isPromise, type ListResult, type MaybePromise, type TaskCall, type TaskResult } from './state';

export function runDo(call: TaskCall): MaybePromise<TaskResult> {
  const result = call.runner.runList(call.rs, taskList(call.task.do), `${call.position}/do`, call.input, call.scope);
  return isPromise(result) ? result.then(toTaskResult) : toTaskResult(result);
}

function toTaskResult(result: ListResult): TaskResult {
  return { output: result.output, flow: result.ended ? 'end' : undefined };
}
