/**
 * A workflow as a Mermaid flowchart: tasks in order, `then` jumps, switch cases, and composite tasks
 * (do, for, fork, try/catch, listen foreach) as subgraphs.
 *
 * Written here rather than taken from @serverlessworkflow/sdk: its MermaidDiagram (1.0.1) repeats every
 * subgraph that follows a switch once per case and uses JSON pointers (with '/') as node ids.
 */
import { kindsOf, isObject } from './dsl/task-walker';
import type { WorkflowDocument } from './dsl/workflow-document';

const START = 'start';
const END = 'finish';
/** Marks "leave the enclosing subgraph": no edge is drawn, the subgraph's own edge continues the flow. */
const LEAVE = '';

interface Entry {
  name: string;
  task: Record<string, unknown>;
  id: string;
}

class MermaidWriter {
  private readonly lines: string[] = ['flowchart TD', `  ${START}((start))`, `  ${END}(((end)))`];
  private counter = 0;

  render(workflow: WorkflowDocument): string {
    const entry = this.list(workflow.do, END, 1);
    this.edge(1, START, entry);
    return this.lines.join('\n') + '\n';
  }

  /** Writes a task list; returns the id its flow enters by (or `exit` when the list is empty). */
  private list(list: unknown, exit: string, depth: number): string {
    const entries = this.entries(list);
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

  private entries(list: unknown): Entry[] {
    if (!Array.isArray(list)) return [];
    return list.filter(isObject).flatMap((item) =>
      Object.entries(item)
        .filter(([, task]) => isObject(task))
        .map(([name, task]) => ({ name, task: task as Record<string, unknown>, id: `t${++this.counter}` })),
    );
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

  private childLists(e: Entry, kind: string): { title?: string; list: unknown; parallel?: boolean }[] {
    const t = e.task;
    if (kind === 'do' || kind === 'for') return [{ list: t.do }];
    if (kind === 'fork' && isObject(t.fork)) return [{ list: t.fork.branches, parallel: true }];
    if (kind === 'try')
      return [
        { title: 'try', list: t.try },
        { title: 'catch', list: isObject(t.catch) ? t.catch.do : undefined },
      ];
    if (kind === 'listen' && isObject(t.listen) && isObject(t.listen.foreach))
      return [{ title: 'foreach event', list: t.listen.foreach.do }];
    return [];
  }

  private children(e: Entry, kind: string, children: ReturnType<MermaidWriter['childLists']>, depth: number): void {
    const pad = '  '.repeat(depth);
    if (kind === 'try') {
      const [tryId, catchId] = [`${e.id}_try`, `${e.id}_catch`];
      this.lines.push(`${pad}subgraph ${tryId}[try]`);
      this.list(children[0].list, LEAVE, depth + 1);
      this.lines.push(`${pad}end`, `${pad}subgraph ${catchId}[catch]`);
      this.list(children[1].list, LEAVE, depth + 1);
      this.lines.push(`${pad}end`);
      this.edge(depth, tryId, catchId, 'error');
      return;
    }
    for (const child of children) {
      if (child.parallel) for (const branch of this.entries(child.list)) this.task(branch, depth, LEAVE, () => LEAVE);
      else this.list(child.list, LEAVE, depth);
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
  if (kind === 'for' && isObject(task.for))
    return `for each ${String(task.for.each ?? 'item')} in ${String(task.for.in)}`;
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

export function renderMermaid(workflow: WorkflowDocument): string {
  return new MermaidWriter().render(workflow);
}
