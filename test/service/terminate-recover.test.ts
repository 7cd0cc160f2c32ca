/**
 * terminate and recover through the runner's gRPC API, on the real Temporal dev server, with progress
 * delivered to a real gRPC receiver and a real local HTTP service that counts every call (so "completed
 * tasks are not run again" is measured where the calls land).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { WorkflowExecuteInput, WorkflowProgressEvent } from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { runCli } from '../../src/cli/main';
import { collect, eventually, type RunnerHarness, startRunner } from './harness';

/** The CLI in-process, with its output captured. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    errIsTty: false,
    env: {},
  });
  return { code, out, err };
}

jest.setTimeout(180_000);

/** `/count/<name>` answers `{n}` and counts; `/item/<i>` fails with 500 while `failing` holds i. */
class CountingHttp {
  readonly calls = new Map<string, number>();
  failing = new Set<string>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
      const item = /^\/item\/(\w+)$/.exec(path)?.[1];
      if (item && this.failing.has(item)) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"down"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: this.calls.get(path) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  count(path: string): number {
    return this.calls.get(path) ?? 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

function input(yaml: string): WorkflowExecuteInput {
  return { executionId: `ops-${randomUUID()}`, workflowYaml: yaml, inputJson: '', environment: [], metadata: {} };
}

function expectNoGaps(events: WorkflowProgressEvent[]): void {
  expect(events.map((e) => e.sequence)).toEqual(events.map((_e, i) => i + 1));
}

describe('terminate and recover', () => {
  let h: RunnerHarness;
  let http: CountingHttp;
  beforeAll(async () => {
    http = await new CountingHttp().start();
    h = await startRunner();
  });
  afterAll(async () => {
    await h?.close();
    await http?.close();
  });

  const received = (id: string) => h.fake.acceptedFor(id);
  const waitReceived = (id: string, type: string, count = 1) =>
    h.fake.waitFor(
      (f) => f.acceptedFor(id).filter((e) => e.eventType === type).length >= count,
      60_000,
      `${type} of ${id}`,
    );

  it('terminate ends a run at once and reports workflow_cancelled after its last event, with no gap', async () => {
    const req = input(`
document: { dsl: '1.0.3', namespace: test, name: long, version: '1.0.0' }
do:
  - first:
      call: http
      with: { method: get, endpoint: ${http.url}/count/long-first }
  - nap:
      wait: { hours: 1 }
`);
    await h.rpc.execute(req);
    await eventually(async () => (received(req.executionId).some((e) => e.taskName === 'nap') ? true : undefined));
    const stream = collect(h.rpc.subscribe({ executionId: req.executionId, fromSequence: 1 }));

    const answer = await h.rpc.terminate({ executionId: req.executionId, reason: 'operator: stuck order' });
    expect(answer.status).toBe('terminated');

    await waitReceived(req.executionId, 'workflow_cancelled');
    const events = received(req.executionId);
    expectNoGaps(events);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ eventType: 'workflow_cancelled', status: 'cancelled', workflowName: 'long' });
    expect(last.message).toBe('terminated: operator: stuck order');
    expect(last.eventId).toBe(`${req.executionId}:${last.sequence}`);

    // Every read derives the same event from history.
    const page = await h.rpc.getEvents({ executionId: req.executionId, fromSequence: 1, limit: 100 });
    expect(page.events.at(-1)).toEqual(last);
    expect(page.lastSequence).toBe(last.sequence);
    const streamed = await stream;
    expect(streamed.at(-1)).toEqual(last);
    const status = await h.rpc.getStatus({ executionId: req.executionId });
    expect(status).toMatchObject({ status: 'cancelled', runStatus: 'TERMINATED', lastSequence: last.sequence });

    await expect(h.rpc.terminate({ executionId: req.executionId, reason: 'again' })).rejects.toMatchObject({
      code: 9, // FAILED_PRECONDITION: already closed
    });
  });

  it('recover restarts a failed run at the failed task inside a for loop; finished tasks and iterations are not run again', async () => {
    http.failing = new Set(['b']);
    const req = input(`
document: { dsl: '1.0.3', namespace: test, name: orders, version: '1.0.0' }
do:
  - prepare:
      call: http
      with: { method: get, endpoint: ${http.url}/count/prepare }
      output:
        as: '\${ { prepared: .n, items: ["a", "b", "c"] } }'
  - each:
      for: { each: item, in: '\${ .items }' }
      do:
        - fetch:
            call: http
            with: { method: get, endpoint: '\${ "${http.url}/item/" + $item }' }
            export:
              as: '\${ $context + { ($item): .n } }'
  - summary:
      set:
        seen: \${ $context }
`);
    await h.rpc.execute(req);
    await waitReceived(req.executionId, 'workflow_failed');
    const failedRun = await h.rpc.getStatus({ executionId: req.executionId });
    expect(failedRun.status).toBe('failed');
    expect(http.count('/count/prepare')).toBe(1);
    expect(http.count('/item/a')).toBe(1);

    http.failing = new Set();
    const recovered = await h.rpc.recover({ executionId: req.executionId, reason: 'item service fixed' });
    expect(recovered).toMatchObject({
      executionId: req.executionId,
      recoveredFromRunId: failedRun.runId,
      taskPosition: '/do/1/each/do/0/fetch',
      sequence: failedRun.lastSequence + 1,
    });
    expect(recovered.runId).not.toBe(failedRun.runId);

    await waitReceived(req.executionId, 'workflow_completed');
    // Not run again: the first task and the first iteration; run again: the failed call only, then the rest.
    expect(http.count('/count/prepare')).toBe(1);
    expect(http.count('/item/a')).toBe(1);
    expect(http.count('/item/b')).toBe(2);
    expect(http.count('/item/c')).toBe(1);

    const events = received(req.executionId);
    expectNoGaps(events);
    const recoveredEvent = events.find((e) => e.eventType === 'workflow_recovered')!;
    expect(recoveredEvent.sequence).toBe(recovered.sequence);
    expect(recoveredEvent.message).toContain(`recovered from run ${failedRun.runId} at /do/1/each/do/0/fetch`);
    expect(recoveredEvent.message).toContain('item service fixed');
    const completed = events.at(-1)!;
    // Data carried over: the context exported by iteration a (before the failure) and b, c after it.
    expect(JSON.parse(completed.outputSummary)).toEqual({ seen: { a: 1, b: 2, c: 1 } });

    const status = await h.rpc.getStatus({ executionId: req.executionId });
    expect(status).toMatchObject({
      status: 'completed',
      runId: recovered.runId,
      recoveredFromRunId: failedRun.runId,
      recoveredAtTask: '/do/1/each/do/0/fetch',
    });
    // get_events reads the failed run for the sequences before the recovery (one page per run, paged on).
    const read: WorkflowProgressEvent[] = [];
    for (let from = 1, more = true; more;) {
      const page = await h.rpc.getEvents({ executionId: req.executionId, fromSequence: from, limit: 1000 });
      read.push(...page.events);
      more = page.hasMore;
      from = page.nextSequence;
    }
    expect(read).toEqual(events);

    await expect(h.rpc.recover({ executionId: req.executionId, reason: '' })).rejects.toMatchObject({ code: 9 });
  });

  it('recover picks a terminated run up at the interrupted task, after its termination event', async () => {
    const req = input(`
document: { dsl: '1.0.3', namespace: test, name: resumable, version: '1.0.0' }
do:
  - first:
      call: http
      with: { method: get, endpoint: ${http.url}/count/terminated-first }
  - hold:
      listen:
        to:
          one:
            with: { type: com.example.go }
  - last:
      set: { done: true }
`);
    await h.rpc.execute(req);
    await eventually(async () => (received(req.executionId).some((e) => e.taskName === 'hold') ? true : undefined));
    await h.rpc.terminate({ executionId: req.executionId, reason: 'maintenance' });
    await waitReceived(req.executionId, 'workflow_cancelled');
    const terminated = received(req.executionId).at(-1)!;

    const recovered = await h.rpc.recover({ executionId: req.executionId, reason: '' });
    expect(recovered.taskPosition).toBe('/do/1/hold');
    expect(recovered.sequence).toBe(terminated.sequence + 1);
    await waitReceived(req.executionId, 'workflow_recovered');
    await eventually(async () =>
      received(req.executionId).filter((e) => e.taskName === 'hold' && e.eventType === 'task_started').length === 2
        ? true
        : undefined,
    );
    await h.rpc.sendEvent({
      executionId: req.executionId,
      eventJson: JSON.stringify({ specversion: '1.0', id: randomUUID(), source: 'test', type: 'com.example.go' }),
    });
    await waitReceived(req.executionId, 'workflow_completed');
    expectNoGaps(received(req.executionId));
    expect(http.count('/count/terminated-first')).toBe(1);
  });

  it('the CLI terminates and recovers through the runner API', async () => {
    const req = input(`
document: { dsl: '1.0.3', namespace: test, name: cli-ops, version: '1.0.0' }
do:
  - first:
      call: http
      with: { method: get, endpoint: ${http.url}/count/cli-first }
  - nap:
      wait: { seconds: 2 }
  - last:
      set: { done: true }
`);
    await h.rpc.execute(req);
    await eventually(async () => (received(req.executionId).some((e) => e.taskName === 'nap') ? true : undefined));
    const terminated = await cli(['terminate', req.executionId, '--reason', 'from the CLI', '--runner', h.target]);
    expect(terminated).toMatchObject({ code: 0, out: `terminated ${req.executionId}\n` });
    await waitReceived(req.executionId, 'workflow_cancelled');
    expect(received(req.executionId).at(-1)?.message).toBe('terminated: from the CLI');

    const recovered = await cli(['recover', req.executionId, '--json', '--runner', h.target]);
    expect(recovered.code).toBe(0);
    expect(JSON.parse(recovered.out)).toMatchObject({ executionId: req.executionId, taskPosition: '/do/1/nap' });
    await waitReceived(req.executionId, 'workflow_completed');
    expect(http.count('/count/cli-first')).toBe(1);

    // A refusal is exit 1 with the runner's reason; an unreachable runner is exit 4.
    const again = await cli(['recover', req.executionId, '--runner', h.target]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('only a failed or terminated run can be recovered');
    expect((await cli(['terminate', req.executionId, '--runner', '127.0.0.1:1'])).code).toBe(4);
  });

  it('refuses to recover a run that is still running or completed', async () => {
    const req = input(`
document: { dsl: '1.0.3', namespace: test, name: quick, version: '1.0.0' }
do:
  - only:
      set: { ok: true }
`);
    await h.rpc.execute(req);
    await waitReceived(req.executionId, 'workflow_completed');
    await expect(h.rpc.recover({ executionId: req.executionId, reason: '' })).rejects.toMatchObject({
      code: 9,
      details: expect.stringContaining('only a failed or terminated run can be recovered'),
    });
    await expect(h.rpc.recover({ executionId: `missing-${randomUUID()}`, reason: '' })).rejects.toMatchObject({
      code: 5,
    });
  });
});
