/**
 * A worker process killed with SIGKILL in the middle of an agent loop: the loop resumes on a new worker at
 * the turn that had not completed, and nothing already paid for is asked again. Counted where it happens:
 * model requests at the local OpenAI-compatible model server (it stands in for a language model, which
 * cannot run here), tool executions at the MCP server (built with the official SDK).
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startModelServer, type ModelServer, type RecordedRequest } from '../../src/cli/demo-model-server';
import { WORKFLOW_TYPE, type WorkflowExecuteInput, type WorkflowRunResult } from '../../src/temporal/contract';
import { startMcpHttpServer, type McpHttpFixture } from '../support/mcp-http-server';
import { spawnWorkerProcess, type WorkerProcessHandle } from '../support/worker-process';
import { queryAllEvents, sequenceDefect } from './fault-support';

// Real processes, and a lost activity is noticed after its 30 s heartbeat timeout.
jest.setTimeout(240_000);

const AGENT = `document:
  dsl: '1.0.3'
  namespace: faults
  name: agent-kill
  version: '1.0.0'
do:
  - solve:
      call: agent:1.0.0@default
      with:
        system: Add the numbers with the tool.
        prompt: 'add 1 and 2, then add 3 and 4, then add 5 and 6, then add 7 and 8'
        tools:
          - transport: { http: { endpoint: '\${ .mcpUrl }' } }
`;

/** The agent turn a chat request belongs to: one more than the tool results it carries. */
const turnOf = (r: RecordedRequest) =>
  1 + (r.body.messages as Array<{ role: string }>).filter((m) => m.role === 'tool').length;

describe('worker killed with SIGKILL in the middle of an agent loop', () => {
  let model: ModelServer;
  let mcp: McpHttpFixture;
  let connection: Connection;
  const workers: WorkerProcessHandle[] = [];

  beforeAll(async () => {
    model = await startModelServer();
    mcp = await startMcpHttpServer();
    connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.kill('SIGKILL');
    await connection?.close();
    await mcp?.stop();
    await model?.close();
  });

  function worker(taskQueue: string): WorkerProcessHandle {
    const handle = spawnWorkerProcess({
      address: process.env.TEMPORAL_TEST_ADDRESS!,
      taskQueue,
      progress: 'none',
      openAiBaseUrl: model.baseUrl,
      llmModel: 'agent-model',
    });
    workers.push(handle);
    return handle;
  }

  it('resumes at the unfinished turn: earlier turns and tool calls are not repeated', async () => {
    const taskQueue = `agent-kill-${randomUUID()}`;
    const first = worker(taskQueue);
    await first.ready;
    // Turn 3 is held at the model server until the worker that asked for it is dead.
    const held = model.hold((r) => r.path.endsWith('/chat/completions') && turnOf(r) === 3);
    const client = new Client({ connection });
    const executionId = `agent-kill-${randomUUID()}`;
    const input: WorkflowExecuteInput = { executionId, workflowYaml: AGENT, input: { mcpUrl: mcp.url } };
    const handle = await client.workflow.start(WORKFLOW_TYPE, { taskQueue, workflowId: executionId, args: [input] });

    await held.arrived;
    expect(mcp.additions).toEqual(['1+2', '3+4']);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    held.release();

    const second = worker(taskQueue);
    await second.ready;
    const result = (await handle.result()) as WorkflowRunResult;

    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      content: 'Done after 4 tool calls: 3; 7; 11; 15',
      turns: 5,
      toolCalls: [
        { tool: 'add', arguments: { a: 1, b: 2 }, result: '3' },
        { tool: 'add', arguments: { a: 3, b: 4 }, result: '7' },
        { tool: 'add', arguments: { a: 5, b: 6 }, result: '11' },
        { tool: 'add', arguments: { a: 7, b: 8 }, result: '15' },
      ],
    });
    // Every tool ran once; every answered turn was asked once; only the turn in flight was asked again.
    expect(mcp.additions).toEqual(['1+2', '3+4', '5+6', '7+8']);
    const chats = model.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats.filter((r) => r.status === 200).map(turnOf)).toEqual([1, 2, 3, 4, 5]);
    expect(chats.map(turnOf)).toEqual([1, 2, 3, 3, 4, 5]);

    const events = await queryAllEvents(handle);
    expect(sequenceDefect(events)).toBeUndefined();
    const done = events.find((e) => e.eventType === 'task_completed' && e.taskName === 'solve');
    expect(done?.modelUsage).toMatchObject({ model: 'agent-model', turns: 5, toolCalls: 4 });
    second.kill('SIGTERM');
    await second.exited;
  });
});
