/**
 * A Model Context Protocol client session on the official SDK (`@modelcontextprotocol/sdk`): connect over
 * Streamable HTTP or stdio (the SDK performs the `initialize` handshake), make requests, close. Plain
 * functions with no Temporal or DSL types, so the `call: mcp` activity and other callers (an agent loop
 * that lists tools and calls them) share one client.
 *
 * A stdio session owns a child process. `close()` ends it (the SDK closes stdin, then SIGTERM, then
 * SIGKILL); sessions still open when the worker process exits are killed then, so no server outlives it.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  GetPromptResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  ReadResourceResultSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type JSONRPCMessage,
  type ListToolsResult,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_METHODS } from '../../zigflow/dsl/calls';

export { MCP_METHODS };
export type McpMethod = (typeof MCP_METHODS)[number];

export const DEFAULT_MCP_PROTOCOL_VERSION = '2025-06-18';
export const DEFAULT_MCP_CLIENT = { name: 'workflow-runner', version: '1.0.0' };

export interface McpHttpTarget {
  url: string;
  /** Sent with every request (an `authorization` header carries resolved authentication). */
  headers?: Record<string, string>;
}

export interface McpStdioTarget {
  command: string;
  args?: string[];
  /** Added to the SDK's minimal inherited environment (PATH, HOME, ...), nothing else of the worker's. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface McpConnectOptions {
  http?: McpHttpTarget;
  stdio?: McpStdioTarget;
  /** Asked for in `initialize`; the server may answer with another version it supports. */
  protocolVersion?: string;
  client?: { name: string; version: string };
  /** Bounds the connection and the handshake. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface McpRequestOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface McpSession {
  /** The version the server agreed to in `initialize`. */
  readonly protocolVersion: string | undefined;
  /** One request of the DSL's method list; resolves to the JSON-RPC result. */
  request(method: McpMethod, params: Record<string, unknown>, options: McpRequestOptions): Promise<unknown>;
  listTools(options: McpRequestOptions): Promise<ListToolsResult>;
  callTool(name: string, args: Record<string, unknown>, options: McpRequestOptions): Promise<CallToolResult>;
  /** The last lines the stdio server wrote to stderr (for error details), bounded. */
  stderrTail(): string;
  close(): Promise<void>;
}

/** Failure of the protocol's own making, with what a user can act on. */
export class McpCallError extends Error {
  override readonly name = 'McpCallError';
  constructor(
    message: string,
    /** unreachable: no connection or the process failed; rejected: a JSON-RPC error or an HTTP error status. */
    readonly reason: 'unreachable' | 'timeout' | 'rejected' | 'protocol' | 'cancelled',
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/**
 * The SDK's schema of each method's result: what `request` resolves to has passed it (the SDK rejects
 * anything else), so other sources of results (the test runner's mocks) hold them to the same shape.
 */
export const MCP_RESULT_SCHEMAS = {
  'tools/list': ListToolsResultSchema,
  'tools/call': CallToolResultSchema,
  'prompts/list': ListPromptsResultSchema,
  'prompts/get': GetPromptResultSchema,
  'resources/list': ListResourcesResultSchema,
  'resources/read': ReadResourceResultSchema,
  'resources/templates/list': ListResourceTemplatesResultSchema,
} as const satisfies Record<McpMethod, unknown>;

export function isSupportedProtocolVersion(version: string): boolean {
  return SUPPORTED_PROTOCOL_VERSIONS.includes(version);
}

export async function connectMcp(options: McpConnectOptions): Promise<McpSession> {
  const stderr: string[] = [];
  const inner = options.http ? httpTransport(options.http) : stdioTransport(options.stdio, stderr);
  const transport = new PinnedVersionTransport(inner, options.protocolVersion ?? DEFAULT_MCP_PROTOCOL_VERSION);
  const client = new Client(options.client ?? DEFAULT_MCP_CLIENT, { capabilities: {} });
  const session = new SdkSession(client, transport, inner, stderr);
  try {
    await client.connect(transport, { timeout: options.timeoutMs, signal: options.signal });
  } catch (e) {
    await session.close();
    throw describeFailure(e, 'initialize', options.timeoutMs, session.stderrTail());
  }
  return session;
}

function httpTransport(target: McpHttpTarget): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(target.url), { requestInit: { headers: target.headers ?? {} } });
}

const STDERR_LINES = 20;

function stdioTransport(target: McpStdioTarget | undefined, stderr: string[]): StdioClientTransport {
  if (!target) throw new McpCallError('an MCP transport needs http or stdio', 'protocol');
  const transport = new StdioClientTransport({
    command: target.command,
    args: target.args ?? [],
    env: target.env ?? {},
    cwd: target.cwd,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    stderr.splice(0, Math.max(0, stderr.length - STDERR_LINES));
  });
  return transport;
}

/** Stdio sessions still open; killed if the worker process exits without closing them. */
const openProcesses = new Set<StdioClientTransport>();
let exitHookInstalled = false;

function trackProcess(transport: StdioClientTransport): void {
  openProcesses.add(transport);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const t of openProcesses) if (t.pid !== null) process.kill(t.pid, 'SIGKILL');
  });
}

class SdkSession implements McpSession {
  private closed = false;

  constructor(
    private readonly client: Client,
    private readonly transport: PinnedVersionTransport,
    private readonly inner: Transport,
    private readonly stderr: string[],
  ) {
    if (inner instanceof StdioClientTransport) trackProcess(inner);
  }

  get protocolVersion(): string | undefined {
    return this.transport.agreedVersion;
  }

  async request(method: McpMethod, params: Record<string, unknown>, options: McpRequestOptions): Promise<unknown> {
    const sdk = { timeout: options.timeoutMs, signal: options.signal };
    const p = params as never;
    try {
      switch (method) {
        case 'tools/list':
          return await this.client.listTools(p, sdk);
        case 'tools/call':
          return await this.client.callTool(p, undefined, sdk);
        case 'prompts/list':
          return await this.client.listPrompts(p, sdk);
        case 'prompts/get':
          return await this.client.getPrompt(p, sdk);
        case 'resources/list':
          return await this.client.listResources(p, sdk);
        case 'resources/read':
          return await this.client.readResource(p, sdk);
        case 'resources/templates/list':
          return await this.client.listResourceTemplates(p, sdk);
      }
    } catch (e) {
      throw describeFailure(e, method, options.timeoutMs, this.stderrTail());
    }
    throw new McpCallError(`'${String(method)}' is not an MCP method of the DSL`, 'protocol');
  }

  listTools(options: McpRequestOptions): Promise<ListToolsResult> {
    return this.request('tools/list', {}, options) as Promise<ListToolsResult>;
  }

  callTool(name: string, args: Record<string, unknown>, options: McpRequestOptions): Promise<CallToolResult> {
    return this.request('tools/call', { name, arguments: args }, options) as Promise<CallToolResult>;
  }

  stderrTail(): string {
    return this.stderr.join('\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Ends the HTTP session on the server (best effort: the server may not support it).
    if (this.inner instanceof StreamableHTTPClientTransport && this.inner.sessionId)
      await this.inner.terminateSession().catch(() => undefined);
    await this.client.close().catch(() => undefined);
    // The SDK ends the stdio process: stdin closed, then SIGTERM, then SIGKILL.
    await this.inner.close().catch(() => undefined);
    if (this.inner instanceof StdioClientTransport) openProcesses.delete(this.inner);
  }
}

/**
 * Asks for the DSL's `protocolVersion` in the `initialize` request. The SDK's client always offers its
 * newest version; MCP lets the client offer any version it supports and the server answer with its own
 * choice, so only the offered value changes here, and the answer is checked by the SDK as usual.
 */
class PinnedVersionTransport implements Transport {
  agreedVersion: string | undefined;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  constructor(
    private readonly inner: Transport,
    private readonly version: string,
  ) {}

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  start(): Promise<void> {
    this.inner.onclose = () => this.onclose?.();
    this.inner.onerror = (e) => this.onerror?.(e);
    this.inner.onmessage = (message, extra) => this.onmessage?.(message, extra);
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: Parameters<Transport['send']>[1]): Promise<void> {
    if ('method' in message && message.method === 'initialize' && message.params) {
      return this.inner.send({ ...message, params: { ...message.params, protocolVersion: this.version } }, options);
    }
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  setProtocolVersion(version: string): void {
    this.agreedVersion = version;
    this.inner.setProtocolVersion?.(version);
  }
}

/** The SDK's errors turned into one with a reason and a message a workflow author can act on. */
function describeFailure(e: unknown, method: string, timeoutMs: number, stderr: string): McpCallError {
  if (e instanceof McpCallError) return e;
  const error = e as { name?: string; code?: unknown; message?: string; cause?: { code?: string } };
  const message = error?.message ?? String(e);
  const tail = stderr ? ` (server stderr: ${stderr.slice(-500)})` : '';
  if (error?.name === 'AbortError' || /aborted/i.test(message))
    return new McpCallError(`${method} was cancelled`, 'cancelled');
  if (error?.code === -32001 || /timed out/i.test(message))
    return new McpCallError(`${method} got no answer within ${timeoutMs} ms${tail}`, 'timeout', 408);
  if (typeof error?.code === 'number' && error.code < 0 && error.code !== -32000)
    return new McpCallError(`${method} was refused by the server: ${message}`, 'rejected', 500);
  const http = /HTTP (\d{3})/.exec(message) ?? /status(?: code)? (\d{3})/i.exec(message);
  if (typeof error?.code === 'number' && error.code >= 400) return httpFailure(method, message, error.code, tail);
  if (http) return httpFailure(method, message, Number(http[1]), tail);
  const network = error?.cause?.code ?? (/(ECONNREFUSED|ENOTFOUND|ECONNRESET|ENOENT|EACCES)/.exec(message) ?? [])[1];
  if (network || error?.code === -32000 || /closed|fetch failed/i.test(message))
    return new McpCallError(
      `${method} failed: the MCP server is unreachable (${network ?? message})${tail}`,
      'unreachable',
      503,
    );
  return new McpCallError(`${method} failed: ${message}${tail}`, 'protocol', 500);
}

function httpFailure(method: string, message: string, status: number, tail: string): McpCallError {
  return new McpCallError(`${method} failed with HTTP ${status}: ${message.slice(0, 300)}${tail}`, 'rejected', status);
}
