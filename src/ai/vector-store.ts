/**
 * The vector store behind `vector-upsert` and `vector-query`: PostgreSQL with pgvector, either embedded in
 * the process (PGlite) or a real server (`pg`); the SQL is the same for both (vector-backends.ts opens them).
 *
 * Each collection is a table `runner_vec_<name>_<hash>` (id, embedding vector(d), content, metadata jsonb)
 * with an HNSW cosine index, registered in `runner_vector_collections` with its dimension. A collection is
 * created by its first upsert; its dimension is fixed from then on and any other length is refused with an
 * error naming both. Creation takes a transaction-scoped advisory lock, so two workers creating the same
 * collection at once agree on one table and one dimension.
 */
import { createHash } from 'node:crypto';

export interface VectorRecord {
  id: string;
  vector: number[];
  text?: string;
  metadata?: Record<string, unknown>;
}

export interface StoredMatch {
  id: string;
  score: number;
  metadata: Record<string, unknown>;
  text?: string;
}

export interface SqlQueryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** What the store needs from a database: queries, and a transaction that runs queries on one connection. */
export interface SqlDatabase extends SqlQueryable {
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A mistake in the request (unknown dimension, bad name): the caller's error, not the store's. */
export class VectorStoreError extends Error {
  override readonly name = 'VectorStoreError';
}

export interface VectorStore {
  /** Inserts or replaces records by id; creates the collection (with the records' dimension) when new. */
  upsert(collection: string, records: VectorRecord[]): Promise<number>;
  /** The `topK` nearest records by cosine similarity whose metadata contains `filter`; [] for an unknown collection. */
  query(collection: string, vector: number[], topK: number, filter?: Record<string, unknown>): Promise<StoredMatch[]>;
  close(): Promise<void>;
}

/** Opens the store on first use (an embedded PostgreSQL takes seconds to start) and closes it once. */
export interface VectorStoreProvider {
  store(): Promise<VectorStore>;
  close(): Promise<void>;
}

const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const MAX_DIMENSIONS = 16_000;

interface Collection {
  table: string;
  dimension: number;
}

export class SqlVectorStore implements VectorStore {
  private initialized?: Promise<void>;
  /** Collections seen by this process: their dimension never changes, so it is safe to remember. */
  private readonly known = new Map<string, Collection>();

  constructor(private readonly db: SqlDatabase) {}

  async upsert(collection: string, records: VectorRecord[]): Promise<number> {
    checkName(collection);
    // One statement may not touch a row twice: the last record with an id wins, as sequential upserts would.
    records = [...new Map(records.map((r) => [r.id, r])).values()];
    if (records.length === 0) return 0;
    const dimension = records[0].vector.length;
    for (const record of records) checkVector(collection, record.vector, dimension, `item '${record.id}'`);
    await this.init();
    const target = await this.collectionFor(collection, dimension);
    for (const record of records) checkVector(collection, record.vector, target.dimension, `item '${record.id}'`);
    const values: string[] = [];
    const params: unknown[] = [];
    for (const record of records) {
      const at = params.length;
      values.push(`($${at + 1}, $${at + 2}::vector, $${at + 3}, $${at + 4}::jsonb)`);
      params.push(record.id, literal(record.vector), record.text ?? null, JSON.stringify(record.metadata ?? {}));
    }
    await this.db.query(
      `INSERT INTO ${target.table} (id, embedding, content, metadata) VALUES ${values.join(', ')}
       ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, content = EXCLUDED.content,
       metadata = EXCLUDED.metadata, updated_at = now()`,
      params,
    );
    return records.length;
  }

  async query(
    collection: string,
    vector: number[],
    topK: number,
    filter: Record<string, unknown> = {},
  ): Promise<StoredMatch[]> {
    checkName(collection);
    checkVector(collection, vector, vector.length, 'the query vector');
    await this.init();
    const target = await this.lookup(this.db, collection);
    if (!target) return [];
    checkVector(collection, vector, target.dimension, 'the query vector');
    const { rows } = await this.db.query<{ id: string; score: number; metadata: unknown; content: string | null }>(
      `SELECT id, 1 - (embedding <=> $1::vector) AS score, metadata, content FROM ${target.table}
       WHERE metadata @> $2::jsonb ORDER BY embedding <=> $1::vector, id LIMIT $3`,
      [literal(vector), JSON.stringify(filter), topK],
    );
    return rows.map((row) => {
      const match: StoredMatch = { id: row.id, score: Number(row.score), metadata: asObject(row.metadata) };
      if (row.content !== null) match.text = row.content;
      return match;
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private init(): Promise<void> {
    this.initialized ??= (async () => {
      await this.db.query('CREATE EXTENSION IF NOT EXISTS vector');
      await this.db.query(
        `CREATE TABLE IF NOT EXISTS runner_vector_collections (
           name text PRIMARY KEY, dimension integer NOT NULL, table_name text NOT NULL UNIQUE,
           created_at timestamptz NOT NULL DEFAULT now())`,
      );
    })();
    // A failed start (database down) is tried again by the next call.
    this.initialized.catch(() => (this.initialized = undefined));
    return this.initialized;
  }

  private async lookup(db: SqlQueryable, name: string): Promise<Collection | undefined> {
    const cached = this.known.get(name);
    if (cached) return cached;
    const { rows } = await db.query<{ dimension: number; table_name: string }>(
      'SELECT dimension, table_name FROM runner_vector_collections WHERE name = $1',
      [name],
    );
    if (rows.length === 0) return undefined;
    const found = { table: quoteIdent(rows[0].table_name), dimension: Number(rows[0].dimension) };
    this.known.set(name, found);
    return found;
  }

  private async collectionFor(name: string, dimension: number): Promise<Collection> {
    const existing = await this.lookup(this.db, name);
    if (existing) return existing;
    const created = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`runner_vector_collections:${name}`]);
      const again = await this.lookup(tx, name);
      if (again) return again;
      const table = tableName(name);
      const quoted = quoteIdent(table);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${quoted} (id text PRIMARY KEY, embedding vector(${dimension}) NOT NULL,
           content text, metadata jsonb NOT NULL DEFAULT '{}', updated_at timestamptz NOT NULL DEFAULT now())`,
      );
      // HNSW indexes vectors up to 2,000 dimensions; larger ones are searched exactly.
      if (dimension <= 2000) {
        await tx.query(
          `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${table}_hnsw`)} ON ${quoted} USING hnsw (embedding vector_cosine_ops)`,
        );
      }
      await tx.query(
        `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${table}_meta`)} ON ${quoted} USING gin (metadata jsonb_path_ops)`,
      );
      await tx.query('INSERT INTO runner_vector_collections (name, dimension, table_name) VALUES ($1, $2, $3)', [
        name,
        dimension,
        table,
      ]);
      return { table: quoted, dimension };
    });
    this.known.set(name, created);
    return created;
  }
}

function checkName(collection: string): void {
  if (typeof collection !== 'string' || !COLLECTION_NAME.test(collection)) {
    throw new VectorStoreError(
      `collection name '${String(collection).slice(0, 100)}' must be 1-100 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    );
  }
}

function checkVector(collection: string, vector: number[], dimension: number, what: string): void {
  if (!Array.isArray(vector) || vector.length === 0 || vector.length > MAX_DIMENSIONS) {
    throw new VectorStoreError(`${what} must be a list of 1 to ${MAX_DIMENSIONS} numbers`);
  }
  if (vector.length !== dimension) {
    throw new VectorStoreError(
      `collection '${collection}' holds ${dimension}-dimensional vectors; ${what} has ${vector.length} dimensions`,
    );
  }
  if (!vector.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new VectorStoreError(`${what} must hold finite numbers only`);
  }
}

/** A readable, collision-free table name: the sanitised collection name plus a hash of the exact name. */
export function tableName(collection: string): string {
  const readable = collection
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 40);
  const hash = createHash('sha256').update(collection).digest('hex').slice(0, 10);
  return `runner_vec_${readable}_${hash}`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(vector: number[]): string {
  return `[${vector.join(',')}]`;
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      return asObject(JSON.parse(value));
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
