/**
 * CallbackService against a real grpc-js server standing in for the Stigmer Service (test/support/fake-stigmer).
 * Only MetricsService is a strict fake: the metric registry is not what these tests are about.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FakeStigmer } from '../../test/support/fake-stigmer';
import { ConfigModule } from '../config/config.module';
import { MetricsService } from '../observability/metrics.service';
import { CallbackService } from './callback.service';
import { STIGMER_CLIENT_FACTORY } from './callback.tokens';
import { newProgressEvent } from './progress-event';
import { StigmerClient, type StigmerClientOptions } from './stigmer-client';

const API_KEY = 'stigmer-api-key-0123456789';
const TLS_DIR = join(__dirname, '../../test/service/fixtures/tls');

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private push = (...args: unknown[]) => this.lines.push(JSON.stringify(args));
  log = this.push;
  error = this.push;
  warn = this.push;
  debug = this.push;
  verbose = this.push;
}

function strictMetrics() {
  const calls: Array<[string, number]> = [];
  const givenUp: Array<[string, number]> = [];
  let retries = 0;
  const metrics = {
    callbackCall: (code: string, seconds: number) => calls.push([code, seconds]),
    callbackRetry: () => (retries += 1),
    callbackGivenUp: (reason: string, count: number) => givenUp.push([reason, count]),
    callbackResent: () => undefined,
    callbackBacklog: () => undefined,
  };
  // Any other MetricsService method is unexpected here: fail loudly (Nest's lifecycle probes are not).
  const proxy = new Proxy(metrics, {
    get: (target, prop) => {
      if (prop in target) return target[prop as keyof typeof target];
      if (typeof prop === 'string' && prop in MetricsService.prototype)
        throw new Error(`unexpected MetricsService.${prop}`);
      return undefined;
    },
  });
  return { proxy, calls, givenUp, retries: () => retries };
}

async function build(env: Record<string, string>) {
  const logger = new CapturingLogger();
  const metrics = strictMetrics();
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ env: { TEMPORAL_SERVICE_ADDRESS: 'localhost:7233', ...env } })],
    providers: [
      CallbackService,
      { provide: MetricsService, useValue: metrics.proxy },
      { provide: STIGMER_CLIENT_FACTORY, useValue: (o: StigmerClientOptions) => new StigmerClient(o) },
    ],
  })
    .setLogger(logger)
    .compile();
  return { service: moduleRef.get(CallbackService), logger, metrics, moduleRef };
}

const event = (executionId: string, sequence: number) =>
  newProgressEvent(executionId, 'task_started', 'order-flow', 'running', `step ${sequence}`, sequence, {
    taskName: 't',
    taskPosition: `/do/${sequence}/t`,
  });

describe('CallbackService (real gRPC receiver)', () => {
  let fake: FakeStigmer;
  beforeEach(async () => {
    fake = await new FakeStigmer().start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  const env = () => ({
    STIGMER_SERVICE_ENDPOINT: fake.address,
    STIGMER_SERVICE_API_KEY: API_KEY,
    STIGMER_SERVICE_USE_TLS: 'false',
    CALLBACK_INITIAL_BACKOFF: '5ms',
    CALLBACK_MAX_BACKOFF: '40ms',
    CALLBACK_TIMEOUT: '2s',
  });

  it('delivers events in order with the Bearer header and every field', async () => {
    const { service, metrics, moduleRef } = await build(env());
    for (let s = 1; s <= 5; s++) service.report(event('exec-1', s));
    await fake.waitFor((f) => f.accepted.length === 5);
    expect(await service.flush(5000)).toBe(true);
    expect(fake.accepted.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(fake.calls.every((c) => c.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(fake.accepted[0]).toMatchObject({
      executionId: 'exec-1',
      eventId: 'exec-1:1',
      eventType: 'task_started',
      status: 'running',
      workflowName: 'order-flow',
      taskName: 't',
      taskPosition: '/do/1/t',
      message: 'step 1',
    });
    expect(fake.accepted[0].timestamp).toBeInstanceOf(Date);
    expect(metrics.calls.map(([code]) => code)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    expect(service.state()).toMatchObject({ endpoint: fake.address, connected: true, queued: 0 });
    await moduleRef.close();
  });

  it('retries transient codes with backoff and keeps the order; never logs the key', async () => {
    // Every odd call fails with a different transient code.
    const transient = [
      status.UNAVAILABLE,
      status.DEADLINE_EXCEEDED,
      status.RESOURCE_EXHAUSTED,
      status.ABORTED,
      status.INTERNAL,
    ];
    fake.responder = (_e, i) => (i % 2 === 0 ? transient[(i / 2) % transient.length] : status.OK);
    const { service, metrics, logger, moduleRef } = await build(env());
    for (let s = 1; s <= 6; s++) service.report(event('exec-2', s));
    await fake.waitFor((f) => f.accepted.length === 6);
    expect(await service.flush(5000)).toBe(true);
    expect(fake.accepted.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(metrics.retries()).toBe(6);
    expect(service.state().lastError).toBeDefined();
    expect(logger.lines.some((l) => l.includes('retrying'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(API_KEY);
    await moduleRef.close();
  });

  it('retries UNAUTHENTICATED (a key rotation) until the receiver accepts; nothing is skipped; the key is never logged', async () => {
    // The receiver refuses the first three calls, then accepts: the events arrive in order, none missing.
    fake.responder = (_e, i) => (i < 3 ? status.UNAUTHENTICATED : status.OK);
    const { service, logger, metrics, moduleRef } = await build(env());
    service.report(event('exec-3', 1));
    service.report(event('exec-3', 2));
    await fake.waitFor((f) => f.accepted.length === 2);
    expect(fake.calls.map((c) => [c.event.sequence, status[c.code]])).toEqual([
      [1, 'UNAUTHENTICATED'],
      [1, 'UNAUTHENTICATED'],
      [1, 'UNAUTHENTICATED'],
      [1, 'OK'],
      [2, 'OK'],
    ]);
    expect(metrics.givenUp).toEqual([]);
    expect(logger.lines.some((l) => l.includes('retrying'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(API_KEY);
    await moduleRef.close();
  });

  it('catches up after the receiver comes back', async () => {
    const port = fake.port;
    await fake.stop();
    const { service, moduleRef } = await build({ ...env(), STIGMER_SERVICE_ENDPOINT: `127.0.0.1:${port}` });
    service.report(event('exec-4', 1));
    service.report(event('exec-4', 2));
    // The first attempts fail (connection refused); the queue holds the events meanwhile.
    const down = service.state();
    expect(down.queued).toBe(2);
    fake = await new FakeStigmer().start(port);
    await fake.waitFor((f) => f.accepted.length === 2);
    expect(fake.accepted.map((e) => e.sequence)).toEqual([1, 2]);
    await moduleRef.close();
  });

  it('is disabled without an endpoint and says so once', async () => {
    const { service, logger, moduleRef } = await build({});
    service.report(event('exec-5', 1));
    expect(service.enabled).toBe(false);
    expect(service.state()).toEqual({ endpoint: '', connected: false, queued: 0 });
    expect(logger.lines.filter((l) => l.includes('progress callbacks are disabled'))).toHaveLength(1);
    await moduleRef.close();
  });
});

describe('CallbackService over TLS (certificate verification always on)', () => {
  const tls = { cert: readFileSync(join(TLS_DIR, 'server.pem')), key: readFileSync(join(TLS_DIR, 'server.key')) };
  let fake: FakeStigmer;
  beforeEach(async () => {
    fake = await new FakeStigmer(tls).start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  const env = (extra: Record<string, string>) => ({
    STIGMER_SERVICE_ENDPOINT: `localhost:${fake.port}`,
    STIGMER_SERVICE_API_KEY: API_KEY,
    CALLBACK_INITIAL_BACKOFF: '5ms',
    CALLBACK_MAX_BACKOFF: '20ms',
    CALLBACK_MAX_ATTEMPTS: '3',
    CALLBACK_TIMEOUT: '2s',
    ...extra,
  });

  it('delivers to a server whose certificate chains to STIGMER_SERVICE_CA_FILE', async () => {
    const { service, moduleRef } = await build(env({ STIGMER_SERVICE_CA_FILE: join(TLS_DIR, 'ca.pem') }));
    service.report(event('tls-1', 1));
    await fake.waitFor((f) => f.accepted.length === 1);
    expect(fake.calls[0].authorization).toBe(`Bearer ${API_KEY}`);
    await moduleRef.close();
  });

  it('refuses a certificate the system roots do not trust: nothing is sent', async () => {
    const { service, metrics, moduleRef } = await build(env({}));
    service.report(event('tls-2', 1));
    expect(await service.flush(10_000)).toBe(true);
    expect(fake.calls).toHaveLength(0);
    expect(metrics.calls.map(([code]) => code)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
    // CALLBACK_MAX_ATTEMPTS=3: the event is given up, and counted.
    expect(metrics.givenUp).toEqual([['attempts', 1]]);
    expect(service.state()).toMatchObject({ connected: false, lastError: expect.stringMatching(/^UNAVAILABLE/) });
    await moduleRef.close();
  });
});
