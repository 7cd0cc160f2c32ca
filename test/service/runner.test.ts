/**
 * End to end: the real Nest app (production gRPC transport, real worker) on the real Temporal dev server,
 * progress to a real gRPC fake of the Stigmer Service, driven through a real grpc-js client.
 */
import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { WorkflowExecuteInput, WorkflowProgressEvent } from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { API_KEY, collect, eventually, type RunnerHarness, startRunner } from './harness';

const SET_WORKFLOW = `
document: { dsl: '1.0.0', namespace: test, name: greet, version: '1.0.0' }
do:
  - hello:
      set:
        greeting: \${ "hello " + .name }
  - shout:
      set:
        greeting: \${ .greeting | ascii_upcase }
`;

const WAIT_WORKFLOW = (seconds: number) => `
document: { dsl: '1.0.3', namespace: test, name: sleepy, version: '1.0.0' }
do:
  - first:
      set: { step: 1 }
  - nap:
      wait: { seconds: ${seconds} }
  - last:
      set: { step: 2 }
`;

jest.setTimeout(120_000);

/** Every payload of a history, decoded (payload data is base64 in the history JSON). */
function decodedPayloads(history: unknown): string {
  const texts: string[] = [];
  JSON.stringify(history, (key, value) => {
    if (key === 'data' && typeof value === 'string') texts.push(Buffer.from(value, 'base64').toString('utf8'));
    return value;
  });
  return texts.join('\n');
}

const TERMINAL = new Set(['workflow_completed', 'workflow_failed', 'workflow_cancelled']);

function input(yaml: string, extra: Partial<WorkflowExecuteInput> = {}): WorkflowExecuteInput {
  return {
    executionId: `exec-${randomUUID()}`,
    workflowYaml: yaml,
    inputJson: '',
    environment: [],
    metadata: {},
    ...extra,
  };
}

function expectNoGaps(events: WorkflowProgressEvent[]): void {
  expect(events.map((e) => e.sequence)).toEqual(events.map((_e, i) => i + 1));
  for (const e of events) expect(e.eventId).toBe(`${e.executionId}:${e.sequence}`);
}

describe('runner service (gRPC API, Temporal, callbacks)', () => {
  let h: RunnerHarness;
  beforeAll(async () => {
    h = await startRunner();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const execute = (req: WorkflowExecuteInput) => h.rpc.execute(req);
  const waitTerminal = (executionId: string) =>
    h.fake.waitFor(
      (f) => f.acceptedFor(executionId).some((e) => TERMINAL.has(e.eventType)),
      60_000,
      `terminal event of ${executionId}`,
    );

  it('is ready once the worker polls: Temporal reachable, callback endpoint reported', async () => {
    const { port } = h.app.getHttpServer().address() as { port: number };
    const body = await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
        return res.status === 200
          ? ((await res.json()) as { status: string; info: Record<string, { status: string }> })
          : undefined;
      },
      30_000,
      'readiness',
    );
    expect(body.status).toBe('ok');
    expect(Object.values(body.info).every((i) => i.status === 'up')).toBe(true);
  });

  it('runs a do/set workflow end to end and reports every event in order with the Bearer key', async () => {
    const req = input(SET_WORKFLOW, { input: { name: 'ada' } });
    const started = await execute(req);
    expect(started).toMatchObject({ executionId: req.executionId, alreadyStarted: false });
    expect(started.runId).not.toBe('');
    await waitTerminal(req.executionId);
    const events = h.fake.acceptedFor(req.executionId);
    expectNoGaps(events);
    expect(events.map((e) => e.eventType)).toEqual([
      'workflow_started',
      'workflow_validating',
      'workflow_validated',
      'task_started',
      'task_completed',
      'task_started',
      'task_completed',
      'workflow_completed',
    ]);
    expect(events[3]).toMatchObject({ taskName: 'hello', taskPosition: '/do/0/hello', workflowName: 'greet' });
    expect(events.at(-1)?.outputSummary).toContain('HELLO ADA');
    const calls = h.fake.calls.filter((c) => c.event.executionId === req.executionId);
    expect(calls.every((c) => c.authorization === `Bearer ${API_KEY}`)).toBe(true);

    const st = await eventually(
      async () => {
        const s = await h.rpc.getStatus({ executionId: req.executionId });
        return s.runStatus === 'COMPLETED' ? s : undefined;
      },
      30_000,
      'the run to close',
    );
    expect(st).toMatchObject({
      executionId: req.executionId,
      status: 'completed',
      workflowName: 'greet',
      lastSequence: events.length,
    });

    // get_events, paged by 3, returns exactly what the callback delivered.
    const paged: WorkflowProgressEvent[] = [];
    let from = 1;
    for (;;) {
      const page = await h.rpc.getEvents({ executionId: req.executionId, fromSequence: from, limit: 3 });
      paged.push(...page.events);
      from = page.nextSequence;
      if (!page.hasMore) break;
    }
    expect(paged.map((e) => [e.sequence, e.eventType])).toEqual(events.map((e) => [e.sequence, e.eventType]));

    // subscribe on a closed run replays from the caller's sequence, then ends.
    const replay = await collect(h.rpc.subscribe({ executionId: req.executionId, fromSequence: 4 }));
    expect(replay.map((e) => e.sequence)).toEqual(events.slice(3).map((e) => e.sequence));
  });

  it('is idempotent on the execution id', async () => {
    const req = input(SET_WORKFLOW, { inputJson: '{"name":"bob"}' });
    const [a, b] = await Promise.all([execute(req), execute(req)]);
    expect(a.runId).toBe(b.runId);
    await waitTerminal(req.executionId);
    const again = await execute(req);
    expect(again).toMatchObject({ runId: a.runId, alreadyStarted: true });
    const runs: string[] = [];
    for await (const info of h.temporal.workflow.list({ query: `WorkflowId = '${req.executionId}'` }))
      runs.push(info.runId);
    expect(runs).toEqual([a.runId]);
    expectNoGaps(
      h.fake.acceptedFor(req.executionId).filter((e, i, all) => all.findIndex((x) => x.sequence === e.sequence) === i),
    );
  });

  it('streams live events through subscribe, and pause/resume hold and release the run', async () => {
    const req = input(WAIT_WORKFLOW(5));
    await execute(req);
    const seen: WorkflowProgressEvent[] = [];
    let onPaused!: () => void;
    const paused = new Promise<void>((resolve) => (onPaused = resolve));
    const streamDone = collect(h.rpc.subscribe({ executionId: req.executionId, fromSequence: 1 }), (e) => {
      seen.push(e);
      if (e.eventType === 'workflow_paused') onPaused();
    });
    // Pause while the timer runs: the run holds at the next task boundary.
    await eventually(
      async () => (seen.some((e) => e.taskName === 'nap' && e.eventType === 'task_started') ? true : undefined),
      30_000,
      'nap started',
    );
    const pauseAck = await h.rpc.pause({ executionId: req.executionId, reason: 'test' });
    expect(pauseAck.executionId).toBe(req.executionId);
    await paused;
    const st = await h.rpc.getStatus({ executionId: req.executionId });
    expect(st.status).toBe('paused');
    await h.rpc.resume({ executionId: req.executionId });
    const all = await streamDone;
    expectNoGaps(all);
    const types = all.map((e) => e.eventType);
    expect(types.indexOf('workflow_paused')).toBeLessThan(types.indexOf('workflow_resumed'));
    expect(types.at(-1)).toBe('workflow_completed');
    await waitTerminal(req.executionId);
    expect(h.fake.acceptedFor(req.executionId).map((e) => e.sequence)).toEqual(all.map((e) => e.sequence));
  });

  it('cancels a run, which ends with workflow_cancelled; commands on a closed run are refused', async () => {
    const req = input(WAIT_WORKFLOW(3600));
    await execute(req);
    await h.fake.waitFor(
      (f) => f.acceptedFor(req.executionId).some((e) => e.taskName === 'nap' && e.eventType === 'task_started'),
      30_000,
      'nap started',
    );
    // A subscriber that hangs up mid-stream ends its stream; the server carries on serving.
    const stream = h.rpc.subscribe({ executionId: req.executionId, fromSequence: 1 });
    const hungUp = await collect(stream, () => stream.cancel()).then(
      () => 'ended',
      (err: { code: number }) => err.code,
    );
    expect(hungUp).toBe(status.CANCELLED);
    await h.rpc.cancel({ executionId: req.executionId, reason: 'test' });
    await waitTerminal(req.executionId);
    const events = h.fake.acceptedFor(req.executionId);
    expectNoGaps(events);
    expect(events.at(-1)?.eventType).toBe('workflow_cancelled');
    // The terminal event leaves the worker with the last workflow task; Temporal closes the run just after.
    const st = await eventually(
      async () => {
        const s = await h.rpc.getStatus({ executionId: req.executionId });
        return s.runStatus === 'CANCELLED' ? s : undefined;
      },
      30_000,
      'the run to close',
    );
    expect(st.status).toBe('cancelled');
    await expect(h.rpc.pause({ executionId: req.executionId, reason: '' })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
  });

  it('seals secret environment entries: the clear value is in neither history nor events', async () => {
    const secret = `s3cret-${randomUUID()}`;
    const req = input(SET_WORKFLOW, {
      input: { name: 'eve' },
      environment: [
        { name: 'API_TOKEN', value: secret, secret: true },
        { name: 'REGION', value: 'eu-west-1', secret: false },
      ],
    });
    await execute(req);
    await waitTerminal(req.executionId);
    const history = await h.temporal.workflow.getHandle(req.executionId).fetchHistory();
    const payloads = decodedPayloads(history);
    // The check can fail: the clear non-secret value and the sealed secret are both in the decoded input.
    expect(payloads).toContain('eu-west-1');
    expect(payloads).toContain('sealed:v1:');
    expect(payloads).not.toContain(secret);
    expect(JSON.stringify(history)).not.toContain(secret);
    expect(JSON.stringify(h.fake.acceptedFor(req.executionId))).not.toContain(secret);
    const page = await h.rpc.getEvents({ executionId: req.executionId, fromSequence: 1, limit: 100 });
    expect(JSON.stringify(page)).not.toContain(secret);
  });

  it('answers NOT_FOUND and INVALID_ARGUMENT with the field named', async () => {
    const unknown = `missing-${randomUUID()}`;
    await expect(h.rpc.getStatus({ executionId: unknown })).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(h.rpc.getEvents({ executionId: unknown, fromSequence: 1, limit: 10 })).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await expect(h.rpc.cancel({ executionId: unknown, reason: '' })).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(collect(h.rpc.subscribe({ executionId: unknown, fromSequence: 1 }))).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });

    const invalid = async (req: WorkflowExecuteInput, field: string) => {
      const err = await execute(req).then(
        () => undefined,
        (e: { code: number; details: string }) => e,
      );
      expect(err).toMatchObject({ code: status.INVALID_ARGUMENT });
      expect(err?.details).toContain(field);
    };
    await invalid(input(SET_WORKFLOW, { executionId: '' }), 'execution_id');
    await invalid(input(''), 'workflow_yaml');
    await invalid(input(`${SET_WORKFLOW}\n# ${'x'.repeat(1024 * 1024)}`), 'workflow_yaml');
    await invalid(input(SET_WORKFLOW, { inputJson: '[1,2]' }), 'input_json');
    await invalid(
      input(SET_WORKFLOW, { environment: [{ name: '1bad', value: '', secret: false }] }),
      'environment[0].name',
    );
    await expect(h.rpc.getEvents({ executionId: unknown, fromSequence: -1, limit: 10 })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  it('reports an invalid document as workflow_failed with the reason', async () => {
    const req = input(
      'document: { dsl: "1.0.0", namespace: t, name: broken, version: "1" }\ndo: [ { a: { set: { x: 1 }, then: nowhere } } ]\n',
    );
    await execute(req);
    await waitTerminal(req.executionId);
    const events = h.fake.acceptedFor(req.executionId);
    expectNoGaps(events);
    expect(events.at(-1)).toMatchObject({ eventType: 'workflow_failed' });
    expect(events.at(-1)?.error?.detail ?? events.at(-1)?.message).toMatch(/nowhere/);
    const st = await h.rpc.getStatus({ executionId: req.executionId });
    expect(st.status).toBe('failed');
  });
});
