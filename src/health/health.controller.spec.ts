import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { CallbackHealthIndicator } from './callback.health';
import { HealthController } from './health.controller';
import { CALLBACK_PROBE, type CallbackProbe, TEMPORAL_PROBE, type TemporalProbe } from './health.tokens';
import { LivenessIndicator } from './liveness.health';
import { TemporalHealthIndicator, WorkerHealthIndicator } from './temporal.health';

/** Members Nest itself probes on every provider (lifecycle hooks); absent on a mock. */
const NEST_PROBED = new Set([
  'then',
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

/** A mock that fails loudly on any member the test did not define. */
function strictMock<T extends object>(impl: Partial<T>): T {
  return new Proxy(impl as T, {
    get(target, prop) {
      if (prop in target) return (target as any)[prop];
      if (typeof prop === 'symbol' || NEST_PROBED.has(prop)) return undefined;
      throw new Error(`unexpected call: ${String(prop)}`);
    },
  });
}

describe('HealthController (HTTP)', () => {
  let app: INestApplication;
  let base: string;
  let temporal: { reachable: boolean | 'hang'; running: boolean; deadlines: number[] };
  let callbackState: ReturnType<CallbackProbe['state']>;

  beforeEach(async () => {
    temporal = { reachable: true, running: true, deadlines: [] };
    callbackState = {
      endpoint: 'stigmer:443',
      connected: false,
      lastError: 'UNAVAILABLE: connection refused',
      queued: 3,
    };
    const temporalProbe = strictMock<TemporalProbe>({
      checkConnection: (deadlineMs: number) => {
        temporal.deadlines.push(deadlineMs);
        if (temporal.reachable === 'hang') return new Promise<void>(() => undefined);
        return temporal.reachable
          ? Promise.resolve()
          : Promise.reject(new Error('14 UNAVAILABLE: No connection established'));
      },
      isWorkerRunning: () => temporal.running,
    });
    const callbackProbe = strictMock<CallbackProbe>({ state: () => callbackState });
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        LivenessIndicator,
        TemporalHealthIndicator,
        WorkerHealthIndicator,
        CallbackHealthIndicator,
        { provide: TEMPORAL_PROBE, useValue: temporalProbe },
        { provide: CALLBACK_PROBE, useValue: callbackProbe },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterEach(() => app.close());

  const get = async (path: string) => {
    const res = await fetch(`${base.replace('[::1]', '127.0.0.1')}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('is ready when Temporal answers and the worker runs; the callback state is reported', async () => {
    const { status, body } = await get('/health/ready');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.temporal.status).toBe('up');
    expect(body.info.worker.status).toBe('up');
    expect(body.info.callback).toMatchObject({
      status: 'up',
      enabled: true,
      connected: false,
      queued: 3,
      lastError: 'UNAVAILABLE: connection refused',
    });
    expect(temporal.deadlines).toEqual([2000]);
  });

  it('is not ready (503) when Temporal is unreachable, but stays alive', async () => {
    temporal.reachable = false;
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.temporal).toMatchObject({
      status: 'down',
      message: expect.stringContaining('UNAVAILABLE'),
    });
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(Object.keys(live.body.info)).toEqual(['process']);
  });

  it('is not ready when the worker stopped; /health reports the same checks', async () => {
    temporal.running = false;
    const { status, body } = await get('/health');
    expect(status).toBe(503);
    expect(body.error.worker).toEqual({ status: 'down', message: 'the Temporal worker is not running' });
    expect(body.details.temporal.status).toBe('up');
  });

  it('answers within the deadline when the Temporal RPC hangs', async () => {
    temporal.reachable = 'hang';
    const started = Date.now();
    const { status, body } = await get('/health/ready');
    expect(status).toBe(503);
    expect(body.error.temporal.message).toMatch(/no answer within 2000 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports disabled callbacks as up and disabled', async () => {
    callbackState = { endpoint: '', connected: false, queued: 0 };
    const { status, body } = await get('/health/ready');
    expect(status).toBe(200);
    expect(body.info.callback).toEqual({ status: 'up', enabled: false, connected: false, queued: 0 });
  });
});
