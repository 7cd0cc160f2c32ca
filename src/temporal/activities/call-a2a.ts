/**
 * `call: a2a` (DSL 1.0.2 "A2A Call"): one JSON-RPC method of an A2A agent, reached through its agent card
 * (discovery, security schemes matched with `use.authentications`, see a2a-agent.ts) or directly at
 * `server`. The output is the JSON-RPC result; `message/stream` and `tasks/resubscribe` output the ordered
 * array of every streamed result. Failures are the spec's `runtime` errors.
 *
 * `message.messageId` defaults to a UUID derived from the activity's identity (workflow, run and activity
 * id), so every retry of the activity sends the same id and the agent can tell a retry from a new message;
 * `message.role` defaults to `user` and `message.kind` to `message`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Transport } from '@a2a-js/sdk/client';
import { cancellationSignal, currentActivityIdentity } from './activity-context';
import {
  a2aClient,
  cardCredentials,
  credentialedFetch,
  fetchAgentCard,
  transportForCard,
  type AgentCredentials,
} from './a2a-agent';
import type { ActivityDeps } from './deps';
import { redact, resolveDeferred } from './deferred';
import { authorizationHeader, endpointTarget } from './endpoint-auth';
import { failure } from './failures';
import { protocolMethod, protocolParameters } from './protocol-arguments';
import type { A2aCallRequest } from './types';
import { A2A_METHODS } from '../../zigflow/dsl/calls';

type A2aMethod = (typeof A2A_METHODS)[number];

/** The methods whose output is the ordered array of every streamed result. */
export const A2A_STREAMING_METHODS: readonly A2aMethod[] = ['message/stream', 'tasks/resubscribe'];

interface A2aArgs {
  method?: unknown;
  parameters?: unknown;
  agentCard?: { endpoint?: unknown };
  server?: unknown;
}

export function createCallA2a(deps: ActivityDeps) {
  return async function callA2a(request: A2aCallRequest): Promise<unknown> {
    const instance = request.position;
    const opened: string[] = [];
    const resolve = (value: unknown) => resolveDeferred(value, request.scope, deps.secretsKey, instance, opened);
    const args = resolve(request.args) as A2aArgs;
    const method = protocolMethod('a2a', A2A_METHODS, args.method, instance);
    const params = withMessageDefaults(method, protocolParameters('a2a', args.parameters, instance));
    const transport = await agentTransport(deps, args, resolve(request.authentications ?? {}), instance);
    const signal = cancellationSignal();
    try {
      return await invoke(transport, method, params, signal);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw asFailure(e, method, instance, opened);
    }
  };
}

/** The DSL's defaults for `message/send` and `message/stream` (and the protocol's `kind` discriminator). */
export function withMessageDefaults(method: string, params: Record<string, unknown>): Record<string, unknown> {
  if (method !== 'message/send' && method !== 'message/stream') return params;
  const message = (params.message ?? {}) as Record<string, unknown>;
  return {
    ...params,
    message: { kind: 'message', role: 'user', ...message, messageId: message.messageId ?? stableMessageId() },
  };
}

/**
 * A name-based UUID (RFC 9562 version 5) of the activity's identity: the same for every attempt of one
 * activity, different for every other call. Outside an activity (direct calls in tests) a random one.
 */
export function stableMessageId(): string {
  const identity = currentActivityIdentity();
  if (!identity) return randomUUID();
  const name = `${identity.workflowId}/${identity.runId}/${identity.activityId}`;
  const bytes = createHash('sha1').update(MESSAGE_ID_NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Namespace of the runner's message ids (a fixed random UUID, as bytes). */
const MESSAGE_ID_NAMESPACE = Buffer.from('5d1f4a3c9b2e4e0f8a6d7c1b2e3f4a5b', 'hex');

async function agentTransport(deps: ActivityDeps, args: A2aArgs, named: unknown, instance: string): Promise<Transport> {
  if (args.agentCard) {
    const target = endpointTarget(args.agentCard.endpoint, instance, 'call: a2a agentCard.endpoint');
    const card = await fetchAgentCard(deps, target.url, target.authentication, instance);
    const names = (named && typeof named === 'object' ? named : {}) as Record<string, unknown>;
    const credentials = await cardCredentials(deps, card, names, target.authentication, instance);
    return transportForCard(card, credentialedFetch(deps, credentials, instance), instance);
  }
  if (args.server === undefined)
    throw failure('configuration', `call: a2a at ${instance}/with needs agentCard or server`, { instance });
  const target = endpointTarget(args.server, instance, 'call: a2a server');
  const authorization = await authorizationHeader(deps, target.authentication, instance, 'call: a2a');
  const credentials: AgentCredentials = { headers: authorization ? { authorization } : {}, query: {} };
  const { JsonRpcTransport } = await a2aClient();
  return new JsonRpcTransport({
    endpoint: target.url.toString(),
    fetchImpl: credentialedFetch(deps, credentials, instance),
  });
}

async function invoke(
  transport: Transport,
  method: A2aMethod,
  params: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const options = { signal };
  const p = params as never;
  switch (method) {
    case 'message/send':
      return transport.sendMessage(p, options);
    case 'message/stream':
      return collect(transport.sendMessageStream(p, options));
    case 'tasks/get':
      return transport.getTask(p, options);
    case 'tasks/list':
      return listTasks(transport, params, signal);
    case 'tasks/cancel':
      return transport.cancelTask(p, options);
    case 'tasks/resubscribe':
      return collect(transport.resubscribeTask(p, options));
    case 'tasks/pushNotificationConfig/set':
      return transport.setTaskPushNotificationConfig(p, options);
    case 'tasks/pushNotificationConfig/get':
      return transport.getTaskPushNotificationConfig(p, options);
    case 'tasks/pushNotificationConfig/list':
      return transport.listTaskPushNotificationConfig(p, options);
    case 'tasks/pushNotificationConfig/delete':
      await transport.deleteTaskPushNotificationConfig(p, options);
      return null;
    case 'agent/getAuthenticatedExtendedCard':
      return transport.getExtendedAgentCard(options);
  }
}

async function collect(stream: AsyncGenerator<unknown>): Promise<unknown[]> {
  const results: unknown[] = [];
  for await (const result of stream) results.push(result);
  return results;
}

/** `tasks/list` has no typed method in the SDK's 0.3 client: its generic JSON-RPC call sends it. */
async function listTasks(transport: Transport, params: Record<string, unknown>, signal?: AbortSignal) {
  const { JsonRpcTransport } = await a2aClient();
  if (!(transport instanceof JsonRpcTransport))
    throw new Error('tasks/list is only available over the JSON-RPC transport');
  const response = (await transport.callExtensionMethod('tasks/list', params, 1, { signal })) as {
    result?: unknown;
    error?: { code: number; message: string };
  };
  if (response.error) throw Object.assign(new Error(response.error.message), { errorResponse: response });
  return response.result;
}

const JSON_RPC_STATUS: Record<number, number> = { [-32001]: 404, [-32601]: 501, [-32602]: 400, [-32004]: 501 };

function asFailure(e: unknown, method: string, instance: string, opened: readonly string[]) {
  if ((e as { name?: string })?.name === 'ApplicationFailure') return e;
  const error = e as { errorResponse?: { error?: { code: number; message: string } }; message?: string; cause?: any };
  const rpc = error?.errorResponse?.error ?? error?.cause?.errorResponse?.error;
  const message = redact(error?.message ?? String(e), opened);
  let status = 500;
  let detail = `${method} failed: ${message}`;
  if (rpc) {
    status = JSON_RPC_STATUS[rpc.code] ?? 500;
    detail = `${method} was refused by the agent: ${redact(rpc.message, opened)} (JSON-RPC error ${rpc.code})`;
  } else if (/Status: (\d{3})|: (\d{3}) /.test(message)) {
    const m = /Status: (\d{3})|: (\d{3}) /.exec(message) as RegExpExecArray;
    status = Number(m[1] ?? m[2]);
    detail = `${method} failed with HTTP ${status}: ${message.slice(0, 300)}`;
  } else if (/fetch failed|ECONNREFUSED|ENOTFOUND|ECONNRESET/.test(message + String(error?.cause?.code ?? ''))) {
    status = 503;
    detail = `${method} failed: the agent is unreachable (${error?.cause?.code ?? message})`;
  }
  return failure('runtime', `call: a2a ${detail}`, { instance, status, title: 'A2A call failed' });
}
