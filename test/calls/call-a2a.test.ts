/**
 * `call: a2a` at the activity level against an agent served by `@a2a-js/sdk` on 127.0.0.1 (card at
 * `/.well-known/agent-card.json`). Activity identity (for the stable message id) comes from Temporal's
 * MockActivityEnvironment; no Temporal server is needed.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCallA2a } from '../../src/temporal/activities/call-a2a';
import type { A2aCallRequest, DeferredScope } from '../../src/temporal/activities/types';
import { sealSecret } from '../../src/secrets/sealing';
import { startA2aAgent, type A2aAgentFixture } from '../support/a2a-agent';

jest.setTimeout(60_000);

const key = randomBytes(32);
const noScope: DeferredScope = { input: {}, variables: {}, sealedSecrets: {}, env: {} };
const callA2a = createCallA2a({ secretsKey: key });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let agent: A2aAgentFixture;
let secured: A2aAgentFixture;

beforeAll(async () => {
  agent = await startA2aAgent();
  secured = await startA2aAgent({ token: 'agent-token' });
});
afterAll(async () => {
  await agent?.stop();
  await secured?.stop();
});

function request(args: Record<string, unknown>, extra: Partial<A2aCallRequest> = {}): A2aCallRequest {
  return { position: '/do/0/ask', args, scope: noScope, ...extra };
}

const viaCard = (method: string, parameters?: unknown) => ({
  method,
  agentCard: { endpoint: agent.cardUrl },
  ...(parameters === undefined ? {} : { parameters }),
});
const text = (t: string, extra: Record<string, unknown> = {}) => ({
  message: { parts: [{ kind: 'text', text: t }], ...extra },
});

async function failureOf(promise: Promise<unknown>): Promise<{ type: string; status: number; detail: string }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { details?: Array<{ type: string; status: number; detail: string }> } | undefined;
  if (!error?.details?.[0]) throw new Error(`expected a DSL failure, got ${String(error)}`);
  return error.details[0];
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i += 1) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('call: a2a', () => {
  it('discovers the agent through its card and sends a message with the DSL defaults', async () => {
    const reply = await callA2a(request(viaCard('message/send', text('hello'))));
    expect(reply).toMatchObject({ kind: 'message', role: 'agent', parts: [{ kind: 'text', text: 'Echo: hello' }] });
    const received = agent.received.at(-1);
    expect(received).toMatchObject({ role: 'user', text: 'hello' });
    expect(received?.messageId).toMatch(UUID);
  });

  it('keeps the message id of one activity across its retries, and differs between activities', async () => {
    const info = { workflowExecution: { workflowId: 'wf-1', runId: 'run-1' }, activityId: '7' };
    const send = () => new MockActivityEnvironment(info).run(callA2a, request(viaCard('message/send', text('again'))));
    await send();
    await send();
    const other = new MockActivityEnvironment({ ...info, activityId: '8' });
    await other.run(callA2a, request(viaCard('message/send', text('again'))));
    const ids = agent.received.slice(-3).map((r) => r.messageId);
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    // An explicit id and role are kept.
    await callA2a(request(viaCard('message/send', text('mine', { messageId: 'm-1', role: 'user' }))));
    expect(agent.received.at(-1)).toMatchObject({ messageId: 'm-1' });
  });

  it('outputs the ordered results of message/stream, and reads the task back at the server URL', async () => {
    const results = (await callA2a(request(viaCard('message/stream', text('task: quarterly report'))))) as Array<{
      kind: string;
      id?: string;
      taskId?: string;
      status?: { state: string };
    }>;
    expect(results.map((r) => `${r.kind}:${r.status?.state ?? ''}`)).toEqual([
      'task:submitted',
      'status-update:working',
      'artifact-update:',
      'status-update:completed',
    ]);
    const taskId = results[0].id as string;
    const task = await callA2a(request({ method: 'tasks/get', server: agent.rpcUrl, parameters: { id: taskId } }));
    expect(task).toMatchObject({
      kind: 'task',
      id: taskId,
      status: { state: 'completed' },
      artifacts: [{ artifactId: 'report', parts: [{ kind: 'text', text: 'Report for: task: quarterly report' }] }],
    });
  });

  it('resubscribes to a running task and cancels it', async () => {
    const started = (await callA2a(
      request(viaCard('message/send', { ...text('hold on'), configuration: { blocking: false } })),
    )) as { id: string; status: { state: string } };
    expect(started.status.state).toBe('working');
    const before = agent.authorizations.length;
    const stream = callA2a(request(viaCard('tasks/resubscribe', { id: started.id })));
    await until(() => agent.authorizations.length > before, 'the resubscription to reach the agent');
    const cancelled = await callA2a(request(viaCard('tasks/cancel', { id: started.id })));
    expect(cancelled).toMatchObject({ id: started.id, status: { state: 'canceled' } });
    const events = (await stream) as Array<{ kind: string; status?: { state: string } }>;
    expect(events.at(-1)).toMatchObject({ kind: 'status-update', status: { state: 'canceled' } });
  });

  it('manages push notification configs and reads the authenticated extended card', async () => {
    const task = (await callA2a(request(viaCard('message/send', text('task: push'))))) as { id: string };
    const config = { taskId: task.id, pushNotificationConfig: { id: 'hook-1', url: 'http://127.0.0.1:9/hook' } };
    expect(await callA2a(request(viaCard('tasks/pushNotificationConfig/set', config)))).toMatchObject(config);
    expect(
      await callA2a(
        request(viaCard('tasks/pushNotificationConfig/get', { id: task.id, pushNotificationConfigId: 'hook-1' })),
      ),
    ).toMatchObject(config);
    expect(await callA2a(request(viaCard('tasks/pushNotificationConfig/list', { id: task.id })))).toEqual([
      expect.objectContaining(config),
    ]);
    expect(
      await callA2a(
        request(viaCard('tasks/pushNotificationConfig/delete', { id: task.id, pushNotificationConfigId: 'hook-1' })),
      ),
    ).toBeNull();
    expect(await callA2a(request(viaCard('tasks/pushNotificationConfig/list', { id: task.id })))).toEqual([]);
    expect(await callA2a(request(viaCard('agent/getAuthenticatedExtendedCard')))).toMatchObject({
      name: 'Test agent (extended)',
    });
  });

  it('sends tasks/list, and reports the agent refusing it as a runtime error', async () => {
    const error = await failureOf(callA2a(request(viaCard('tasks/list', {}))));
    expect(error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 501 });
    expect(error.detail).toMatch(/tasks\/list was refused by the agent: .*\(JSON-RPC error -32601\)/);
  });

  it("meets the card's security scheme with the authentication of the same name, opened from $secrets", async () => {
    const scope: DeferredScope = { ...noScope, sealedSecrets: { agentKey: sealSecret('agent-token', key) } };
    const authentications = { agentToken: { bearer: { token: { $deferredExpression: '${ $secrets.agentKey }' } } } };
    const args = { method: 'message/send', agentCard: { endpoint: secured.cardUrl }, parameters: text('secure') };
    expect(await callA2a(request(args, { scope, authentications }))).toMatchObject({
      parts: [{ text: 'Echo: secure' }],
    });
    expect(secured.authorizations.at(-1)).toBe('Bearer agent-token');
    const missing = await failureOf(callA2a(request(args)));
    expect(missing).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration' });
    expect(missing.detail).toContain(
      'requires the security scheme(s) agentToken: declare an authentication of that name',
    );
  });

  it('names the pointer for a card that is not JSON and a method the DSL does not list; reports an unreachable agent', async () => {
    const notJson = await failureOf(
      callA2a(request({ method: 'message/send', agentCard: { endpoint: `${agent.baseUrl}/not-json-card.json` } })),
    );
    expect(notJson).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration' });
    expect(notJson.detail).toMatch(/\(\/do\/0\/ask\/with\/agentCard\) is not JSON \(content-type text\/html/);
    const unlisted = await failureOf(callA2a(request(viaCard('message/explode'))));
    expect(unlisted.detail).toContain('"message/explode" at /do/0/ask/with/method is not one the DSL lists');
    const port = await freePort();
    const unreachable = await failureOf(
      callA2a(request({ method: 'message/send', server: `http://127.0.0.1:${port}/a2a`, parameters: text('x') })),
    );
    expect(unreachable).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 503 });
    expect(unreachable.detail).toMatch(/the agent is unreachable/);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
