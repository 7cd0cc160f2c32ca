/**
 * `listen`: waits for CloudEvents delivered through the `event` signal (kept in arrival order) that match
 * the task's filters: `one`, `all` (each filter by a distinct event), `any` (an empty list matches every
 * event), with `until` (an expression over the events consumed so far, or another filter strategy). The
 * output is the consumed events as `read` asks: `data` (default), `envelope` or `raw`; with `foreach`, the
 * outputs of `foreach.do` run once per event.
 */
import { condition } from '@temporalio/workflow';
import { taskList } from '../../zigflow/dsl/tasks';
import { taskVariables, type TaskCall, type TaskResult } from './state';

type Filter = { with?: Record<string, unknown> };
type Strategy = { one?: Filter; all?: Filter[]; any?: Filter[]; until?: unknown };
type CloudEvent = Record<string, unknown>;

export async function runListen(call: TaskCall): Promise<TaskResult> {
  const to = (call.task.listen?.to ?? {}) as Strategy;
  const read = (call.task.listen?.read ?? 'data') as string;
  const events = await consumeStrategy(call, to);
  const output = events.map((e) => (read === 'envelope' ? e : read === 'raw' ? JSON.stringify(e.data ?? null) : (e.data ?? null)));
  if (!call.task.foreach) return { output };
  return { output: await runForeach(call, output) };
}

/** `foreach`: runs `foreach.do` once per consumed event (bound to `$<item>`, index `$<at>`); outputs each result. */
async function runForeach(call: TaskCall, events: unknown[]): Promise<unknown[]> {
  const spec = call.task.foreach as { item?: string; at?: string; do?: unknown };
  const list = taskList(spec.do);
  const outputs: unknown[] = [];
  for (let index = 0; index < events.length; index += 1) {
    const scope = { ...call.scope, [spec.item ?? 'item']: events[index], [spec.at ?? 'index']: index };
    const result = await call.runner.runList(call.rs, list, `${call.position}/foreach/do`, events[index], scope);
    outputs.push(result.output);
  }
  return outputs;
}

async function consumeStrategy(call: TaskCall, to: Strategy): Promise<CloudEvent[]> {
  if (to.one) return [await consume(call, (e) => matches(call, to.one as Filter, e))];
  if (to.all) return consumeAll(call, to.all);
  const filters = to.any ?? [];
  const anyMatch = (e: CloudEvent): boolean => filters.length === 0 || filters.some((f) => matches(call, f, e));
  if (to.until === undefined) return [await consume(call, anyMatch)];
  const collected: CloudEvent[] = [];
  if (typeof to.until === 'object' && to.until !== null) {
    const until = to.until as Strategy;
    const untilFilters = until.one ? [until.one] : (until.any ?? until.all ?? []);
    const isUntil = (e: CloudEvent): boolean => untilFilters.some((f) => matches(call, f, e));
    for (;;) {
      const event = await consume(call, (e) => isUntil(e) || anyMatch(e));
      if (isUntil(event)) return collected;
      collected.push(event);
    }
  }
  for (;;) {
    collected.push(await consume(call, anyMatch));
    const vars = taskVariables(call);
    if (call.rs.evaluator.evaluateCondition(to.until, collected, vars, call.position)) return collected;
  }
}

async function consumeAll(call: TaskCall, filters: Filter[]): Promise<CloudEvent[]> {
  const remaining = [...filters];
  const collected: CloudEvent[] = [];
  while (remaining.length > 0) {
    const event = await consume(call, (e) => remaining.some((f) => matches(call, f, e)));
    remaining.splice(remaining.findIndex((f) => matches(call, f, event)), 1);
    collected.push(event);
  }
  return collected;
}

/** Waits for the first pending event that satisfies `accept` and removes it from the queue. */
async function consume(call: TaskCall, accept: (e: CloudEvent) => boolean): Promise<CloudEvent> {
  const pending = call.rs.pendingEvents as CloudEvent[];
  await condition(() => pending.some(accept));
  const index = pending.findIndex(accept);
  return pending.splice(index, 1)[0];
}

/** Every attribute of `with` must equal the event's; expression values are evaluated against the event. */
function matches(call: TaskCall, filter: Filter, event: CloudEvent): boolean {
  const { evaluator } = call.rs;
  for (const [key, expected] of Object.entries(filter.with ?? {})) {
    if (evaluator.isExpression(expected)) {
      const vars = taskVariables(call);
      if (evaluator.evaluateField(expected, event, vars, call.position) !== true) return false;
    } else if (JSON.stringify(event[key]) !== JSON.stringify(expected)) {
      return false;
    }
  }
  return true;
}
