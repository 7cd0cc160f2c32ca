/**
 * `call: {name}:{version}@{catalog}` (DSL 1.0 "Catalogs"). The runner's built-in `@default` functions (chat,
 * agent, embed, vector-upsert, vector-query) run as activities (the agent as a loop of them, agent/); any
 * other cataloged function is a task definition fetched by the `fetchCatalogFunction` activity (once per
 * run) and run with the evaluated `with` as its input, like a `use.functions` entry.
 */
import type {
  AgentCallToolRequest,
  DeferredScope,
  FetchCatalogFunctionRequest,
  LlmChatRequest,
  LlmChatResult,
  LlmEmbedResult,
  VectorQueryResult,
  VectorUpsertResult,
} from '../../activities/types';
import { builtInFunction, DEFAULT_CATALOG, type CatalogReference } from '../../../zigflow/dsl/default-catalog';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import type { CallTask, TaskDefinition } from '../../../zigflow/dsl/model';
import { namedTask } from '../../../zigflow/dsl/tasks';
import { agentSteps, newMeter, type AgentPorts } from '../agent/agent-loop';
import {
  chatOutput,
  chatRequest,
  embedRequest,
  queryRequest,
  upsertRequest,
  usageSummary,
  type Args,
} from '../agent/default-functions';
import { deferredScope } from '../interpreter/activity-calls';
import { taskVariables, type TaskCall, type TaskOutcome, type TaskResult } from '../interpreter/run-state';
import { activity, type Steps } from '../interpreter/steps';

/** How `use.authentications` names are replaced (call.ts; passed in so the two task files do not import each other). */
export type NamedAuthentication = (call: TaskCall, auth: unknown) => unknown;

export function* catalogSteps(
  call: TaskCall,
  task: CallTask,
  ref: CatalogReference,
  named: NamedAuthentication,
): Steps<TaskResult> {
  const catalog = call.rs.document.use?.catalogs?.[ref.catalog];
  if (ref.catalog === DEFAULT_CATALOG && !catalog && builtInFunction(ref.key)) {
    return yield* builtInSteps(call, task, ref, named);
  }
  // The activity validated the fetched definition as a task (fetchCatalogFunction).
  const definition: TaskDefinition = yield definitionOf(call, ref, catalog?.endpoint, named);
  const args = call.rs.evaluator.evaluateTemplate(task.with ?? {}, call.input, taskVariables(call), {
    instance: call.position,
  });
  const outcome: TaskOutcome = yield call.runner.runTask(
    call.rs,
    namedTask(ref.name, definition),
    `${call.position}/call/${ref.name}`,
    args,
    call.scope,
  );
  return { output: outcome.output };
}

/** The function's definition: from this run's earlier fetch, else through the activity (recorded once). */
function definitionOf(call: TaskCall, ref: CatalogReference, endpoint: unknown, named: NamedAuthentication) {
  const key = `${ref.key}@${ref.catalog}`;
  const known = (call.rs.catalogFunctions ??= new Map());
  const hit = known.get(key);
  if (hit) return hit;
  const request: FetchCatalogFunctionRequest = {
    position: call.position,
    catalog: ref.catalog,
    name: ref.name,
    version: ref.version,
    scope: deferredScope(call, undefined),
  };
  if (endpoint !== undefined) {
    const resolved = withNamedAuthentication(call, { endpoint }, named).endpoint;
    request.endpoint = call.rs.evaluator.evaluateTemplate(resolved, call.input, taskVariables(call), {
      instance: call.position,
      deferSecrets: true,
    });
    request.scope = deferredScope(call, request.endpoint);
  }
  const summary = `${call.position} catalog ${key}`;
  return activityThen(activity(call.rs, 'fetchCatalogFunction', request, summary), (definition) => {
    known.set(key, definition);
    return definition;
  });
}

function activityThen<T, R>(value: T | PromiseLike<T>, f: (v: T) => R): R | PromiseLike<R> {
  return typeof (value as PromiseLike<T>)?.then === 'function' ? (value as PromiseLike<T>).then(f) : f(value as T);
}

function* builtInSteps(
  call: TaskCall,
  task: CallTask,
  ref: CatalogReference,
  named: NamedAuthentication,
): Steps<TaskResult> {
  const raw = withNamedAuthentication(call, (task.with ?? {}) as Args, named);
  const args = call.rs.evaluator.evaluateTemplate(raw, call.input, taskVariables(call), {
    instance: call.position,
    deferSecrets: true,
  }) as Args;
  const scope = deferredScope(call, args);
  const { position, rs } = call;
  const summary = `${position} ${ref.name}`;
  switch (ref.name) {
    case 'chat': {
      const request = chatRequest(args, position, scope);
      const result: LlmChatResult = yield activity(rs, 'llmChat', request, summary);
      call.modelUsage = usageSummary(result.model, result.usage, { turns: 1 });
      return { output: chatOutput(args, request, result) };
    }
    case 'agent':
      return yield* agentTask(call, args, scope);
    case 'embed': {
      const result: LlmEmbedResult = yield activity(rs, 'llmEmbed', embedRequest(args, position, scope), summary);
      call.modelUsage = usageSummary(result.model, result.usage);
      return { output: result };
    }
    case 'vector-upsert': {
      const result: VectorUpsertResult = yield activity(
        rs,
        'vectorUpsert',
        upsertRequest(args, position, scope),
        summary,
      );
      call.modelUsage = usageSummary(result.model, result.usage);
      return { output: result };
    }
    case 'vector-query': {
      const result: VectorQueryResult = yield activity(rs, 'vectorQuery', queryRequest(args, position, scope), summary);
      call.modelUsage = usageSummary(result.model, result.usage);
      return { output: result };
    }
  }
  throw new WorkflowFault(dslError('configuration', `no built-in function ${ref.key}`, { instance: position }));
}

function* agentTask(call: TaskCall, args: Args, scope: DeferredScope): Steps<TaskResult> {
  const { position, rs } = call;
  const ports: AgentPorts = {
    chat: (request: LlmChatRequest, purpose) => activity(rs, 'llmChat', request, `${position} agent ${purpose}`),
    listTools: (server, index) =>
      activity(rs, 'agentListTools', { position, server, scope }, `${position} agent tools[${index}]`),
    callTool: (request: Omit<AgentCallToolRequest, 'position' | 'scope'>) =>
      activity(rs, 'agentCallTool', { ...request, position, scope }, `${position} agent tool ${request.tool}`),
  };
  const meter = newMeter();
  try {
    return { output: yield* agentSteps(args, position, scope, ports, meter) };
  } finally {
    // Reported on task_completed and task_failed alike: what a failed agent spent was spent.
    call.modelUsage = usageSummary(meter.model, meter.usage, { turns: meter.turns, toolCalls: meter.toolCalls });
  }
}

/**
 * `authentication: { use: name }` (or a bare name) replaced by its `use.authentications` entry where the
 * default catalog's functions take endpoints: `endpoint` (models, catalogs) and each agent tool server's
 * `transport.http.endpoint`.
 */
function withNamedAuthentication(call: TaskCall, args: Args, named: NamedAuthentication): Args {
  const onEndpoint = (endpoint: unknown): unknown => {
    if (!endpoint || typeof endpoint !== 'object' || Array.isArray(endpoint)) return endpoint;
    const e = endpoint as Args;
    return e.authentication === undefined ? e : { ...e, authentication: named(call, e.authentication) };
  };
  const out: Args = { ...args };
  if (out.endpoint !== undefined) out.endpoint = onEndpoint(out.endpoint);
  if (Array.isArray(out.tools)) {
    out.tools = out.tools.map((server: unknown) => {
      const http = (server as { transport?: { http?: Args } } | null)?.transport?.http;
      if (!http || http.endpoint === undefined) return server;
      const s = server as Args & { transport: Args };
      return { ...s, transport: { ...s.transport, http: { ...http, endpoint: onEndpoint(http.endpoint) } } };
    });
  }
  return out;
}
