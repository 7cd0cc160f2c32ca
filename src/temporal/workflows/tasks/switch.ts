/**
 * `switch`: the first case whose `when` holds (a case without `when` is the default) decides the flow
 * directive; no match falls through to the task's own `then`. The output is the input.
 */
import type { SwitchTask } from '../../../zigflow/dsl/model';
import { namedEntries } from '../../../zigflow/dsl/tasks';
import { taskVariables, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runSwitch(call: TaskCall, task: SwitchTask): TaskResult {
  const vars = taskVariables(call);
  let fallback: string | undefined;
  for (const { name, value: branch } of namedEntries(task.switch)) {
    if (branch.when === undefined) {
      fallback ??= branch.then ?? 'continue';
      continue;
    }
    const instance = `${call.position}/switch/${name}`;
    if (call.rs.evaluator.evaluateCondition(branch.when, call.input, vars, instance)) {
      return { output: call.input, flow: branch.then ?? 'continue' };
    }
  }
  return { output: call.input, flow: fallback };
}
