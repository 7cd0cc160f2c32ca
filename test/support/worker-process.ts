/**
 * A runner worker as its own OS process, so fault tests can SIGKILL/SIGTERM it and the bench can measure
 * the worker's CPU and memory apart from the load generator. Run with
 * `node -r ts-node/register/transpile-only test/support/worker-process.ts`; configured through env:
 *
 *   WORKER_TEMPORAL_ADDRESS  (required)   WORKER_TASK_QUEUE (required)   WORKER_NAMESPACE (default `default`)
 *   WORKER_STIGMER_ENDPOINT  progress goes to this (insecure) Stigmer endpoint; otherwise to stdout
 *   WORKER_PROGRESS          `stdout` (default without a Stigmer endpoint) or `none`
 *   WORKER_WORKFLOWS_PATH    bundle this workflows entry instead of the runner's own (the bench adds
 *                            hand-written workflows next to the runner's)
 *   WORKER_WORKFLOW_BUNDLE   load this prebuilt bundle (bundleWorkflowCode's `code`) instead of bundling
 *   WORKER_TELEMETRY         `service`: install the Temporal runtime as the service does (metrics buffered and
 *                            drained into prom-client every second, logs through pino at warn)
 *   WORKER_GRACE_MS          shutdown grace time for running activities
 *   WORKER_SECRETS_KEY       hex key that opens sealed secrets
 *   WORKER_OPENAI_BASE_URL   model endpoint of the default catalog's AI functions (the local model server)
 *   WORKER_LLM_MODEL         default chat model (with a base URL)
 *
 * It prints one JSON object per line on stdout: `{"type":"ready","startup":{...}}` (milliseconds since the
 * process started at which its modules were loaded, it had connected, the worker was created, and it
 * polled), `{"type":"progress","event":...}`, `{"type":"stopped"}`. With an IPC channel it answers `{type:"usage", reset?}` with CPU and memory.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { ProgressDelivery } from '../../src/callback/progress-delivery';
import { StigmerClient } from '../../src/callback/stigmer-client';
import { createRootLogger } from '../../src/observability/logging';
import { TemporalTelemetry } from '../../src/observability/temporal-telemetry';
import type { WorkflowProgressEvent } from '../../src/temporal/contract';
import type { ActivityDeps } from '../../src/temporal/activities/deps';
import { EventReader } from '../../src/temporal/event-reader';
import { createRunnerWorker, type ProgressOrigin, workflowBundleOptions } from '../../src/temporal/worker-factory';
import { runnerDataConverter } from '../../src/codec/data-converter';
import { loadKeyRing } from '../../src/codec/key-ring';

type Line = Record<string, unknown> & { type: string };

function emit(line: Line): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function progressSink(
  address: string,
  namespace: string,
): (event: WorkflowProgressEvent, origin: ProgressOrigin) => void {
  const endpoint = process.env.WORKER_STIGMER_ENDPOINT;
  if (endpoint) {
    const client = new StigmerClient({ endpoint, useTls: false, callTimeoutMs: 2000 });
    const quiet = { warn: () => undefined, error: () => undefined, debug: () => undefined };
    const delivery = new ProgressDelivery(
      (event) => client.reportProgress(event),
      {
        maxAttempts: 0,
        initialBackoffMs: 50,
        maxBackoffMs: 500,
        queueLimit: 100_000,
        totalLimit: 1_000_000,
        giveUpAfterMs: 0,
      },
      quiet,
      { call: () => undefined, retry: () => undefined, resent: () => undefined, givenUp: () => undefined },
    );
    // Events missing from memory are read back through get_events' reader (no delivery ledger here).
    const reader = Connection.connect({ address }).then(
      (c) => new EventReader(new Client({ connection: c, namespace })),
    );
    delivery.attach({ events: { events: async (id, from, limit) => (await reader).events(id, from, limit) } });
    return (event, origin) => delivery.enqueue(event, origin);
  }
  if (process.env.WORKER_PROGRESS === 'none') return () => undefined;
  return (event) => emit({ type: 'progress', event });
}

/** CPU time since the last reset and peak memory sampled every 50 ms. */
function usageReporter(): void {
  let cpuStart = process.cpuUsage();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  setInterval(sample, 50).unref();
  process.on('message', (message: { type?: string; reset?: boolean; gc?: boolean }) => {
    if (message?.type !== 'usage') return;
    if (message.gc) global.gc?.();
    sample();
    const cpu = process.cpuUsage(cpuStart);
    const m = process.memoryUsage();
    process.send?.({
      type: 'usage',
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: peakRss / 2 ** 20,
      peakHeapMb: peakHeap / 2 ** 20,
      rssMb: m.rss / 2 ** 20,
      heapMb: m.heapUsed / 2 ** 20,
    });
    if (message.reset) {
      cpuStart = process.cpuUsage();
      peakRss = 0;
      peakHeap = 0;
    }
  });
}

/** The Temporal runtime as the service installs it (before the first connection), logging to stderr. */
function serviceTelemetry(): TemporalTelemetry {
  const options = { logLevel: 'warn', pretty: false, metricsPort: false, logDestination: process.stderr } as const;
  return new TemporalTelemetry(options, createRootLogger(options));
}

async function loadBundle(): Promise<WorkflowBundle | undefined> {
  const prebuilt = process.env.WORKER_WORKFLOW_BUNDLE;
  if (prebuilt) return { code: await readFile(prebuilt, 'utf8') };
  const workflowsPath = process.env.WORKER_WORKFLOWS_PATH;
  return workflowsPath
    ? await bundleWorkflowCode({ ...workflowBundleOptions(workflowsPath), logger: silentLogger })
    : undefined;
}

async function main(): Promise<void> {
  // performance.now() counts from the start of this process: the start-up timeline the bench reports.
  const modulesLoadedMs = performance.now();
  const address = required('WORKER_TEMPORAL_ADDRESS');
  const taskQueue = required('WORKER_TASK_QUEUE');
  const workflowBundle = await loadBundle();
  const telemetry = process.env.WORKER_TELEMETRY === 'service' ? serviceTelemetry() : undefined;
  const connection = await NativeConnection.connect({ address });
  const connectedMs = performance.now();
  const keyHex = process.env.WORKER_SECRETS_KEY;
  const worker = await createRunnerWorker({
    connection,
    namespace: process.env.WORKER_NAMESPACE ?? 'default',
    taskQueue,
    activities: { secretsKey: keyHex ? Buffer.from(keyHex, 'hex') : undefined, ...aiDeps() },
    onProgress: progressSink(address, process.env.WORKER_NAMESPACE ?? 'default'),
    workflowBundle,
    shutdownGraceTime: Number(process.env.WORKER_GRACE_MS ?? 10_000),
    // Payload encryption as the service configures it (PAYLOAD_ENCRYPTION_KEYS_DIR).
    dataConverter: process.env.WORKER_PAYLOAD_KEYS_DIR
      ? runnerDataConverter(loadKeyRing(process.env.WORKER_PAYLOAD_KEYS_DIR))
      : undefined,
  });
  const createdMs = performance.now();
  if (process.send) usageReporter();
  const running = worker.run();
  // The service's runtime leaves SIGTERM to Nest, which drains the worker; do the same here, so the
  // process ends normally (and `--cpu-prof` writes its profiles) instead of dying on the signal.
  if (telemetry) process.once('SIGTERM', () => worker.shutdown());
  emit({ type: 'ready', startup: { modulesLoadedMs, connectedMs, createdMs, readyMs: performance.now() } });
  await running;
  telemetry?.onModuleDestroy();
  await connection.close();
  emit({ type: 'stopped' });
}

function aiDeps(): Pick<ActivityDeps, 'ai'> {
  const baseUrl = process.env.WORKER_OPENAI_BASE_URL;
  if (!baseUrl) return {};
  const defaultModel = process.env.WORKER_LLM_MODEL || 'test-model';
  return { ai: { models: { baseUrl, defaultModel, defaultEmbeddingModel: 'test-embedding' } } };
}

const silentLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      emit({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    },
  );
}

export interface WorkerProcessOptions {
  address: string;
  taskQueue: string;
  namespace?: string;
  stigmerEndpoint?: string;
  progress?: 'stdout' | 'none';
  workflowsPath?: string;
  /** A prebuilt bundle file (takes precedence over `workflowsPath`). */
  workflowBundlePath?: string;
  /** `service`: the Temporal runtime with the service's metrics bridge and logger. */
  telemetry?: 'service';
  /** More environment for the process. */
  env?: Record<string, string>;
  graceMs?: number;
  secretsKeyHex?: string;
  /** The model endpoint (and default model) of the default catalog's AI functions. */
  openAiBaseUrl?: string;
  llmModel?: string;
  /** Key directory of payload encryption (as PAYLOAD_ENCRYPTION_KEYS_DIR); unset: payloads in clear. */
  payloadKeysDir?: string;
  /** Called for every progress event printed on stdout. */
  onProgress?: (event: WorkflowProgressEvent) => void;
  /** Extra node flags (e.g. `--expose-gc`). */
  nodeFlags?: string[];
  /**
   * This module compiled to JavaScript (the bench compiles it with bench/tsconfig.worker.json): the
   * process then starts as production does, without transpiling TypeScript on load.
   */
  compiledEntry?: string;
}

export interface WorkerUsage {
  cpuMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  rssMb: number;
  heapMb: number;
}

/** Milliseconds from the worker process's start to each step of its start-up. */
export interface WorkerStartup {
  modulesLoadedMs: number;
  connectedMs: number;
  createdMs: number;
  readyMs: number;
  /** As the parent saw it: from spawning the process to reading its ready line. */
  spawnToReadyMs: number;
}

/** How a child process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started worker process: resolves `ready` once it polls; `exited` with its exit code or signal. */
export interface WorkerProcessHandle {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** The start-up timeline, once ready. */
  startup(): WorkerStartup | undefined;
  readonly exited: Promise<ProcessExit>;
  /** Everything it wrote on stderr (for failure messages and log scans). */
  stderr(): string;
  /** Every line it wrote on stdout. */
  stdout(): string;
  usage(options?: { reset?: boolean; gc?: boolean }): Promise<WorkerUsage>;
  kill(signal: NodeJS.Signals): void;
}

export function spawnWorkerProcess(options: WorkerProcessOptions): WorkerProcessHandle {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WORKER_TEMPORAL_ADDRESS: options.address,
    WORKER_TASK_QUEUE: options.taskQueue,
    WORKER_NAMESPACE: options.namespace ?? 'default',
    WORKER_STIGMER_ENDPOINT: options.stigmerEndpoint ?? '',
    WORKER_PROGRESS: options.progress ?? 'stdout',
    WORKER_WORKFLOWS_PATH: options.workflowsPath ?? '',
    WORKER_WORKFLOW_BUNDLE: options.workflowBundlePath ?? '',
    WORKER_TELEMETRY: options.telemetry ?? '',
    ...options.env,
    WORKER_GRACE_MS: String(options.graceMs ?? 10_000),
    WORKER_SECRETS_KEY: options.secretsKeyHex ?? '',
    WORKER_OPENAI_BASE_URL: options.openAiBaseUrl ?? '',
    WORKER_LLM_MODEL: options.llmModel ?? '',
    WORKER_PAYLOAD_KEYS_DIR: options.payloadKeysDir ?? '',
  };
  const spawnedAt = performance.now();
  let startup: WorkerStartup | undefined;
  const child = fork(options.compiledEntry ?? __filename, [], {
    env,
    execArgv: [
      ...(options.compiledEntry ? [] : ['-r', 'ts-node/register/transpile-only']),
      ...(options.nodeFlags ?? []),
    ],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  let err = '';
  let partial = '';
  let markReady: () => void = () => undefined;
  let failReady: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    markReady = resolveReady;
    failReady = rejectReady;
  });
  // Callers await `ready`; an early exit must not also surface as an unhandled rejection.
  ready.catch(() => undefined);
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout?.on('data', (d: Buffer) => {
    const text = d.toString();
    out += text;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = parseLine(raw);
      if (line?.type === 'ready') {
        startup = {
          ...(line.startup as Omit<WorkerStartup, 'spawnToReadyMs'>),
          spawnToReadyMs: performance.now() - spawnedAt,
        };
        markReady();
      } else if (line?.type === 'error') failReady(new Error(`worker process failed: ${String(line.message)}`));
      else if (line?.type === 'progress') options.onProgress?.(line.event as WorkflowProgressEvent);
    }
  });
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      failReady(new Error(`worker process exited before ready (code ${code}, signal ${signal}): ${err.slice(-2000)}`));
      resolveExit({ code, signal });
    });
  });
  return {
    child,
    ready,
    startup: () => startup,
    exited,
    stderr: () => err,
    stdout: () => out,
    usage: (request = {}) =>
      new Promise<WorkerUsage>((resolveUsage) => {
        const onMessage = (m: { type?: string } & WorkerUsage): void => {
          if (m?.type !== 'usage') return;
          child.off('message', onMessage);
          resolveUsage(m);
        };
        child.on('message', onMessage);
        child.send({ type: 'usage', ...request });
      }),
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

function parseLine(raw: string): Line | undefined {
  if (!raw.startsWith('{')) return undefined;
  try {
    return JSON.parse(raw) as Line;
  } catch {
    return undefined;
  }
}
