import { Writable } from 'node:stream';
import { Runtime } from '@temporalio/worker';
import { register, Registry } from 'prom-client';
import { createRootLogger } from './logging';
import { TemporalMetricsBridge } from './temporal-metrics.bridge';
import { TemporalTelemetry, temporalLoggerFor } from './temporal-telemetry';

describe('TemporalMetricsBridge', () => {
  const meta = (name: string, kind: 'counter' | 'gauge' | 'histogram' | 'up-down-counter') => ({
    name,
    kind,
    valueType: 'int' as const,
  });

  it('maps each Temporal metric kind onto the matching Prometheus type', async () => {
    const registry = new Registry();
    const bridge = new TemporalMetricsBridge(registry);
    const counter = meta('temporal_workflow_completed', 'counter');
    const slots = meta('temporal_worker_task_slots_available', 'gauge');
    const latency = meta('temporal_activity_execution_latency', 'histogram');
    const inflight = meta('temporal_num_pollers', 'up-down-counter');
    bridge.apply([
      { metric: counter, value: 1, attributes: { task_queue: 'q', namespace: 'default' } },
      { metric: counter, value: 2, attributes: { task_queue: 'q', namespace: 'default' } },
      { metric: slots, value: 5, attributes: { worker_type: 'WorkflowWorker' } },
      { metric: slots, value: 3, attributes: { worker_type: 'WorkflowWorker' } },
      { metric: latency, value: 0.2, attributes: {} },
      { metric: inflight, value: 2, attributes: {} },
      { metric: inflight, value: -1, attributes: {} },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('temporal_workflow_completed{task_queue="q",namespace="default"} 3');
    expect(text).toContain('temporal_worker_task_slots_available{worker_type="WorkflowWorker"} 3');
    expect(text).toContain('temporal_activity_execution_latency_count 1');
    expect(text).toContain('temporal_num_pollers 1');
  });

  it('keeps the first label set and never throws on new attributes or clashing names', async () => {
    const registry = new Registry();
    const bridge = new TemporalMetricsBridge(registry);
    const m = meta('temporal.odd-name', 'counter');
    bridge.apply([{ metric: m, value: 1, attributes: { a: 'x' } }]);
    expect(() => bridge.apply([{ metric: m, value: 1, attributes: { a: 'x', b: 'y' } }])).not.toThrow();
    expect(await registry.metrics()).toContain('temporal_odd_name{a="x"} 2');
  });
});

describe('TemporalTelemetry', () => {
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });

  it('installs the Temporal runtime with buffered metrics and drains them into the default registry', async () => {
    const root = createRootLogger({ logLevel: 'error', pretty: false, metricsPort: false, logDestination: quiet });
    const telemetry = new TemporalTelemetry({ logLevel: 'error', pretty: false, metricsPort: false }, root);
    try {
      expect(telemetry.installed).toBe(true);
      // A metric emitted through the runtime's meter travels the same path as the worker's own metrics.
      Runtime.instance().metricMeter.createCounter('runner_probe_total').add(4, { probe: 'yes' });
      let text = '';
      for (let i = 0; i < 50 && !text.includes('runner_probe_total'); i++) {
        telemetry.drain();
        text = await register.metrics();
        if (!text.includes('runner_probe_total')) await new Promise((r) => setImmediate(r));
      }
      expect(text).toMatch(
        /temporal_runner_probe_total\{[^}]*probe="yes"[^}]*\} 4|runner_probe_total\{[^}]*probe="yes"[^}]*\} 4/,
      );
      // A second install in the same process is refused by the SDK; the runner logs and carries on.
      const second = new TemporalTelemetry({ logLevel: 'error', pretty: false, metricsPort: false }, root);
      expect(second.installed).toBe(false);
    } finally {
      telemetry.onModuleDestroy();
      await Runtime.instance().shutdown?.();
    }
  });

  it('writes Temporal SDK logs through pino with the workflow id as execution id', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = temporalLoggerFor(
      createRootLogger({ logLevel: 'debug', pretty: false, metricsPort: false, logDestination: stream }),
    );
    logger.info('Activity completed', { workflowId: 'exec-9', activityType: 'callHttp' });
    logger.debug('poll', {});
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({
      level: 'info',
      msg: 'Activity completed',
      executionId: 'exec-9',
      activityType: 'callHttp',
      context: 'Temporal',
    });
    expect(parsed[1]).toMatchObject({ level: 'debug', msg: 'poll' });
  });
});
