/**
 * The task model of DSL 1.0: kind detection and task-list helpers. Documents arrive as plain JSON (the
 * loader validated them against the spec's schema), so these helpers read fields defensively.
 */
export type TaskKind =
  'call' | 'do' | 'emit' | 'for' | 'fork' | 'listen' | 'raise' | 'run' | 'set' | 'switch' | 'try' | 'wait';

export type Task = Record<string, any>;

export interface NamedTask {
  name: string;
  task: Task;
}

/** Flow directives of `then`; any other string names a task in the same list. */
export type FlowDirective = 'continue' | 'exit' | 'end' | (string & {});

/**
 * Order matters: a `for` task also has `do`, a `try` has `catch`, so the composite keys are tested before
 * `do`.
 */
const KIND_KEYS: readonly TaskKind[] = [
  'for',
  'try',
  'fork',
  'call',
  'emit',
  'listen',
  'raise',
  'run',
  'set',
  'switch',
  'wait',
  'do',
];

export function taskKind(task: Task): TaskKind | undefined {
  if (!task || typeof task !== 'object') return undefined;
  return KIND_KEYS.find((k) => k in task && (k !== 'for' || 'do' in task));
}

const BUILT_IN_CALLS = new Set(['http', 'grpc', 'openapi', 'asyncapi', 'a2a', 'mcp']);

/**
 * The protocol of a `call` task (`http`, `grpc`, `openapi`, `asyncapi`, `a2a`, `mcp`), `function` for a
 * `use.functions` or catalog function; undefined for other tasks. Progress events carry it.
 */
export function callKind(task: Task): string | undefined {
  if (taskKind(task) !== 'call') return undefined;
  const target = (task as { call?: unknown }).call;
  if (typeof target !== 'string') return undefined;
  return BUILT_IN_CALLS.has(target) ? target : 'function';
}

/** A task list (`do`, `try`, `for.do`, `catch.do`, fork branches) as ordered name/task pairs. */
export function taskList(list: unknown): NamedTask[] {
  if (!Array.isArray(list)) return [];
  const out: NamedTask[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const [name] = Object.keys(item as object);
    if (name !== undefined) out.push({ name, task: (item as Record<string, Task>)[name] });
  }
  return out;
}

/** JSON pointer of the task at `index` of the list found at `listPointer` (e.g. `/do` → `/do/1/checkStock`). */
export function taskPointer(listPointer: string, index: number, name: string): string {
  return `${listPointer}/${index}/${escapePointer(name)}`;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Index of a `then` target in its list, or -1. */
export function indexOfTask(list: NamedTask[], name: string): number {
  return list.findIndex((t) => t.name === name);
}
