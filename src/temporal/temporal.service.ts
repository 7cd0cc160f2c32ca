import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { encryptedBundleSibling, runnerDataConverter } from '../codec/data-converter';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { AiService } from '../ai/ai.service';
import { CallbackService } from '../callback/callback.service';
import { activityDepsFromConfig } from '../config/activity-deps';
import type { AppConfigService } from '../config/config.module';
import type { RunnerConfig, TemporalConfig } from '../config/runner-config';
import type { WorkerStateName } from '../observability/metrics.names';
import { MetricsService } from '../observability/metrics.service';
import type { ActivityLogger } from './activities/deps';
import type { WorkflowProgressEvent } from './contract';
import { DefinitionRegistryClient } from './definition-registry.client';
import { EventReader } from './event-reader';
import type { ProgressOrigin } from './worker-factory';
import { RUNNER_WORKER_FACTORY, type RunnerWorkerFactory } from './temporal.tokens';
import type { RunnerTracing } from '../tracing/tracing';
import { RUNNER_TRACING } from '../tracing/tracing.tokens';

export type WorkerPhase = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

const PHASE_METRIC: Record<WorkerPhase, WorkerStateName> = {
  starting: 'INITIALIZED',
  running: 'RUNNING',
  restarting: 'FAILED',
  stopping: 'STOPPING',
  stopped: 'STOPPED',
};

/** Restart pacing after a worker failure (Temporal down, bad bundle): 1 s doubling to 30 s. */
const RESTART_MIN_MS = 1000;
const RESTART_MAX_MS = 30_000;

/**
 * Connection, client and worker of the runner. The client connects lazily, so the service starts while
 * Temporal is still coming up (readiness says so). The worker runs from application bootstrap; its run
 * promise is kept, a failure is logged, shown in health and retried with backoff, never left unhandled.
 * On shutdown the worker stops polling and lets running activities finish within WORKER_SHUTDOWN_GRACE.
 */
@Injectable()
export class TemporalService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = new Logger(TemporalService.name);
  private readonly settings: TemporalConfig;
  private readonly runnerConfig: RunnerConfig;
  /** Payload encryption of the client and the worker (undefined: payloads in clear). */
  private readonly dataConverter?: DataConverter;
  readonly connection: Connection;
  private readonly stopping = new AbortController();
  readonly client: Client;
  /** The definition registry shared by all replicas (a Temporal workflow); `run: workflow` resolves from it. */
  readonly definitions: DefinitionRegistryClient;
  /** Progress events read back from Temporal (get_events, and the delivery filling what it no longer holds). */
  readonly eventReader: EventReader;
  /**
   * This process's worker identity: Temporal records it on every workflow task the worker completes, and
   * the delivery ledger knows the replica by it. Unique per process (a restarted container is a new replica).
   */
  readonly identity = `${process.pid}@${hostname()}/${randomUUID().slice(0, 8)}`;
  /** When this process started serving (the delivery ledger's window of a replica's first checkpoint). */
  readonly startedAt = Date.now();
  private nativeConnection?: NativeConnection;
  private worker?: Worker;
  private workerLoop?: Promise<void>;
  private phase: WorkerPhase = 'stopped';
  private lastWorkerError?: string;
  private shuttingDown = false;
  private wakeRestart?: () => void;
  private readonly progressListeners = new Set<(event: WorkflowProgressEvent) => void>();

  constructor(
    @Inject(ConfigService) config: AppConfigService,
    // MetricsService comes after the Temporal runtime is installed (see TemporalTelemetry): inject it
    // before creating any connection.
    private readonly metrics: MetricsService,
    private readonly callback: CallbackService,
    @Inject(RUNNER_WORKER_FACTORY) private readonly createWorker: RunnerWorkerFactory,
    private readonly ai: AiService,
    @Optional() @Inject(RUNNER_TRACING) private readonly tracing: RunnerTracing | null = null,
  ) {
    this.runnerConfig = {
      temporal: config.get('temporal', { infer: true }),
      callback: config.get('callback', { infer: true }),
      server: config.get('server', { infer: true }),
      runtime: config.get('runtime', { infer: true }),
      ai: config.get('ai', { infer: true }),
      encryption: config.get('encryption', { infer: true }),
      tracing: config.get('tracing', { infer: true }),
    };
    this.settings = this.runnerConfig.temporal;
    this.dataConverter = runnerDataConverter(this.runnerConfig.encryption.keyRing);
    this.connection = Connection.lazy({ address: this.settings.address });
    this.client = new Client({
      connection: this.connection,
      namespace: this.settings.namespace,
      dataConverter: this.dataConverter,
      interceptors: this.tracing ? { workflow: this.tracing.clientInterceptors() } : undefined,
    });
    this.definitions = new DefinitionRegistryClient(this.client, this.settings.taskQueue);
    this.eventReader = new EventReader(this.client);
  }

  get namespace(): string {
    return this.settings.namespace;
  }

  get taskQueue(): string {
    return this.settings.taskQueue;
  }

  /** Listens to progress of runs executing on this worker (subscribers use it as a cue to poll early). */
  onProgress(listener: (event: WorkflowProgressEvent) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** A real frontend RPC (GetSystemInfo) under a deadline; rejects when Temporal does not answer. */
  async checkConnection(deadlineMs: number): Promise<void> {
    await this.connection.withDeadline(Date.now() + deadlineMs, () =>
      this.connection.workflowService.getSystemInfo({}),
    );
  }

  isWorkerRunning(): boolean {
    return this.phase === 'running' && this.worker?.getState() === 'RUNNING';
  }

  workerStatus(): { phase: WorkerPhase; lastError?: string } {
    return { phase: this.phase, lastError: this.lastWorkerError };
  }

  onApplicationBootstrap(): void {
    this.workerLoop = this.superviseWorker();
  }

  /** Runs before every module's onApplicationShutdown, so the callback client can still flush afterwards. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.shuttingDown = true;
    this.wakeRestart?.();
    if (this.worker && this.worker.getState() === 'RUNNING') {
      this.log.log({
        signal,
        graceMs: this.settings.shutdownGraceMs,
        msg: 'stopping the worker: no new tasks, running activities may finish',
      });
      this.setPhase('stopping');
      this.worker.shutdown();
    }
    await this.workerLoop;
  }

  /**
   * Runs `work` with the runner's background calls: they are cancelled when the service shuts down, before
   * the connection closes. (A call the SDK is retrying when its channel closes fails in a timer, out of
   * reach of any catch.) Calls started by `work`, also from its timers, inherit the cancellation.
   */
  background<T>(work: () => Promise<T>): Promise<T> {
    return this.connection.withAbortSignal(this.stopping.signal, work);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.nativeConnection
      ?.close()
      .catch((err) => this.log.warn({ err: String(err), msg: 'closing the worker connection failed' }));
    await this.connection
      .close()
      .catch((err) => this.log.warn({ err: String(err), msg: 'closing the client connection failed' }));
    this.log.log({ msg: 'Temporal connections closed' });
  }

  /** Starts the worker and restarts it after a failure until shutdown. Never rejects. */
  private async superviseWorker(): Promise<void> {
    let delay = RESTART_MIN_MS;
    while (!this.shuttingDown) {
      const started = Date.now();
      try {
        this.setPhase('starting');
        await this.runWorkerOnce();
        if (this.shuttingDown) break;
        this.lastWorkerError = 'worker stopped unexpectedly';
      } catch (err) {
        this.lastWorkerError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      if (this.shuttingDown) break;
      // A worker that ran for a while before failing starts over from the shortest delay.
      if (Date.now() - started > RESTART_MAX_MS) delay = RESTART_MIN_MS;
      this.log.error({ error: this.lastWorkerError, retryInMs: delay, msg: 'Temporal worker failed; restarting' });
      this.setPhase('restarting');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeRestart = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      delay = Math.min(delay * 2, RESTART_MAX_MS);
    }
    this.setPhase('stopped');
    this.log.log({ msg: 'Temporal worker stopped' });
  }

  private async runWorkerOnce(): Promise<void> {
    this.nativeConnection ??= await NativeConnection.connect({ address: this.settings.address });
    if (this.shuttingDown) return;
    const worker = await this.createWorker({
      connection: this.nativeConnection,
      namespace: this.settings.namespace,
      taskQueue: this.settings.taskQueue,
      activities: activityDepsFromConfig(
        this.runnerConfig,
        this.activityLogger(),
        this.definitions,
        this.ai.activityDeps(),
      ),
      onProgress: (event, origin) => this.handleProgress(event, origin),
      identity: this.identity,
      // A prebuilt bundle skips webpack at start (container images); see TEMPORAL_WORKFLOW_BUNDLE.
      workflowBundle: await this.workflowBundle(),
      shutdownGraceTime: this.settings.shutdownGraceMs,
      dataConverter: this.dataConverter,
      tracing: this.tracing?.worker(),
    });
    this.worker = worker;
    if (this.shuttingDown) return;
    const run = worker.run();
    this.setPhase('running');
    this.log.log({
      taskQueue: this.settings.taskQueue,
      namespace: this.settings.namespace,
      msg: 'Temporal worker polling',
    });
    await run;
  }

  /** The worker's progress sink: must stay fast and never throw (it runs on the worker's thread of control). */
  /**
   * The prebuilt bundle (TEMPORAL_WORKFLOW_BUNDLE), or undefined to bundle from source. With payload
   * encryption, its `.encrypted.js` sibling, whose workflow code encrypts failure messages too
   * (src/codec/data-converter.ts); a bundle built without one still runs, with those messages in clear.
   */
  private async workflowBundle(): Promise<{ code: string } | undefined> {
    const configured = this.settings.workflowBundlePath;
    if (!configured) return undefined;
    let path = configured;
    if (this.dataConverter) {
      const sibling = encryptedBundleSibling(configured);
      if (sibling) path = sibling;
      else
        this.log.warn(
          `payload encryption is on but ${configured} has no .encrypted.js sibling (npm run build:bundle writes ` +
            'both): failure messages raised by workflow code stay in clear in history',
        );
    }
    return { code: await readFile(path, 'utf8') };
  }

  private handleProgress(event: WorkflowProgressEvent, origin: ProgressOrigin): void {
    try {
      this.callback.report(event, origin);
      this.metrics.progressEvent(event);
      for (const listener of this.progressListeners) listener(event);
      this.log.debug({
        executionId: event.executionId,
        sequence: event.sequence,
        eventType: event.eventType,
        task: event.taskPosition,
        msg: 'progress',
      });
    } catch (err) {
      this.log.error({ executionId: event.executionId, err: String(err), msg: 'progress sink failed' });
    }
  }

  private setPhase(phase: WorkerPhase): void {
    this.phase = phase;
    try {
      this.metrics.workerState(PHASE_METRIC[phase]);
    } catch {
      // Metrics must never stop the worker.
    }
  }

  private activityLogger(): ActivityLogger {
    const log = new Logger('Activity');
    return {
      debug: (message, fields) => log.debug({ ...fields, msg: message }),
      info: (message, fields) => log.log({ ...fields, msg: message }),
      warn: (message, fields) => log.warn({ ...fields, msg: message }),
      error: (message, fields) => log.error({ ...fields, msg: message }),
    };
  }
}
