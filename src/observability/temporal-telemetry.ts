import {
  Inject,
  Injectable,
  Logger as NestLogger,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { MetricsBuffer, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { register } from 'prom-client';
import type { ObservabilityOptions } from './observability.options';
import { OBSERVABILITY_OPTIONS, ROOT_LOGGER } from './observability.tokens';
import { TemporalMetricsBridge } from './temporal-metrics.bridge';

/** How often the metrics buffer is drained between scrapes (the buffer holds 10,000 updates). */
const DRAIN_INTERVAL_MS = 1000;

const PINO_LEVEL: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger, written to pino. Temporal's workflow and activity log interceptors add
 * `workflowId`; the runner uses the execution id as workflow id, so it is also logged as `executionId`.
 */
export function temporalLoggerFor(root: Logger): TemporalLogger {
  const logger = root.child({ context: 'Temporal' });
  const log = (level: TemporalLogLevel, message: string, meta?: LogMetadata): void => {
    const fields: Record<string, unknown> = { ...(meta ?? {}) };
    if (typeof fields.workflowId === 'string') fields.executionId = fields.workflowId;
    logger[PINO_LEVEL[level]](fields, message);
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

/**
 * Installs the process-wide Temporal runtime with buffered metrics and the pino logger, and drains
 * the buffer into the prom-client registry. The runtime can be installed only before the first
 * connection or worker exists, which is why {@link MetricsService} depends on this provider:
 * anything injecting MetricsService is constructed after the runtime is in place.
 */
@Injectable()
export class TemporalTelemetry implements OnModuleDestroy, OnApplicationShutdown {
  private readonly log = new NestLogger(TemporalTelemetry.name);
  private readonly bridge = new TemporalMetricsBridge(register);
  private buffer?: MetricsBuffer;
  private timer?: NodeJS.Timeout;
  private runtime?: Runtime;

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions, @Inject(ROOT_LOGGER) root: Logger) {
    if (options.temporalRuntime !== false) this.install(root);
  }

  /** True when Temporal's worker metrics flow into /metrics. */
  get installed(): boolean {
    return this.buffer !== undefined;
  }

  /** Moves buffered Temporal metric updates into the registry; called before every scrape and on a timer. */
  drain(): number {
    return this.buffer ? this.bridge.apply(this.buffer.retrieveUpdates()) : 0;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * The runtime shuts itself down when its last connection or worker closes; one that never got any (a
   * start that failed before the worker connected) would keep the process alive, so it is shut down here.
   */
  async onApplicationShutdown(): Promise<void> {
    const runtime = this.runtime as unknown as { isIdle(): boolean; shutdown(): Promise<void> } | undefined;
    this.runtime = undefined;
    if (runtime?.isIdle()) await runtime.shutdown();
  }

  private install(root: Logger): void {
    const buffer = new MetricsBuffer({ useSecondsForDurations: true });
    try {
      this.runtime = Runtime.install({
        logger: temporalLoggerFor(root),
        // Nest's shutdown hooks own SIGTERM/SIGINT (the worker drains in TemporalService); the runtime
        // shutting workers down on its own would race them.
        shutdownSignals: [],
        telemetryOptions: {
          logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
          metrics: { buffer },
        },
      });
    } catch (err) {
      // Another part of the process (a test, an embedding host) created the runtime first: the
      // worker still runs, only Temporal's own metrics are missing from /metrics.
      this.log.warn(`Temporal runtime already installed; worker metrics are not bridged (${String(err)})`);
      return;
    }
    this.buffer = buffer;
    this.timer = setInterval(() => this.drain(), DRAIN_INTERVAL_MS);
    this.timer.unref();
  }
}
