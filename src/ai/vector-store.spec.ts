/**
 * The vector store on both of its databases, both real PostgreSQL with pgvector: embedded PGlite in a
 * temporary directory (run in a worker thread, reached through `pg` over a Unix socket), and a separate
 * server process reached through `pg` over TCP (PGlite's socket server speaks the PostgreSQL protocol; a
 * PostgreSQL installation is not available here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POSTGRES_STAND_IN_POOL_SIZE, startPostgresServer } from '../../test/support/postgres-server';
import { openEmbedded, openServer, vectorStoreProvider } from './vector-backends';
import { SqlVectorStore, VectorStoreError, tableName, type VectorStore } from './vector-store';

// Creating a PostgreSQL cluster (initdb in WebAssembly) takes seconds on a loaded machine.
jest.setTimeout(120_000);

const unit = (...v: number[]) => {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / norm);
};

function behaves(name: string, open: () => Promise<VectorStore>) {
  describe(name, () => {
    let store: VectorStore;
    beforeAll(async () => {
      store = await open();
    });

    it('creates a collection on first upsert and ranks by cosine similarity', async () => {
      const upserted = await store.upsert('docs', [
        { id: 'a', vector: unit(1, 0, 0), text: 'alpha', metadata: { lang: 'en', n: 1 } },
        { id: 'b', vector: unit(1, 1, 0), text: 'beta', metadata: { lang: 'en', n: 2 } },
        { id: 'c', vector: unit(0, 0, 1), metadata: { lang: 'fr' } },
      ]);
      expect(upserted).toBe(3);
      const matches = await store.query('docs', unit(1, 0.1, 0), 2);
      expect(matches.map((m) => m.id)).toEqual(['a', 'b']);
      expect(matches[0].score).toBeGreaterThan(matches[1].score);
      expect(matches[0].score).toBeCloseTo(0.995, 2);
      expect(matches[0]).toMatchObject({ text: 'alpha', metadata: { lang: 'en', n: 1 } });
    });

    it('filters on metadata containment and replaces records by id', async () => {
      expect((await store.query('docs', unit(1, 0, 0), 5, { lang: 'fr' })).map((m) => m.id)).toEqual(['c']);
      await store.upsert('docs', [
        { id: 'c', vector: unit(1, 0, 0), text: 'gamma', metadata: { lang: 'en' } },
        { id: 'c', vector: unit(0, 1, 0), text: 'gamma 2', metadata: { lang: 'de' } },
      ]);
      const german = await store.query('docs', unit(0, 1, 0), 5, { lang: 'de' });
      expect(german).toEqual([{ id: 'c', score: expect.closeTo(1, 5), text: 'gamma 2', metadata: { lang: 'de' } }]);
      expect(await store.query('docs', unit(1, 0, 0), 5, { lang: 'fr' })).toEqual([]);
    });

    it('fixes the dimension per collection and names both on a mismatch', async () => {
      await expect(store.upsert('docs', [{ id: 'd', vector: [1, 0] }])).rejects.toThrow(
        new VectorStoreError("collection 'docs' holds 3-dimensional vectors; item 'd' has 2 dimensions"),
      );
      await expect(store.query('docs', [1, 0, 0, 0], 1)).rejects.toThrow(/holds 3-dimensional.*has 4/);
      await store.upsert('wide', [{ id: 'x', vector: [0, 0, 0, 1] }]);
      expect((await store.query('wide', [0, 0, 0, 1], 1))[0].id).toBe('x');
    });

    it('agrees on one dimension when two writers create a collection at once', async () => {
      const results = await Promise.allSettled([
        store.upsert('raced', [{ id: 'p', vector: [1, 0] }]),
        store.upsert('raced', [{ id: 'q', vector: [1, 0, 0] }]),
        store.upsert('raced', [{ id: 'r', vector: [0, 1] }]),
      ]);
      const succeeded = results.map((r) => r.status === 'fulfilled');
      // Whichever creation came first fixed the dimension; every writer of the other one was refused.
      expect([
        [true, false, true],
        [false, true, false],
      ]).toContainEqual(succeeded);
      const twoWon = succeeded[0];
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const r of refused) {
        expect(String(r.reason)).toMatch(twoWon ? /holds 2-dimensional.*has 3/ : /holds 3-dimensional.*has 2/);
      }
      const ids = (await store.query('raced', twoWon ? [1, 0] : [1, 0, 0], 5)).map((m) => m.id).sort();
      expect(ids).toEqual(twoWon ? ['p', 'r'] : ['q']);
    });

    it('creates collections while other calls query, each call getting its own rows', async () => {
      // Regression: with several connections to PGlite's one session, a creation's BEGIN landing between
      // another call's statements hung the store for good (and could bind a statement to the wrong query).
      await store.upsert('steady', [{ id: 's', vector: [1, 0, 0], text: 'kept' }]);
      for (let round = 0; round < 10; round++) {
        const calls: Array<Promise<unknown>> = [];
        for (let k = 0; k < 4; k++) {
          calls.push(store.upsert(`fresh-${round}-${k}`, [{ id: `n${k}`, vector: [0, 1] }]));
          calls.push(store.query('steady', [1, 0, 0], 3));
        }
        const results = await Promise.all(calls);
        results.forEach((result, i) => {
          expect(result).toEqual(i % 2 === 0 ? 1 : [{ id: 's', score: 1, text: 'kept', metadata: {} }]);
        });
      }
      expect(await store.query('fresh-9-3', [0, 1], 2)).toEqual([{ id: 'n3', score: 1, metadata: {} }]);
    });

    it('returns no matches for a collection nobody wrote to, and refuses bad names and numbers', async () => {
      expect(await store.query('never-written', [1, 0, 0], 3)).toEqual([]);
      await expect(store.upsert('bad name!', [{ id: 'x', vector: [1] }])).rejects.toThrow(/collection name/);
      await expect(store.upsert('docs', [{ id: 'x', vector: [1, Number.NaN, 0] }])).rejects.toThrow(/finite/);
    });
  });
}

describe('SqlVectorStore', () => {
  const dirs: string[] = [];
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  behaves('embedded (PGlite, VECTOR_STORE_DIR)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vectors-'));
    dirs.push(dir);
    const store = new SqlVectorStore(await openEmbedded(dir));
    cleanup.push(() => store.close());
    return store;
  });

  behaves('server (pg over the PostgreSQL wire protocol, VECTOR_STORE_URL)', async () => {
    const server = await startPostgresServer();
    cleanup.push(() => server.stop());
    const store = new SqlVectorStore(await openServer(server.url, POSTGRES_STAND_IN_POOL_SIZE));
    cleanup.push(() => store.close());
    return store;
  });

  it('keeps collections across a restart of the embedded store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vectors-'));
    dirs.push(dir);
    const first = vectorStoreProvider({ dir });
    await (await first.store()).upsert('kept', [{ id: 'k', vector: [0, 1], metadata: { v: 1 } }]);
    await first.close();
    const second = vectorStoreProvider({ dir });
    const store = await second.store();
    expect(await store.query('kept', [0, 1], 1)).toEqual([{ id: 'k', score: 1, metadata: { v: 1 } }]);
    await expect(store.upsert('kept', [{ id: 'k2', vector: [1, 2, 3] }])).rejects.toThrow(/2-dimensional/);
    await second.close();
    await expect(second.store()).rejects.toThrow(/closed/);
  });

  it('names tables readably and without collisions', () => {
    expect(tableName('Support Tickets')).toMatch(/^runner_vec_support_tickets_[0-9a-f]{10}$/);
    expect(tableName('a.b')).not.toBe(tableName('a-b'));
  });
});
