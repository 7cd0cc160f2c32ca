/**
 * SIGTERM while executions are in flight: the worker process stops polling, lets what is running finish
 * within its grace period and exits 0. Nothing is lost: a worker started afterwards completes every
 * execution with the expected output and gap-free events.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowRunResult } from '../../src/temporal/contract';
import { spawnWorkerProcess, type WorkerProcessHandle } from '../support/worker-process';
import { durableOutput, queryAllEvents, sequenceDefect, startDurable, until } from './fault-support';

const EXECUTIONS = 50;
const GRACE_MS = 5000;

// Hooks and tests wait on real processes; the default 5 s does not cover them.
jest.setTimeout(240_000);

describe('worker SIGTERM under load', () => {
  let connection: Connection;
  let client: Client;
  const workers: WorkerProcessHandle[] = [];

  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS! });
    client = new Client({ connection });
  });

  afterAll(async () => {
    for (const w of workers) {
      w.kill('SIGKILL');
      await w.exited;
    }
    await connection.close();
  });

  it('drains within the grace period, exits 0 and loses nothing', async () => {
    const address = process.env.TEMPORAL_TEST_ADDRESS!;
    const taskQueue = `faults-term-${randomUUID()}`;
    let completedTasks = 0;
    const first = spawnWorkerProcess({
      address,
      taskQueue,
      graceMs: GRACE_MS,
      onProgress: (e) => {
        if (e.eventType === 'task_completed') completedTasks += 1;
      },
    });
    workers.push(first);
    await first.ready;
    const handles = await Promise.all(
      Array.from({ length: EXECUTIONS }, (_, n) => startDurable(client, taskQueue, `term-${taskQueue}-${n}`, n)),
    );
    await until(() => completedTasks >= EXECUTIONS * 2, 'executions to be in flight');

    const signalled = Date.now();
    first.kill('SIGTERM');
    const exit = await first.exited;
    const drainMs = Date.now() - signalled;
    expect(exit).toEqual({ code: 0, signal: null });
    // Grace period plus the time to close the connection and the process.
    expect(drainMs).toBeLessThan(GRACE_MS + 5000);
    expect(first.stdout()).toContain('"type":"stopped"');

    const second = spawnWorkerProcess({ address, taskQueue, progress: 'none' });
    workers.push(second);
    await second.ready;
    const results = (await Promise.all(handles.map((h) => h.result()))) as WorkflowRunResult[];
    results.forEach((result, n) => expect(result).toMatchObject({ status: 'completed', output: durableOutput(n) }));
    for (const handle of handles) expect(sequenceDefect(await queryAllEvents(handle))).toBeUndefined();
  }, 180_000);
});
