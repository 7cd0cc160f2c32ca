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
import type { ResourceUsage } from './measure';

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
  const exited = once(child, 'exit');
  await waitReady(healthPort, child, () => tail);
  const coldStartMs = performance.now() - started;
  const sampler = new ProcSampler(child.pid ?? 0);
  return {
    name: 'zigflow',
    taskQueue,
    coldStartMs,
    usage: async (request = {}) => sampler.read(request.reset === true),
    output: () => tail,
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

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU time and peak RSS of another process, from /proc. */
class ProcSampler {
  private cpuStart: number;
  private peakRss = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.cpuStart = this.cpuMs();
    this.sample();
    this.timer = setInterval(() => this.sample(), 50);
    this.timer.unref();
  }

  read(reset: boolean): ResourceUsage {
    this.sample();
    const now = this.cpuMs();
    const usage = { cpuMs: now - this.cpuStart, peakRssMb: this.peakRss / 2 ** 20, peakHeapMb: NaN };
    if (reset) {
      this.cpuStart = now;
      this.peakRss = 0;
    }
    return usage;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private cpuMs(): number {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return 0;
    }
  }

  private sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      this.peakRss = Math.max(this.peakRss, kb * 1024);
    } catch {
      // The process has exited.
    }
  }
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
