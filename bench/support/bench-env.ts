/**
 * Everything a bench run needs: its own headless Temporal dev server, the local HTTP server, one runner
 * worker in a child process (so its CPU and memory are measured apart from the load generator) that
 * serves both the runner's workflow type and the hand-written workflows, a client, and optionally the
 * peer (Zigflow's worker, see peer-zigflow.ts) on its own task queue.
 *
 * The workflows are bundled once here and the worker loads the prebuilt bundle, as production images do
 * (`npm run build:bundle`), so the worker's start-up is its cold start.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { runnerDataConverter } from '../../src/codec/data-converter';
import { loadKeyRing } from '../../src/codec/key-ring';
import { type DevServer, startDevServer } from '../../src/temporal/dev-server';
import { workflowBundleOptions } from '../../src/temporal/worker-factory';
import {
  type ProcessExit,
  spawnWorkerProcess,
  type WorkerProcessHandle,
  type WorkerStartup,
} from '../../test/support/worker-process';
import { type LocalHttpServer, startLocalHttpServer } from './local-http';
import { ProcSampler, type ResourceUsage } from './measure';
import { type PeerWorker, startZigflowPeer } from './peer-zigflow';

export interface BenchEnv {
  server: DevServer;
  http: LocalHttpServer;
  worker: WorkerProcessHandle;
  /** The worker's start-up with the prebuilt bundle. */
  workerStartup: WorkerStartup;
  client: Client;
  taskQueue: string;
  peer?: PeerWorker;
  /** The dev server's CPU time since the last reset (it serves every variant alike). */
  serverUsage(options?: { reset?: boolean }): ResourceUsage;
  /**
   * Rejects when the runner's worker or the peer ends before `close`: measurements race it, so that the
   * bench stops with the reason instead of waiting for runs nobody will ever complete.
   */
  lost: Promise<never>;
  close(): Promise<void>;
}

export interface BenchEnvOptions {
  /** The Zigflow binary; no peer without it. */
  peerBinary?: string;
  /** Files under bench/zigflow/ the peer loads. */
  peerFiles?: string[];
  /** Dynamic config of the dev server (`--server-config KEY=JSON`); the default server when empty. */
  serverConfig?: Record<string, unknown>;
  /** Encrypt every payload (worker and client) with the runner's AES-256-GCM codec and a fresh key. */
  codec?: boolean;
}

const ignore = (): void => undefined;
const quietLogger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

/**
 * Compiles test/support/worker-process.ts and what it imports to dist/bench (no type check: tsc and lint
 * do that), so the worker runs and starts as compiled production code does, not through ts-node.
 */
function compileWorker(): string {
  const root = resolve(__dirname, '..', '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'bench/tsconfig.worker.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  return join(root, 'dist', 'bench', 'test', 'support', 'worker-process.js');
}

/** What every environment of one bench run shares: the workflow bundle and the compiled worker process. */
export interface BenchBuild {
  bundlePath: string;
  compiledEntry: string;
  close(): void;
}

/** Bundles the workflows once and compiles the worker process once, for every environment of the run. */
export async function buildBench(log: (line: string) => void): Promise<BenchBuild> {
  log('bundling workflows');
  const { code } = await bundleWorkflowCode({
    ...workflowBundleOptions(resolve(__dirname, '..', 'handwritten', 'index.ts')),
    logger: quietLogger,
  });
  const bundleDir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  log('compiling the worker process (bench/tsconfig.worker.json)');
  const compiledEntry = compileWorker();
  return { bundlePath, compiledEntry, close: () => rmSync(bundleDir, { recursive: true, force: true }) };
}

/**
 * A fresh environment: its own dev server (empty: the histories of earlier reference workflows, thousands
 * of Zigflow child workflows among them, do not weigh on the next one's server), worker and peer.
 */
export async function startBenchEnv(
  log: (line: string) => void,
  build: BenchBuild,
  options: BenchEnvOptions = {},
): Promise<BenchEnv> {
  const { bundlePath, compiledEntry } = build;
  const started: Array<() => Promise<void>> = [];
  const payloadKeysDir = options.codec ? freshKeyDir() : undefined;
  if (payloadKeysDir) started.push(async () => rmSync(payloadKeysDir, { recursive: true, force: true }));
  let closing = false;
  const stopAll = async (): Promise<void> => {
    closing = true;
    for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    log('starting Temporal dev server');
    const server = await startDevServer({ headless: true, dynamicConfig: options.serverConfig });
    started.push(() => server.stop());
    const http = await startLocalHttpServer();
    started.push(() => http.close());
    const taskQueue = `bench-${process.pid}`;
    log('starting worker (compiled, prebuilt bundle, service telemetry)');
    const worker = spawnWorkerProcess({
      address: server.address,
      taskQueue,
      payloadKeysDir,
      progress: 'none',
      workflowBundlePath: bundlePath,
      compiledEntry,
      telemetry: 'service',
      // BENCH_WORKER_NODE_FLAGS adds flags to the worker process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
      nodeFlags: ['--expose-gc', ...(process.env.BENCH_WORKER_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [])],
    });
    started.push(async () => {
      worker.kill('SIGTERM');
      await worker.exited;
    });
    await worker.ready;
    const workerStartup = worker.startup() as WorkerStartup;
    let peer: PeerWorker | undefined;
    if (options.peerBinary) {
      log(`starting peer: ${options.peerBinary}`);
      peer = await startZigflowPeer({
        binary: options.peerBinary,
        address: server.address,
        namespace: server.namespace,
        baseUrl: http.baseUrl,
        files: options.peerFiles ?? [],
      });
      started.push((peer as PeerWorker).close);
    }
    const connection = await Connection.connect({ address: server.address });
    started.push(() => connection.close());
    const dataConverter = payloadKeysDir ? runnerDataConverter(loadKeyRing(payloadKeysDir)) : undefined;
    const client = new Client({ connection, namespace: server.namespace, dataConverter });
    const serverSampler = new ProcSampler(server.process.pid ?? 0);
    started.push(async () => serverSampler.stop());
    const ended = (who: string, exited: Promise<ProcessExit>, tail: () => string) =>
      exited.then(({ code, signal }) => {
        if (!closing)
          throw new Error(`${who} ended during the bench (code ${code}, signal ${signal}): ${tail().slice(-1500)}`);
        return new Promise<never>(() => undefined);
      });
    const lost = Promise.race([
      ended("the runner's worker process", worker.exited, () => worker.stderr()),
      ...(peer ? [ended('the Zigflow peer', peer.exited, () => (peer as PeerWorker).output())] : []),
    ]);
    lost.catch(() => undefined);
    return {
      server,
      http,
      worker,
      workerStartup,
      client,
      taskQueue,
      peer,
      serverUsage: (request = {}) => serverSampler.read(request.reset === true),
      lost,
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function freshKeyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-payload-keys-'));
  writeFileSync(join(dir, 'bench'), randomBytes(32).toString('base64'));
  return dir;
}
