/** `raise`: faults with an inline error or a `use.errors` reference; `instance` defaults to the task's pointer. */
import type { WorkflowErrorData } from '../../contract';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import { isJsonObject, type RaiseTask } from '../../../zigflow/dsl/model';
import { taskVariables, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runRaise(call: TaskCall, task: RaiseTask): TaskResult {
  const reference = task.raise?.error;
  const definition = typeof reference === 'string' ? call.rs.document.use?.errors?.[reference] : reference;
  if (!definition || typeof definition !== 'object') {
    throw new WorkflowFault(dslError('configuration', `unknown error '${String(reference)}'`));
  }
  const evaluated = call.rs.evaluator.evaluateTemplate(definition, call.input, taskVariables(call), {
    instance: call.position,
  });
  if (!isJsonObject(evaluated) || typeof evaluated.type !== 'string' || typeof evaluated.status !== 'number') {
    throw new WorkflowFault(dslError('configuration', 'a raised error needs a string type and a numeric status'));
  }
  const error: WorkflowErrorData = { type: evaluated.type, status: evaluated.status };
  if (typeof evaluated.title === 'string') error.title = evaluated.title;
  if (typeof evaluated.detail === 'string') error.detail = evaluated.detail;
  error.instance = typeof evaluated.instance === 'string' ? evaluated.instance : call.position;
  throw new WorkflowFault(error);
}
