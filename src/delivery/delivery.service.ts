import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WorkflowNotFoundError } from '@temporalio/client';
import { CallbackService, type CallbackState } from '../callback/callback.service';
import { EventsGone, type EventSource } from '../callback/progress-delivery';
import type { AppConfigService } from '../config/config.module';
import type { CallbackConfig } from '../config/runner-config';
import { MetricsService } from '../observability/metrics.service';
import { DeliveryLedgerClient } from '../temporal/delivery-ledger.client';
import { RecoveryScanner } from '../temporal/recovery-scan';
import { TemporalService } from '../temporal/temporal.service';
import { LedgerSync, type SyncLogger } from './ledger-sync';
import { MarkBatcher } from './mark-batcher';

/**
 * Makes progress delivery survive a replica's death: attaches Temporal to the callback delivery as the
 * source of events it no longer holds (and of the acknowledged marks of runs that move between replicas),
 * keeps this replica's checkpoints in the delivery ledger, and recovers dead replicas the ledger hands it.
 * Idle when callbacks are disabled. The guarantee and its costs: docs/api.md "Delivery guarantee".
 */
@Injectable()
export class DeliveryService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(DeliveryService.name);
  private readonly settings: CallbackConfig;
  private sync?: LedgerSync;

  constructor(
    @Inject(ConfigService) config: AppConfigService,
    private readonly temporal: TemporalService,
    private readonly callback: CallbackService,
    private readonly metrics: MetricsService,
  ) {
    this.settings = config.get('callback', { infer: true });
  }

  /** The callback state plus the dead replicas this one is recovering (what readiness reports). */
  state(): CallbackState {
    const state = this.callback.state();
    return this.sync ? { ...state, recovering: this.sync.recoveries } : state;
  }

  onModuleInit(): void {
    const journal = this.callback.journal;
    if (!this.callback.enabled || !journal) return;
    const ledger = new DeliveryLedgerClient(this.temporal.client, this.temporal.taskQueue);
    this.callback.attachSources({
      events: this.eventSource(),
      marks: new MarkBatcher((ids) => this.temporal.background(() => ledger.marks(ids))),
    });
    this.sync = new LedgerSync(
      { journal, adopt: (id, acked) => this.callback.adopt(id, acked) },
      ledger,
      new RecoveryScanner(this.temporal.client, this.temporal.namespace, this.temporal.taskQueue),
      {
        replica: this.temporal.identity,
        checkpointIntervalMs: this.settings.checkpointIntervalMs,
        heartbeatIntervalMs: this.settings.heartbeatIntervalMs,
        deadAfterMs: this.settings.deadAfterMs,
        startedAt: this.temporal.startedAt,
      },
      this.syncLogger(),
      () => this.metrics.replicaRecovered(),
    );
  }

  onApplicationBootstrap(): void {
    const sync = this.sync;
    // Every ledger and scan call of the loop, from its timers too, is cancelled at shutdown.
    if (sync) void this.temporal.background(async () => sync.start());
    if (this.sync) this.log.log({ replica: this.temporal.identity, msg: 'delivery ledger checkpoints started' });
  }

  /**
   * Runs after every module's beforeApplicationShutdown, so the worker has stopped: no event can follow.
   * Delivers what it can within the flush time, then hands the rest over in a last checkpoint. Runs before
   * TemporalService closes its connection (this module imports TemporalModule, so Nest shuts it down first).
   */
  async onApplicationShutdown(): Promise<void> {
    if (!this.sync) return;
    await this.callback.flushForShutdown();
    await this.sync.leave();
  }

  /** Reads through get_events' reader; a run Temporal no longer has is reported as gone. */
  private eventSource(): EventSource {
    const reader = this.temporal.eventReader;
    return {
      events: async (workflowId, fromSequence, limit) => {
        try {
          return await this.temporal.background(() => reader.events(workflowId, fromSequence, limit));
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new EventsGone(`workflow ${workflowId} not found`);
          throw err;
        }
      },
    };
  }

  private syncLogger(): SyncLogger {
    return {
      info: (fields, message) => this.log.log({ ...fields, msg: message }),
      warn: (fields, message) => this.log.warn({ ...fields, msg: message }),
      error: (fields, message) => this.log.error({ ...fields, msg: message }),
    };
  }
}
