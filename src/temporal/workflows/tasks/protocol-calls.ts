/**
 * `call: mcp`, `call: a2a` and `call: asyncapi` as activity requests (shapes in activities/types.ts).
 *
 * - Arguments are evaluated here like every call's, `$secrets` expressions deferred to the activity, and
 *   `use.authentications` names resolved wherever these calls put an endpoint (`transport.http.endpoint`,
 *   `server`, `agentCard.endpoint`, `document.endpoint`).
 * - An A2A call through an agent card also gets the document's `use.authentications` (evaluated the same
 *   way): the activity matches them by name against the security schemes of the card it reads.
 * - An AsyncAPI subscription's `filter`, `consume.while` and `consume.until` are evaluated by the activity,
 *   per message, so they travel unevaluated with the runtime arguments; `foreach` runs here, in order, on
 *   the messages the activity returns.
 *
 * Runs recorded before these calls existed failed in planning with a configuration error; the
 * `protocol-calls` patch keeps them replaying that way.
 */
import { patched } from '@temporalio/workflow';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import { isJsonObject, type CallTask, type JsonObject, type TaskList } from '../../../zigflow/dsl/model';
import { taskList } from '../../../zigflow/dsl/tasks';
import type { A2aCallRequest, AsyncApiCallRequest, McpCallRequest } from '../../activities/types';
import { deferredScope } from '../interpreter/activity-calls';
import { taskVariables, type TaskCall, type TaskResult } from '../interpreter/run-state';

export const PROTOCOL_CALLS = ['mcp', 'a2a', 'asyncapi'];
const PROTOCOL_CALLS_PATCH = 'protocol-calls';
type ProtocolActivity = 'callMcp' | 'callA2a' | 'callAsyncApi';
const ACTIVITY: Readonly<Partial<Record<string, ProtocolActivity>>> = {
  mcp: 'callMcp',
  a2a: 'callA2a',
  asyncapi: 'callAsyncApi',
};

type Args = Record<string, unknown>;

/** An AsyncAPI subscription's `foreach` (the spec's `subscriptionIterator`). */
export interface SubscriptionIterator {
  item?: string;
  at?: string;
  do?: TaskList;
  output?: { as?: unknown };
}

export interface ProtocolCallPlan {
  kind: 'protocol';
  name: ProtocolActivity;
  request: McpCallRequest & A2aCallRequest & AsyncApiCallRequest;
  summary: string;
  /** An AsyncAPI subscription's iterator, run on the consumed messages. */
  foreach?: SubscriptionIterator;
}

export function protocolCallPlan(
  call: TaskCall,
  task: CallTask,
  target: string,
  resolveAuthentication: (call: TaskCall, args: JsonObject) => Args,
): ProtocolCallPlan {
  const name = ACTIVITY[target];
  if (!name || !patched(PROTOCOL_CALLS_PATCH))
    throw new WorkflowFault(dslError('configuration', `call: ${target} is not supported by this runner`));
  const named = (auth: unknown) => resolveAuthentication(call, { authentication: auth }).authentication;
  const written = resolveAuthentication(call, task.with ?? {});
  const prepared = withNamedEndpoints(written, named);
  const { evaluated, raw, foreach } = target === 'asyncapi' ? splitSubscription(prepared) : { evaluated: prepared };
  const args = evaluate(call, evaluated);
  if (raw) {
    // The evaluated subscription and its `consume` are objects: they are templates of objects.
    const subscription = isJsonObject(args.subscription) ? args.subscription : {};
    const consume = isJsonObject(subscription.consume) ? subscription.consume : {};
    args.subscription = { ...subscription, ...raw.subscription, consume: { ...consume, ...raw.consume } };
  }
  const evaluatesExpressions = raw !== undefined && Object.keys({ ...raw.subscription, ...raw.consume }).length > 0;
  const authentications =
    target === 'a2a' && args.agentCard !== undefined
      ? evaluate(call, call.rs.document.use?.authentications ?? {})
      : undefined;
  const request: ProtocolCallPlan['request'] = {
    position: call.position,
    args,
    // The named authentications may defer `$secrets` too: the scope must carry what they need.
    scope: deferredScope(call, { args, authentications }, evaluatesExpressions),
  };
  if (authentications) request.authentications = authentications;
  return { kind: 'protocol', name, request, summary: `${call.position} ${target}`, foreach };
}

function evaluate(call: TaskCall, value: JsonObject): Args {
  const evaluated = call.rs.evaluator.evaluateTemplate(value, call.input, taskVariables(call), {
    instance: call.position,
    deferSecrets: true,
  });
  // A template of an object evaluates to an object.
  return isJsonObject(evaluated) ? evaluated : {};
}

/** `authentication: { use: name }` on the endpoints of these calls replaced by the named definition. */
function withNamedEndpoints(args: Args, named: (auth: unknown) => unknown): Args {
  const endpoint = (value: unknown): unknown =>
    isJsonObject(value) && value.authentication !== undefined
      ? { ...value, authentication: named(value.authentication) }
      : value;
  const out: Args = { ...args };
  const transport = out.transport;
  if (isJsonObject(transport) && isJsonObject(transport.http)) {
    const http = transport.http;
    out.transport = { ...transport, http: { ...http, endpoint: endpoint(http.endpoint) } };
  }
  if (isJsonObject(out.server) && 'uri' in out.server) out.server = endpoint(out.server);
  const card = out.agentCard;
  if (isJsonObject(card) && card.endpoint !== undefined) out.agentCard = { ...card, endpoint: endpoint(card.endpoint) };
  return out;
}

/** The subscription's per-message expressions and iterator, kept out of the evaluation of the arguments. */
function splitSubscription(args: Args) {
  const subscription = args.subscription;
  if (!isJsonObject(subscription)) return { evaluated: args };
  const { filter, foreach, consume, ...rest } = subscription;
  const { while: keepGoing, until, ...bounds } = isJsonObject(consume) ? consume : {};
  const defined = (entries: Args) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
  return {
    evaluated: { ...args, subscription: { ...rest, consume: bounds } },
    raw: { subscription: defined({ filter }), consume: defined({ while: keepGoing, until }) },
    foreach: iteratorOf(foreach),
  };
}

/** `subscription.foreach` as the iterator it is (its fields read as the schema types them). */
function iteratorOf(value: unknown): SubscriptionIterator | undefined {
  if (!isJsonObject(value)) return undefined;
  const { item, at, do: list, output } = value;
  return {
    item: typeof item === 'string' ? item : undefined,
    at: typeof at === 'string' ? at : undefined,
    do: Array.isArray(list) ? list : undefined,
    output: isJsonObject(output) ? output : undefined,
  };
}

/** `foreach`: `do` once per consumed message (bound to `$<item>`, index `$<at>`), in order; outputs each result. */
export async function runSubscriptionForeach(
  call: TaskCall,
  foreach: SubscriptionIterator,
  consumed: unknown,
): Promise<TaskResult> {
  const messages = Array.isArray(consumed) ? consumed : [];
  const list = taskList(foreach.do);
  const outputs: unknown[] = [];
  for (let index = 0; index < messages.length; index += 1) {
    const scope = { ...call.scope, [foreach.item ?? 'item']: messages[index], [foreach.at ?? 'index']: index };
    const position = `${call.position}/with/subscription/foreach/do`;
    const result = await call.runner.runList(call.rs, list, position, messages[index], scope);
    const as = foreach.output?.as;
    outputs.push(
      as === undefined
        ? result.output
        : call.rs.evaluator.evaluateField(as, result.output, { ...taskVariables(call), ...scope }, call.position),
    );
  }
  return { output: outputs };
}
