/**
 * Task lists of the DSL model: named tasks with their kind, read once per list. A task's kind is the one
 * kind key it holds; `for` also holds `do` and `try` holds `catch`, so the composite keys are tested first.
 */
import type { TaskByKind, TaskDefinition, TaskKind, TaskList } from './model';
import { escapePointerToken } from './pointers';

export type { FlowDirective, TaskKind } from './model';

/** A task of a known kind with its name: the kind narrows the definition. */
export type KnownNamedTask = { [K in TaskKind]: NamedTaskOf<K> }[TaskKind];

export interface NamedTaskOf<K extends TaskKind> {
  readonly name: string;
  readonly kind: K;
  readonly task: TaskByKind[K];
}

/**
 * A named task; `kind` is undefined when the definition holds no kind key (only a document that bypassed
 * validation can hold one, and the interpreter fails that task).
 */
export type NamedTask =
  KnownNamedTask | { readonly name: string; readonly kind: undefined; readonly task: TaskDefinition };

/** The task with its kind, from the kind keys it holds (see the order note above). */
export function namedTask(name: string, task: TaskDefinition): NamedTask {
  if (typeof task !== 'object' || task === null) return { name, kind: undefined, task };
  if ('for' in task && 'do' in task) return { name, kind: 'for', task };
  if ('try' in task) return { name, kind: 'try', task };
  if ('fork' in task) return { name, kind: 'fork', task };
  if ('call' in task) return { name, kind: 'call', task };
  if ('emit' in task) return { name, kind: 'emit', task };
  if ('listen' in task) return { name, kind: 'listen', task };
  if ('raise' in task) return { name, kind: 'raise', task };
  if ('run' in task) return { name, kind: 'run', task };
  if ('set' in task) return { name, kind: 'set', task };
  if ('switch' in task) return { name, kind: 'switch', task };
  if ('wait' in task) return { name, kind: 'wait', task };
  if ('do' in task && !('for' in task)) return { name, kind: 'do', task };
  return { name, kind: undefined, task };
}

const BUILT_IN_CALLS = new Set(['http', 'grpc', 'openapi', 'asyncapi', 'a2a', 'mcp']);

/**
 * The protocol of a `call` task (`http`, `grpc`, `openapi`, `asyncapi`, `a2a`, `mcp`), `function` for a
 * `use.functions` or catalog function; undefined for other tasks. Progress events carry it.
 */
export function callKind(named: NamedTask): string | undefined {
  if (named.kind !== 'call') return undefined;
  const target = named.task.call;
  if (typeof target !== 'string') return undefined;
  return BUILT_IN_CALLS.has(target) ? target : 'function';
}

/** A task list (`do`, `try`, `for.do`, `catch.do`, fork branches) as ordered named tasks. */
export function taskList(list: TaskList | undefined): NamedTask[] {
  if (!Array.isArray(list)) return [];
  const out: NamedTask[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const [name] = Object.keys(item);
    if (name !== undefined) out.push(namedTask(name, item[name]));
  }
  return out;
}

/** The entries of a list of one-key maps (switch cases) as ordered name/value pairs. */
export function namedEntries<T>(
  list: readonly Readonly<Record<string, T>>[] | undefined,
): { name: string; value: T }[] {
  if (!Array.isArray(list)) return [];
  const out: { name: string; value: T }[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const [name] = Object.keys(item);
    if (name !== undefined) out.push({ name, value: item[name] });
  }
  return out;
}

/** JSON pointer of the task at `index` of the list found at `listPointer` (e.g. `/do` → `/do/1/checkStock`). */
export function taskPointer(listPointer: string, index: number, name: string): string {
  return `${listPointer}/${index}/${escapePointerToken(name)}`;
}

/** Index of a `then` target in its list, or -1. */
export function indexOfTask(list: readonly NamedTask[], name: string): number {
  return list.findIndex((t) => t.name === name);
}
