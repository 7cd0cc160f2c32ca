/**
 * `call: mcp`, `call: a2a` and `call: asyncapi` end to end: workflows run by the real worker on the Temporal
 * dev server against real servers on 127.0.0.1 (server-everything over stdio, an SDK-built Streamable HTTP
 * MCP server, an @a2a-js/sdk agent, an aedes MQTT broker). Secrets must stay out of history, the catch
 * filter of the renamed specification must catch the runner's errors, and the histories must replay.
 */
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from '@temporalio/worker';
import { connectAsync } from 'mqtt';
import { sealSecret } from '../../src/secrets/sealing';
import { startTestRunner, waitFor, workflowBundle, type TestRunner } from '../support/runner-harness';
import { startMcpHttpServer, type McpHttpFixture } from '../support/mcp-http-server';
import { startA2aAgent, type A2aAgentFixture } from '../support/a2a-agent';
import { startMqttBroker, type MqttBrokerFixture } from '../support/mqtt-broker';
import { workflow } from './workflow-text';

jest.setTimeout(120_000);

const EVERYTHING = join(__dirname, '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const key = randomBytes(32);
const SECRET = 'never-in-history-7f3a';

let runner: TestRunner;
let mcp: McpHttpFixture;
let agent: A2aAgentFixture;
let broker: MqttBrokerFixture;
let docs: Server;
let docsUrl = '';

beforeAll(async () => {
  [mcp, agent, broker] = await Promise.all([
    startMcpHttpServer({ token: SECRET }),
    startA2aAgent({ token: SECRET }),
    startMqttBroker(),
  ]);
  const asyncapi = `asyncapi: 3.0.0
info: { title: Shop, version: 1.0.0 }
servers:
  broker: { host: '127.0.0.1:${broker.port}', protocol: mqtt }
channels:
  orders: { address: shop/orders }
operations:
  watchOrders: { action: receive, channel: { $ref: '#/channels/orders' } }
`;
  docs = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/yaml' }).end(asyncapi));
  await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
  docsUrl = `http://127.0.0.1:${(docs.address() as AddressInfo).port}/asyncapi.yaml`;
  runner = await startTestRunner({
    activities: { secretsKey: key, mcp: { stdioEnabled: true, stdioCommands: [['node', EVERYTHING]] } },
  });
});
afterAll(async () => {
  await runner?.shutdown();
  await Promise.all([mcp?.stop(), agent?.stop(), broker?.stop()]);
  await new Promise((resolve) => docs?.close(resolve));
});

const secretEnv = [{ name: 'token', secret: true as const, sealed: sealSecret(SECRET, key) }];

async function history(workflowId: string) {
  return runner.client.workflow.getHandle(workflowId).fetchHistory();
}

async function expectReplays(workflowId: string): Promise<void> {
  await Worker.runReplayHistory(
    { workflowBundle: await workflowBundle(), replayName: workflowId },
    await history(workflowId),
  );
}

describe('protocol calls in workflows', () => {
  it('calls MCP tools over stdio and Streamable HTTP with secrets that never reach history', async () => {
    const { result, events, workflowId } = await runner.run(
      workflow(
        'mcp-calls',
        `
use:
  authentications:
    mcpAuth:
      bearer: { token: '\${ $secrets.token }' }
do:
  - echo:
      call: mcp
      with:
        method: tools/call
        parameters:
          name: echo
          arguments: { message: '\${ .text }' }
        transport:
          stdio:
            command: node
            arguments: [ ${JSON.stringify(EVERYTHING)}, stdio ]
            environment: { SERVICE_TOKEN: '\${ $secrets.token }' }
      output:
        as: '\${ { echoed: .content[0].text } }'
  - add:
      call: mcp
      with:
        method: tools/call
        protocolVersion: '2025-03-26'
        parameters: { name: add, arguments: { a: 20, b: 22 } }
        transport:
          http:
            endpoint: { uri: ${mcp.url}, authentication: { use: mcpAuth } }
      output:
        as: '\${ { echoed: $context.echoed, sum: .content[0].text } }'
      export:
        as: '\${ . }'
`,
      ),
      { text: 'hello' },
      { environment: secretEnv },
    );
    expect(result).toMatchObject({ status: 'completed', output: { sum: '42' } });
    expect(mcp.initializations.at(-1)?.protocolVersion).toBe('2025-03-26');
    expect(mcp.authorizations.at(-1)).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify(await history(workflowId))).not.toContain(SECRET);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    // Progress events name the call's protocol beside the task kind.
    const kinds = events
      .filter((e) => e.eventType === 'task_started' || e.eventType === 'task_completed')
      .map((e) => `${e.eventType} ${e.taskName} ${e.taskKind} ${e.callKind}`);
    expect(kinds).toEqual([
      'task_started echo call mcp',
      'task_completed echo call mcp',
      'task_started add call mcp',
      'task_completed add call mcp',
    ]);
    await expectReplays(workflowId);
  });

  it('sends A2A messages through the agent card, with its security scheme met by name', async () => {
    const { result, workflowId } = await runner.run(
      workflow(
        'a2a-calls',
        `
use:
  authentications:
    agentToken:
      bearer: { token: '\${ $secrets.token }' }
do:
  - report:
      call: a2a
      with:
        method: message/stream
        agentCard: { endpoint: ${agent.cardUrl} }
        parameters:
          message:
            parts: [ { kind: text, text: '\${ "task: " + .topic }' } ]
      output:
        as: '\${ map(.kind) }'
`,
      ),
      { topic: 'sales' },
      { environment: secretEnv },
    );
    expect(result).toMatchObject({
      status: 'completed',
      output: ['task', 'status-update', 'artifact-update', 'status-update'],
    });
    expect(agent.received.at(-1)).toMatchObject({ role: 'user', text: 'task: sales' });
    expect(agent.authorizations.at(-1)).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify(await history(workflowId))).not.toContain(SECRET);
    await expectReplays(workflowId);
  });

  it('consumes AsyncAPI messages with a filter and runs foreach on each, in order', async () => {
    const handle = await runner.start(
      workflow(
        'asyncapi-foreach',
        `
do:
  - watch:
      call: asyncapi
      with:
        document: { endpoint: ${docsUrl} }
        operation: watchOrders
        subscription:
          filter: '\${ .payload.total >= $workflow.input.minimum }'
          consume: { amount: 2 }
          foreach:
            item: order
            at: i
            do:
              - label:
                  set:
                    line: '\${ "#" + ($i | tostring) + " " + ($order.payload.total | tostring) }'
            output:
              as: '\${ .line }'
`,
      ),
      { minimum: 10 },
    );
    await waitFor(() => broker.lines.includes('subscribe shop/orders'), 60_000);
    const publisher = await connectAsync(broker.url);
    for (const total of [3, 15, 9, 40])
      await publisher.publishAsync('shop/orders', JSON.stringify({ total }), { qos: 1 });
    await publisher.endAsync();
    const { result, workflowId } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: ['#0 15', '#1 40'] });
    await expectReplays(workflowId);
  });

  it('catches an MCP runtime error with a filter written on the renamed specification domain', async () => {
    const { result } = await runner.run(
      workflow(
        'mcp-catch',
        `
do:
  - guarded:
      try:
        - missing:
            call: mcp
            with:
              method: prompts/get
              parameters: { name: no-such-prompt }
              transport:
                http: { endpoint: { uri: ${mcp.url}, authentication: { bearer: { token: '\${ $secrets.token }' } } } }
      catch:
        errors:
          with:
            type: https://open-workflow-specification.org/spec/1.0.0/errors/runtime
        when: '\${ $caught.type == "https://open-workflow-specification.org/dsl/errors/types/runtime" }'
        as: caught
        do:
          - report:
              set:
                type: '\${ $caught.type }'
                status: '\${ $caught.status }'
`,
      ),
      {},
      { environment: secretEnv },
    );
    expect(result).toMatchObject({
      status: 'completed',
      output: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500 },
    });
  });
});
