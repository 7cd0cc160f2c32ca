/** `do`: runs its subtasks in sequence (flow directives apply within the list); output of the last one. */
import { taskList } from '../../../zigflow/dsl/tasks';
import { andThen, listTaskResult, type MaybePromise, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runDo(call: TaskCall): MaybePromise<TaskResult> {
  return andThen(
    call.runner.runList(call.rs, taskList(call.task.do), `${call.position}/do`, call.input, call.scope),
    listTaskResult,
  );
}
