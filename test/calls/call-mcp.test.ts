/**
 * `call: mcp` at the activity level, against real MCP servers on 127.0.0.1: a Streamable HTTP server built
 * with the official SDK (test/support/mcp-http-server.ts) and the third-party reference server
 * `@modelcontextprotocol/server-everything` over stdio. Cancellation runs inside Temporal's
 * MockActivityEnvironment, which gives the activity a real cancellation signal (no Temporal server needed).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCallMcp } from '../../src/temporal/activities/call-mcp';
import type { ActivityDeps } from '../../src/temporal/activities/deps';
import { connectMcp } from '../../src/temporal/activities/mcp-client';
import type { DeferredScope, McpCallRequest } from '../../src/temporal/activities/types';
import { sealSecret } from '../../src/secrets/sealing';
import { startMcpHttpServer, type McpHttpFixture } from '../support/mcp-http-server';

jest.setTimeout(60_000);

const EVERYTHING = join(__dirname, '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const STDIO = { command: 'node', arguments: [EVERYTHING, 'stdio'] };
const key = randomBytes(32);
const noScope: DeferredScope = { input: {}, variables: {}, sealedSecrets: {}, env: {} };
const stdioDeps: ActivityDeps = { secretsKey: key, mcp: { stdioEnabled: true, stdioCommands: [['node', EVERYTHING]] } };

let server: McpHttpFixture;
let guarded: McpHttpFixture;

beforeAll(async () => {
  server = await startMcpHttpServer();
  guarded = await startMcpHttpServer({ token: 'right-token' });
});
afterAll(async () => {
  await server?.stop();
  await guarded?.stop();
});

function request(args: Record<string, unknown>, scope: DeferredScope = noScope): McpCallRequest {
  return { position: '/do/0/mcp', args, scope };
}

const http = (extra: Record<string, unknown> = {}) => ({ transport: { http: { endpoint: server.url } }, ...extra });

async function failureOf(promise: Promise<unknown>): Promise<{ type: string; status: number; detail: string }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { details?: Array<{ type: string; status: number; detail: string }> } | undefined;
  if (!error?.details?.[0]) throw new Error(`expected a DSL failure, got ${String(error)}`);
  return error.details[0];
}

/** Child processes of this test process whose command line mentions server-everything. */
function everythingChildren(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('server-everything'));
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i += 1) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('call: mcp over Streamable HTTP', () => {
  const callMcp = createCallMcp({});

  it('runs every method of the DSL and outputs the JSON-RPC result', async () => {
    const tools = (await callMcp(request(http({ method: 'tools/list' })))) as { tools: Array<{ name: string }> };
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['add', 'fail', 'slow']);
    expect(
      await callMcp(request(http({ method: 'tools/call', parameters: { name: 'add', arguments: { a: 2, b: 3 } } }))),
    ).toEqual({ content: [{ type: 'text', text: '5' }] });
    const prompts = (await callMcp(request(http({ method: 'prompts/list' })))) as { prompts: Array<{ name: string }> };
    expect(prompts.prompts.map((p) => p.name)).toEqual(['greeting']);
    expect(
      await callMcp(
        request(http({ method: 'prompts/get', parameters: { name: 'greeting', arguments: { name: 'Ada' } } })),
      ),
    ).toMatchObject({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hello to Ada' } }] });
    const resources = (await callMcp(request(http({ method: 'resources/list' })))) as {
      resources: Array<{ uri: string }>;
    };
    expect(resources.resources.map((r) => r.uri)).toEqual(['memo://motd']);
    expect(await callMcp(request(http({ method: 'resources/read', parameters: { uri: 'users://42' } })))).toEqual({
      contents: [{ uri: 'users://42', text: '{"id":"42"}' }],
    });
    const templates = (await callMcp(request(http({ method: 'resources/templates/list' })))) as {
      resourceTemplates: Array<{ uriTemplate: string }>;
    };
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['users://{id}']);
    // Each call is its own session, closed afterwards.
    await until(() => server.openSessions() === 0, 'the sessions to be closed');
  });

  it('sends initialize with the DSL default protocol version, or the one asked for, and the client identity', async () => {
    const before = server.initializations.length;
    await callMcp(request(http({ method: 'tools/list' })));
    await callMcp(
      request(
        http({ method: 'tools/list', protocolVersion: '2025-03-26', client: { name: 'billing', version: '2.0' } }),
      ),
    );
    expect(server.initializations.slice(before)).toEqual([
      { protocolVersion: '2025-06-18', clientInfo: { name: 'workflow-runner', version: '1.0.0' } },
      { protocolVersion: '2025-03-26', clientInfo: { name: 'billing', version: '2.0' } },
    ]);
  });

  it('authenticates with a bearer token from $secrets, and names nothing secret when refused', async () => {
    const scope: DeferredScope = { ...noScope, sealedSecrets: { mcpToken: sealSecret('right-token', key) } };
    const authenticated = {
      method: 'tools/list',
      transport: {
        http: {
          endpoint: {
            uri: guarded.url,
            authentication: { bearer: { token: { $deferredExpression: '${ $secrets.mcpToken }' } } },
          },
        },
      },
    };
    const tools = (await createCallMcp({ secretsKey: key })(request(authenticated, scope))) as { tools: unknown[] };
    expect(tools.tools).toHaveLength(3);
    expect(guarded.authorizations.at(-1)).toBe('Bearer right-token');
    const refused = await failureOf(
      callMcp(request({ method: 'tools/list', transport: { http: { endpoint: guarded.url } } })),
    );
    expect(refused).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 401 });
    expect(refused.detail).toMatch(/initialize failed with HTTP 401/);
  });

  it('raises runtime errors for a failing tool request, an unreachable server and a timeout', async () => {
    const unknownTool = await failureOf(
      callMcp(request(http({ method: 'prompts/get', parameters: { name: 'no-such-prompt' } }))),
    );
    expect(unknownTool).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500 });
    expect(unknownTool.detail).toMatch(/prompts\/get was refused by the server: .*no-such-prompt/);

    const closedPort = await freePort();
    const unreachable = await failureOf(
      callMcp(
        request({ method: 'tools/list', transport: { http: { endpoint: `http://127.0.0.1:${closedPort}/mcp` } } }),
      ),
    );
    expect(unreachable).toMatchObject({ status: 503 });
    expect(unreachable.detail).toMatch(/unreachable/);

    const slow = await failureOf(
      callMcp(request(http({ method: 'tools/call', parameters: { name: 'slow' }, timeout: { milliseconds: 300 } }))),
    );
    expect(slow).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 408 });
    expect(slow.detail).toMatch(/no answer within 300 ms/);
    // The request was cancelled on the server too (the SDK sends notifications/cancelled).
    await until(() => server.slowRunning() === 0, 'the slow tool to be cancelled');
  });

  it('refuses a method the DSL does not list, naming the pointer', async () => {
    const error = await failureOf(callMcp(request(http({ method: 'tools/delete' }))));
    expect(error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration', status: 400 });
    expect(error.detail).toContain('"tools/delete" at /do/0/mcp/with/method is not one the DSL lists');
  });
});

describe('call: mcp over stdio (@modelcontextprotocol/server-everything)', () => {
  it('is refused while stdio is disabled, and for commands outside the allow-list', async () => {
    const disabled = await failureOf(createCallMcp({})(request({ method: 'tools/list', transport: { stdio: STDIO } })));
    expect(disabled).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration' });
    expect(disabled.detail).toContain('/do/0/mcp/with/transport/stdio) is disabled on this runner');
    const other = await failureOf(
      createCallMcp(stdioDeps)(
        request({ method: 'tools/list', transport: { stdio: { command: 'sh', arguments: ['-c', 'x'] } } }),
      ),
    );
    expect(other.detail).toContain("'sh' with these arguments is not in the runner's allow-list");
    expect(everythingChildren()).toEqual([]);
  });

  it('lists and calls tools, passes the environment from $secrets, and ends the process', async () => {
    const callMcp = createCallMcp(stdioDeps);
    const tools = (await callMcp(request({ method: 'tools/list', transport: { stdio: STDIO } }))) as {
      tools: Array<{ name: string }>;
    };
    expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-env']));
    expect(
      await callMcp(
        request({
          method: 'tools/call',
          parameters: { name: 'echo', arguments: { message: 'hi' } },
          transport: { stdio: STDIO },
        }),
      ),
    ).toEqual({ content: [{ type: 'text', text: 'Echo: hi' }] });
    const scope: DeferredScope = { ...noScope, sealedSecrets: { apiKey: sealSecret('s3cret-value', key) } };
    const env = (await callMcp(
      request(
        {
          method: 'tools/call',
          parameters: { name: 'get-env' },
          transport: {
            stdio: { ...STDIO, environment: { SERVICE_KEY: { $deferredExpression: '${ $secrets.apiKey }' } } },
          },
        },
        scope,
      ),
    )) as { content: Array<{ text: string }> };
    expect(JSON.parse(env.content[0].text)).toMatchObject({ SERVICE_KEY: 's3cret-value' });
    // The worker's own environment is not handed to the server.
    expect(JSON.parse(env.content[0].text)).not.toHaveProperty('TEMPORAL_TEST_ADDRESS');
    await until(() => everythingChildren().length === 0, 'the MCP server processes to end');
  });

  it('ends the server process when the activity is cancelled mid-call', async () => {
    const environment = new MockActivityEnvironment();
    const running = environment.run(
      createCallMcp(stdioDeps),
      request({
        method: 'tools/call',
        parameters: { name: 'trigger-long-running-operation', arguments: { duration: 600, steps: 600 } },
        transport: { stdio: STDIO },
      }),
    );
    await until(() => everythingChildren().length === 1, 'the MCP server process to start');
    environment.cancel();
    await expect(running).rejects.toMatchObject({ name: 'CancelledFailure' });
    await until(() => everythingChildren().length === 0, 'the MCP server process to end');
  });
});

describe('the MCP client as plain functions', () => {
  it('connects, lists tools, calls one and closes', async () => {
    const session = await connectMcp({ http: { url: server.url }, timeoutMs: 10_000 });
    try {
      expect(session.protocolVersion).toBe('2025-06-18');
      const { tools } = await session.listTools({ timeoutMs: 10_000 });
      expect(tools.find((t) => t.name === 'add')?.inputSchema).toMatchObject({ properties: { a: { type: 'number' } } });
      expect(await session.callTool('add', { a: 40, b: 2 }, { timeoutMs: 10_000 })).toEqual({
        content: [{ type: 'text', text: '42' }],
      });
    } finally {
      await session.close();
    }
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
