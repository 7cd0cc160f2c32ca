/**
 * Mock kinds of the protocol calls (`call: mcp`, `call: a2a`, `call: asyncapi`; listed in mock-kinds.ts).
 * A test matches them on what an author writes in the task (the server, the method, the tool; the agent;
 * the operation or channel and whether it publishes or subscribes) and answers with what the real activity
 * returns, so the workflow-side handling (`output.as`, `export.as`, a subscription's `foreach`) runs on
 * the same shapes:
 *
 * - mcp: the JSON-RPC result, held to the MCP SDK's schema of the method's result as a real server's is;
 *   the tool servers of an agent (`agent:1.0.0@default`) are matched and answered the same way, their
 *   `tools/list` and `tools/call` results then shaped for the model as the agent's activities shape them;
 * - a2a: the JSON-RPC result; for `message/stream` and `tasks/resubscribe` the ordered list of results;
 * - asyncapi: nothing for a publish; for a subscription, the messages the broker delivers, consumed with
 *   the task's own `filter` and `consume` bounds (the activity's code), so a test exercises them too.
 *
 * Summaries and details of calls are redacted of every value built from `$secrets`: they end up in "no
 * mock" messages and test reports.
 */
import { A2A_STREAMING_METHODS, withMessageDefaults } from '../temporal/activities/call-a2a';
import { consumeBounds, type Subscription } from '../temporal/activities/call-asyncapi';
import { offerMessage, type InboundMessage } from '../temporal/activities/asyncapi-mqtt';
import { redact, resolveDeferred } from '../temporal/activities/deferred';
import { failure } from '../temporal/activities/failures';
import { protocolMethod } from '../temporal/activities/protocol-arguments';
import { headerOf, resolveAuthorization, type Authentication } from '../temporal/activities/http-auth';
import { toolResult, toolSpecs } from '../temporal/activities/agent-tools';
import { MCP_METHODS, MCP_RESULT_SCHEMAS } from '../temporal/activities/mcp-client';
import type {
  A2aCallRequest,
  AgentCallToolRequest,
  AgentToolServerRequest,
  AsyncApiCallRequest,
  McpCallRequest,
} from '../temporal/activities/types';
import { isPlainObject, preview } from './matching';
import type { KindContext, MockKind } from './mock-kind-types';

const STRING = { type: 'string' };
const OBJECT = { type: 'object' };
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };

type Args = Record<string, any>;
type ProtocolRequest = McpCallRequest | A2aCallRequest | AsyncApiCallRequest;

/** The task's arguments with `$secrets` opened, and a redactor for the values that came from them. */
function openArgs(request: ProtocolRequest, ctx: KindContext): { args: Args; hide: (text: string) => string } {
  const opened: string[] = [];
  const args = resolveDeferred(request.args, request.scope, ctx.deps.secretsKey, request.position, opened) as Args;
  return { args, hide: (text) => redact(text, opened) };
}

/** The URI of an endpoint written as a string or as `{ uri, authentication }`. */
function endpointUri(endpoint: unknown): string | undefined {
  if (typeof endpoint === 'string') return endpoint;
  return isPlainObject(endpoint) && typeof endpoint.uri === 'string' ? endpoint.uri : undefined;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** An MCP server as an author names it: the endpoint URL, or the stdio command line. */
function mcpServer(transport: Args | undefined): string | undefined {
  if (transport?.http) return endpointUri(transport.http.endpoint);
  const stdio = transport?.stdio;
  if (!stdio) return undefined;
  const args: unknown[] = Array.isArray(stdio.arguments) ? stdio.arguments : [];
  return [stdio.command, ...args].map(asText).join(' ');
}

/**
 * The headers of an MCP request over HTTP as the client sends them: the task's `headers`, names in lower
 * case, and the `authorization` of the endpoint's authentication (an OAuth2 token request is answered by
 * `mocks.http`, as for `call: http`).
 */
async function mcpHeaders(http: Args | undefined, ctx: KindContext, instance: string) {
  if (!http) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(isPlainObject(http.headers) ? http.headers : {}))
    headers[k.toLowerCase()] = asText(v);
  const auth = isPlainObject(http.endpoint) ? (http.endpoint.authentication as Authentication) : undefined;
  const resolved = await resolveAuthorization(auth, ctx.httpFetch, instance);
  if (resolved) headers.authorization = headerOf(resolved);
  return headers;
}

/** The name a method acts on: the tool called, the prompt read, the resource read. */
const MCP_SUBJECT: Record<string, { field: string; parameter: string }> = {
  'tools/call': { field: 'tool', parameter: 'name' },
  'prompts/get': { field: 'prompt', parameter: 'name' },
  'resources/read': { field: 'resource', parameter: 'uri' },
};

type AgentToolRequest = AgentToolServerRequest | AgentCallToolRequest;

function isAgentToolRequest(request: unknown): request is AgentToolRequest {
  return isPlainObject(request) && isPlainObject(request.server);
}

/** An agent's `tools/list` or `tools/call` as the `call: mcp` request it is. */
function asMcpCall(request: McpCallRequest | AgentToolRequest): McpCallRequest {
  if (!isAgentToolRequest(request)) return request;
  const { position, server, scope } = request;
  const args =
    'tool' in request
      ? { ...server, method: 'tools/call', parameters: { name: request.tool, arguments: request.arguments } }
      : { ...server, method: 'tools/list', parameters: {} };
  return { position, args, scope };
}

/** An MCP result as the agent's activity returns it (agent-tools.ts), for an agent's request. */
function forAgent(request: unknown, result: Args): unknown {
  if (!isAgentToolRequest(request)) return result;
  if ('tool' in request) return toolResult(result as Parameters<typeof toolResult>[0], request.maxResultChars);
  return { tools: toolSpecs(result as Parameters<typeof toolSpecs>[0]) };
}

export const mcp: MockKind = {
  key: 'mcp',
  activities: ['callMcp', 'agentListTools', 'agentCallTool'],
  match: {
    server: {
      ...STRING,
      description:
        'the endpoint URL (http transport) or the command line, command and arguments joined by spaces (stdio)',
    },
    method: { ...STRING, description: 'tools/list, tools/call, prompts/get, resources/read, ...' },
    tool: { ...STRING, description: 'the tool of tools/call' },
    prompt: { ...STRING, description: 'the prompt of prompts/get' },
    resource: { ...STRING, description: 'the URI of resources/read' },
    arguments: { ...OBJECT, description: 'the arguments of tools/call or prompts/get, or the part that must match' },
    parameters: { ...OBJECT, description: 'all parameters of the request, or the part that must match' },
    headers: {
      ...OBJECT,
      description: 'HTTP: request headers that must be present (names in any case, after authentication)',
    },
    environment: { ...OBJECT, description: 'stdio: the environment given to the server process' },
  },
  answer: {
    result: { description: 'the JSON-RPC result, e.g. { content: [{ type: text, text: ... }] } for tools/call' },
  },
  async view(_activity, request, ctx) {
    const call = asMcpCall(request as McpCallRequest | AgentToolRequest);
    const { args, hide } = openArgs(call, ctx);
    const method = String(args.method ?? '');
    const parameters: Args = isPlainObject(args.parameters) ? args.parameters : {};
    const subject = MCP_SUBJECT[method];
    const name = subject ? parameters[subject.parameter] : undefined;
    const server = mcpServer(args.transport);
    const stdioEnv = args.transport?.stdio?.environment;
    return {
      summary: hide(`mcp ${method}${name !== undefined ? ` ${asText(name)}` : ''} (${server ?? '?'})`),
      detail: hide(`with parameters ${preview(parameters)}`),
      fields: {
        server,
        method,
        ...(subject ? { [subject.field]: name } : {}),
        arguments: parameters.arguments,
        parameters,
        headers: await mcpHeaders(args.transport?.http, ctx, call.position),
        environment: isPlainObject(stdioEnv)
          ? Object.fromEntries(Object.entries(stdioEnv).map(([k, v]) => [k, asText(v)]))
          : undefined,
      },
    };
  },
  async reply(answer, request, ctx) {
    const call = asMcpCall(request as McpCallRequest | AgentToolRequest);
    const { args } = openArgs(call, ctx);
    const method = protocolMethod('mcp', MCP_METHODS, args.method, call.position);
    const schema = MCP_RESULT_SCHEMAS[method];
    // An MCP result is always an object: `respond: {}` is the empty result, with the SDK's defaults.
    const parsed = schema.safeParse(answer.result ?? {});
    if (parsed.success) return forAgent(request, parsed.data as Args);
    throw failure(
      'configuration',
      `the mocked result of mcp ${method} is not an MCP ${method} result: ${describeIssue(parsed.error.issues[0] as Issue)} (workflow-runner test)`,
      { instance: call.position },
    );
  },
};

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: Issue[][];
}

/**
 * A schema issue as `pointer: message`. In a union, the issue of the alternative the author meant: one
 * whose literals (`type: image`) the value has, then the one with the fewest issues.
 */
function describeIssue(issue: Issue | undefined, base: PropertyKey[] = []): string {
  if (!issue) return 'it is not valid';
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    const missesLiteral = (branch: Issue[]) => (branch.some((i) => i.code === 'invalid_value') ? 1 : 0);
    const closest = [...issue.errors].sort((a, b) => missesLiteral(a) - missesLiteral(b) || a.length - b.length)[0];
    if (closest.length > 0) return describeIssue(closest[0], path);
  }
  return `/${path.map(String).join('/')}: ${issue.message}`;
}

export const a2a: MockKind = {
  key: 'a2a',
  activities: ['callA2a'],
  match: {
    agent: { ...STRING, description: 'the agent card URL (agentCard.endpoint), or the server URL' },
    method: { ...STRING, description: 'message/send, message/stream, tasks/get, ...' },
    message: { ...OBJECT, description: 'the message sent (role defaults to user), or the part that must match' },
    parameters: { ...OBJECT, description: 'all parameters of the request, or the part that must match' },
  },
  answer: {
    result: {
      description:
        'the JSON-RPC result; for message/stream and tasks/resubscribe the list of streamed results, in order',
    },
  },
  async view(_activity, request, ctx) {
    const { args, hide } = openArgs(request as A2aCallRequest, ctx);
    const method = String(args.method ?? '');
    const parameters = withMessageDefaults(method, isPlainObject(args.parameters) ? args.parameters : {});
    const agent = args.agentCard !== undefined ? endpointUri(args.agentCard?.endpoint) : endpointUri(args.server);
    return {
      summary: hide(`a2a ${method} (${agent ?? '?'})`),
      detail: hide(`with parameters ${preview(parameters)}`),
      fields: { agent, method, message: parameters.message, parameters },
    };
  },
  async reply(answer, request, ctx) {
    const call = request as A2aCallRequest;
    const method = String(openArgs(call, ctx).args.method);
    const streams = (A2A_STREAMING_METHODS as readonly string[]).includes(method);
    const result = answer.result ?? (streams ? [] : null);
    if (streams && !Array.isArray(result)) {
      throw failure(
        'configuration',
        `the mocked result of a2a ${method} must be the list of streamed results, in order (workflow-runner test)`,
        { instance: call.position },
      );
    }
    return result;
  },
};

export const asyncapi: MockKind = {
  key: 'asyncapi',
  activities: ['callAsyncApi'],
  match: {
    operation: { ...STRING, description: 'the operation the task names' },
    channel: { ...STRING, description: 'the channel the task names' },
    action: { enum: ['publish', 'subscribe'], description: 'publish (the task sends a message) or subscribe' },
    document: { ...STRING, description: 'the AsyncAPI document URI' },
    server: { ...STRING, description: 'the server name the task gives' },
    protocol: STRING,
    message: { ...OBJECT, description: 'the message published ({ payload, headers }), or the part that must match' },
  },
  answer: {
    messages: {
      type: 'array',
      description:
        "subscribe: the messages the broker delivers, in order; the task's filter and consume bounds apply to them",
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          payload: { description: 'the message payload (default null)' },
          headers: STRING_MAP,
          correlationId: STRING,
          topic: { ...STRING, description: "the channel address (default: the task's channel)" },
        },
      },
    },
  },
  async view(_activity, request, ctx) {
    const { args, hide } = openArgs(request as AsyncApiCallRequest, ctx);
    const action = args.subscription !== undefined ? 'subscribe' : 'publish';
    return {
      summary: hide(`asyncapi ${action} ${String(args.operation ?? args.channel ?? '?')}`),
      detail: action === 'publish' ? hide(`with message ${preview(args.message ?? {})}`) : undefined,
      fields: {
        operation: args.operation,
        channel: args.channel,
        action,
        document: endpointUri(args.document?.endpoint),
        server: args.server?.name,
        protocol: args.protocol,
        message: args.message,
      },
    };
  },
  async reply(answer, request, ctx) {
    const call = request as AsyncApiCallRequest;
    const { args } = openArgs(call, ctx);
    if (args.subscription === undefined) return null;
    // The activity's own consumption, fed with the test's messages instead of a broker's: when they run
    // out, the consumption ends as it would when `for` (or the runner's longest consumption) elapses.
    const bounds = consumeBounds(ctx.deps, args.subscription as Subscription, call.scope, call.position);
    const consumed: InboundMessage[] = [];
    if (bounds.done?.(consumed)) return consumed;
    const delivered = Array.isArray(answer.messages) ? (answer.messages as Args[]) : [];
    for (const m of delivered) {
      if (offerMessage(bounds, consumed, inbound(m, args.channel))) break;
    }
    return consumed;
  },
};

/** A mocked message in the shape the MQTT consumer gives (payload, topic, then headers and correlation id). */
function inbound(m: Args, channel: unknown): InboundMessage {
  const topic = typeof m.topic === 'string' ? m.topic : typeof channel === 'string' ? channel : undefined;
  const message = { payload: m.payload ?? null, ...(topic !== undefined ? { topic } : {}) } as InboundMessage;
  if (isPlainObject(m.headers)) message.headers = m.headers as Record<string, string>;
  if (typeof m.correlationId === 'string') message.correlationId = m.correlationId;
  return message;
}
