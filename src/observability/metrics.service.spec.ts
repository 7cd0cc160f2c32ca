import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import type { WorkflowProgressEvent } from '../temporal/contract';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';
import { ObservabilityModule } from './observability.module';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

function event(
  partial: Partial<WorkflowProgressEvent> & Pick<WorkflowProgressEvent, 'eventType'>,
): WorkflowProgressEvent {
  return {
    executionId: 'exec-1',
    eventId: 'exec-1:1',
    sequence: 1,
    status: 'running',
    workflowName: 'wf',
    timestamp: '2026-01-01T00:00:00.000Z',
    ...partial,
  };
}

/** The value of one sample in the exposition text, e.g. `sample('x_total', { code: 'OK' })`; the series name may carry a suffix. */
async function value(series: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await register.metrics();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== series) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('MetricsService', () => {
  let app: INestApplication;
  let metrics: MetricsService;
  let server: MetricsServer;

  beforeEach(async () => {
    register.resetMetrics();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({
          logLevel: 'error',
          pretty: false,
          metricsPort: 0,
          metricsHost: '127.0.0.1',
          temporalRuntime: false,
          logDestination: quiet,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    metrics = app.get(MetricsService);
    server = app.get(MetricsServer);
  });

  afterEach(async () => {
    await app.close();
  });

  it('reports the delivery backlog, resent and given-up events and recovered replicas', async () => {
    metrics.callbackBacklog(7, 12.5);
    metrics.callbackResent('memory', 3);
    metrics.callbackResent('recovered', 2);
    metrics.callbackGivenUp('age', 4);
    metrics.replicaRecovered();
    expect(await value('workflow_runner_callback_events_waiting')).toBe(7);
    expect(await value('workflow_runner_callback_oldest_waiting_seconds')).toBe(12.5);
    expect(await value('workflow_runner_callback_events_resent_total', { reason: 'memory' })).toBe(3);
    expect(await value('workflow_runner_callback_events_resent_total', { reason: 'recovered' })).toBe(2);
    expect(await value('workflow_runner_callback_events_given_up_total', { reason: 'age' })).toBe(4);
    expect(await value('workflow_runner_callback_replicas_recovered_total')).toBe(1);
    // Nothing waiting: the age reads 0, not the last oldest wait.
    metrics.callbackBacklog(0, 99);
    expect(await value('workflow_runner_callback_oldest_waiting_seconds')).toBe(0);
  });

  it('counts callback calls by code and observes their latency', async () => {
    metrics.callbackCall('OK', 0.02);
    metrics.callbackCall('OK', 0.03);
    metrics.callbackCall('UNAVAILABLE', 1.5);
    metrics.callbackRetry();
    expect(await value('workflow_runner_callback_calls_total', { code: 'OK' })).toBe(2);
    expect(await value('workflow_runner_callback_calls_total', { code: 'UNAVAILABLE' })).toBe(1);
    expect(await value('workflow_runner_callback_retries_total')).toBe(1);
    expect(await value('workflow_runner_callback_call_duration_seconds_count', { code: 'OK' })).toBe(2);
    expect(await value('workflow_runner_callback_call_duration_seconds_bucket', { code: 'UNAVAILABLE', le: '1' })).toBe(
      0,
    );
    expect(
      await value('workflow_runner_callback_call_duration_seconds_bucket', { code: 'UNAVAILABLE', le: '2.5' }),
    ).toBe(1);
  });

  it('derives execution and task metrics from progress events', async () => {
    metrics.progressEvent(event({ eventType: 'workflow_started' }));
    metrics.progressEvent({
      ...event({ eventType: 'task_completed', taskName: 'a', taskPosition: '/do/0/a' }),
      taskKind: 'set',
    });
    metrics.progressEvent(event({ eventType: 'task_failed', taskName: 'b', taskPosition: '/do/1/b' }));
    expect(await value('workflow_runner_executions_in_flight')).toBe(1);
    metrics.progressEvent(
      event({ eventType: 'workflow_completed', status: 'completed', timestamp: '2026-01-01T00:00:02.500Z' }),
    );

    expect(await value('workflow_runner_executions_started_total')).toBe(1);
    expect(await value('workflow_runner_executions_finished_total', { status: 'completed' })).toBe(1);
    expect(await value('workflow_runner_executions_in_flight')).toBe(0);
    expect(await value('workflow_runner_tasks_total', { kind: 'set', outcome: 'completed' })).toBe(1);
    expect(await value('workflow_runner_tasks_total', { kind: 'unknown', outcome: 'failed' })).toBe(1);
    expect(await value('workflow_runner_execution_duration_seconds_sum', { status: 'completed' })).toBeCloseTo(2.5);
  });

  it('counts a run whose start it never saw without a bogus duration', async () => {
    metrics.progressEvent(event({ executionId: 'other', eventType: 'workflow_cancelled', status: 'cancelled' }));
    expect(await value('workflow_runner_executions_finished_total', { status: 'cancelled' })).toBe(1);
    expect(await value('workflow_runner_execution_duration_seconds_count', { status: 'cancelled' })).toBeUndefined();
  });

  it('keeps exactly one worker state set', async () => {
    metrics.workerState('RUNNING');
    metrics.workerState('DRAINING');
    expect(await value('workflow_runner_worker_state', { state: 'RUNNING' })).toBe(0);
    expect(await value('workflow_runner_worker_state', { state: 'DRAINING' })).toBe(1);
  });

  it('serves /metrics on its own port with default Node metrics, and nothing else', async () => {
    metrics.executionFinished('failed', 1);
    const base = `http://127.0.0.1:${server.port}`;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toContain('workflow_runner_executions_finished_total{status="failed"} 1');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_heap_size_used_bytes');
    expect((await fetch(`${base}/health`)).status).toBe(404);
  });
});
