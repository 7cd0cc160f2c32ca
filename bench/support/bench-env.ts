/**
 * Everything a bench run needs: its own headless Temporal dev server, the local HTTP server, one runner
 * worker in a child process (so its CPU and memory are measured apart from the load generator) that
 * serves both the runner's workflow type and the hand-written workflows, and a client.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { runnerDataConverter } from '../../src/codec/data-converter';
import { loadKeyRing } from '../../src/codec/key-ring';
import { type DevServer, startDevServer } from '../../src/temporal/dev-server';
import { spawnWorkerProcess, type WorkerProcessHandle } from '../../test/support/worker-process';
import { type LocalHttpServer, startLocalHttpServer } from './local-http';

export interface BenchEnv {
  server: DevServer;
  http: LocalHttpServer;
  worker: WorkerProcessHandle;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export interface BenchEnvOptions {
  /** Encrypt every payload (worker and client) with the runner's AES-256-GCM codec and a fresh key. */
  codec?: boolean;
}

export async function startBenchEnv(log: (line: string) => void, options: BenchEnvOptions = {}): Promise<BenchEnv> {
  const payloadKeysDir = options.codec ? freshKeyDir() : undefined;
  log('starting Temporal dev server');
  const server = await startDevServer({ headless: true });
  const http = await startLocalHttpServer();
  const taskQueue = `bench-${process.pid}`;
  log('starting worker (bundling workflows)');
  const worker = spawnWorkerProcess({
    address: server.address,
    taskQueue,
    payloadKeysDir,
    progress: 'none',
    workflowsPath: resolve(__dirname, '..', 'handwritten', 'index.ts'),
    // BENCH_WORKER_NODE_FLAGS adds flags to the worker process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    nodeFlags: ['--expose-gc', ...(process.env.BENCH_WORKER_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [])],
  });
  await worker.ready;
  const connection = await Connection.connect({ address: server.address });
  const dataConverter = payloadKeysDir ? runnerDataConverter(loadKeyRing(payloadKeysDir)) : undefined;
  const client = new Client({ connection, namespace: server.namespace, dataConverter });
  return {
    server,
    http,
    worker,
    client,
    taskQueue,
    close: async () => {
      worker.kill('SIGTERM');
      await worker.exited;
      await connection.close();
      await http.close();
      await server.stop();
    },
  };
}

function freshKeyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-payload-keys-'));
  writeFileSync(join(dir, 'bench'), randomBytes(32).toString('base64'));
  return dir;
}
