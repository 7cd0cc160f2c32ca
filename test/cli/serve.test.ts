/**
 * `workflow-runner serve` as a real process against the test run's Temporal dev server and a real
 * gRPC progress sink: readiness on the health port, Prometheus metrics on their own port (runner,
 * Node and Temporal worker series), JSON logs with the execution id and without the API key, and a
 * clean exit 0 on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { startProgressSink, type ProgressSink } from '../../src/cli/progress-sink';
import { WorkflowRunnerCommandControllerClient } from '../../src/generated/ai/stigmer/workflow/runner/v1/command';
import type { ExecuteResponse } from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { freePort } from '../../src/temporal/dev-server';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const API_KEY = `test-key-${randomUUID()}`;

async function until(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  exited: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`${what}: the runner exited`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

function execute(address: string, executionId: string, yaml: string): Promise<ExecuteResponse> {
  const client = new WorkflowRunnerCommandControllerClient(address, credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.execute(
      { executionId, workflowYaml: yaml, inputJson: '{"name":"Grace"}', environment: [], metadata: {} },
      new Metadata(),
      { deadline: Date.now() + 20_000 },
      (err, res) => {
        client.close();
        if (err) reject(err);
        else resolve(res);
      },
    ),
  );
}

describe('workflow-runner serve', () => {
  let sink: ProgressSink;
  let runner: ChildProcess;
  let output = '';
  let exitCode: number | null = null;
  const ports = { grpc: 0, health: 0, metrics: 0 };

  beforeAll(async () => {
    sink = await startProgressSink({ apiKey: API_KEY });
    ports.grpc = await freePort();
    ports.health = await freePort();
    ports.metrics = await freePort();
    runner = spawn(process.execPath, [join(root, 'bin', 'workflow-runner.js'), 'serve'], {
      cwd: root,
      env: {
        ...process.env,
        WORKFLOW_RUNNER_FROM_SOURCE: '1',
        NODE_ENV: 'production',
        TEMPORAL_SERVICE_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
        TEMPORAL_TASK_QUEUE: `serve-test-${randomUUID()}`,
        STIGMER_SERVICE_ENDPOINT: sink.address,
        STIGMER_SERVICE_API_KEY: API_KEY,
        STIGMER_SERVICE_USE_TLS: 'false',
        GRPC_PORT: String(ports.grpc),
        HEALTH_PORT: String(ports.health),
        METRICS_PORT: String(ports.metrics),
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    runner.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    runner.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    runner.on('exit', (code) => (exitCode = code));
    await until(
      'ready',
      150_000,
      async () => (await fetch(`http://127.0.0.1:${ports.health}/health/ready`)).ok,
      () => exitCode !== null,
    );
  });

  afterAll(async () => {
    if (exitCode === null) runner.kill('SIGKILL');
    await sink.close();
  });

  it('reports live and ready with Temporal, the worker and the callback endpoint', async () => {
    expect((await fetch(`http://127.0.0.1:${ports.health}/health/live`)).status).toBe(200);
    const body = (await (await fetch(`http://127.0.0.1:${ports.health}/health`)).json()) as any;
    expect(body.status).toBe('ok');
    expect(body.info.temporal.status).toBe('up');
    expect(body.info.worker.status).toBe('up');
    expect(body.info.callback).toMatchObject({ status: 'up', enabled: true, endpoint: sink.address });
    // Metrics are not on the health port.
    expect((await fetch(`http://127.0.0.1:${ports.health}/metrics`)).status).toBe(404);
  });

  it('runs a workflow: events reach the sink, metrics count it, logs carry the execution id and never the key', async () => {
    const executionId = `serve-${randomUUID()}`;
    const yaml =
      'document:\n  dsl: "1.0.0"\n  namespace: t\n  name: greet\n  version: "1.0.0"\ndo:\n  - greet:\n      set:\n        hi: ${ "Hi " + .name }\n';
    await execute(`127.0.0.1:${ports.grpc}`, executionId, yaml);
    const done = await sink.waitFor(
      (e) => e.executionId === executionId && e.eventType === 'workflow_completed',
      60_000,
    );
    const events = sink.events.filter((e) => e.executionId === executionId);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(done.outputSummary).toContain('Hi Grace');

    let metrics = '';
    await until(
      'metrics',
      20_000,
      async () => {
        metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
        return /workflow_runner_executions_finished_total\{status="completed"\} 1/.test(metrics);
      },
      () => exitCode !== null,
    );
    expect(metrics).toMatch(/workflow_runner_callback_calls_total\{code="OK"\} \d+/);
    expect(metrics).toMatch(/workflow_runner_tasks_total\{[^}]*outcome="completed"[^}]*\} 1/);
    expect(metrics).toMatch(/workflow_runner_worker_state\{state="RUNNING"\} 1/);
    expect(metrics).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(metrics).toMatch(/^temporal_\w+/m);

    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.executionId === executionId)).toBe(true);
    expect(output).not.toContain(API_KEY);
  });

  it('exits 0 on SIGTERM', async () => {
    runner.kill('SIGTERM');
    await until(
      'exit',
      60_000,
      async () => exitCode !== null,
      () => false,
    );
    expect(exitCode).toBe(0);
    expect(output).not.toContain(API_KEY);
  });
});
