/**
 * Everything a bench run needs: its own headless Temporal dev server, the local HTTP server, one runner
 * worker in a child process (so its CPU and memory are measured apart from the load generator) that
 * serves both the runner's workflow type and the hand-written workflows, and a client.
 */
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
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

export async function startBenchEnv(log: (line: string) => void): Promise<BenchEnv> {
  log('starting Temporal dev server');
  const server = await startDevServer({ headless: true });
  const http = await startLocalHttpServer();
  const taskQueue = `bench-${process.pid}`;
  log('starting worker (bundling workflows)');
  const worker = spawnWorkerProcess({
    address: server.address,
    taskQueue,
    progress: 'none',
    workflowsPath: resolve(__dirname, '..', 'handwritten', 'index.ts'),
    // BENCH_WORKER_NODE_FLAGS adds flags to the worker process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    nodeFlags: ['--expose-gc', ...(process.env.BENCH_WORKER_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [])],
  });
  await worker.ready;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
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
