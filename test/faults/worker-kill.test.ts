/**
 * A worker process killed with SIGKILL while 100 executions are in flight: after a new worker process
 * starts, all 100 complete with the outputs of an undisturbed run, and each run's progress log (read
 * through the `events` query) has no gap in its sequence numbers.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowRunResult } from '../../src/temporal/contract';
import { spawnWorkerProcess, type WorkerProcessHandle } from '../support/worker-process';
import { durableOutput, queryAllEvents, sequenceDefect, startDurable, until } from './fault-support';

const EXECUTIONS = 100;

// Hooks and tests wait on real processes; the default 5 s does not cover them.
jest.setTimeout(240_000);

describe('worker killed with SIGKILL under load', () => {
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

  it('completes every execution with the undisturbed outputs and gap-free events', async () => {
    const address = process.env.TEMPORAL_TEST_ADDRESS!;
    const taskQueue = `faults-kill-${randomUUID()}`;
    let completedTasks = 0;
    const first = spawnWorkerProcess({
      address,
      taskQueue,
      onProgress: (e) => {
        if (e.eventType === 'task_completed') completedTasks += 1;
      },
    });
    workers.push(first);
    await first.ready;

    const handles = await Promise.all(
      Array.from({ length: EXECUTIONS }, (_, n) => startDurable(client, taskQueue, `kill-${taskQueue}-${n}`, n)),
    );
    // Kill once the runs are well under way: on average each run has finished a few of its ten tasks.
    await until(() => completedTasks >= EXECUTIONS * 3, 'executions to be in flight');
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const unfinished = (await Promise.all(handles.map((h) => h.describe()))).filter((d) => d.status.name === 'RUNNING').length;
    expect(unfinished).toBeGreaterThan(0);

    const second = spawnWorkerProcess({ address, taskQueue, progress: 'none' });
    workers.push(second);
    await second.ready;

    const results = (await Promise.all(handles.map((h) => h.result()))) as WorkflowRunResult[];
    results.forEach((result, n) => {
      expect(result.status).toBe('completed');
      expect(result.output).toEqual(durableOutput(n));
    });
    for (const handle of handles) {
      const events = await queryAllEvents(handle);
      expect(sequenceDefect(events)).toBeUndefined();
      expect(events[0].eventType).toBe('workflow_started');
      expect(events[events.length - 1].eventType).toBe('workflow_completed');
    }
  }, 180_000);
});
