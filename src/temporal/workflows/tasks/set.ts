/** `set`: the output is the evaluated `set` map (a template of expressions) or the value of one expression. */
import type { SetTask } from '../../../zigflow/dsl/model';
import { taskVariables, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runSet(call: TaskCall, task: SetTask): TaskResult {
  const vars = taskVariables(call);
  const { evaluator } = call.rs;
  const definition = task.set;
  const output =
    typeof definition === 'string'
      ? evaluator.evaluateField(definition, call.input, vars, call.position)
      : evaluator.evaluateTemplate(definition, call.input, vars, { instance: call.position });
  return { output };
}
