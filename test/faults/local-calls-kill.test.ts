/**
 * A worker process killed with SIGKILL while a run of local calls (WORKFLOW_LOCAL_CALLS) has a call in
 * flight: a new worker runs the workflow task again and the run completes with the right output, and the
 * calls the dead worker made since its last completed workflow task are made again. That is the mode's
 * documented trade (docs/dsl.md "Local activities"): counted at the HTTP server the calls reach.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { WORKFLOW_TYPE, type WorkflowExecuteInput, type WorkflowRunResult } from '../../src/temporal/contract';
import { spawnWorkerProcess, type WorkerProcessHandle } from '../support/worker-process';
import { queryAllEvents, sequenceDefect, until } from './fault-support';

// Real processes; the dead worker's workflow task is retried after its 10 s timeout.
jest.setTimeout(240_000);

const STEPS = 5;
const HELD_STEP = 3;

const LOCAL_STEPS = `document:
  dsl: '1.0.3'
  namespace: faults
  name: local-calls-kill
  version: '1.0.0'
do:
${Array.from(
  { length: STEPS },
  (_, i) => `  - step${i + 1}:
      call: http
      with: { method: get, endpoint: '\${ $workflow.input.url + "/step/${i + 1}" }' }
      export: { as: '($context // {}) + { s${i + 1}: .step }' }`,
).join('\n')}
  - done: { set: '\${ $context }' }
`;

/** A real HTTP server that counts requests per step and holds the first request of one step. */
async function stepServer(): Promise<{ url: string; counts: number[]; held: Promise<void>; close(): Promise<void> }> {
  const counts = Array.from({ length: STEPS + 1 }, () => 0);
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => (arrived = resolve));
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const step = Number(/^\/step\/(\d+)$/.exec(req.url ?? '')?.[1]);
    counts[step] = (counts[step] ?? 0) + 1;
    if (step === HELD_STEP && counts[step] === 1) {
      // Never answered: the worker that asked dies waiting.
      hanging.push(res);
      arrived();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ step }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    held,
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('worker killed with SIGKILL during a local call', () => {
  let connection: Connection;
  let server: Awaited<ReturnType<typeof stepServer>>;
  const workers: WorkerProcessHandle[] = [];

  beforeAll(async () => {
    server = await stepServer();
    connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.kill('SIGKILL');
    await connection?.close();
    await server?.close();
  });

  function worker(taskQueue: string): WorkerProcessHandle {
    const handle = spawnWorkerProcess({ address: process.env.TEMPORAL_TEST_ADDRESS!, taskQueue, progress: 'none' });
    workers.push(handle);
    return handle;
  }

  it('completes on a new worker, making again the calls since the last completed workflow task', async () => {
    const taskQueue = `local-kill-${randomUUID()}`;
    const first = worker(taskQueue);
    await first.ready;
    const client = new Client({ connection });
    const executionId = `local-kill-${randomUUID()}`;
    const input: WorkflowExecuteInput = {
      executionId,
      workflowYaml: LOCAL_STEPS,
      input: { url: server.url },
      limits: { localCalls: true },
    };
    const handle = await client.workflow.start(WORKFLOW_TYPE, { taskQueue, workflowId: executionId, args: [input] });

    await server.held;
    expect(server.counts.slice(1)).toEqual([1, 1, 1, 0, 0]);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = worker(taskQueue);
    await second.ready;
    const result = (await handle.result()) as WorkflowRunResult;
    expect(result).toMatchObject({ status: 'completed', output: { s1: 1, s2: 2, s3: 3, s4: 4, s5: 5 } });

    // Steps 1 and 2 completed inside the workflow task the dead worker never finished, so their results
    // were not recorded and the new worker called them again, as it did the call in flight. A workflow
    // task that outlasts 80% of its 10 s timeout is completed early with the markers so far (a heartbeat
    // of the workflow task), so on a slow machine steps 1 and 2 may have been recorded once already.
    await until(() => server.counts[STEPS] >= 1, 'the last step');
    expect(server.counts[HELD_STEP]).toBe(2);
    for (const step of [1, 2]) expect([1, 2]).toContain(server.counts[step]);
    expect(server.counts.slice(HELD_STEP + 1)).toEqual([1, 1]);

    // The results are recorded as markers: no activity task for any step.
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
    expect(scheduled).toBe(0);

    const events = await queryAllEvents(handle);
    expect(sequenceDefect(events)).toBeUndefined();
    expect(events.filter((e) => e.eventType === 'task_completed').map((e) => e.taskName)).toEqual([
      'step1',
      'step2',
      'step3',
      'step4',
      'step5',
      'done',
    ]);
  });
});
