/**
 * `call`: `http`, `openapi`, `grpc`, `mcp`, `a2a` and `asyncapi` run in activities (arguments evaluated
 * here, except expressions that read `$secrets`, which the activity evaluates); a name from
 * `use.functions` runs that function's task definition with the evaluated `with` as its input.
 * protocol-calls.ts shapes the `mcp`, `a2a` and `asyncapi` requests and runs a subscription's `foreach`;
 * catalog-call.ts runs `{name}:{version}@{catalog}` functions (the default catalog's AI functions included).
 */
import { patched } from '@temporalio/workflow';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import { isJsonObject, type CallTask, type JsonObject } from '../../../zigflow/dsl/model';
import { namedTask } from '../../../zigflow/dsl/tasks';
import type { AuthorizedResult, HttpCallRequest } from '../../activities/types';
import { parseCatalogReference, type CatalogReference } from '../../../zigflow/dsl/default-catalog';
import { deferredScope } from '../interpreter/activity-calls';
import { activity, runSteps, type Steps } from '../interpreter/steps';
import { catalogSteps } from './catalog-call';
import { PROTOCOL_CALLS, protocolCallPlan, runSubscriptionForeach, type ProtocolCallPlan } from './protocol-calls';
import {
  taskVariables,
  type MaybePromise,
  type TaskCall,
  type TaskOutcome,
  type TaskResult,
} from '../interpreter/run-state';

/**
 * Runs recorded before `$authorization` existed got bare outputs from their call activities; the patch
 * keeps them replaying with that shape while new runs ask for the descriptor.
 */
const AUTHORIZATION_PATCH = 'authorization-descriptor';
const READS_AUTHORIZATION = /\$authorization\b/;

/** DSL built-in call targets: `mcp`, `a2a` and `asyncapi` are planned in protocol-calls.ts. */
const BUILT_IN = ['http', 'openapi', 'grpc', 'asyncapi', 'a2a', 'mcp'];

/**
 * Runs recorded before cataloged functions ran failed on them with 'unknown function' (caught or not); the
 * patch keeps those histories replaying while new runs fetch or call the function.
 */
const CATALOG_PATCH = 'catalog-functions';

/**
 * The activity that performs each request-shaped built-in call target (arguments evaluated as one template): a
 * new such target is its activity plus one line here.
 */
const CALL_ACTIVITIES: Readonly<Partial<Record<string, CallActivity>>> = {
  http: 'callHttp',
  openapi: 'callOpenApi',
  grpc: 'callGrpc',
};

type CallActivity = 'callHttp' | 'callOpenApi' | 'callGrpc';

type CallPlan =
  | { kind: 'function'; name: string }
  | { kind: 'catalog'; ref: CatalogReference }
  | { kind: 'activity'; name: CallActivity; request: HttpCallRequest; summary: string; local: boolean }
  | ProtocolCallPlan;

export function runCall(call: TaskCall, task: CallTask): MaybePromise<TaskResult> {
  return runSteps(call.rs, callSteps(call, task));
}

function* callSteps(call: TaskCall, task: CallTask): Steps<TaskResult> {
  const plan = planCall(call, task);
  if (plan.kind === 'function') return runSteps(call.rs, functionSteps(call, task, plan.name));
  if (plan.kind === 'catalog') return yield* catalogSteps(call, task, plan.ref, namedAuthentication);
  if (plan.kind === 'protocol') return runProtocolCall(call, plan);
  const result: unknown = yield activity(call.rs, plan.name, plan.request, plan.summary, plan.local);
  if (!plan.request.describeAuthorization) return { output: result };
  const { output, authorization } = result as AuthorizedResult;
  return { output, authorization };
}

function planCall(call: TaskCall, task: CallTask): CallPlan {
  const target = task.call;
  if (typeof target !== 'string') throw new WorkflowFault(dslError('configuration', "'call' must name a function"));
  if (!BUILT_IN.includes(target)) {
    const ref = call.rs.document.use?.functions?.[target] ? undefined : parseCatalogReference(target);
    if (ref && patched(CATALOG_PATCH)) return { kind: 'catalog', ref };
    return { kind: 'function', name: target };
  }
  if (PROTOCOL_CALLS.includes(target)) return protocolCallPlan(call, task, target, resolveAuthentication);
  const args = evaluateArgs(call, task);
  const request: HttpCallRequest = { position: call.position, args, scope: deferredScope(call, args) };
  const name = CALL_ACTIVITIES[target];
  if (!name) throw new WorkflowFault(dslError('configuration', `call: ${target} is not supported by this runner`));
  // Only tasks that read `$authorization` (output.as / export.as) get it: their activity result carries
  // the descriptor, with the parameter sealed, next to the output.
  if (readsAuthorization(task) && patched(AUTHORIZATION_PATCH)) request.describeAuthorization = true;
  return { kind: 'activity', name, request, summary: `${call.position} ${target}`, local: runsLocally(call, task) };
}

/**
 * A task's `metadata.localActivity` (validated as a boolean, and only on these call targets) over the
 * runner's WORKFLOW_LOCAL_CALLS, which travels in the run's start input so a replay sees the same choice.
 * Under a task or workflow `timeout` a call is a regular activity: a local one keeps the workflow task
 * open while it runs, and the timeout's timer reaches the server only when that workflow task completes.
 */
function runsLocally(call: TaskCall, task: CallTask): boolean {
  if (call.rs.timeouts > 0) return false;
  const own = task.metadata?.localActivity;
  return typeof own === 'boolean' ? own : call.rs.limits.localCalls;
}

function readsAuthorization(task: CallTask): boolean {
  const text = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));
  return READS_AUTHORIZATION.test(text(task.output?.as) + text(task.export?.as));
}

function evaluateArgs(call: TaskCall, task: CallTask): Record<string, unknown> {
  const resolved = resolveAuthentication(call, task.with ?? {});
  const args = call.rs.evaluator.evaluateTemplate(resolved, call.input, taskVariables(call), {
    instance: call.position,
    deferSecrets: true,
  });
  // A template of an object evaluates to an object.
  return isJsonObject(args) ? args : {};
}

/** An `authentication: { use: name }` (or a bare name) replaced by the `use.authentications` entry. */
export function namedAuthentication(call: Pick<TaskCall, 'rs' | 'position'>, auth: unknown): unknown {
  const known = call.rs.document.use?.authentications ?? {};
  const name = typeof auth === 'string' ? auth : isJsonObject(auth) ? auth.use : undefined;
  if (typeof name !== 'string') return auth;
  if (!(name in known)) {
    throw new WorkflowFault(dslError('configuration', `unknown authentication '${name}'`, { instance: call.position }));
  }
  return known[name];
}

/**
 * A protocol call's activity, then (for an AsyncAPI subscription with `foreach`) the iteration over the
 * consumed messages in workflow code. The foreach path awaits: it runs tasks after the activity.
 */
function runProtocolCall(call: TaskCall, plan: ProtocolCallPlan): PromiseLike<TaskResult> {
  const { foreach } = plan;
  // `then` on the activity's wait, not a step of callSteps: the steps these calls were recorded with.
  return activity(call.rs, plan.name, plan.request, plan.summary).then((output) =>
    foreach === undefined ? { output } : runSubscriptionForeach(call, foreach, output),
  );
}

/** Replaces `authentication: { use: name }` (on the endpoint or the call) with the `use.authentications` entry. */
export function resolveAuthentication(call: TaskCall, args: JsonObject): Record<string, unknown> {
  const resolve = (auth: unknown): unknown => namedAuthentication(call, auth);
  const out: Record<string, unknown> = { ...args };
  if (out.authentication !== undefined) out.authentication = resolve(out.authentication);
  const { endpoint, document } = out;
  if (isJsonObject(endpoint) && endpoint.authentication !== undefined) {
    out.endpoint = { ...endpoint, authentication: resolve(endpoint.authentication) };
  }
  // `call: openapi` and `call: asyncapi` name their document's endpoint.
  if (isJsonObject(document) && isJsonObject(document.endpoint) && document.endpoint.authentication !== undefined) {
    const documentEndpoint = document.endpoint;
    out.document = {
      ...document,
      endpoint: { ...documentEndpoint, authentication: resolve(documentEndpoint.authentication) },
    };
  }
  return out;
}

function* functionSteps(call: TaskCall, task: CallTask, name: string): Steps<TaskResult> {
  const result: TaskOutcome = yield startFunction(call, task, name);
  return { output: result.output };
}

/** A `use.functions` entry run as a task with the evaluated `with` as its input. */
function startFunction(call: TaskCall, task: CallTask, name: string): MaybePromise<TaskOutcome> {
  const fn = call.rs.document.use?.functions?.[name];
  if (!fn || typeof fn !== 'object') {
    throw new WorkflowFault(dslError('configuration', `unknown function '${name}'`, { instance: call.position }));
  }
  const args = call.rs.evaluator.evaluateTemplate(task.with ?? {}, call.input, taskVariables(call), {
    instance: call.position,
  });
  return call.runner.runTask(call.rs, namedTask(name, fn), `${call.position}/call/${name}`, args, call.scope);
}
