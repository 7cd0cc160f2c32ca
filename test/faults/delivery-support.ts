/**
 * Shared pieces of the delivery fault tests: runner replicas as real `serve` processes on one task queue
 * (a prebuilt workflow bundle keeps their start quick), a real gRPC receiver that can go down and come back
 * on the same port while keeping the count of everything it accepted, and the check every test ends with:
 * the receiver holds every sequence number 1..last of every execution, `workflow_completed` last, and a
 * receiver that deduplicates by sequence high-water mark would have missed nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowProgressEvent } from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { DeliveryLedgerClient } from '../../src/temporal/delivery-ledger.client';
import type { LedgerSummary } from '../../src/temporal/delivery-ledger.contract';
import { freePort } from '../../src/temporal/dev-server';
import { workflowBundleOptions } from '../../src/temporal/worker-factory';
import { FakeStigmer, type Responder } from '../support/fake-stigmer';
import { startServiceProcess, unary, type ServiceProcess } from '../security/service-process';

export const API_KEY = 'delivery-fault-key';

/** Short intervals so that a dead replica is recovered within seconds (documented defaults: 2s, 5s, 30s). */
export const FAST_RECOVERY = {
  CALLBACK_CHECKPOINT_INTERVAL: '300ms',
  CALLBACK_HEARTBEAT_INTERVAL: '1s',
  CALLBACK_REPLICA_DEAD_AFTER: '3s',
  CALLBACK_MAX_BACKOFF: '1s',
  CALLBACK_INITIAL_BACKOFF: '100ms',
  CALLBACK_TIMEOUT: '2s',
};

/**
 * A receiver on a fixed port that can be stopped (connections dropped) and started again. Every server
 * instance records its calls; the receiver keeps them all, in arrival order.
 */
export class Receiver {
  private current?: FakeStigmer;
  private readonly earlier: FakeStigmer[] = [];
  responder: Responder = () => status.OK;

  constructor(readonly port: number) {}

  static async reserve(): Promise<Receiver> {
    return new Receiver(await freePort());
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.current !== undefined;
  }

  async up(): Promise<void> {
    const fake = new FakeStigmer();
    fake.responder = (event, i) => this.responder(event, i);
    this.current = await fake.start(this.port);
  }

  /** The server goes away: open connections are dropped, new ones refused. */
  async down(): Promise<void> {
    const fake = this.current;
    if (!fake) return;
    this.current = undefined;
    this.earlier.push(fake);
    fake.kill();
    await fake.stop();
  }

  /** Every call received so far, across restarts, in arrival order. */
  calls(): FakeStigmer['calls'] {
    return [...this.earlier, ...(this.current ? [this.current] : [])].flatMap((f) => f.calls);
  }

  accepted(): WorkflowProgressEvent[] {
    return this.calls()
      .filter((c) => c.code === status.OK)
      .map((c) => c.event);
  }

  /** Executions whose events the receiver holds completely (1..last, `workflow_completed` last). */
  complete(ids: readonly string[]): string[] {
    const byExecution = groupSequences(this.accepted());
    return ids.filter((id) => completeness(byExecution.get(id)) === undefined);
  }

  async waitForComplete(ids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.complete(ids).length < ids.length) {
      if (Date.now() > deadline) {
        const byExecution = groupSequences(this.accepted());
        const missing = ids
          .filter((id) => completeness(byExecution.get(id)) !== undefined)
          .slice(0, 5)
          .map((id) => `${id}: ${completeness(byExecution.get(id))}`);
        throw new Error(`receiver incomplete after ${timeoutMs} ms:\n${missing.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    await this.down();
  }
}

type Sequences = Map<number, WorkflowProgressEvent>;

function groupSequences(events: WorkflowProgressEvent[]): Map<string, Sequences> {
  const byExecution = new Map<string, Sequences>();
  for (const event of events) {
    const seen = byExecution.get(event.executionId) ?? new Map();
    if (!seen.has(event.sequence)) seen.set(event.sequence, event);
    byExecution.set(event.executionId, seen);
  }
  return byExecution;
}

/** Why an execution's events are incomplete at the receiver, or undefined when they are complete. */
function completeness(seen: Sequences | undefined): string | undefined {
  if (!seen || seen.size === 0) return 'nothing received';
  const last = Math.max(...seen.keys());
  if (seen.get(last)?.eventType !== 'workflow_completed')
    return `last received is ${seen.get(last)?.eventType} #${last}`;
  for (let s = 1; s <= last; s++) if (!seen.has(s)) return `sequence ${s} of ${last} missing`;
  return undefined;
}

/**
 * The final check: every execution complete at the receiver, all with the same last sequence (the
 * workflow is deterministic), and the first arrivals of each execution in order 1, 2, 3... (so a receiver
 * that keeps only a sequence high-water mark would have missed nothing). Returns that last sequence.
 */
export function expectEveryEventDelivered(receiver: Receiver, ids: readonly string[]): number {
  const byExecution = groupSequences(receiver.accepted());
  const defects = ids.map((id) => [id, completeness(byExecution.get(id))]).filter(([, why]) => why !== undefined);
  expect(defects).toEqual([]);
  const lasts = new Set(ids.map((id) => Math.max(...byExecution.get(id)!.keys())));
  expect(lasts.size).toBe(1);
  const highWater = new Map<string, number>();
  const gaps: string[] = [];
  for (const event of receiver.accepted()) {
    const mark = highWater.get(event.executionId) ?? 0;
    if (event.sequence > mark + 1) gaps.push(`${event.executionId}: #${event.sequence} after #${mark}`);
    if (event.sequence > mark) highWater.set(event.executionId, event.sequence);
  }
  expect(gaps.slice(0, 5)).toEqual([]);
  return [...lasts][0];
}

/** A task queue, a prebuilt workflow bundle and the replicas of one test, cleaned up in afterAll. */
export class ReplicaSet {
  readonly taskQueue = `faults-delivery-${randomUUID()}`;
  readonly replicas: ServiceProcess[] = [];
  private bundleDir?: string;
  private bundlePath?: string;
  private connection?: Connection;
  client!: Client;

  async open(): Promise<void> {
    this.connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS! });
    this.client = new Client({ connection: this.connection });
    this.bundleDir = mkdtempSync(join(tmpdir(), 'runner-bundle-'));
    this.bundlePath = join(this.bundleDir, 'workflows.js');
    const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger: silent });
    writeFileSync(this.bundlePath, code);
  }

  /** Starts one more `serve` replica on the queue, pointed at the receiver. */
  async start(receiver: Receiver, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const replica = await startServiceProcess({
      TEMPORAL_SERVICE_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      TEMPORAL_WORKFLOW_BUNDLE: this.bundlePath!,
      STIGMER_SERVICE_ENDPOINT: receiver.address,
      STIGMER_SERVICE_API_KEY: API_KEY,
      STIGMER_SERVICE_USE_TLS: 'false',
      LOG_LEVEL: 'info',
      ...FAST_RECOVERY,
      ...env,
    });
    this.replicas.push(replica);
    return replica;
  }

  /** Runs `yaml` once per id through the `execute` RPC of the given replicas, in turn. */
  async execute(
    via: ServiceProcess[],
    ids: readonly string[],
    yaml: string,
    input: (n: number) => object = () => ({}),
  ) {
    await Promise.all(
      ids.map((executionId, n) =>
        unary(via[n % via.length].command, 'execute', {
          executionId,
          workflowYaml: yaml,
          inputJson: JSON.stringify(input(n)),
          environment: [],
          metadata: {},
        }),
      ),
    );
  }

  /** Waits for every run's result (the runs themselves must succeed whatever happens to delivery). */
  async results(ids: readonly string[]): Promise<unknown[]> {
    return Promise.all(ids.map((id) => this.client.workflow.getHandle(id).result()));
  }

  /** The delivery ledger of this queue, as its `summary` query reports it. */
  async ledger(): Promise<LedgerSummary | undefined> {
    return new DeliveryLedgerClient(this.client, this.taskQueue).summary();
  }

  /** SIGKILLs a replica and waits until the process is gone. */
  async kill(replica: ServiceProcess): Promise<void> {
    replica.child.kill('SIGKILL');
    if (replica.child.exitCode === null && replica.child.signalCode === null)
      await new Promise((resolve) => replica.child.once('exit', resolve));
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.stop().catch(() => undefined)));
    await this.connection?.close();
    if (this.bundleDir) rmSync(this.bundleDir, { recursive: true, force: true });
  }
}

/** The ledger's replica entry of a process (the worker identity starts with its pid). */
export function ledgerEntryOf(summary: LedgerSummary | undefined, replica: ServiceProcess) {
  return summary?.replicas.find((r) => r.id.startsWith(`${replica.child.pid}@`));
}

/** Executions adopted per dead replica a service recovered, from its 'dead replica recovered' log lines. */
export function recoveredExecutions(logs: string): number[] {
  return logs
    .split('\n')
    .filter((line) => line.includes('dead replica recovered'))
    .map((line) => (JSON.parse(line) as { executions: number }).executions);
}

/** Polls until `predicate` holds (no fixed sleeps). */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const silent = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
