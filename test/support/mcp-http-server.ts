/**
 * A Streamable HTTP MCP server built with the official SDK, on 127.0.0.1, for the `call: mcp` tests: tools
 * (`add`, `slow` which waits until cancelled or released, `fail`), a prompt, a resource and a resource
 * template. Optionally requires `Authorization: Bearer <token>`. It records what clients sent in
 * `initialize` and every request's authorization header, so tests can assert on the wire.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface McpHttpFixture {
  url: string;
  /** `initialize` params as received (protocolVersion, clientInfo). */
  initializations: Array<{ protocolVersion?: string; clientInfo?: { name: string; version: string } }>;
  authorizations: Array<string | undefined>;
  /** Calls of the `slow` tool that are still running. */
  slowRunning: () => number;
  /** Sessions the server still holds (closed ones are removed). */
  openSessions: () => number;
  stop(): Promise<void>;
}

function mcpServer(state: { slow: number }): McpServer {
  const server = new McpServer({ name: 'test-http-server', version: '1.2.3' });
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  server.registerTool('slow', { description: 'Waits until the request is cancelled' }, async (extra) => {
    state.slow += 1;
    try {
      await new Promise<void>((resolve) => extra.signal.addEventListener('abort', () => resolve(), { once: true }));
      return { content: [{ type: 'text', text: 'cancelled' }] };
    } finally {
      state.slow -= 1;
    }
  });
  server.registerTool('fail', { description: 'Throws' }, async () => {
    throw new Error('the tool broke');
  });
  server.registerPrompt(
    'greeting',
    { description: 'Greets someone', argsSchema: { name: z.string() } },
    ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}` } }] }),
  );
  server.registerResource('motd', 'memo://motd', { mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, text: 'message of the day' }],
  }));
  server.registerResource(
    'user',
    new ResourceTemplate('users://{id}', { list: undefined }),
    { mimeType: 'application/json' },
    async (uri, { id }) => ({ contents: [{ uri: uri.href, text: JSON.stringify({ id }) }] }),
  );
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startMcpHttpServer(options: { token?: string } = {}): Promise<McpHttpFixture> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const state = { slow: 0 };
  const initializations: McpHttpFixture['initializations'] = [];
  const authorizations: Array<string | undefined> = [];
  const http: Server = createServer((req, res) => {
    void (async () => {
      authorizations.push(req.headers.authorization);
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const id = req.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!transport) {
        const init = body as { method?: string; params?: McpHttpFixture['initializations'][number] } | undefined;
        if (init?.method !== 'initialize') {
          res.writeHead(404).end();
          return;
        }
        initializations.push({ protocolVersion: init.params?.protocolVersion, clientInfo: init.params?.clientInfo });
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sessionId) => void sessions.set(sessionId, created),
        });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await mcpServer(state).connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    initializations,
    authorizations,
    slowRunning: () => state.slow,
    openSessions: () => sessions.size,
    async stop() {
      for (const t of sessions.values()) await t.close().catch(() => undefined);
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
