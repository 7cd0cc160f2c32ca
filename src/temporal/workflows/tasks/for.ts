/**
 * `for`: iterates `for.in` (evaluated once), binding `$<each>` (default `item`) and `$<at>` (default
 * `index`); `while` is checked before each iteration. Each iteration's input is the previous iteration's
 * output; the task's output is the last one. Runs inline (no child workflow per iteration) and
 * synchronously while iterations do not wait; a `for` in a resumable list (see continue-as-new.ts) can
 * continue-as-new between iterations and resume at the same index.
 */
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import type { ForTask } from '../../../zigflow/dsl/model';
import { taskList, type NamedTask } from '../../../zigflow/dsl/tasks';
import {
  continueAsNewNow,
  enterResumable,
  isResumableList,
  leaveResumable,
  shouldContinueAsNew,
} from '../interpreter/continue-as-new';
import {
  taskVariables,
  type ListResult,
  type MaybePromise,
  type TaskCall,
  type TaskResult,
} from '../interpreter/run-state';
import { isPromise } from '../interpreter/steps';

interface Loop {
  call: TaskCall;
  /** `while`, checked before each iteration. */
  condition: string | undefined;
  items: unknown[];
  list: NamedTask[];
  each: string;
  at: string;
  index: number;
  data: unknown;
  resumable: boolean;
}

export function runFor(call: TaskCall, task: ForTask): MaybePromise<TaskResult> {
  const { rs, position } = call;
  const spec: Partial<ForTask['for']> = task.for ?? {};
  const collection = rs.evaluator.evaluateField(spec.in, call.input, taskVariables(call), position);
  const loop: Loop = {
    call,
    condition: task.while,
    items: toItems(collection, position),
    list: taskList(task.do),
    each: spec.each ?? 'item',
    at: spec.at ?? 'index',
    index: 0,
    data: call.input,
    // The body list's pointer tells whether this loop sits where a continued run can find it again.
    resumable: isResumableList(`${position}/do`),
  };
  if (loop.resumable) {
    const cursor = enterResumable(rs, position, loop);
    if (cursor) {
      loop.index = cursor.index;
      loop.data = cursor.data;
    }
  }
  return iterate(loop);
}

function endLoop(loop: Loop, result: TaskResult): TaskResult {
  if (loop.resumable) leaveResumable(loop.call.rs, loop.call.position);
  return result;
}

function iterate(loop: Loop): MaybePromise<TaskResult> {
  const { call } = loop;
  while (loop.index < loop.items.length) {
    const pause = call.runner.checkpoint(call.rs);
    const handover = loop.resumable && shouldContinueAsNew(call.rs, call.position);
    if (pause || handover) return waitThenIterate(loop, pause, handover);
    const result = runIteration(loop);
    if (result === 'stop') break;
    if (isPromise(result)) return result.then((r) => afterIteration(loop, r) ?? iterate(loop));
    const done = afterIteration(loop, result);
    if (done) return done;
  }
  return endLoop(loop, { output: loop.data });
}

async function waitThenIterate(loop: Loop, pause: Promise<void> | undefined, handover: boolean): Promise<TaskResult> {
  const { call } = loop;
  if (pause) await pause;
  if (handover) await continueAsNewNow(call.rs);
  const result = runIteration(loop);
  if (result === 'stop') return endLoop(loop, { output: loop.data });
  return afterIteration(loop, await result) ?? iterate(loop);
}

function runIteration(loop: Loop): MaybePromise<ListResult> | 'stop' {
  const { call } = loop;
  const scope = { ...call.scope, [loop.each]: loop.items[loop.index], [loop.at]: loop.index };
  if (loop.condition !== undefined) {
    const vars = taskVariables({ ...call, scope, input: loop.data });
    if (!call.rs.evaluator.evaluateCondition(loop.condition, loop.data, vars, call.position)) return 'stop';
  }
  return call.runner.runList(call.rs, loop.list, `${call.position}/do`, loop.data, scope);
}

function afterIteration(loop: Loop, result: ListResult): TaskResult | undefined {
  loop.data = result.output;
  loop.index += 1;
  if (result.ended) return endLoop(loop, { output: loop.data, flow: 'end' });
  return undefined;
}

function toItems(collection: unknown, instance: string): unknown[] {
  if (collection === null || collection === undefined) return [];
  if (Array.isArray(collection)) return collection;
  if (typeof collection === 'object') return Object.values(collection);
  throw new WorkflowFault(
    dslError('expression', `'for.in' must produce an array, got ${typeof collection}`, { instance }),
  );
}
