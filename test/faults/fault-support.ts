/**
 * Shared pieces of the fault tests: a durable reference workflow (timers and pure data only, so a lost
 * worker costs at most a workflow-task timeout), its expected output, the progress log of a run read
 * back through the `events` query, checked for gaps, and a harness that runs such workflows on worker
 * processes the tests can kill.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import {
  QUERY_EVENTS,
  WORKFLOW_TYPE,
  type EventsPage,
  type WorkflowExecuteInput,
  type WorkflowProgressEvent,
  type WorkflowRunResult,
} from '../../src/temporal/contract';
import { spawnWorkerProcess, type WorkerProcessHandle, type WorkerProcessOptions } from '../support/worker-process';

export const DURABLE_YAML = `document:
  dsl: '1.0.0'
  namespace: faults
  name: durable
  version: '1.0.0'
do:
  - init:
      set:
        n: \${ .n }
        acc: []
  - loop:
      for:
        each: i
        in: \${ [range(0; 4)] }
      do:
        - pause:
            wait:
              milliseconds: 250
        - step:
            set:
              n: \${ .n }
              acc: \${ .acc + [.n * 10 + $i] }
  - done:
      set:
        n: \${ .n }
        total: \${ .acc | add }
        acc: \${ .acc }
`;

/** What an undisturbed run of DURABLE_YAML returns for input `{ n }`. */
export function durableOutput(n: number): Record<string, unknown> {
  const acc = [0, 1, 2, 3].map((i) => n * 10 + i);
  return { n, total: acc.reduce((a, b) => a + b, 0), acc };
}

export function startDurable(
  client: Client,
  taskQueue: string,
  executionId: string,
  n: number,
): Promise<WorkflowHandle> {
  const input: WorkflowExecuteInput = { executionId, workflowYaml: DURABLE_YAML, input: { n } };
  return client.workflow.start(WORKFLOW_TYPE, { taskQueue, workflowId: executionId, args: [input] });
}

/** Every event the run holds, read page by page through the `events` query. */
export async function queryAllEvents(handle: WorkflowHandle): Promise<WorkflowProgressEvent[]> {
  const events: WorkflowProgressEvent[] = [];
  let fromSequence = 1;
  for (;;) {
    const page = await handle.query<EventsPage, [{ fromSequence: number; limit: number }]>(QUERY_EVENTS, {
      fromSequence,
      limit: 200,
    });
    events.push(...page.events);
    if (!page.hasMore || page.events.length === 0) return events;
    fromSequence = page.events[page.events.length - 1].sequence + 1;
  }
}

/** Sequence numbers 1..n with no gap and no duplicate; returns a description of the first defect. */
export function sequenceDefect(events: WorkflowProgressEvent[]): string | undefined {
  for (let i = 0; i < events.length; i++) {
    if (events[i].sequence !== i + 1) return `event #${i} has sequence ${events[i].sequence}, expected ${i + 1}`;
  }
  return undefined;
}

/** Polls until `predicate` holds (bounded; no fixed sleeps). */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Durable runs in flight on one worker process (see FaultHarness.startInFlight). */
export interface InFlight {
  taskQueue: string;
  worker: WorkerProcessHandle;
  handles: WorkflowHandle[];
}

/**
 * A Temporal client on the test server plus the worker processes a fault test spawns. Create it with
 * `useFaultHarness()`, which opens it before the tests and afterwards SIGKILLs every worker it spawned
 * (those already gone included) and closes the connection.
 */
export class FaultHarness {
  readonly address = process.env.TEMPORAL_TEST_ADDRESS!;
  private connection: Connection | undefined;
  private openClient: Client | undefined;
  private readonly workers: WorkerProcessHandle[] = [];

  get client(): Client {
    if (!this.openClient) throw new Error('FaultHarness is not open (use useFaultHarness() at describe level)');
    return this.openClient;
  }

  async open(): Promise<void> {
    this.connection = await Connection.connect({ address: this.address });
    this.openClient = new Client({ connection: this.connection });
  }

  async close(): Promise<void> {
    for (const w of this.workers) {
      w.kill('SIGKILL');
      await w.exited;
    }
    await this.connection?.close();
  }

  /** Spawns a worker process on this server and waits until it polls. */
  async spawnWorker(options: Omit<WorkerProcessOptions, 'address'>): Promise<WorkerProcessHandle> {
    const worker = spawnWorkerProcess({ ...options, address: this.address });
    this.workers.push(worker);
    await worker.ready;
    return worker;
  }

  /**
   * Starts `count` DURABLE_YAML runs (input `{ n }`, n = 0..count-1) on a fresh task queue served by one
   * worker process, and resolves once they are well under way: `tasksPerRun` completed tasks per run on
   * average (each run has ten).
   */
  async startInFlight(
    name: string,
    count: number,
    tasksPerRun: number,
    worker: Pick<WorkerProcessOptions, 'graceMs'> = {},
  ): Promise<InFlight> {
    const taskQueue = `faults-${name}-${randomUUID()}`;
    let completedTasks = 0;
    const first = await this.spawnWorker({
      ...worker,
      taskQueue,
      onProgress: (e) => {
        if (e.eventType === 'task_completed') completedTasks += 1;
      },
    });
    const handles = await Promise.all(
      Array.from({ length: count }, (_, n) => startDurable(this.client, taskQueue, `${name}-${taskQueue}-${n}`, n)),
    );
    await until(() => completedTasks >= count * tasksPerRun, 'executions to be in flight');
    return { taskQueue, worker: first, handles };
  }

  /** Starts a fresh worker process on the runs' task queue and waits for every run's result, in order. */
  async finish(inFlight: InFlight): Promise<WorkflowRunResult[]> {
    await this.spawnWorker({ taskQueue: inFlight.taskQueue, progress: 'none' });
    return (await Promise.all(inFlight.handles.map((h) => h.result()))) as WorkflowRunResult[];
  }
}

/** A FaultHarness opened in beforeAll and closed in afterAll of the enclosing describe block. */
export function useFaultHarness(): FaultHarness {
  const harness = new FaultHarness();
  beforeAll(() => harness.open());
  afterAll(() => harness.close());
  return harness;
}
