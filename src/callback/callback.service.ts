import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfigService } from '../config/config.module';
import { MetricsService } from '../observability/metrics.service';
import type { WorkflowProgressEvent } from '../temporal/contract';
import { STIGMER_CLIENT_FACTORY } from './callback.tokens';
import { type DeliveryLogger, ProgressDelivery } from './progress-delivery';
import { StigmerClient, type StigmerClientOptions, stigmerClientOptions } from './stigmer-client';

export type StigmerClientFactory = (options: StigmerClientOptions) => StigmerClient;

export interface CallbackState {
  endpoint: string;
  connected: boolean;
  lastSuccessAt?: string;
  lastError?: string;
  queued: number;
}

/** How long shutdown waits for queued events before closing the channel. */
const SHUTDOWN_FLUSH_MS = 5000;

/**
 * Reports progress events to the Stigmer Service (report_progress). Fed by the worker's progress sink:
 * `report` never blocks or throws, so a slow or absent receiver never slows a workflow.
 * With STIGMER_SERVICE_ENDPOINT unset, callbacks are disabled (logged once at start).
 */
@Injectable()
export class CallbackService implements OnApplicationShutdown {
  private readonly log = new Logger(CallbackService.name);
  private readonly endpoint: string;
  private readonly client?: StigmerClient;
  private readonly delivery?: ProgressDelivery;

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
    this.delivery = new ProgressDelivery((event) => client.reportProgress(event), callback, this.deliveryLogger(), {
      call: (code, seconds) => this.metrics.callbackCall(code, seconds),
      retry: () => this.metrics.callbackRetry(),
    });
    this.log.log({ endpoint: callback.endpoint, tls: callback.useTls }, 'progress callbacks enabled');
  }

  get enabled(): boolean {
    return this.delivery !== undefined;
  }

  /** Queues one event for delivery; returns at once. */
  report(event: WorkflowProgressEvent): void {
    this.delivery?.enqueue(event);
  }

  state(): CallbackState {
    const d = this.delivery;
    if (!d) return { endpoint: '', connected: false, queued: 0 };
    return {
      endpoint: this.endpoint,
      // Before the first call the channel state is the best evidence; afterwards the last call's outcome.
      connected: d.lastCallOk ?? this.client?.isChannelReady() ?? false,
      lastSuccessAt: d.lastSuccessAt?.toISOString(),
      lastError: d.lastError,
      queued: d.queued,
    };
  }

  /** Resolves when every queued event was delivered or given up on, or after timeoutMs. */
  flush(timeoutMs: number): Promise<boolean> {
    return this.delivery ? this.delivery.idle(timeoutMs) : Promise.resolve(true);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.delivery) return;
    const drained = await this.delivery.idle(SHUTDOWN_FLUSH_MS);
    if (!drained)
      this.log.warn(
        { queued: this.delivery.queued },
        'shutdown with progress events still queued (readable through get_events)',
      );
    this.delivery.close();
    this.client?.close();
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
