/**
 * `fork`: branches run concurrently inline, each in a cancellation scope. Without `compete` the output is
 * every branch's output in declaration order and the first failure cancels the rest; with `compete` the
 * first branch to finish wins and the others are cancelled. Branch completion order is deterministic
 * (workflow code is single-threaded and replayed in the same order).
 */
import { CancellationScope } from '@temporalio/workflow';
import { taskList, taskPointer } from '../../../zigflow/dsl/tasks';
import type { TaskCall, TaskResult } from '../interpreter/run-state';

export async function runFork(call: TaskCall): Promise<TaskResult> {
  const branches = taskList(call.task.fork?.branches);
  const compete = call.task.fork?.compete === true;
  const listPointer = `${call.position}/fork/branches`;
  const scope = new CancellationScope();
  // The branches are a concurrent region: the interpreter keeps real promises inside (see interpreter/later.ts).
  call.rs.racing += 1;
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
      const output = await Promise.any(runs);
      scope.cancel();
      return { output };
    } catch (e) {
      throw e instanceof AggregateError ? e.errors[0] : e;
    } finally {
      call.rs.racing -= 1;
    }
  }
  try {
    return { output: await Promise.all(runs) };
  } catch (e) {
    scope.cancel();
    throw e;
  } finally {
    call.rs.racing -= 1;
  }
}
