/**
 * The embedded PostgreSQL (PGlite with pgvector) of VECTOR_STORE_DIR, run in a worker thread and reached
 * through `pg` over a Unix socket in a private (0700) temporary directory: PGlite's socket server speaks
 * the PostgreSQL wire protocol. So the embedded store and a real server share one SQL path, and PGlite's
 * WebAssembly, which runs synchronously, never blocks the thread that runs workflows and heartbeats.
 *
 * The thread's code is a short CommonJS script evaluated as is (no build step), so it runs the same
 * from compiled output, from ts-node and under Jest; the packages it needs are resolved here.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EmbeddedPostgres {
  /** `pg` connection settings: the socket directory as host. */
  readonly connection: { host: string; port: number; user: string; database: string };
  stop(): Promise<void>;
}

/**
 * Connections the socket server accepts: the store's pool keeps one (vector-backends.ts says why); the
 * others let a broken connection be replaced while the server still holds the old one.
 */
export const EMBEDDED_MAX_CONNECTIONS = 4;
const PORT = 5432;

const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.modules.pglite);
const { vector } = require(workerData.modules.pgvector);
const { PGLiteSocketServer } = require(workerData.modules.socket);
(async () => {
  const db = await PGlite.create(workerData.dataDir, { extensions: { vector } });
  const server = new PGLiteSocketServer({ db, path: workerData.socketPath, maxConnections: workerData.maxConnections });
  await server.start();
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    parentPort.postMessage({ stopped: true });
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ error: String((e && e.message) || e) }));
`;

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  // Socket paths are limited to about 100 bytes, so the socket lives in a short private directory.
  const socketDir = mkdtempSync(join(tmpdir(), 'runner-pg-'));
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: {
      dataDir: dir,
      socketPath: join(socketDir, `.s.PGSQL.${PORT}`),
      maxConnections: EMBEDDED_MAX_CONNECTIONS,
      modules: {
        pglite: require.resolve('@electric-sql/pglite'),
        pgvector: require.resolve('@electric-sql/pglite-pgvector'),
        socket: require.resolve('@electric-sql/pglite-socket'),
      },
    },
  });
  const cleanup = () => rmSync(socketDir, { recursive: true, force: true });
  try {
    await new Promise<void>((ready, fail) => {
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`the embedded PostgreSQL thread exited (${code})`)));
      worker.on('message', (message: { ready?: boolean; error?: string }) => {
        if (message.ready) ready();
        else if (message.error) fail(new Error(`the embedded PostgreSQL did not start: ${message.error}`));
      });
    });
  } catch (e) {
    await worker.terminate();
    cleanup();
    throw e;
  }
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  // A thread that dies later surfaces as connection errors on the next query; it must not crash the process.
  worker.on('error', () => undefined);
  return {
    connection: { host: socketDir, port: PORT, user: 'postgres', database: 'postgres' },
    stop: async () => {
      const stopped = new Promise<void>((done) => {
        worker.on('message', (m: { stopped?: boolean }) => m.stopped && done());
        worker.once('exit', () => done());
      });
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
      cleanup();
    },
  };
}
