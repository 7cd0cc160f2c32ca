/**
 * The agent loop's logic with its model turns going to the local model server through the real `llmChat`
 * activity code (no language model can run here; the server answers deterministically), and its tools as
 * plain functions at the port: the MCP side is exercised by the integration tests with real MCP servers.
 */
import { startModelServer, type ModelServer } from '../../../cli/demo-model-server';
import { createLlmChat } from '../../activities/llm';
import type { AgentCallToolResult, DeferredScope } from '../../activities/types';
import { isWorkflowFault } from '../../../zigflow/dsl/errors';
import { agentSteps, newMeter, type AgentMeter, type AgentPorts, type AgentSteps } from './agent-loop';
import type { Args } from './default-functions';

/** Drives the steps as the interpreter does inside a concurrent region: each yield awaited. */
async function drive<T>(steps: AgentSteps<T>): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    try {
      next = steps.next(await next.value);
    } catch (e) {
      next = steps.throw(e);
    }
  }
  return next.value;
}

const runAgent = (args: Args, instance: string, scope: DeferredScope, ports: AgentPorts, meter?: AgentMeter) =>
  drive(agentSteps(args, instance, scope, ports, meter));

const scope: DeferredScope = { input: {}, variables: {}, sealedSecrets: {}, env: {} };
const TOOLS = [
  {
    name: 'echo',
    description: 'Echoes the message back',
    parameters: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  },
  {
    name: 'add',
    description: 'Adds two numbers',
    parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  },
];

describe('runAgent', () => {
  let server: ModelServer;
  let chatPurposes: string[];
  let toolCalls: Array<{ tool: string; arguments: Record<string, unknown> }>;

  beforeAll(async () => {
    server = await startModelServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    chatPurposes = [];
    toolCalls = [];
  });

  function ports(toolResult: (tool: string, args: Record<string, unknown>) => AgentCallToolResult): AgentPorts {
    const llmChat = createLlmChat({
      ai: { models: { baseUrl: server.baseUrl, defaultModel: 'agent-model', defaultEmbeddingModel: 'e' } },
    });
    return {
      chat: (request, purpose) => {
        chatPurposes.push(purpose);
        return llmChat(request);
      },
      listTools: async () => ({ tools: TOOLS }),
      callTool: async (request) => {
        toolCalls.push({ tool: request.tool, arguments: request.arguments });
        return toolResult(request.tool, request.arguments);
      },
    };
  }
  const answers = (tool: string, args: Record<string, unknown>): AgentCallToolResult =>
    tool === 'add'
      ? { content: `The sum is ${Number(args.a) + Number(args.b)}`, isError: false, truncated: false }
      : { content: `Echo: ${String(args.message)}`, isError: false, truncated: false };
  const mcp = [{ transport: { http: { endpoint: 'http://tools.test/mcp' } } }];

  it('alternates model turns and tool calls until the model answers', async () => {
    const meter = newMeter();
    const output = await runAgent(
      { system: 'Use the tools.', prompt: "echo 'hi' then add 2 and 3", tools: mcp },
      '/do/0/agent',
      scope,
      ports(answers),
      meter,
    );
    expect(toolCalls).toEqual([
      { tool: 'echo', arguments: { message: 'hi' } },
      { tool: 'add', arguments: { a: 2, b: 3 } },
    ]);
    expect(output).toMatchObject({
      content: 'Done after 2 tool calls: Echo: hi; The sum is 5',
      finishReason: 'stop',
      model: 'agent-model',
      turns: 3,
      toolCalls: [
        { tool: 'echo', arguments: { message: 'hi' }, result: 'Echo: hi' },
        { tool: 'add', arguments: { a: 2, b: 3 }, result: 'The sum is 5' },
      ],
    });
    expect(meter).toMatchObject({ turns: 3, toolCalls: 2, model: 'agent-model' });
    expect(output.usage).toEqual(meter.usage);
    // The conversation for the next task: without the system prompt, with the answer.
    const messages = output.messages as Array<{ role: string }>;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant']);
  });

  it('stops at maxTurns with a runtime error, having counted what it spent', async () => {
    const meter = newMeter();
    const error = await runAgent(
      { prompt: 'echo a, echo b, echo c, echo d', tools: mcp, maxTurns: 2 },
      '/do/0/agent',
      scope,
      ports(answers),
      meter,
    ).catch((e: unknown) => e);
    expect(isWorkflowFault(error) && error.error).toMatchObject({
      type: expect.stringMatching(/runtime$/),
      detail: 'the agent reached no final answer within maxTurns (2) after 2 tool calls',
      instance: '/do/0/agent',
    });
    expect(meter.turns).toBe(2);
    expect(meter.usage.inputTokens).toBeGreaterThan(0);
  });

  it('reports tool errors to the model, or raises them when asked to', async () => {
    const failing = (tool: string): AgentCallToolResult =>
      tool === 'add'
        ? { content: 'division by zero', isError: true, truncated: false }
        : { content: 'ok', isError: false, truncated: false };
    const reported = await runAgent({ prompt: 'add 1 and 0', tools: mcp }, '/do/0', scope, ports(failing));
    expect(reported.toolCalls).toEqual([
      { tool: 'add', arguments: { a: 1, b: 0 }, result: 'division by zero', isError: true },
    ]);
    expect(reported.content).toBe('Done after 1 tool calls: division by zero');
    await expect(
      runAgent({ prompt: 'add 1 and 0', tools: mcp, toolErrors: 'raise' }, '/do/0', scope, ports(failing)),
    ).rejects.toMatchObject({ error: { detail: "tool 'add' reported an error: division by zero" } });
  });

  it('keeps the prompt within contextTokens by summarising the oldest turns', async () => {
    const long = (tool: string, args: Record<string, unknown>): AgentCallToolResult => ({
      content: `${answers(tool, args).content} ${'detail '.repeat(150)}`,
      isError: false,
      truncated: false,
    });
    const meter = newMeter();
    const output = await runAgent(
      {
        prompt: "echo 'one' then echo 'two' then echo 'three' then add 4 and 5",
        tools: mcp,
        contextTokens: 1000,
        overflow: 'summarize',
      },
      '/do/0',
      scope,
      ports(long),
      meter,
    );
    // Every planned call ran exactly once: the summary told the model which calls were made.
    expect(toolCalls.map((c) => c.tool)).toEqual(['echo', 'echo', 'echo', 'add']);
    expect(chatPurposes.filter((p) => p === 'summary').length).toBeGreaterThan(0);
    expect(output.turns).toBe(5);
    const turnRequests = server
      .chatCalls()
      .slice(-chatPurposes.length)
      .filter((_, i) => chatPurposes[i] === 'turn');
    for (const request of turnRequests) {
      const chars = JSON.stringify(request.body.messages).length + JSON.stringify(request.body.tools).length;
      // About four characters a token: the prompt stayed near the budget.
      expect(chars / 4).toBeLessThan(1400);
    }
    const messages = output.messages as Array<{ role: string; content: string | null }>;
    expect(messages[0]).toEqual({
      role: 'system',
      content: expect.stringMatching(/^Summary of the earlier conversation: Summary of/),
    });
  });

  it('drops the oldest messages when told to, without a model call', async () => {
    // A conversation carried over from an earlier task (e.g. through $context), too long for the budget.
    const earlier = [
      { role: 'user', content: 'What did the last report say?' },
      { role: 'assistant', content: `The report said ${'a lot of things '.repeat(200)}` },
    ];
    const output = await runAgent(
      { messages: earlier, prompt: "now echo 'fresh'", tools: mcp, contextTokens: 600, overflow: 'drop' },
      '/do/0',
      scope,
      ports(answers),
    );
    expect(chatPurposes).toEqual(['turn', 'turn']);
    const sent = server.chatCalls().slice(-2);
    for (const request of sent) expect(JSON.stringify(request.body.messages)).not.toContain('The report said');
    expect(JSON.stringify(output.messages)).not.toContain('The report said');
    expect(output.content).toBe('Done after 1 tool calls: Echo: fresh');
  });

  it('refuses tools that are not MCP servers and a budget too small for the request', async () => {
    await expect(runAgent({ prompt: 'x', tools: ['echo'] }, '/do/0', scope, ports(answers))).rejects.toMatchObject({
      error: { detail: "'tools[0]' must be an MCP server: { transport: { http | stdio } }" },
    });
    await expect(
      runAgent({ prompt: 'x'.repeat(4000), contextTokens: 100 }, '/do/0', scope, ports(answers)),
    ).rejects.toMatchObject({ error: { detail: expect.stringContaining('contextTokens (100) is too small') } });
  });
});
