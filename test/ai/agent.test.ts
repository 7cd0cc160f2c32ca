/**
 * `agent:1.0.0@default` end to end: real Temporal, real MCP servers (`@modelcontextprotocol/server-everything`
 * over stdio, and a Streamable HTTP server built with the official SDK), and, in place of a language model
 * (none can run here), the local OpenAI-compatible model server: it calls the tools the prompt names, in
 * order, then answers with their results, and counts every request.
 */
import { join } from 'node:path';
import { startModelServer, type ModelServer } from '../../src/cli/demo-model-server';
import { startMcpHttpServer, type McpHttpFixture } from '../support/mcp-http-server';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from '../dsl/workflow-text';

jest.setTimeout(180_000);

const EVERYTHING = join(__dirname, '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');

describe('agent:1.0.0@default', () => {
  let model: ModelServer;
  let mcp: McpHttpFixture;
  let runner: TestRunner;

  beforeAll(async () => {
    model = await startModelServer();
    mcp = await startMcpHttpServer({ token: 'tool-token' });
    runner = await startTestRunner({
      activities: {
        ai: { models: { baseUrl: model.baseUrl, defaultModel: 'agent-model', defaultEmbeddingModel: 'e' } },
        mcp: { stdioEnabled: true, stdioCommands: [['node', EVERYTHING]] },
      },
    });
  });
  afterAll(async () => {
    await runner?.shutdown();
    await mcp?.stop();
    await model?.close();
  });

  const everything = `{ transport: { stdio: { command: node, arguments: ['${EVERYTHING}', stdio] } } }`;
  const httpTools = `{ name: calc, transport: { http: { endpoint: { uri: '${'$'}{ .mcpUrl }', authentication: { use: tools } } } } }`;

  it('calls MCP tools over stdio and HTTP turn by turn, then answers', async () => {
    const before = model.chatCalls().length;
    const { result, events } = await runner.run(
      workflow(
        'agent-tools',
        `
use:
  authentications:
    tools: { bearer: { token: tool-token } }
do:
  - research:
      call: agent:1.0.0@default
      with:
        system: Use the tools to answer.
        prompt: "First echo 'hello agent', then calc_add 2 and 3."
        tools:
          - ${everything}
          - ${httpTools}
`,
      ),
      { mcpUrl: mcp.url },
    );
    expect(result.error).toBeUndefined();
    expect(result.output).toMatchObject({
      content: 'Done after 2 tool calls: Echo: hello agent; 5',
      turns: 3,
      toolCalls: [
        { tool: 'echo', arguments: { message: 'hello agent' }, result: 'Echo: hello agent' },
        { tool: 'calc_add', arguments: { a: 2, b: 3 }, result: '5' },
      ],
      model: 'agent-model',
    });
    expect(model.chatCalls().length - before).toBe(3);
    // The model saw both servers' tools, the HTTP server's under its prefix.
    const offered = (model.chatCalls()[before].body.tools as Array<{ function: { name: string } }>).map(
      (t) => t.function.name,
    );
    expect(offered).toEqual(expect.arrayContaining(['echo', 'get-sum', 'calc_add', 'calc_fail']));
    expect(mcp.authorizations.filter((a) => a !== 'Bearer tool-token')).toEqual([]);
    const done = events.find((e) => e.eventType === 'task_completed' && e.taskName === 'research');
    expect(done?.modelUsage).toMatchObject({ model: 'agent-model', turns: 3, toolCalls: 2 });
  });

  it('tells the model about a failing tool and goes on, or fails the task when told to', async () => {
    const doc = (toolErrors: string) =>
      workflow(
        'agent-errors',
        `
use:
  authentications:
    tools: { bearer: { token: tool-token } }
do:
  - act:
      call: agent:1.0.0@default
      with:
        prompt: 'Please calc_fail now.'
        toolErrors: ${toolErrors}
        tools: [ ${httpTools} ]
`,
      );
    const reported = await runner.run(doc('report'), { mcpUrl: mcp.url });
    expect(reported.result.output).toMatchObject({
      toolCalls: [{ tool: 'calc_fail', isError: true, result: expect.stringContaining('the tool broke') }],
      turns: 2,
    });
    const raised = await runner.run(doc('raise'), { mcpUrl: mcp.url });
    expect(raised.result.status).toBe('faulted');
    expect(raised.result.error).toMatchObject({
      detail: expect.stringContaining("tool 'calc_fail' reported an error"),
    });
    const failed = raised.events.find((e) => e.eventType === 'task_failed' && e.taskName === 'act');
    expect(failed?.modelUsage).toMatchObject({ turns: 1, toolCalls: 1 });
  });

  it('truncates long tool results before they reach the prompt and history', async () => {
    const long = 'x'.repeat(3000);
    const { result } = await runner.run(
      workflow(
        'agent-truncate',
        `
do:
  - act:
      call: agent:1.0.0@default
      with:
        prompt: "echo '${long}'"
        maxToolResultChars: 200
        tools: [ ${everything} ]
`,
      ),
    );
    const call = (result.output as { toolCalls: Array<{ result: string }> }).toolCalls[0];
    expect(call.result).toHaveLength(200);
    expect(call.result).toMatch(/\[truncated: 200 of 3006 characters\]$/);
    const lastTurn = model.chatCalls()[model.chatCalls().length - 1].body.messages as Array<{
      role: string;
      content: string;
    }>;
    expect(lastTurn.find((m) => m.role === 'tool')?.content).toBe(call.result);
  });

  it('keeps the transcript within contextTokens by summarising, without repeating a tool call', async () => {
    const before = model.chatCalls().length;
    const { result } = await runner.run(
      workflow(
        'agent-context',
        `
do:
  - act:
      call: agent:1.0.0@default
      with:
        prompt: "echo '${'a'.repeat(600)}' then echo '${'b'.repeat(600)}' then echo '${'c'.repeat(600)}' then get-sum 4 and 5"
        contextTokens: 1200
        overflow: summarize
        tools: [ ${everything.replace(/ }$/, ', tools: [echo, get-sum] }')} ]
`,
      ),
    );
    expect(result.error).toBeUndefined();
    const output = result.output as {
      turns: number;
      toolCalls: Array<{ tool: string }>;
      messages: Array<{ role: string; content: string }>;
    };
    expect(output.toolCalls.map((c) => c.tool)).toEqual(['echo', 'echo', 'echo', 'get-sum']);
    expect(output.turns).toBe(5);
    const requests = model.chatCalls().slice(before);
    const summaries = requests.filter((r) => /^Summarise the conversation/.test(r.body.messages[1]?.content ?? ''));
    expect(summaries.length).toBeGreaterThan(0);
    expect(requests.length).toBe(5 + summaries.length);
    // Every turn's prompt stayed within the budget, by the runner's own estimate (4 characters a token).
    for (const request of requests.filter((r) => !summaries.includes(r))) {
      const messages = request.body.messages as Array<{
        content?: string;
        tool_calls?: Array<{ function: { arguments: string } }>;
      }>;
      const chars = messages.reduce(
        (n, m) =>
          n + (m.content ?? '').length + (m.tool_calls ?? []).reduce((k, c) => k + c.function.arguments.length, 0),
        0,
      );
      expect(chars / 4 + JSON.stringify(request.body.tools).length / 4).toBeLessThanOrEqual(1200);
    }
    expect(output.messages[0].content).toMatch(/^Summary of the earlier conversation: /);
  });

  it('refuses a stdio server outside the allow-list', async () => {
    const { result } = await runner.run(
      workflow(
        'agent-stdio-refused',
        `
do:
  - act:
      call: agent:1.0.0@default
      with:
        prompt: hi
        tools: [ { transport: { stdio: { command: sh, arguments: ['-c', 'echo'] } } } ]
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.detail).toMatch(/allow-list/);
  });
});
