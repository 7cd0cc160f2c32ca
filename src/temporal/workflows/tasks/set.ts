/** `set`: the output is the evaluated `set` map (a template of expressions) or the value of one expression. */
import { taskVariables, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runSet(call: TaskCall): TaskResult {
  const vars = taskVariables(call);
  const { evaluator } = call.rs;
  const definition = call.task.set;
  const output =
    typeof definition === 'string'
      ? evaluator.evaluateField(definition, call.input, vars, call.position)
      : evaluator.evaluateTemplate(definition, call.input, vars, { instance: call.position });
  return { output };
}
