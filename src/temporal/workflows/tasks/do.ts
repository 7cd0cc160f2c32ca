/** `do`: runs its subtasks in sequence (flow directives apply within the list); output of the last one. */
import type { DoTask } from '../../../zigflow/dsl/model';
import { taskList } from '../../../zigflow/dsl/tasks';
import { andThen } from '../interpreter/steps';
import { listTaskResult, type MaybePromise, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runDo(call: TaskCall, task: DoTask): MaybePromise<TaskResult> {
  return andThen(
    call.runner.runList(call.rs, taskList(task.do), `${call.position}/do`, call.input, call.scope),
    listTaskResult,
  );
}
