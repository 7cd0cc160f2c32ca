/**
 * `listen`: waits for CloudEvents delivered through the `event` signal (kept in arrival order) that match
 * the task's filters: `one`, `all` (each filter by a distinct event), `any` (an empty list matches every
 * event), with `until` (an expression over the events consumed so far, or another filter strategy). The
 * output is the consumed events as `read` asks: `data` (default), `envelope` or `raw`; with `foreach`, the
 * outputs of `foreach.do` run once per event.
 *
 * `correlate` (per filter): each key's `from` is evaluated on the event; with `expect`, the result must equal
 * it (an expression is evaluated on the task input); without, the first correlated event of the task binds
 * the key and later events must carry the same value. Events are considered strictly in arrival order.
 */
import { condition } from '@temporalio/workflow';
import type {
  EventConsumptionStrategy as Strategy,
  EventFilter as Filter,
  ListenTask,
} from '../../../zigflow/dsl/model';
import { taskList } from '../../../zigflow/dsl/tasks';
import { announceWait, noteDurableWait, unmetered } from '../interpreter/run-guard';
import { taskVariables, type CloudEvent, type TaskCall, type TaskResult } from '../interpreter/run-state';

type Correlation = NonNullable<Filter['correlate']>[string];
/** A listen task's call plus the correlation keys bound so far (JSON of each value). */
type ListenCall = TaskCall & { bound: Map<string, string> };
type Foreach = NonNullable<ListenTask['foreach']>;

export async function runListen(taskCall: TaskCall, task: ListenTask): Promise<TaskResult> {
  const call: ListenCall = { ...taskCall, bound: new Map() };
  const to: Strategy = task.listen?.to ?? {};
  const read = task.listen?.read ?? 'data';
  const events = await consumeStrategy(call, to);
  const output = events.map((e) =>
    read === 'envelope' ? e : read === 'raw' ? JSON.stringify(e.data ?? null) : (e.data ?? null),
  );
  if (!task.foreach) return { output };
  return { output: await runForeach(call, task.foreach, output) };
}

/** `foreach`: runs `foreach.do` once per consumed event (bound to `$<item>`, index `$<at>`); outputs each result. */
async function runForeach(call: ListenCall, spec: Foreach, events: unknown[]): Promise<unknown[]> {
  const list = taskList(spec.do);
  const outputs: unknown[] = [];
  for (let index = 0; index < events.length; index += 1) {
    const scope = { ...call.scope, [spec.item ?? 'item']: events[index], [spec.at ?? 'index']: index };
    const result = await call.runner.runList(call.rs, list, `${call.position}/foreach/do`, events[index], scope);
    outputs.push(result.output);
  }
  return outputs;
}

async function consumeStrategy(call: ListenCall, to: Strategy): Promise<CloudEvent[]> {
  const { one } = to;
  if (one) return [await consume(call, (e) => matches(call, one, e))];
  if (to.all) return consumeAll(call, to.all);
  const filters = to.any ?? [];
  const anyMatch = (e: CloudEvent): boolean => filters.length === 0 || filters.some((f) => matches(call, f, e));
  if (to.until === undefined) return [await consume(call, anyMatch)];
  const collected: CloudEvent[] = [];
  const until = to.until;
  if (typeof until === 'object' && until !== null) {
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

async function consumeAll(call: ListenCall, filters: readonly Filter[]): Promise<CloudEvent[]> {
  const remaining = [...filters];
  const collected: CloudEvent[] = [];
  while (remaining.length > 0) {
    const event = await consume(call, (e) => remaining.some((f) => matches(call, f, e)));
    remaining.splice(
      remaining.findIndex((f) => matches(call, f, event)),
      1,
    );
    collected.push(event);
  }
  return collected;
}

/** Waits for the first pending event that satisfies `accept` and removes it from the queue. */
async function consume(call: ListenCall, accept: (e: CloudEvent) => boolean): Promise<CloudEvent> {
  const pending = call.rs.pendingEvents;
  // A throw inside a condition predicate fails the workflow task (retried forever), not the workflow:
  // a filter that cannot be evaluated ends the wait and becomes the task's fault instead.
  let fault: unknown;
  // The SDK may check a condition more often live than in a replay: its work must not count toward the slice.
  const safe = (e: CloudEvent): boolean => {
    try {
      return unmetered(call.rs, () => accept(e));
    } catch (error) {
      fault = error;
      return true;
    }
  };
  announceWait(call.rs);
  await condition(() => fault !== undefined || pending.some(safe));
  noteDurableWait(call.rs);
  if (fault !== undefined) throw fault;
  const index = pending.findIndex(accept);
  return pending.splice(index, 1)[0];
}

/** Every attribute of `with` must equal the event's; expression values are evaluated against the event. */
function matches(call: ListenCall, filter: Filter, event: CloudEvent): boolean {
  const { evaluator } = call.rs;
  for (const [key, expected] of Object.entries(filter.with ?? {})) {
    if (evaluator.isExpression(expected)) {
      const vars = taskVariables(call);
      if (evaluator.evaluateField(expected, event, vars, call.position) !== true) return false;
    } else if (JSON.stringify(event[key]) !== JSON.stringify(expected)) {
      return false;
    }
  }
  return correlates(call, filter.correlate ?? {}, event);
}

/**
 * Checks `correlate` keys and binds the unbound ones. Binding here is safe because predicates run over the
 * pending queue in arrival order and the first event they accept is the one consumed, in the same activation.
 */
function correlates(call: ListenCall, keys: Record<string, Correlation>, event: CloudEvent): boolean {
  const { evaluator } = call.rs;
  const vars = taskVariables(call);
  const values: [string, string][] = [];
  for (const [key, spec] of Object.entries(keys)) {
    const value = JSON.stringify(evaluator.evaluateField(spec.from, event, vars, call.position) ?? null);
    const expected =
      spec.expect !== undefined
        ? JSON.stringify(evaluator.evaluateTemplate(spec.expect, call.input, vars, { instance: call.position }) ?? null)
        : call.bound.get(key);
    if (expected !== undefined && expected !== value) return false;
    values.push([key, value]);
  }
  for (const [key, value] of values) if (!call.bound.has(key)) call.bound.set(key, value);
  return true;
}
