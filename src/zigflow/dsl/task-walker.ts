/**
 * Walks every task of a (possibly invalid) workflow document: the top-level `do`, the nested task lists
 * of `do`, `for`, `fork` branches, `try`/`catch.do` and `listen.foreach.do`, and the task definitions of
 * `use.functions`. It reads defensively: schema problems are reported elsewhere, this only finds tasks.
 */
import type { TaskKind } from './tasks';
import { joinPointer } from './pointers';

export const TASK_KINDS: readonly TaskKind[] = [
  'call',
  'do',
  'emit',
  'for',
  'fork',
  'listen',
  'raise',
  'run',
  'set',
  'switch',
  'try',
  'wait',
];

export interface TaskSite {
  name: string;
  pointer: string;
  task: unknown;
  /** The task's kind when exactly one kind key is present. */
  kind?: TaskKind;
  /** Kind keys found (more than one is an error; none is an unknown task kind). */
  kinds: TaskKind[];
  /** Pointer of the task list holding the task; undefined for `use.functions` definitions. */
  listPointer?: string;
  /** Names of the tasks of the same list, in order: the scope of `then`. */
  siblings: string[];
  /** Enclosing tasks, outermost first (call/run arguments may read `$secrets`, nothing else). */
  ancestors: TaskSite[];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The kind keys of a task. `do` beside `for` is the loop body, beside anything else it is a second kind;
 * `catch` alone is not a kind (a `try` without `try`).
 */
export function kindsOf(task: unknown): TaskKind[] {
  if (!isObject(task)) return [];
  const kinds = TASK_KINDS.filter((k) => k in task);
  return kinds.includes('for') ? kinds.filter((k) => k !== 'do') : kinds;
}

/** All tasks in document order (depth first, a task before its children). */
export function walkTasks(document: unknown): TaskSite[] {
  const sites: TaskSite[] = [];
  if (!isObject(document)) return sites;
  walkList(document.do, '/do', [], sites);
  const use = document.use;
  if (isObject(use) && isObject(use.functions)) {
    for (const [name, task] of Object.entries(use.functions)) {
      const kinds = kindsOf(task);
      const site: TaskSite = {
        name,
        pointer: joinPointer('/use/functions', name),
        task,
        kinds,
        kind: kinds.length === 1 ? kinds[0] : undefined,
        siblings: [],
        ancestors: [],
      };
      sites.push(site);
      walkChildren(site, sites);
    }
  }
  return sites;
}

function walkList(list: unknown, listPointer: string, ancestors: TaskSite[], sites: TaskSite[]): void {
  if (!Array.isArray(list)) return;
  const entries = list.map((item) => (isObject(item) ? Object.keys(item) : []));
  const siblings = entries.map((keys) => keys[0]).filter((n): n is string => n !== undefined);
  list.forEach((item, index) => {
    if (!isObject(item)) return;
    for (const name of entries[index]) {
      const task = item[name];
      const kinds = kindsOf(task);
      const pointer = joinPointer(listPointer, index, name);
      const site: TaskSite = {
        name,
        pointer,
        task,
        kinds,
        kind: kinds.length === 1 ? kinds[0] : undefined,
        listPointer,
        siblings,
        ancestors,
      };
      sites.push(site);
      walkChildren(site, sites);
    }
  });
}

/** The nested task lists of a task, by kind (spec: do, for, fork, try, listen.foreach). */
export function childLists(site: TaskSite): { list: unknown; pointer: string }[] {
  const task = site.task;
  if (!isObject(task) || !site.kind) return [];
  const at = (...tokens: string[]) => joinPointer(site.pointer, ...tokens);
  switch (site.kind) {
    case 'do':
    case 'for':
      return [{ list: task.do, pointer: at('do') }];
    case 'fork':
      return isObject(task.fork) ? [{ list: task.fork.branches, pointer: at('fork', 'branches') }] : [];
    case 'try': {
      const lists = [{ list: task.try, pointer: at('try') }];
      if (isObject(task.catch)) lists.push({ list: task.catch.do, pointer: at('catch', 'do') });
      return lists;
    }
    case 'listen': {
      const foreach = isObject(task.listen) ? task.listen.foreach : undefined;
      return isObject(foreach) ? [{ list: foreach.do, pointer: at('listen', 'foreach', 'do') }] : [];
    }
    default:
      return [];
  }
}

function walkChildren(site: TaskSite, sites: TaskSite[]): void {
  for (const child of childLists(site)) walkList(child.list, child.pointer, [...site.ancestors, site], sites);
}
