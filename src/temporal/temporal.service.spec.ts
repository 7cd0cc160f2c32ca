/**
 * TemporalService lifecycle without a Temporal server: the address points at a closed port, so the
 * connection fails for real. Metrics and callbacks are strict fakes (they are not under test).
 */
import { createServer } from 'node:net';
import { ConfigService } from '@nestjs/config';
import { validateEnvironment } from '../config/validate-environment';
import type { AppConfigService } from '../config/config.module';
import type { CallbackService } from '../callback/callback.service';
import type { MetricsService } from '../observability/metrics.service';
import type { AiService } from '../ai/ai.service';
import { TemporalService } from './temporal.service';
import type { RunnerWorkerFactory } from './temporal.tokens';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function build(address: string, factory: RunnerWorkerFactory) {
  const config = new ConfigService(
    validateEnvironment({ TEMPORAL_SERVICE_ADDRESS: address }),
  ) as unknown as AppConfigService;
  const states: string[] = [];
  const metrics = { workerState: (s: string) => states.push(s) } as unknown as MetricsService;
  const callback = {} as CallbackService;
  const ai = { activityDeps: () => ({ ai: {}, catalogs: {} }) } as unknown as AiService;
  return { service: new TemporalService(config, metrics, callback, factory, ai), states };
}

describe('TemporalService', () => {
  it('reports an unreachable Temporal in health, retries the worker, and shuts down cleanly', async () => {
    const port = await closedPort();
    const factory: RunnerWorkerFactory = () =>
      Promise.reject(new Error('factory must not be reached without a connection'));
    const { service, states } = build(`127.0.0.1:${port}`, factory);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(service.checkConnection(1000)).rejects.toBeDefined();
      service.onApplicationBootstrap();
      // Wait for the first failure to be recorded (the supervisor then backs off before retrying).
      for (let i = 0; i < 200 && service.workerStatus().phase !== 'restarting'; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(service.workerStatus()).toMatchObject({ phase: 'restarting', lastError: expect.any(String) });
      expect(service.isWorkerRunning()).toBe(false);
      const started = Date.now();
      await service.beforeApplicationShutdown('SIGTERM');
      await service.onApplicationShutdown();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(service.workerStatus().phase).toBe('stopped');
      expect(states).toEqual(expect.arrayContaining(['INITIALIZED', 'FAILED', 'STOPPED']));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
