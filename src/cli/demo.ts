/**
 * `npm run demo` (scripts/demo.sh): the whole system on one machine, bounded in time.
 *   1. an embedded Temporal dev server with its Web UI,
 *   2. a local progress sink (a real gRPC report_progress server) printing every event,
 *   3. the demo inventory HTTP service,
 *   4. the runner service (`workflow-runner serve`) pointed at all three,
 * then examples/order-processing.yaml goes through the runner's execute RPC; the demo prints the
 * events and the final status and shuts everything down (or keeps it running with --keep).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { WorkflowRunnerCommandControllerClient } from '../generated/ai/stigmer/workflow/runner/v1/command';
import type { ExecuteResponse } from '../generated/ai/stigmer/workflow/runner/v1/io';
import { freePort, startDevServer, stopProcess, type DevServer } from '../temporal/dev-server';
import { demoKeyDir, showEncryption } from './demo-codec';
import { startInventoryServer, type InventoryServer } from './demo-inventory';
import { type ProgressSink, type SinkEvent, startProgressSink } from './progress-sink';

const root = resolve(__dirname, '..', '..');
const DEMO_API_KEY = 'demo-api-key';
const TERMINAL = new Set(['workflow_completed', 'workflow_failed', 'workflow_cancelled']);

interface Ports {
  grpc: number;
  health: number;
  metrics: number;
}

interface Running {
  temporal?: DevServer;
  sink?: ProgressSink;
  inventory?: InventoryServer;
  runner?: ChildProcess;
}

const say = (text: string) => process.stdout.write(`${text}\n`);

function formatSinkEvent(e: SinkEvent): string {
  const task = e.taskName ? `  ${e.taskName} (${e.taskPosition})` : '';
  const attempt = e.attempt > 1 ? `  attempt ${e.attempt}` : '';
  const error = e.error ? `  ${e.error.title || e.error.type}: ${e.error.detail}` : '';
  return `  [${String(e.sequence).padStart(3)}] ${e.eventType.padEnd(19)}${task}${attempt}${error}`;
}

async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  gone?: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = gone?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
}

function startRunner(env: Record<string, string>, logFile: string): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [join(root, 'bin', 'workflow-runner.js'), 'serve'], {
    cwd: root,
    env: { ...process.env, ...env, WORKFLOW_RUNNER_FROM_SOURCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

function execute(
  address: string,
  request: Parameters<WorkflowRunnerCommandControllerClient['execute']>[0],
): Promise<ExecuteResponse> {
  const client = new WorkflowRunnerCommandControllerClient(address, credentials.createInsecure());
  return new Promise<ExecuteResponse>((resolveCall, reject) => {
    client.execute(request, new Metadata(), { deadline: Date.now() + 15_000 }, (err, response) => {
      client.close();
      if (err) reject(err);
      else resolveCall(response);
    });
  });
}

async function startEverything(running: Running, ports: Ports, logFile: string): Promise<void> {
  say('starting the embedded Temporal dev server (Web UI on)...');
  running.temporal = await startDevServer({ headless: false, uiCodecEndpoint: codecUrl(ports) });
  say(`  Temporal frontend  ${running.temporal.address}`);
  say(`  Temporal Web UI    ${running.temporal.uiUrl}`);
  running.sink = await startProgressSink({ apiKey: DEMO_API_KEY, onEvent: (e) => say(formatSinkEvent(e)) });
  say(`  progress sink      ${running.sink.address} (gRPC report_progress, Bearer checked)`);
  running.inventory = await startInventoryServer();
  say(`  inventory service  ${running.inventory.url} (answers 503 once, to show a retry)`);
  say(`starting the runner (workflow-runner serve; log: ${logFile})...`);
  const runner = startRunner(
    {
      TEMPORAL_SERVICE_ADDRESS: running.temporal.address,
      TEMPORAL_TASK_QUEUE: `workflow-runner-demo-${randomUUID().slice(0, 8)}`,
      STIGMER_SERVICE_ENDPOINT: running.sink.address,
      STIGMER_SERVICE_API_KEY: DEMO_API_KEY,
      STIGMER_SERVICE_USE_TLS: 'false',
      GRPC_PORT: String(ports.grpc),
      HEALTH_PORT: String(ports.health),
      METRICS_PORT: String(ports.metrics),
      LOG_LEVEL: 'info',
      // Payloads encrypted in history; the local Web UI (no login) decodes them through /codec.
      PAYLOAD_ENCRYPTION_KEYS_DIR: demoKeyDir(),
      CODEC_SERVER_ALLOW_UNAUTHENTICATED: 'true',
      CODEC_SERVER_CORS_ORIGINS: uiOrigins(running.temporal.uiUrl),
    },
    logFile,
  );
  running.runner = runner;
  const exited = () =>
    runner.exitCode !== null ? `the runner exited with code ${runner.exitCode} (see ${logFile})` : undefined;
  await waitUntil(
    'runner ready',
    180_000,
    async () => (await fetch(`http://127.0.0.1:${ports.health}/health/ready`)).ok,
    exited,
  );
  say(`  runner gRPC        127.0.0.1:${ports.grpc}`);
  say(`  health             http://127.0.0.1:${ports.health}/health`);
  say(`  metrics            http://127.0.0.1:${ports.metrics}/metrics`);
  say(`  codec server       ${codecUrl(ports)} (the Web UI decodes encrypted payloads here)`);
}

const codecUrl = (ports: Ports): string => `http://127.0.0.1:${ports.health}/codec`;

/** The Web UI's origins (a browser may open it as 127.0.0.1 or as localhost). */
function uiOrigins(uiUrl: string | undefined): string {
  if (!uiUrl) return '';
  const { port } = new URL(uiUrl);
  return `http://127.0.0.1:${port},http://localhost:${port}`;
}

async function runExample(running: Running, ports: Ports, timeoutMs: number): Promise<SinkEvent> {
  const yaml = readFileSync(join(root, 'examples', 'order-processing.yaml'), 'utf8');
  const input = JSON.parse(readFileSync(join(root, 'examples', 'order-processing.input.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  input.inventoryUrl = running.inventory!.url;
  const executionId = `demo-order-${randomUUID().slice(0, 8)}`;
  say(`\nexecute ${executionId}: examples/order-processing.yaml through the runner's gRPC API`);
  const response = await execute(`127.0.0.1:${ports.grpc}`, {
    executionId,
    workflowYaml: yaml,
    inputJson: JSON.stringify(input),
    environment: [],
    metadata: { origin: 'demo' },
  });
  say(`  started: Temporal workflow ${response.executionId}, run ${response.runId}`);
  say(`  see it in the Web UI: ${running.temporal!.uiUrl}/namespaces/default/workflows/${executionId}\n`);
  return running.sink!.waitFor((e) => e.executionId === executionId && TERMINAL.has(e.eventType), timeoutMs);
}

async function printMetrics(ports: Ports): Promise<void> {
  const text = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
  const lines = text
    .split('\n')
    .filter((l) => /^workflow_runner_(executions_finished_total|tasks_total|callback_calls_total)/.test(l));
  const temporalSeries = new Set(
    text
      .split('\n')
      .filter((l) => l.startsWith('temporal_'))
      .map((l) => l.split(/[{ ]/)[0]),
  ).size;
  say('\nmetrics (excerpt):');
  for (const l of lines) say(`  ${l}`);
  say(`  ...and ${temporalSeries} Temporal worker metric series`);
}

async function shutdown(running: Running): Promise<void> {
  say('\nshutting down...');
  if (running.runner) await stopProcess(running.runner, 40_000);
  await running.sink?.close();
  await running.inventory?.close();
  await running.temporal?.stop();
}

export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { keep: { type: 'boolean' }, timeout: { type: 'string', default: '300' } },
  });
  const totalMs = Number(values.timeout) * 1000;
  if (!Number.isFinite(totalMs) || totalMs <= 0) throw new Error('--timeout must be a number of seconds');
  const running: Running = {};
  const ports: Ports = { grpc: await freePort(), health: await freePort(), metrics: await freePort() };
  const logFile = join(mkdtempSync(join(tmpdir(), 'workflow-runner-demo-')), 'runner.log');
  const guard = setTimeout(() => {
    process.stderr.write(`demo: not finished within ${values.timeout} s, stopping\n`);
    void shutdown(running).finally(() => process.exit(1));
  }, totalMs);
  let code = 1;
  try {
    await startEverything(running, ports, logFile);
    const last = await runExample(running, ports, totalMs);
    say(
      `\nfinal status: ${last.status} (${last.eventType}, ${running.sink!.events.filter((e) => e.executionId === last.executionId).length} events)`,
    );
    if (last.outputSummary) say(`output: ${last.outputSummary}`);
    if (last.error) say(`error: ${last.error.title || last.error.type}: ${last.error.detail}`);
    await printMetrics(ports);
    await showEncryption(running.temporal!.address, codecUrl(ports), last.executionId, say);
    code = last.eventType === 'workflow_completed' ? 0 : 1;
    if (values.keep) {
      clearTimeout(guard);
      say(`\neverything keeps running (--keep); Temporal Web UI: ${running.temporal!.uiUrl}. Ctrl-C stops it.`);
      await new Promise<void>((r) => process.once('SIGINT', () => r()));
    }
  } catch (err) {
    process.stderr.write(`demo failed: ${(err as Error).message}\n`);
    if (running.runner) process.stderr.write(`runner log: ${logFile}\n`);
  } finally {
    clearTimeout(guard);
    await shutdown(running);
  }
  return code;
}

if (require.main === module) {
  demo(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`demo failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
