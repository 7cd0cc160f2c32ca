import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import type { ObservabilityOptions } from './observability.options';
import { OBSERVABILITY_OPTIONS } from './observability.tokens';
import { TemporalTelemetry } from './temporal-telemetry';

/** Node process metrics (CPU, memory, event loop lag, GC), registered once per process. */
@Injectable()
export class DefaultMetrics {
  constructor() {
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register });
  }
}

/**
 * The Prometheus endpoint on its own port (METRICS_PORT, 9090), apart from the health port: scrapes
 * never queue behind API traffic and the metrics port can stay cluster-internal.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
    private readonly telemetry: TemporalTelemetry,
    _defaults: DefaultMetrics,
  ) {}

  /** The bound port, once listening (useful when configured with port 0). */
  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.metricsPort === false) return;
    const server = createServer((req, res) => void this.handle(req, res));
    const host = this.options.metricsHost ?? '0.0.0.0';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.metricsPort as number, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.log.log(`Prometheus metrics on http://${host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are served at /metrics\n');
      return;
    }
    try {
      this.telemetry.drain();
      const body = await register.metrics();
      res.writeHead(200, { 'content-type': register.contentType }).end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      this.log.error(`metrics collection failed: ${String(err)}`);
      res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
    }
  }
}
