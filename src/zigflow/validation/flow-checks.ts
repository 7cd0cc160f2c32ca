/**
 * Reachability inside each task list: a task that no path from the list's first task reaches (every
 * path jumps over it with `then`) is almost always a mistake, so it is reported as a warning.
 * Conservative: a task with `if` may be skipped (flow continues with the next task), switch cases and a
 * switch without a default case are all followed.
 */
import { DraftProblem, ValidationProblem } from './problems';
import { isObject, kindsOf, TaskSite } from '../dsl/task-walker';

export function unreachableTasks(sites: TaskSite[]): DraftProblem[] {
  const out: DraftProblem[] = [];
  for (const list of listsOf(sites).values()) {
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

/**
 * `then` cycles that nothing can leave: a closed group of tasks (every path from it stays inside: no `if`
 * skip, switch case or `then` leads out, and no `end`/`exit`) none of whose tasks can end the loop another
 * way (a `raise`, a call, `run`, `emit` or `listen` that can fail, or a nested `then: end`). Such a run would
 * execute forever, so it is a validation error naming the cycle's pointers.
 */
export function endlessCycles(sites: TaskSite[]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const list of listsOf(sites).values()) {
    const index = new Map<string, number>();
    list.forEach((s, i) => (index.has(s.name) ? undefined : index.set(s.name, i)));
    // -1 stands for "leaves the list" (end of the list, `end`, `exit`, or an unknown target reported elsewhere).
    const target = (then: unknown, i: number): number | undefined => {
      if (then === undefined || then === 'continue') return i + 1 < list.length ? i + 1 : -1;
      if (typeof then !== 'string') return -1;
      return index.get(then) ?? -1;
    };
    const edges = list.map((site, i) => successors(site.task, i, target).map((n) => n ?? -1));
    for (const group of stronglyConnected(edges)) {
      const members = new Set(group);
      const cyclic = group.length > 1 || edges[group[0]].includes(group[0]);
      if (!cyclic) continue;
      const closed = group.every((i) => edges[i].every((n) => n >= 0 && members.has(n)));
      if (!closed || group.some((i) => canLeave(list[i].task))) continue;
      const ordered = [...group].sort((a, b) => a - b).map((i) => list[i]);
      out.push({
        kind: 'semantic',
        pointer: ordered[0].pointer,
        message:
          `tasks ${ordered.map((s) => `'${s.name}' (${s.pointer})`).join(', ')} form a 'then' cycle with no exit: ` +
          'no switch case, if or then on it leads out, and none of them can raise or fail, so the run would never end',
      });
    }
  }
  return out;
}

function listsOf(sites: TaskSite[]): Map<string, TaskSite[]> {
  const lists = new Map<string, TaskSite[]>();
  for (const site of sites) {
    if (site.listPointer === undefined) continue;
    const list = lists.get(site.listPointer) ?? [];
    list.push(site);
    lists.set(site.listPointer, list);
  }
  return lists;
}

/** Task kinds that can end a loop on their own: they raise, or they reach outside and can fail. */
const LEAVING_KINDS = new Set(['raise', 'call', 'run', 'emit', 'listen']);

/** Whether running this task can leave a cycle other than through its `then` (an error, a nested `then: end`). */
function canLeave(task: unknown): boolean {
  if (!isObject(task)) return true;
  for (const kind of kindsOf(task)) if (LEAVING_KINDS.has(kind)) return true;
  if (kindsOf(task).length === 0) return true;
  return nestedTasks(task).some((t) => canLeave(t) || (isObject(t) && t.then === 'end'));
}

/** The tasks of a task's nested lists (do, for, fork branches, try, catch.do, listen.foreach.do). */
function nestedTasks(task: Record<string, unknown>): unknown[] {
  const lists: unknown[] = [task.do];
  if (isObject(task.fork)) lists.push(task.fork.branches);
  if ('try' in task) lists.push(task.try);
  if (isObject(task.catch)) lists.push(task.catch.do);
  if (isObject(task.listen) && isObject(task.listen.foreach)) lists.push(task.listen.foreach.do);
  const out: unknown[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) if (isObject(item)) out.push(...Object.values(item));
  }
  return out;
}

/** Tarjan's strongly connected components over list indices (edges to -1 leave the graph). */
function stronglyConnected(edges: number[][]): number[][] {
  const order = new Array<number>(edges.length).fill(-1);
  const low = new Array<number>(edges.length).fill(0);
  const onStack = new Array<boolean>(edges.length).fill(false);
  const stack: number[] = [];
  const groups: number[][] = [];
  let counter = 0;
  // Iterative, so a list of thousands of tasks cannot overflow the call stack.
  for (let root = 0; root < edges.length; root++) {
    if (order[root] >= 0) continue;
    const frames: { node: number; next: number }[] = [{ node: root, next: 0 }];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const successorsOf = edges[frame.node];
      if (frame.next < successorsOf.length) {
        const n = successorsOf[frame.next++];
        if (n < 0) continue;
        if (order[n] < 0) {
          order[n] = low[n] = counter++;
          stack.push(n);
          onStack[n] = true;
          frames.push({ node: n, next: 0 });
        } else if (onStack[n]) low[frame.node] = Math.min(low[frame.node], order[n]);
        continue;
      }
      frames.pop();
      if (frames.length > 0)
        low[frames[frames.length - 1].node] = Math.min(low[frames[frames.length - 1].node], low[frame.node]);
      if (low[frame.node] === order[frame.node]) {
        const group: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = false;
          group.push(member);
        } while (member !== frame.node);
        groups.push(group);
      }
    }
  }
  return groups;
}
