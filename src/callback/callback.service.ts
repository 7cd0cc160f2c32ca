import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfigService } from '../config/config.module';
import { MetricsService } from '../observability/metrics.service';
import type { WorkflowProgressEvent } from '../temporal/contract';
import { STIGMER_CLIENT_FACTORY } from './callback.tokens';
import { CheckpointJournal } from './checkpoint-journal';
import {
  type DeliveryLogger,
  type EventSource,
  type MarkSource,
  ProgressDelivery,
  type ProgressOrigin,
} from './progress-delivery';
import { StigmerClient, type StigmerClientOptions, stigmerClientOptions } from './stigmer-client';

export type StigmerClientFactory = (options: StigmerClientOptions) => StigmerClient;

export interface CallbackState {
  endpoint: string;
  connected: boolean;
  lastSuccessAt?: string;
  lastError?: string;
  /** Event bodies held in memory. */
  queued: number;
  /** Events not yet acknowledged by the receiver, and the executions they belong to. */
  waiting?: number;
  waitingExecutions?: number;
  /** How long the oldest undelivered event has been waiting on this replica. */
  oldestWaitingSeconds?: number;
  /** Dead replicas whose undelivered events this replica is delivering. */
  recovering?: number;
}

/** How long shutdown waits for undelivered events before handing them over. */
const SHUTDOWN_FLUSH_MS = 5000;
/** How often the backlog gauges are refreshed. */
const BACKLOG_SAMPLE_MS = 1000;

/**
 * Reports progress events to the Stigmer Service (report_progress). Fed by the worker's progress sink:
 * `report` never blocks or throws, so a slow or absent receiver never slows a workflow. The delivery
 * feature (src/delivery) attaches Temporal as the source of events no longer held in memory and keeps the
 * checkpoint journal in the delivery ledger. With STIGMER_SERVICE_ENDPOINT unset, callbacks are disabled
 * (logged once at start).
 */
@Injectable()
export class CallbackService implements OnApplicationShutdown {
  private readonly log = new Logger(CallbackService.name);
  private readonly endpoint: string;
  private readonly client?: StigmerClient;
  private readonly delivery?: ProgressDelivery;
  private readonly sampler?: NodeJS.Timeout;
  /** What the delivery ledger is told; present when callbacks are enabled. */
  readonly journal?: CheckpointJournal;
  private flushed = false;

  constructor(
    @Inject(ConfigService) config: AppConfigService,
    private readonly metrics: MetricsService,
    @Inject(STIGMER_CLIENT_FACTORY) clientFactory: StigmerClientFactory,
  ) {
    const callback = config.get('callback', { infer: true });
    this.endpoint = callback.endpoint ?? '';
    if (!callback.endpoint) {
      this.log.warn('STIGMER_SERVICE_ENDPOINT is not set: progress callbacks are disabled');
      return;
    }
    const client = clientFactory(stigmerClientOptions({ ...callback, endpoint: callback.endpoint }));
    this.client = client;
    const delivery = new ProgressDelivery((event) => client.reportProgress(event), callback, this.deliveryLogger(), {
      call: (code, seconds) => this.metrics.callbackCall(code, seconds),
      retry: () => this.metrics.callbackRetry(),
      resent: (reason, count) => this.metrics.callbackResent(reason, count),
      givenUp: (reason, count) => this.metrics.callbackGivenUp(reason, count),
    });
    const journal = new CheckpointJournal(delivery);
    delivery.onChange = (workflowId) => journal.touch(workflowId);
    this.delivery = delivery;
    this.journal = journal;
    this.sampler = setInterval(() => this.sampleBacklog(), BACKLOG_SAMPLE_MS);
    this.sampler.unref();
    this.log.log({ endpoint: callback.endpoint, tls: callback.useTls }, 'progress callbacks enabled');
  }

  get enabled(): boolean {
    return this.delivery !== undefined;
  }

  /** Queues one event for delivery; returns at once. `origin` names the workflow it came from. */
  report(event: WorkflowProgressEvent, origin?: ProgressOrigin): void {
    this.delivery?.enqueue(event, origin);
  }

  /** Where events missing from memory are read back, and where a moved run's acknowledged mark is found. */
  attachSources(sources: { events?: EventSource; marks?: MarkSource }): void {
    this.delivery?.attach(sources);
  }

  /** Delivers an execution another replica left undelivered, from `acked + 1`; resolves once caught up. */
  adopt(workflowId: string, acked: number): Promise<void> {
    return this.delivery ? this.delivery.adopt(workflowId, acked) : Promise.resolve();
  }

  state(): CallbackState {
    const d = this.delivery;
    if (!d) return { endpoint: '', connected: false, queued: 0 };
    const backlog = d.backlog();
    return {
      endpoint: this.endpoint,
      // Before the first call the channel state is the best evidence; afterwards the last call's outcome.
      connected: d.lastCallOk ?? this.client?.isChannelReady() ?? false,
      lastSuccessAt: d.lastSuccessAt?.toISOString(),
      lastError: d.lastError,
      queued: d.queued,
      waiting: backlog.waiting,
      waitingExecutions: backlog.executions,
      oldestWaitingSeconds: backlog.oldestWaitMs / 1000,
    };
  }

  /** Resolves when every execution is caught up (or given up on), or after timeoutMs. */
  flush(timeoutMs: number): Promise<boolean> {
    return this.delivery ? this.delivery.idle(timeoutMs) : Promise.resolve(true);
  }

  /**
   * The shutdown flush, done once: the delivery feature calls it before its last checkpoint, and this
   * service's own shutdown then does not wait again.
   */
  async flushForShutdown(): Promise<boolean> {
    if (this.flushed || !this.delivery) return this.delivery ? this.delivery.idle(0) : true;
    this.flushed = true;
    const drained = await this.delivery.idle(SHUTDOWN_FLUSH_MS);
    if (!drained) {
      this.log.warn(
        { waiting: this.delivery.backlog().waiting },
        'shutdown with progress events undelivered (handed over to the other replicas through the delivery ledger)',
      );
    }
    return drained;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.delivery) return;
    clearInterval(this.sampler);
    await this.flushForShutdown();
    this.delivery.close();
    this.client?.close();
  }

  private sampleBacklog(): void {
    try {
      const backlog = this.delivery!.backlog();
      this.metrics.callbackBacklog(backlog.waiting, backlog.oldestWaitMs / 1000);
    } catch (err) {
      this.log.debug({ err: String(err), msg: 'backlog sample failed' });
    }
  }

  private deliveryLogger(): DeliveryLogger {
    // Fields first, message second: nestjs-pino merges the object into the JSON line.
    return {
      warn: (fields, message) => this.log.warn({ ...fields, msg: message }),
      error: (fields, message) => this.log.error({ ...fields, msg: message }),
      debug: (fields, message) => this.log.debug({ ...fields, msg: message }),
    };
  }
}
