/**
 * A PostgreSQL server with pgvector as its own process, for the VECTOR_STORE_URL path: PGlite's socket
 * server (`pglite-server`) speaks the PostgreSQL wire protocol. A PostgreSQL installation is not
 * available here; this is the real protocol against a real PostgreSQL engine (compiled to WebAssembly).
 *
 * Unlike a real server, it is one database session shared by every connection, and it keeps a
 * connection's messages together only inside a transaction: clients must use one connection
 * ({@link POSTGRES_STAND_IN_POOL_SIZE}), as the runner's own embedded store does (vector-backends.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort, stopProcess } from '../../src/temporal/dev-server';

/** The `pg` pool size for clients of this stand-in (VECTOR_STORE_POOL_SIZE for a runner). */
export const POSTGRES_STAND_IN_POOL_SIZE = 1;

export interface PostgresServer {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function startPostgresServer(options: { dataDir?: string } = {}): Promise<PostgresServer> {
  const port = await freePort();
  // The package exports no subpaths: its `pglite-server` bin sits next to its main entry.
  const script = join(dirname(require.resolve('@electric-sql/pglite-socket')), 'scripts', 'server.js');
  const child = spawn(
    process.execPath,
    [
      script,
      `--port=${port}`,
      `--db=${options.dataDir ?? 'memory://'}`,
      '--extensions=@electric-sql/pglite-pgvector:vector',
      '--max-connections=8',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pglite-server exited (${child.exitCode}): ${output.slice(-2000)}`);
    const client = new Client({ connectionString: url });
    const up = await client
      .connect()
      .then(() => client.query('SELECT 1'))
      .then(
        () => true,
        () => false,
      );
    await client.end().catch(() => undefined);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`pglite-server not ready on ${port}: ${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, process: child, stop: () => stopProcess(child, 10_000) };
}
