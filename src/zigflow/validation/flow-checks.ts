/**
 * Reachability inside each task list: a task that no path from the list's first task reaches (every
 * path jumps over it with `then`) is almost always a mistake, so it is reported as a warning.
 * Conservative: a task with `if` may be skipped (flow continues with the next task), switch cases and a
 * switch without a default case are all followed.
 */
import { DraftProblem } from './problems';
import { isObject, TaskSite } from '../dsl/task-walker';

export function unreachableTasks(sites: TaskSite[]): DraftProblem[] {
  const lists = new Map<string, TaskSite[]>();
  for (const site of sites) {
    if (site.listPointer === undefined) continue;
    const list = lists.get(site.listPointer) ?? [];
    list.push(site);
    lists.set(site.listPointer, list);
  }
  const out: DraftProblem[] = [];
  for (const list of lists.values()) {
    const reached = reachable(list);
    for (let i = 0; i < list.length; i++) {
      if (!reached.has(i))
        out.push({
          kind: 'semantic',
          pointer: list[i].pointer,
          message: `task '${list[i].name}' is never reached: every path before it jumps elsewhere with 'then'`,
          atKey: true,
        });
    }
  }
  return out;
}

function reachable(list: TaskSite[]): Set<number> {
  const index = new Map<string, number>();
  list.forEach((s, i) => (index.has(s.name) ? undefined : index.set(s.name, i)));
  const target = (then: unknown, i: number): number | undefined => {
    if (then === undefined || then === 'continue') return i + 1;
    if (typeof then !== 'string' || then === 'exit' || then === 'end') return undefined;
    return index.get(then);
  };
  const reached = new Set<number>();
  const queue = list.length > 0 ? [0] : [];
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (i >= list.length || reached.has(i)) continue;
    reached.add(i);
    for (const next of successors(list[i].task, i, target)) if (next !== undefined) queue.push(next);
  }
  return reached;
}

function successors(
  task: unknown,
  i: number,
  target: (then: unknown, i: number) => number | undefined,
): (number | undefined)[] {
  if (!isObject(task)) return [i + 1];
  const out = [target(task.then, i)];
  if (typeof task.if === 'string') out.push(i + 1);
  if (Array.isArray(task.switch)) {
    for (const entry of task.switch) {
      if (!isObject(entry)) continue;
      for (const body of Object.values(entry))
        out.push(target(isObject(body) ? (body.then ?? task.then) : task.then, i));
    }
  }
  return out;
}
