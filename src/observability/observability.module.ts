import { Controller, type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
  PrometheusModule,
} from '@willsoto/nestjs-prometheus';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfigService } from '../config/config.module';
import type { Logger } from 'pino';
import { createRootLogger } from './logging';
import { DefaultMetrics, MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';
import { CALLBACK_LATENCY_BUCKETS, EXECUTION_DURATION_BUCKETS, METRIC } from './metrics.names';
import { type ObservabilityOptions, wantsPrettyLogs } from './observability.options';
import { OBSERVABILITY_OPTIONS, ROOT_LOGGER } from './observability.tokens';
import { TemporalTelemetry } from './temporal-telemetry';

/**
 * nestjs-prometheus always mounts a controller on the main HTTP app; this one has no routes, so the
 * health port serves no metrics and {@link MetricsServer} serves them on METRICS_PORT instead.
 */
@Controller()
class NoMetricsRouteController {}

export interface ObservabilityAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: any[];
  useFactory: (...args: any[]) => ObservabilityOptions | Promise<ObservabilityOptions>;
}

export function optionsFromConfig(config: AppConfigService): ObservabilityOptions {
  const server = config.get('server', { infer: true });
  return {
    logLevel: server.logLevel,
    metricsPort: server.metricsPort,
    pretty: wantsPrettyLogs(server.nodeEnv, process.stdout.isTTY),
  };
}

const metricProviders = [
  makeCounterProvider({
    name: METRIC.callbackCalls,
    help: 'report_progress calls by final gRPC status code',
    labelNames: ['code'],
  }),
  makeCounterProvider({ name: METRIC.callbackRetries, help: 'report_progress retries after a transient failure' }),
  makeHistogramProvider({
    name: METRIC.callbackLatency,
    help: 'report_progress call latency in seconds, by gRPC status code',
    labelNames: ['code'],
    buckets: CALLBACK_LATENCY_BUCKETS,
  }),
  makeGaugeProvider({
    name: METRIC.callbackWaiting,
    help: 'progress events not yet acknowledged by the Stigmer Service on this replica',
  }),
  makeGaugeProvider({
    name: METRIC.callbackOldestWaiting,
    help: 'seconds the oldest undelivered progress event has waited on this replica (0 when none waits)',
  }),
  makeCounterProvider({
    name: METRIC.callbackResent,
    help: 'progress events sent from a Temporal read, by reason (memory, moved, recovered)',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: METRIC.callbackGivenUp,
    help: 'progress events given up by the delivery policy, by reason (age, attempts, unreadable)',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: METRIC.callbackReplicasRecovered,
    help: 'dead replicas whose undelivered progress events this replica delivered',
  }),
  makeCounterProvider({ name: METRIC.executionsStarted, help: 'workflow executions started on this worker' }),
  makeCounterProvider({
    name: METRIC.executionsFinished,
    help: 'workflow executions finished, by status (completed, failed, cancelled)',
    labelNames: ['status'],
  }),
  makeGaugeProvider({ name: METRIC.executionsInFlight, help: 'workflow executions started and not yet finished' }),
  makeHistogramProvider({
    name: METRIC.executionDuration,
    help: 'workflow execution duration in seconds (workflow time), by status',
    labelNames: ['status'],
    buckets: EXECUTION_DURATION_BUCKETS,
  }),
  makeCounterProvider({
    name: METRIC.tasks,
    help: 'DSL tasks by task type and outcome',
    labelNames: ['kind', 'outcome'],
  }),
  makeGaugeProvider({
    name: METRIC.workerState,
    help: 'Temporal worker state: 1 for the current state',
    labelNames: ['state'],
  }),
];

/**
 * Logging (nestjs-pino: JSON at LOG_LEVEL, pretty in development, secrets redacted) and metrics
 * (Prometheus on METRICS_PORT: default Node metrics, Temporal worker metrics, runner metrics).
 * Exports {@link MetricsService}; the root logger is reachable through nestjs-pino's `Logger`/`PinoLogger`.
 */
@Module({})
export class ObservabilityModule {
  /** The service's wiring: LOG_LEVEL and METRICS_PORT from the validated configuration. */
  static fromConfig(): DynamicModule {
    return ObservabilityModule.forRootAsync({ inject: [ConfigService], useFactory: optionsFromConfig });
  }

  static forRoot(options: ObservabilityOptions): DynamicModule {
    return ObservabilityModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(async: ObservabilityAsyncOptions): DynamicModule {
    const core: DynamicModule = {
      module: ObservabilityCoreModule,
      imports: async.imports ?? [],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, inject: async.inject ?? [], useFactory: async.useFactory },
        { provide: ROOT_LOGGER, inject: [OBSERVABILITY_OPTIONS], useFactory: createRootLogger },
      ],
      exports: [OBSERVABILITY_OPTIONS, ROOT_LOGGER],
    };
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        core,
        // Default metrics are collected by DefaultMetrics (idempotent), not here: a second
        // registration in one process (tests, the CLI) would throw on duplicate names.
        PrometheusModule.register({ controller: NoMetricsRouteController, defaultMetrics: { enabled: false } }),
        LoggerModule.forRootAsync({
          imports: [core],
          inject: [ROOT_LOGGER],
          useFactory: (root: Logger) => ({
            // Request logs of the health port would drown everything else (probes every few seconds).
            pinoHttp: { logger: root, autoLogging: false },
          }),
        }),
      ],
      providers: [...metricProviders, DefaultMetrics, TemporalTelemetry, MetricsService, MetricsServer],
      exports: [MetricsService, LoggerModule, core],
    };
  }
}

@Module({})
class ObservabilityCoreModule {}
