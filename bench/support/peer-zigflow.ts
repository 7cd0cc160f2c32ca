/**
 * The peer column: Zigflow (a Serverless Workflow runner in Go, on Temporal) running the same reference
 * workflows, converted to its dialect (bench/zigflow/*.yaml), on the same dev server and local HTTP server.
 * The binary is built outside the repository (bench/zigflow/build.sh) and passed with `--peer-zigflow PATH`
 * or BENCH_PEER_ZIGFLOW. Its CPU time and memory are read from /proc, as it is not a Node process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProcSampler, type ResourceUsage } from './measure';
import type { ProcessExit } from '../../test/support/worker-process';

/** The Zigflow binary given on the command line or in the environment, if any. */
export function peerZigflowBinary(argv: string[]): string | undefined {
  const i = argv.indexOf('--peer-zigflow');
  const path = i >= 0 ? argv[i + 1] : process.env.BENCH_PEER_ZIGFLOW;
  if (!path) return undefined;
  if (!existsSync(path)) throw new Error(`--peer-zigflow: no file at ${path} (build it with bench/zigflow/build.sh)`);
  return resolve(path);
}

export interface PeerWorker {
  readonly name: 'zigflow';
  readonly taskQueue: string;
  /** From spawning the process to its readiness endpoint answering 200 (workers started and polling). */
  readonly coldStartMs: number;
  /** CPU time since the last reset and peak RSS sampled every 50 ms, as the runner's worker reports them. */
  usage(options?: { reset?: boolean }): Promise<ResourceUsage>;
  /** The last lines it printed (for failure messages). */
  output(): string;
  /** Its exit code or signal once it has ended (for telling a crash from a deliberate close). */
  readonly exited: Promise<ProcessExit>;
  close(): Promise<void>;
}

interface PeerOptions {
  binary: string;
  address: string;
  namespace: string;
  baseUrl: string;
  /** YAML files under bench/zigflow/ to load. */
  files: string[];
}

/** Starts Zigflow's worker with the converted reference workflows and waits until it is ready. */
export async function startZigflowPeer(options: PeerOptions): Promise<PeerWorker> {
  const taskQueue = `bench-peer-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-zigflow-'));
  const fileArgs: string[] = [];
  for (const file of options.files) {
    const text = readFileSync(resolve(__dirname, '..', 'zigflow', file), 'utf8')
      .replace(/\{\{TASK_QUEUE\}\}/g, taskQueue)
      .replace(/\{\{BASE_URL\}\}/g, options.baseUrl);
    writeFileSync(join(dir, file), text);
    fileArgs.push('--file', join(dir, file));
  }
  const healthPort = await freePort();
  const metricsPort = await freePort();
  const started = performance.now();
  const child = spawn(
    options.binary,
    [
      'run',
      ...fileArgs,
      '--temporal-address',
      options.address,
      '--temporal-namespace',
      options.namespace,
      '--health-listen-address',
      `127.0.0.1:${healthPort}`,
      '--metrics-listen-address',
      `127.0.0.1:${metricsPort}`,
      '--disable-telemetry',
      // Activity errors (the injected 503s) are logged at error level; nothing below warn is printed.
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let tail = '';
  const keep = (d: Buffer): void => {
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit').then(([code, signal]): ProcessExit => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  await waitReady(healthPort, child, () => tail);
  const coldStartMs = performance.now() - started;
  const sampler = new ProcSampler(child.pid ?? 0);
  return {
    name: 'zigflow',
    taskQueue,
    coldStartMs,
    usage: async (request = {}) => sampler.read(request.reset === true),
    output: () => tail,
    exited,
    close: async () => {
      sampler.stop();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`zigflow exited before ready (${child.exitCode ?? child.signalCode}): ${output().slice(-1000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`zigflow was not ready within 60 s: ${output().slice(-1000)}`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
