/**
 * The two databases the vector store runs on, both reached through `pg`:
 *   - embedded (default): PostgreSQL compiled to WebAssembly (PGlite) with pgvector, persisted in
 *     VECTOR_STORE_DIR, run in a worker thread of this process (embedded-postgres.ts). No server to run;
 *     one process per directory.
 *   - server: any PostgreSQL with pgvector (VECTOR_STORE_URL), shared by every replica.
 * Both are opened on first use and closed with the worker; `pg` itself is loaded then too, so a runner whose
 * workflows never touch vectors does not carry it.
 */
import type { PoolConfig } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { SqlVectorStore, type SqlDatabase, type VectorStore, type VectorStoreProvider } from './vector-store';

export interface VectorStoreSettings {
  /** Directory of the embedded store (relative paths are resolved against the working directory). */
  dir?: string;
  /** A postgres:// URL; when set, the embedded store is not used. */
  url?: string;
  /** Connections kept open to the server at most (VECTOR_STORE_POOL_SIZE); the embedded store uses one. */
  poolSize?: number;
}

/** Connections the server backend keeps open at most, unless told otherwise. */
export const DEFAULT_POOL_SIZE = 4;

export function vectorStoreProvider(settings: VectorStoreSettings): VectorStoreProvider {
  let opening: Promise<VectorStore> | undefined;
  let closed = false;
  return {
    store: () => {
      if (closed) return Promise.reject(new Error('the vector store is closed'));
      opening ??= open(settings);
      // A failed open (server down) is tried again by the next call.
      opening.catch(() => (opening = undefined));
      return opening;
    },
    close: async () => {
      closed = true;
      const store = await opening?.catch(() => undefined);
      await store?.close();
    },
  };
}

async function open(settings: VectorStoreSettings): Promise<VectorStore> {
  const db = settings.url
    ? await openServer(settings.url, settings.poolSize)
    : await openEmbedded(settings.dir ?? '.vector-store');
  return new SqlVectorStore(db);
}

/**
 * PGlite is one database session, and its socket server feeds every connection's messages into it in
 * arrival order, keeping them together only inside a transaction. Outside one, a second connection's
 * `BEGIN` or `Parse` can land between another's `Parse` and `Execute` and replace the unnamed statement it
 * is about to run ("portal does not exist", or another query's rows). So the embedded store uses one
 * connection: PGlite runs one statement at a time anyway, so nothing is lost.
 */
export const EMBEDDED_POOL_SIZE = 1;

export async function openEmbedded(dir: string): Promise<SqlDatabase> {
  const embedded = await startEmbeddedPostgres(dir);
  const db = await poolDatabase({ ...embedded.connection, max: EMBEDDED_POOL_SIZE });
  return {
    ...db,
    close: async () => {
      await db.close();
      await embedded.stop();
    },
  };
}

export function openServer(url: string, poolSize = DEFAULT_POOL_SIZE): Promise<SqlDatabase> {
  return poolDatabase({ connectionString: url, max: poolSize });
}

async function poolDatabase(config: PoolConfig): Promise<SqlDatabase> {
  const { Pool } = await import('pg');
  const pool = new Pool(config);
  // An idle connection that breaks (server restart) must not crash the worker.
  pool.on('error', () => undefined);
  return {
    query: (text, params) => pool.query(text, params) as never,
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({ query: (text, params) => client.query(text, params) as never });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
