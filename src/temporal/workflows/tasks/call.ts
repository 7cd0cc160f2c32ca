/**
 * `call`: `http`, `openapi`, `grpc`, `mcp`, `a2a` and `asyncapi` run in activities (arguments evaluated
 * here, except expressions that read `$secrets`, which the activity evaluates); a name from
 * `use.functions` runs that function's task definition with the evaluated `with` as its input.
 * protocol-calls.ts shapes the `mcp`, `a2a` and `asyncapi` requests and runs a subscription's `foreach`.
 */
import { patched } from '@temporalio/workflow';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import type { AuthorizedResult, HttpCallRequest } from '../../activities/types';
import { PROTOCOL_CALLS, protocolCallPlan, runSubscriptionForeach, type ProtocolCallPlan } from './protocol-calls';
import { activityLater, callActivity, deferredScope } from '../interpreter/activity-calls';
import {
  andThen,
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

const BUILT_IN = ['http', 'openapi', 'grpc', 'asyncapi', 'a2a', 'mcp'];

type CallPlan =
  | { kind: 'function'; name: string }
  | { kind: 'activity'; name: 'callHttp' | 'callOpenApi' | 'callGrpc'; request: HttpCallRequest; summary: string }
  | ProtocolCallPlan;

export function runCall(call: TaskCall): MaybePromise<TaskResult> {
  if (call.rs.racing > 0) return runCallAsync(call);
  const plan = planCall(call);
  if (plan.kind === 'function') return runFunctionInline(call, plan.name);
  if (plan.kind === 'protocol') return runProtocolCall(call, plan);
  const pending = activityLater(call.rs, plan.name, plan.request, plan.summary);
  if (plan.request.describeAuthorization) {
    return pending.then((result) => ({
      output: (result as AuthorizedResult).output,
      authorization: (result as AuthorizedResult).authorization,
    }));
  }
  return pending.then((output) => ({ output }));
}

/** Inside a concurrent region: the promise steps recorded histories were made with (see interpreter/later.ts). */
async function runCallAsync(call: TaskCall): Promise<TaskResult> {
  const plan = planCall(call);
  if (plan.kind === 'function') return runFunction(call, plan.name);
  if (plan.kind === 'protocol') return runProtocolCall(call, plan);
  if (plan.request.describeAuthorization) {
    const result = (await callActivity(call.rs, plan.name, plan.request, plan.summary)) as AuthorizedResult;
    return { output: result.output, authorization: result.authorization };
  }
  return { output: await callActivity(call.rs, plan.name, plan.request, plan.summary) };
}

function planCall(call: TaskCall): CallPlan {
  const target = call.task.call;
  if (typeof target !== 'string') throw new WorkflowFault(dslError('configuration', "'call' must name a function"));
  if (!BUILT_IN.includes(target)) return { kind: 'function', name: target };
  if (PROTOCOL_CALLS.includes(target)) return protocolCallPlan(call, target, resolveAuthentication);
  const args = evaluateArgs(call);
  const request: HttpCallRequest = { position: call.position, args, scope: deferredScope(call, args) };
  const name =
    target === 'http' ? 'callHttp' : target === 'openapi' ? 'callOpenApi' : target === 'grpc' ? 'callGrpc' : undefined;
  if (!name) throw new WorkflowFault(dslError('configuration', `call: ${target} is not supported by this runner`));
  // Only tasks that read `$authorization` (output.as / export.as) get it: their activity result carries
  // the descriptor, with the parameter sealed, next to the output.
  if (readsAuthorization(call) && patched(AUTHORIZATION_PATCH)) request.describeAuthorization = true;
  return { kind: 'activity', name, request, summary: `${call.position} ${target}` };
}

function readsAuthorization(call: TaskCall): boolean {
  const text = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));
  return READS_AUTHORIZATION.test(text(call.task.output?.as) + text(call.task.export?.as));
}

function evaluateArgs(call: TaskCall): Record<string, unknown> {
  const withArgs = (call.task.with ?? {}) as Record<string, unknown>;
  const resolved = resolveAuthentication(call, withArgs);
  return call.rs.evaluator.evaluateTemplate(resolved, call.input, taskVariables(call), {
    instance: call.position,
    deferSecrets: true,
  }) as Record<string, unknown>;
}

/** An `authentication: { use: name }` (or a bare name) replaced by the `use.authentications` entry. */
export function namedAuthentication(call: Pick<TaskCall, 'rs' | 'position'>, auth: unknown): unknown {
  const known = (call.rs.document.use?.authentications ?? {}) as Record<string, unknown>;
  const name = typeof auth === 'string' ? auth : (auth as { use?: unknown } | undefined)?.use;
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
function runProtocolCall(call: TaskCall, plan: ProtocolCallPlan): MaybePromise<TaskResult> {
  if (plan.foreach !== undefined || call.rs.racing > 0) {
    return callActivity(call.rs, plan.name, plan.request, plan.summary).then((output) =>
      plan.foreach === undefined ? { output } : runSubscriptionForeach(call, plan.foreach, output),
    );
  }
  return activityLater(call.rs, plan.name, plan.request, plan.summary).then((output) => ({ output }));
}

/** Replaces `authentication: { use: name }` (on the endpoint or the call) with the `use.authentications` entry. */
export function resolveAuthentication(call: TaskCall, args: Record<string, unknown>): Record<string, unknown> {
  const resolve = (auth: unknown): unknown => namedAuthentication(call, auth);
  const out: Record<string, unknown> = { ...args };
  if (out.authentication !== undefined) out.authentication = resolve(out.authentication);
  for (const key of ['endpoint', 'document']) {
    const value = out[key] as Record<string, unknown> | undefined;
    const holder = key === 'document' ? (value?.endpoint as Record<string, unknown> | undefined) : value;
    if (holder && typeof holder === 'object' && holder.authentication !== undefined) {
      const copy = { ...holder, authentication: resolve(holder.authentication) };
      out[key] = key === 'document' ? { ...value, endpoint: copy } : copy;
    }
  }
  return out;
}

async function runFunction(call: TaskCall, name: string): Promise<TaskResult> {
  const result = await startFunction(call, name);
  return { output: result.output };
}

function runFunctionInline(call: TaskCall, name: string): MaybePromise<TaskResult> {
  return andThen(startFunction(call, name), (r) => ({ output: r.output }));
}

/** A `use.functions` entry run as a task with the evaluated `with` as its input. */
function startFunction(call: TaskCall, name: string): MaybePromise<TaskOutcome> {
  const fn = call.rs.document.use?.functions?.[name];
  if (!fn || typeof fn !== 'object') {
    throw new WorkflowFault(dslError('configuration', `unknown function '${name}'`, { instance: call.position }));
  }
  const args = call.rs.evaluator.evaluateTemplate(call.task.with ?? {}, call.input, taskVariables(call), {
    instance: call.position,
  });
  return call.runner.runTask(call.rs, { name, task: fn }, `${call.position}/call/${name}`, args, call.scope);
}
