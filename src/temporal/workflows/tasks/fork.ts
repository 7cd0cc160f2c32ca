/**
 * `fork`: branches run concurrently inline, each in a cancellation scope. Without `compete` the output is
 * every branch's output in declaration order and the first failure cancels the rest; with `compete` the
 * first branch to finish wins and the others are cancelled. Branch completion order is deterministic
 * (workflow code is single-threaded and replayed in the same order).
 */
import { CancellationScope } from '@temporalio/workflow';
import type { ForkTask } from '../../../zigflow/dsl/model';
import { taskList, taskPointer } from '../../../zigflow/dsl/tasks';
import { concurrently, type Steps } from '../interpreter/steps';
import type { TaskCall, TaskResult } from '../interpreter/run-state';

/** The branches are a concurrent region (steps.ts): inside it every wait keeps its recorded promise steps. */
export function runFork(call: TaskCall, task: ForkTask): Promise<TaskResult> {
  return concurrently(call.rs, forkSteps(call, task));
}

function* forkSteps(call: TaskCall, task: ForkTask): Steps<TaskResult> {
  const branches = taskList(task.fork?.branches);
  const compete = task.fork?.compete === true;
  const listPointer = `${call.position}/fork/branches`;
  const scope = new CancellationScope();
  const runs = branches.map((branch, index) =>
    scope.run(async () => {
      const r = await call.runner.runTask(
        call.rs,
        branch,
        taskPointer(listPointer, index, branch.name),
        call.input,
        call.scope,
      );
      return r.output;
    }),
  );
  // Losing or cancelled branches must not surface as unhandled rejections.
  for (const run of runs) run.catch(() => undefined);
  if (compete) {
    try {
      const output: unknown = yield Promise.any(runs);
      scope.cancel();
      return { output };
    } catch (e) {
      throw e instanceof AggregateError ? e.errors[0] : e;
    }
  }
  try {
    const outputs: unknown[] = yield Promise.all(runs);
    return { output: outputs };
  } catch (e) {
    scope.cancel();
    throw e;
  }
}
