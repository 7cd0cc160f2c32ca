import { randomBytes } from 'node:crypto';
import { sealSecret } from '../secrets/sealing';
import { TestCalls } from './mock-activities';
import type { KindContext } from './mock-kind-types';
import { a2a, asyncapi, mcp } from './protocol-mocks';
import { loadTestFile } from './test-file';

const key = randomBytes(32);
const ctx: KindContext = {
  deps: { secretsKey: key },
  httpFetch: () => Promise.reject(new Error('no HTTP call is expected')),
};
const secret = (name: string) => ({ $deferredExpression: `\${ $secrets.${name} }` });
const request = (args: Record<string, unknown>, input: unknown = {}) => ({
  position: '/do/0/call',
  args,
  scope: {
    input,
    variables: { context: {}, task: {}, workflow: {}, runtime: {} },
    sealedSecrets: { apiKey: sealSecret('k3y-value', key) },
    env: {},
  },
});

/** The failure an activity throws, as its DSL error fields. */
async function failureOf(promise: Promise<unknown>): Promise<{ message: string; type?: string }> {
  try {
    await promise;
  } catch (e) {
    const f = e as { message: string; details?: { type?: string }[] };
    return { message: f.message, type: f.details?.[0]?.type };
  }
  throw new Error('expected a failure');
}

describe('mcp mocks', () => {
  const stdioCall = request({
    method: 'tools/call',
    parameters: { name: 'get-sum', arguments: { a: 40, b: 2 } },
    transport: {
      stdio: {
        command: 'npx',
        arguments: ['tools-server', secret('apiKey')],
        environment: { API_KEY: secret('apiKey') },
      },
    },
  });

  it('sees the server as its command line, the tool and the arguments, with $secrets opened but redacted from the summary', async () => {
    const view = await mcp.view('callMcp', stdioCall, ctx);
    expect(view.fields).toMatchObject({
      server: 'npx tools-server k3y-value',
      method: 'tools/call',
      tool: 'get-sum',
      arguments: { a: 40, b: 2 },
      environment: { API_KEY: 'k3y-value' },
    });
    expect(view.summary).toBe('mcp tools/call get-sum (npx tools-server <redacted>)');
    const calls = new TestCalls(
      [
        {
          kind: 'mcp',
          pointer: '/tests/0/mocks/mcp/0',
          match: { server: 'npx tools-server *', tool: 'get-sum', environment: { API_KEY: 'k3y-value' } },
          answers: [{ result: {} }],
        },
      ],
      false,
    );
    expect(calls.take('mcp', view, '/do/0/call')).toEqual({ result: {} });
  });

  it('sees an HTTP server as its endpoint URL with the headers it is sent, and names the resource a read acts on', async () => {
    const view = await mcp.view(
      'callMcp',
      request({
        method: 'resources/read',
        parameters: { uri: 'file:///notes.txt' },
        transport: {
          http: {
            endpoint: { uri: 'https://tools.test/mcp', authentication: { bearer: { token: secret('apiKey') } } },
            headers: { 'X-Tenant': 'acme' },
          },
        },
      }),
      ctx,
    );
    expect(view.fields).toMatchObject({
      server: 'https://tools.test/mcp',
      resource: 'file:///notes.txt',
      headers: { 'x-tenant': 'acme', authorization: 'Bearer k3y-value' },
    });
    expect(view.fields).not.toHaveProperty('tool');
  });

  it('answers with the result as the SDK would accept it from a server (its defaults filled in), and refuses a result of the wrong shape', async () => {
    expect(await mcp.reply({}, stdioCall, ctx)).toEqual({ content: [] });
    const text = { content: [{ type: 'text', text: '42' }] };
    expect(await mcp.reply({ result: text }, stdioCall, ctx)).toEqual(text);
    const bad = await failureOf(mcp.reply({ result: { content: [{ type: 'image', data: 'eA==' }] } }, stdioCall, ctx));
    expect(bad.message).toBe(
      'the mocked result of mcp tools/call is not an MCP tools/call result: /content/0/mimeType: Invalid input: expected string, received undefined (workflow-runner test)',
    );
  });
});

describe("mcp mocks for an agent's tool servers", () => {
  const server = { transport: { stdio: { command: 'npx', arguments: ['tools-server'] } } };
  const { scope } = request({});

  it('sees the listing and each tool call as the call: mcp request it is', async () => {
    const list = await mcp.view('agentListTools', { position: '/do/0/research', server, scope }, ctx);
    expect(list.fields).toMatchObject({ server: 'npx tools-server', method: 'tools/list' });
    const call = { position: '/do/0/research', server, scope, tool: 'get-sum', arguments: { a: 1 }, maxResultChars: 5 };
    const view = await mcp.view('agentCallTool', call, ctx);
    expect(view.fields).toMatchObject({ method: 'tools/call', tool: 'get-sum', arguments: { a: 1 } });
  });

  it('answers with the MCP result shaped for the model: tool specs, and text cut to maxResultChars', async () => {
    const listed = await mcp.reply(
      { result: { tools: [{ name: 'echo', description: 'Echoes', inputSchema: { type: 'object' } }] } },
      { position: '/do/0/research', server, scope },
      ctx,
    );
    expect(listed).toEqual({ tools: [{ name: 'echo', description: 'Echoes', parameters: { type: 'object' } }] });
    const call = { position: '/do/0/research', server, scope, tool: 'echo', arguments: {}, maxResultChars: 60 };
    const answered = await mcp.reply(
      { result: { content: [{ type: 'text', text: 'x'.repeat(200) }], isError: true } },
      call,
      ctx,
    );
    expect(answered).toMatchObject({ isError: true, truncated: true });
    const { content } = answered as { content: string };
    expect(content.length).toBeLessThanOrEqual(60);
    expect(content).toMatch(/^x+\n…\[truncated: 60 of 200 characters\]$/);
  });
});

describe('a2a mocks', () => {
  const stream = request({
    method: 'message/stream',
    agentCard: { endpoint: 'https://agent.test/.well-known/agent-card.json' },
    parameters: { message: { parts: [{ kind: 'text', text: 'hi' }] } },
  });

  it('sees the agent by its card URL or server and the message with its defaults', async () => {
    const view = await a2a.view('callA2a', stream, ctx);
    expect(view.summary).toBe('a2a message/stream (https://agent.test/.well-known/agent-card.json)');
    expect(view.fields).toMatchObject({
      agent: 'https://agent.test/.well-known/agent-card.json',
      method: 'message/stream',
      message: { kind: 'message', role: 'user', parts: [{ kind: 'text', text: 'hi' }] },
    });
    const direct = await a2a.view('callA2a', request({ method: 'tasks/get', server: 'https://agent.test/rpc' }), ctx);
    expect(direct.fields).toMatchObject({ agent: 'https://agent.test/rpc', method: 'tasks/get', parameters: {} });
  });

  it('answers a streaming method with the list of results only', async () => {
    expect(await a2a.reply({ result: [{ kind: 'task', id: 't-1' }] }, stream, ctx)).toEqual([
      { kind: 'task', id: 't-1' },
    ]);
    expect(await a2a.reply({}, stream, ctx)).toEqual([]);
    const notAList = await failureOf(a2a.reply({ result: { kind: 'task' } }, stream, ctx));
    expect(notAList.message).toContain('the mocked result of a2a message/stream must be the list of streamed results');
    const get = request({ method: 'tasks/get', server: 'https://agent.test/rpc' });
    expect(await a2a.reply({ result: { id: 't-1' } }, get, ctx)).toEqual({ id: 't-1' });
    expect(await a2a.reply({}, get, ctx)).toBeNull();
  });
});

describe('asyncapi mocks', () => {
  const subscribe = (subscription: Record<string, unknown>) =>
    request({ document: { endpoint: 'https://docs.test/shop.yaml' }, channel: 'orders', subscription });
  const orders = [{ total: 250 }, { total: 20 }, { total: 120 }, { total: 300 }].map((payload, i) => ({
    payload: { id: i, ...payload },
  }));

  it('sees the operation or channel and whether the task publishes or subscribes', async () => {
    const publish = await asyncapi.view(
      'callAsyncApi',
      request({
        document: { endpoint: 'https://docs.test/shop.yaml' },
        operation: 'placeOrder',
        server: { name: 'broker' },
        message: { payload: { id: secret('apiKey') } },
      }),
      ctx,
    );
    expect(publish.summary).toBe('asyncapi publish placeOrder');
    expect(publish.detail).toBe('with message {"payload":{"id":"<redacted>"}}');
    expect(publish.fields).toMatchObject({
      operation: 'placeOrder',
      action: 'publish',
      document: 'https://docs.test/shop.yaml',
      server: 'broker',
      message: { payload: { id: 'k3y-value' } },
    });
    const sub = await asyncapi.view('callAsyncApi', subscribe({ consume: { amount: 1 } }), ctx);
    expect(sub.fields).toMatchObject({ channel: 'orders', action: 'subscribe' });
    expect(await asyncapi.reply({}, request({ operation: 'placeOrder', message: {} }), ctx)).toBeNull();
  });

  it("consumes the delivered messages with the task's filter and amount, topic defaulting to the channel", async () => {
    const consumed = await asyncapi.reply(
      { messages: orders },
      subscribe({ filter: '${ .payload.total >= 100 }', consume: { amount: 2 } }),
      ctx,
    );
    expect(consumed).toEqual([
      { payload: { id: 0, total: 250 }, topic: 'orders' },
      { payload: { id: 2, total: 120 }, topic: 'orders' },
    ]);
  });

  it('stops at `while` false after a message and `until` true before one; runs out with the messages', async () => {
    const whileSmall = await asyncapi.reply(
      { messages: orders },
      subscribe({ consume: { for: { seconds: 5 }, while: '${ (.[-1].payload.total) < 200 | not }' } }),
      ctx,
    );
    expect((whileSmall as { payload: { id: number } }[]).map((m) => m.payload.id)).toEqual([0, 1]);
    const until = await asyncapi.reply(
      { messages: orders },
      subscribe({ consume: { for: { seconds: 5 }, until: '${ length == 3 }' } }),
      ctx,
    );
    expect((until as unknown[]).length).toBe(3);
    const all = await asyncapi.reply(
      { messages: [{ payload: 'x', topic: 'orders/eu', headers: { h: '1' }, correlationId: 'c-1' }] },
      subscribe({ consume: { amount: 5 } }),
      ctx,
    );
    expect(all).toEqual([{ payload: 'x', topic: 'orders/eu', headers: { h: '1' }, correlationId: 'c-1' }]);
  });
});

describe('test files with protocol mocks', () => {
  it('accepts the protocol kinds and names a wrong field by pointer', () => {
    const ok = loadTestFile(`workflow: w.yaml
tests:
  - name: t
    mocks:
      mcp: [{ server: 'npx *', method: tools/call, tool: get-sum, respond: { result: { content: [] } }, calls: 1 }]
      a2a: [{ agent: 'https://agent.test/*', method: message/stream, respond: [{ error: { type: runtime } }, { result: [] }] }]
      asyncapi: [{ operation: watchOrders, action: subscribe, respond: { messages: [{ payload: { id: a } }] } }]
`);
    expect(ok.ok).toBe(true);
    const bad = loadTestFile(`workflow: w.yaml
tests:
  - name: t
    mocks:
      asyncapi: [{ action: send, respond: { messages: [{ body: 1 }] } }]
`);
    expect(bad.ok).toBe(false);
    const messages = bad.ok ? [] : bad.problems.map((p) => `${p.pointer} ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/tests\/0\/mocks\/asyncapi\/0\/action /),
        expect.stringMatching(/^\/tests\/0\/mocks\/asyncapi\/0\/respond\/messages\/0\/body /),
      ]),
    );
  });
});
