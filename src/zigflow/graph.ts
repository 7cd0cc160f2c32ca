/**
 * A workflow as a Mermaid flowchart: tasks in order, `then` jumps, switch cases, and composite tasks
 * (do, for, fork, try/catch, listen foreach) as subgraphs. Given the statuses of a run's tasks (by task
 * position, the JSON pointers the interpreter uses), each task is styled by its status.
 *
 * Written here rather than taken from @serverlessworkflow/sdk: its MermaidDiagram (1.0.1) repeats every
 * subgraph that follows a switch once per case and uses JSON pointers (with '/') as node ids.
 */
import { taskPointer } from './dsl/tasks';
import { kindsOf, isObject } from './dsl/task-walker';
import type { WorkflowDocument } from './dsl/model';

/** A task's status in a run; tasks the run never reached have none. */
export type TaskRunStatus = 'completed' | 'failed' | 'skipped' | 'running' | 'cancelled';

/** Styles of the statuses (and of tasks not reached), as Mermaid classDefs. */
const STATUS_STYLES: Record<TaskRunStatus | 'notReached', string> = {
  completed: 'fill:#d3f9d8,stroke:#2b8a3e,color:#1b4d26',
  failed: 'fill:#ffe3e3,stroke:#c92a2a,color:#7d1a1a,stroke-width:2px',
  skipped: 'fill:#f1f3f5,stroke:#868e96,color:#495057,stroke-dasharray:4 3',
  running: 'fill:#fff3bf,stroke:#f08c00,color:#663c00,stroke-width:2px',
  cancelled: 'fill:#f3d9fa,stroke:#862e9c,color:#4a1457',
  notReached: 'fill:#ffffff,stroke:#ced4da,color:#adb5bd',
};

const START = 'start';
const END = 'finish';
/** Marks "leave the enclosing subgraph": no edge is drawn, the subgraph's own edge continues the flow. */
const LEAVE = '';

interface Entry {
  name: string;
  task: Record<string, unknown>;
  id: string;
  position: string;
}

class MermaidWriter {
  private readonly lines: string[] = ['flowchart TD', `  ${START}((start))`, `  ${END}(((end)))`];
  private counter = 0;
  private readonly drawn: Entry[] = [];

  constructor(private readonly statuses?: ReadonlyMap<string, TaskRunStatus>) {}

  render(workflow: WorkflowDocument): string {
    const entry = this.list(workflow.do, END, 1, '/do');
    this.edge(1, START, entry);
    if (this.statuses) this.styleByStatus(this.statuses);
    return this.lines.join('\n') + '\n';
  }

  /** One class per status in use, then one `class` line per status listing its tasks. */
  private styleByStatus(statuses: ReadonlyMap<string, TaskRunStatus>): void {
    const byStatus = new Map<TaskRunStatus | 'notReached', string[]>();
    for (const e of this.drawn) {
      const status = statuses.get(e.position) ?? 'notReached';
      byStatus.set(status, [...(byStatus.get(status) ?? []), e.id]);
    }
    for (const [status, ids] of byStatus) {
      this.lines.push(`  classDef ${status} ${STATUS_STYLES[status]}`, `  class ${ids.join(',')} ${status}`);
    }
  }

  /** Writes a task list; returns the id its flow enters by (or `exit` when the list is empty). */
  private list(list: unknown, exit: string, depth: number, pointer: string): string {
    const entries = this.entries(list, pointer);
    entries.forEach((e, i) => {
      const next = i + 1 < entries.length ? entries[i + 1].id : exit;
      const resolve = (then: unknown): string => {
        if (then === undefined || then === 'continue') return next;
        if (then === 'end') return END;
        if (then === 'exit') return exit;
        return entries.find((s) => s.name === then)?.id ?? next;
      };
      this.task(e, depth, next, resolve);
    });
    return entries.length > 0 ? entries[0].id : exit;
  }

  private entries(list: unknown, pointer: string): Entry[] {
    if (!Array.isArray(list)) return [];
    return list.flatMap((item, index) => {
      if (!isObject(item)) return [];
      return Object.entries(item)
        .filter(([, task]) => isObject(task))
        .map(([name, task]) => {
          const entry = {
            name,
            task: task as Record<string, unknown>,
            id: `t${++this.counter}`,
            position: taskPointer(pointer, index, name),
          };
          this.drawn.push(entry);
          return entry;
        });
    });
  }

  private task(e: Entry, depth: number, next: string, resolve: (then: unknown) => string): void {
    const kind = kindsOf(e.task)[0] ?? 'task';
    const pad = '  '.repeat(depth);
    if (kind === 'switch') {
      this.lines.push(`${pad}${e.id}{${label(e.name)}}`);
      this.switchEdges(e, depth, resolve);
      return;
    }
    const children = this.childLists(e, kind);
    if (children.length === 0) {
      this.lines.push(`${pad}${e.id}[${label(`${e.name}\n${describe(kind, e.task)}`)}]`);
    } else {
      this.lines.push(
        `${pad}subgraph ${e.id}[${label(`${e.name}: ${describe(kind, e.task)}`)}]`,
        `${pad}  direction TB`,
      );
      this.children(e, kind, children, depth + 1);
      this.lines.push(`${pad}end`);
    }
    this.edge(depth, e.id, resolve(e.task.then));
  }

  private switchEdges(e: Entry, depth: number, resolve: (then: unknown) => string): void {
    const cases = Array.isArray(e.task.switch) ? e.task.switch.filter(isObject) : [];
    let hasDefault = false;
    for (const item of cases) {
      for (const [caseName, body] of Object.entries(item)) {
        const when = isObject(body) ? body.when : undefined;
        hasDefault ||= when === undefined;
        // A case's `then` overrides the task's own `then`.
        this.edge(depth, e.id, resolve((isObject(body) ? body.then : undefined) ?? e.task.then), caseName);
      }
    }
    // No matching case and no default case: the task's own `then` (by default the next task) applies.
    if (!hasDefault) this.edge(depth, e.id, resolve(e.task.then), 'no match');
  }

  /** The task lists inside a task, each with the list pointer the interpreter gives its tasks. */
  private childLists(e: Entry, kind: string): { title?: string; list: unknown; pointer: string; parallel?: boolean }[] {
    const t = e.task;
    const at = e.position;
    if (kind === 'do' || kind === 'for') return [{ list: t.do, pointer: `${at}/do` }];
    if (kind === 'fork' && isObject(t.fork))
      return [{ list: t.fork.branches, pointer: `${at}/fork/branches`, parallel: true }];
    if (kind === 'try')
      return [
        { title: 'try', list: t.try, pointer: `${at}/try` },
        { title: 'catch', list: isObject(t.catch) ? t.catch.do : undefined, pointer: `${at}/catch/do` },
      ];
    if (kind === 'listen' && isObject(t.listen) && isObject(t.listen.foreach))
      return [{ title: 'foreach event', list: t.listen.foreach.do, pointer: `${at}/foreach/do` }];
    return [];
  }

  private children(e: Entry, kind: string, children: ReturnType<MermaidWriter['childLists']>, depth: number): void {
    const pad = '  '.repeat(depth);
    if (kind === 'try') {
      const [tryId, catchId] = [`${e.id}_try`, `${e.id}_catch`];
      this.lines.push(`${pad}subgraph ${tryId}[try]`);
      this.list(children[0].list, LEAVE, depth + 1, children[0].pointer);
      this.lines.push(`${pad}end`, `${pad}subgraph ${catchId}[catch]`);
      this.list(children[1].list, LEAVE, depth + 1, children[1].pointer);
      this.lines.push(`${pad}end`);
      this.edge(depth, tryId, catchId, 'error');
      return;
    }
    for (const child of children) {
      if (child.parallel)
        for (const branch of this.entries(child.list, child.pointer)) this.task(branch, depth, LEAVE, () => LEAVE);
      else this.list(child.list, LEAVE, depth, child.pointer);
    }
  }

  private edge(depth: number, from: string, to: string, text?: string): void {
    if (to === LEAVE) return;
    const arrow = text === 'error' ? '-.->' : '-->';
    this.lines.push(`${'  '.repeat(depth)}${from} ${arrow}${text ? `|${edgeText(text)}|` : ''} ${to}`);
  }
}

function describe(kind: string, task: Record<string, unknown>): string {
  if (kind === 'call' && typeof task.call === 'string') return `call ${task.call}`;
  if (kind === 'for' && isObject(task.for)) {
    const items = task.for.in;
    const source = Array.isArray(items) ? `[${items.length} ${items.length === 1 ? 'item' : 'items'}]` : String(items);
    return `for each ${String(task.for.each ?? 'item')} in ${source}`;
  }
  if (kind === 'fork' && isObject(task.fork) && task.fork.compete === true) return 'fork (compete)';
  if (kind === 'run' && isObject(task.run))
    return `run ${Object.keys(task.run).find((k) => k !== 'await' && k !== 'return') ?? ''}`.trim();
  return kind;
}

/** A quoted Mermaid label; quotes and angle brackets become entities so names cannot break the syntax. */
function label(text: string): string {
  const short = text.length > 120 ? text.slice(0, 120) + '…' : text;
  return `"${short.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\n/g, '<br/>')}"`;
}

function edgeText(text: string): string {
  return `"${text.replace(/"/g, '#quot;').replace(/\|/g, '#124;')}"`;
}

/** @param statuses task position → status in a run; given, every task is styled (unlisted: not reached) */
export function renderMermaid(workflow: WorkflowDocument, statuses?: ReadonlyMap<string, TaskRunStatus>): string {
  return new MermaidWriter(statuses).render(workflow);
}
