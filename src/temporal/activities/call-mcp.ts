/**
 * `call: mcp` (DSL 1.0.2 "MCP Call"): one request to an MCP server over Streamable HTTP or stdio, through
 * the official SDK (mcp-client.ts), which sends `initialize` first. The output is the JSON-RPC result.
 *
 * - `protocolVersion` (default 2025-06-18) is offered in `initialize`; `client` names the client.
 * - `timeout` bounds the whole call (start, handshake, request); without it the runner's MCP timeout does.
 * - stdio starts a process on the worker: refused unless enabled, and then only for allow-listed commands.
 *   Its environment may come from `$secrets` (opened here, never recorded); the process ends with the call,
 *   on cancellation and on timeout.
 * - Failures are the spec's `runtime` errors (status 503 unreachable, 408 timeout, the HTTP status of a
 *   refused request); misconfiguration is a `configuration` error naming the field.
 */
import { cancellationSignal } from './activity-context';
import type { ActivityDeps, McpSettings } from './deps';
import { redact, resolveDeferred } from './deferred';
import { authorizationHeader, callableUrl, endpointTarget } from './endpoint-auth';
import { failure } from './failures';
import { protocolMethod, protocolParameters } from './protocol-arguments';
import type { McpConnectOptions, McpSession } from './mcp-client';
import type { McpCallRequest } from './types';
import { MCP_METHODS, stdioCommandAllowed } from '../../zigflow/dsl/calls';
import { durationToMs } from '../../zigflow/dsl/durations';
import { isWorkflowFault } from '../../zigflow/dsl/errors';

const DEFAULT_TIMEOUT_MS = 60_000;

type McpClientModule = typeof import('./mcp-client');

interface McpArgs {
  method?: unknown;
  protocolVersion?: unknown;
  parameters?: unknown;
  timeout?: unknown;
  transport?: {
    http?: { endpoint?: unknown; headers?: Record<string, unknown> };
    stdio?: { command?: unknown; arguments?: unknown; environment?: Record<string, unknown> };
  };
  client?: { name?: unknown; version?: unknown };
}

export function createCallMcp(deps: ActivityDeps) {
  return async function callMcp(request: McpCallRequest): Promise<unknown> {
    const args = request.args as McpArgs;
    const method = protocolMethod('mcp', MCP_METHODS, args.method, request.position);
    const params = protocolParameters('mcp', args.parameters, request.position);
    return withMcpSession(deps, request, method, (session, timeoutMs, signal) =>
      session.request(method, params, { timeoutMs, signal }),
    );
  };
}

/**
 * One MCP session for `request.args` (transport, protocolVersion, client, timeout; `$secrets` opened here):
 * connect, `work`, close. The timeout bounds all of it; Temporal's cancellation ends it as cancelled.
 * `what` names the work in errors. The agent's tool activities share it (agent-tools.ts).
 */
export async function withMcpSession<T>(
  deps: ActivityDeps,
  request: McpCallRequest,
  what: string,
  work: (session: McpSession, timeoutMs: number, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const instance = request.position;
  const opened: string[] = [];
  const args = resolveDeferred(request.args, request.scope, deps.secretsKey, instance, opened) as McpArgs;
  const timeoutMs = timeoutOf(args.timeout, deps.mcp, instance);
  // The MCP SDK and its schemas are loaded on the first MCP call, not with the worker (about 0.5 s and
  // 25 MB that workflows without MCP never need).
  const mcp = await import('./mcp-client');
  const bound = callBound(timeoutMs);
  const signal = bound.signal;
  const options = await connectOptions(deps, args, instance, timeoutMs, signal, mcp);
  deps.logger?.debug('mcp call', {
    instance,
    method: what,
    transport: options.http ? 'http' : 'stdio',
    // The command alone, and redacted: it could have been built from a secret.
    command: options.stdio ? redact(options.stdio.command, opened) : undefined,
  });
  let session: McpSession | undefined;
  try {
    session = await mcp.connectMcp(options);
    return await work(session, timeoutMs, signal);
  } catch (e) {
    // Cancelled by Temporal: the activity ends as cancelled, not as a DSL error.
    if (bound.cancelled?.aborted) throw bound.cancelled.reason;
    if (bound.timedOut.aborted) {
      throw failure('runtime', `call: mcp ${what} got no answer within ${timeoutMs} ms`, {
        instance,
        status: 408,
        title: 'MCP call failed',
      });
    }
    throw asFailure(e, instance, opened, mcp);
  } finally {
    await session?.close();
  }
}

function timeoutOf(timeout: unknown, settings: McpSettings | undefined, instance: string): number {
  if (timeout === undefined) return settings?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    return durationToMs((timeout as { after?: unknown })?.after ?? timeout, instance);
  } catch (e) {
    if (isWorkflowFault(e)) throw failure('configuration', `call: mcp timeout: ${e.message}`, { instance });
    throw e;
  }
}

/** Fires on the call's own timeout and when Temporal cancels the activity (workflow cancel, worker shutdown). */
function callBound(timeoutMs: number) {
  const cancelled = cancellationSignal();
  const timedOut = AbortSignal.timeout(timeoutMs);
  return { cancelled, timedOut, signal: cancelled ? AbortSignal.any([cancelled, timedOut]) : timedOut };
}

async function connectOptions(
  deps: ActivityDeps,
  args: McpArgs,
  instance: string,
  timeoutMs: number,
  signal: AbortSignal,
  mcp: McpClientModule,
): Promise<McpConnectOptions> {
  const protocolVersion = typeof args.protocolVersion === 'string' ? args.protocolVersion : undefined;
  if (protocolVersion !== undefined && !mcp.isSupportedProtocolVersion(protocolVersion)) {
    throw failure(
      'configuration',
      `call: mcp protocolVersion '${protocolVersion}' at ${instance}/with/protocolVersion is not one the MCP client speaks`,
      { instance },
    );
  }
  const client =
    typeof args.client?.name === 'string' && typeof args.client?.version === 'string'
      ? { name: args.client.name, version: args.client.version }
      : undefined;
  const base = { protocolVersion, client, timeoutMs, signal };
  const transport = args.transport ?? {};
  if (transport.http) return { ...base, http: await httpTarget(deps, transport.http, instance) };
  if (transport.stdio) return { ...base, stdio: stdioTarget(deps.mcp, transport.stdio, instance) };
  throw failure('configuration', `call: mcp at ${instance}/with/transport needs http or stdio`, { instance });
}

async function httpTarget(deps: ActivityDeps, http: NonNullable<McpArgs['transport']>['http'], instance: string) {
  const target = endpointTarget(http?.endpoint, instance, 'call: mcp transport.http.endpoint');
  const url = await callableUrl(deps, target.url, instance);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(http?.headers ?? {}))
    headers[k.toLowerCase()] = typeof v === 'string' ? v : JSON.stringify(v);
  const authorization = await authorizationHeader(deps, target.authentication, instance, 'call: mcp');
  if (authorization) headers.authorization = authorization;
  return { url: url.toString(), headers };
}

function stdioTarget(
  settings: McpSettings | undefined,
  stdio: NonNullable<McpArgs['transport']>['stdio'],
  instance: string,
) {
  const where = `${instance}/with/transport/stdio`;
  if (!settings?.stdioEnabled) {
    throw failure(
      'configuration',
      `call: mcp over stdio (${where}) is disabled on this runner: it starts a process on the worker (enable it with CALL_MCP_STDIO_ENABLED and CALL_MCP_STDIO_COMMANDS)`,
      { instance },
    );
  }
  const command = stdio?.command;
  if (typeof command !== 'string' || command === '')
    throw failure('configuration', `call: mcp at ${where}/command needs a command`, { instance });
  const args = Array.isArray(stdio?.arguments)
    ? stdio.arguments.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
    : [];
  if (!stdioCommandAllowed(settings.stdioCommands ?? [], [command, ...args])) {
    // The command only: arguments may carry values from $secrets.
    throw failure(
      'configuration',
      `call: mcp at ${where}/command: '${command}' with these arguments is not in the runner's allow-list of MCP servers (CALL_MCP_STDIO_COMMANDS)`,
      { instance },
    );
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(stdio?.environment ?? {})) env[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return { command, args, env };
}

function asFailure(e: unknown, instance: string, opened: readonly string[], mcp: McpClientModule) {
  if ((e as { name?: string })?.name === 'ApplicationFailure') return e;
  if (e instanceof mcp.McpCallError) {
    const status = e.httpStatus ?? (e.reason === 'unreachable' ? 503 : e.reason === 'timeout' ? 408 : 500);
    return failure('runtime', `call: mcp ${redact(e.message, opened)}`, { instance, status, title: 'MCP call failed' });
  }
  return failure('runtime', `call: mcp failed: ${redact((e as Error)?.message ?? String(e), opened)}`, {
    instance,
    title: 'MCP call failed',
  });
}
