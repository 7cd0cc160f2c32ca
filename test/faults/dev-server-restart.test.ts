/**
 * The Temporal server restarted mid-run on its persistent database file: the worker process and the
 * client reconnect by themselves and every execution completes with the expected output.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowRunResult } from '../../src/temporal/contract';
import { type DevServer, freePort, startDevServer } from '../../src/temporal/dev-server';
import { spawnWorkerProcess, type WorkerProcessHandle } from '../support/worker-process';
import { durableOutput, queryAllEvents, sequenceDefect, startDurable, until } from './fault-support';

const EXECUTIONS = 30;

// Hooks and tests wait on real processes; the default 5 s does not cover them.
jest.setTimeout(240_000);

describe('Temporal dev server restarted mid-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-faults-'));
  let server: DevServer | undefined;
  let worker: WorkerProcessHandle | undefined;
  let connection: Connection | undefined;

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await connection?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes every execution after the server comes back on the same database', async () => {
    const dbFile = join(dir, 'temporal.db');
    const port = await freePort();
    server = await startDevServer({ headless: true, dbFile, port });
    const taskQueue = `faults-restart-${randomUUID()}`;
    let completedTasks = 0;
    worker = spawnWorkerProcess({
      address: server.address,
      taskQueue,
      onProgress: (e) => {
        if (e.eventType === 'task_completed') completedTasks += 1;
      },
    });
    await worker.ready;
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const handles = await Promise.all(
      Array.from({ length: EXECUTIONS }, (_, n) => startDurable(client, taskQueue, `restart-${n}`, n)),
    );
    await until(() => completedTasks >= EXECUTIONS * 2, 'executions to be in flight');

    await server.stop();
    const before = completedTasks;
    server = await startDevServer({ headless: true, dbFile, port });

    const results = (await Promise.all(handles.map((h) => h.result()))) as WorkflowRunResult[];
    results.forEach((result, n) => expect(result).toMatchObject({ status: 'completed', output: durableOutput(n) }));
    // Work continued after the restart (not everything had finished before it).
    expect(completedTasks).toBeGreaterThan(before);
    for (const handle of handles) expect(sequenceDefect(await queryAllEvents(handle))).toBeUndefined();
  }, 240_000);
});
