/**
 * LedgerSync against the real ledger bookkeeping (DeliveryBook, the code the ledger workflow runs) kept in
 * memory with a test clock; the delivery and the Temporal scan are strict fakes that record their calls.
 */
import { CheckpointJournal, type JournalSource } from '../callback/checkpoint-journal';
import type { StreamView } from '../callback/progress-delivery';
import { DeliveryBook } from '../temporal/workflows/delivery-ledger.book';
import { LEDGER_WINDOW_MARGIN_MS, type CheckpointRequest } from '../temporal/delivery-ledger.contract';
import { LedgerSync, type LedgerPort, type SyncLogger } from './ledger-sync';

const DEAD_AFTER = 1000;

function memoryLedger(book: DeliveryBook, clock: { now: number }) {
  const requests: CheckpointRequest[] = [];
  let down = false;
  const port: LedgerPort = {
    checkpoint: async (request) => {
      if (down) throw new Error('14 UNAVAILABLE: ledger unreachable');
      requests.push(request);
      // Ledger time moves on with every checkpoint, as workflow time does with every workflow task.
      return book.checkpoint(JSON.parse(JSON.stringify(request)), clock.now++);
    },
    marks: async (ids) => new Map(book.marksOf(ids)),
    leave: async (request) => {
      if (down) throw new Error('14 UNAVAILABLE: ledger unreachable');
      requests.push(request);
      book.checkpoint(JSON.parse(JSON.stringify({ ...request, leaving: true })), clock.now);
    },
  };
  return { port, requests, setDown: (value: boolean) => (down = value) };
}

/** A replica: its delivery (views the test sets, adoptions it records) and its sync. */
function replica(name: string, ledger: LedgerPort, touched: Record<string, string[]> = {}) {
  const views = new Map<string, StreamView>();
  const source: JournalSource = {
    view: (id) => views.get(id),
    pendingIds: () => [...views].filter(([, v]) => v?.pending).map(([id]) => id),
  };
  const journal = new CheckpointJournal(source);
  const adopted: Array<[string, number]> = [];
  const scans: Array<[string, number]> = [];
  const settle: Array<() => void> = [];
  const recovered: string[] = [];
  const log: SyncLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const sync = new LedgerSync(
    {
      journal,
      adopt: (id, acked) => {
        adopted.push([id, acked]);
        return new Promise<void>((resolve) => settle.push(resolve));
      },
    },
    ledger,
    {
      touchedBy: async (identity, since) => {
        scans.push([identity, since]);
        return touched[identity] ?? [];
      },
    },
    {
      replica: name,
      checkpointIntervalMs: 10,
      heartbeatIntervalMs: 50,
      deadAfterMs: DEAD_AFTER,
      startedAt: Date.now() - 500,
    },
    log,
    (dead) => recovered.push(dead),
  );
  const pend = (id: string, acked: number) => {
    views.set(id, { acked, pending: true });
    journal.touch(id);
  };
  return { sync, journal, views, adopted, scans, settle, recovered, pend };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('LedgerSync', () => {
  it('recovers a dead replica: listed executions from their marks, runs found in its window, then releases it', async () => {
    const clock = { now: 10_000 };
    const book = new DeliveryBook();
    const ledger = memoryLedger(book, clock);
    const a = replica('a', ledger.port);
    const b = replica('b', ledger.port, { a: ['listed', 'window-1', 'window-2'] });
    a.pend('listed', 4);
    await a.sync.checkpoint();
    await b.sync.checkpoint();
    // b records a mark for a run that a touched later, unlisted.
    b.views.set('window-2', { acked: 6, pending: false });
    b.journal.touch('window-2');
    await b.sync.checkpoint();

    clock.now += DEAD_AFTER + 1;
    await b.sync.checkpoint();
    await tick();
    await tick();
    // a's only checkpoint was its first: its window is its uptime (about 500 ms) before it, less the margin.
    expect(b.scans).toHaveLength(1);
    expect(b.scans[0][0]).toBe('a');
    expect(b.scans[0][1]).toBeLessThanOrEqual(10_000 - 500 - LEDGER_WINDOW_MARGIN_MS);
    expect(b.scans[0][1]).toBeGreaterThan(10_000 - 5000 - LEDGER_WINDOW_MARGIN_MS);
    expect(b.adopted).toEqual([
      ['listed', 4],
      ['window-1', 0],
      ['window-2', 6],
    ]);
    expect(b.sync.recoveries).toBe(1);
    // Not released while an adopted execution is still being delivered.
    await b.sync.checkpoint();
    expect(book.summary().replicas.map((r) => r.id)).toEqual(['a', 'b']);
    b.settle.forEach((resolve) => resolve());
    await tick();
    expect(b.recovered).toEqual(['a']);
    await b.sync.checkpoint();
    expect(ledger.requests.at(-1)?.released).toEqual(['a']);
    expect(book.summary().replicas.map((r) => r.id)).toEqual(['b']);
  });

  it('leaves cleanly with nothing undelivered, and hands over what is left otherwise', async () => {
    const clock = { now: 0 };
    const book = new DeliveryBook();
    const ledger = memoryLedger(book, clock);
    const clean = replica('clean', ledger.port);
    const busy = replica('busy', ledger.port);
    const live = replica('live', ledger.port);
    await clean.sync.checkpoint();
    await busy.sync.checkpoint();
    busy.pend('stuck', 2);
    await clean.sync.leave();
    await busy.sync.leave();
    expect(ledger.requests.at(-1)).toMatchObject({ leaving: true, windowClosed: true, entries: [['stuck', 2, 1]] });
    await live.sync.checkpoint();
    await tick();
    // Claimed at once, with nothing to scan: the worker had stopped before the last checkpoint.
    expect(live.adopted).toEqual([['stuck', 2]]);
    expect(live.scans).toEqual([]);
    expect(
      book
        .summary()
        .replicas.map((r) => r.id)
        .sort(),
    ).toEqual(['busy', 'live']);
  });

  it('leaves within its timeout when Temporal does not record the last checkpoint', async () => {
    const ledger = memoryLedger(new DeliveryBook(), { now: 0 });
    ledger.port.leave = () => new Promise<void>(() => undefined);
    const a = replica('a', ledger.port);
    const started = Date.now();
    await a.sync.leave(50);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('keeps what a failed checkpoint carried and writes it with the next one', async () => {
    const clock = { now: 0 };
    const ledger = memoryLedger(new DeliveryBook(), clock);
    const a = replica('a', ledger.port);
    a.pend('w', 1);
    ledger.setDown(true);
    expect(await a.sync.checkpoint()).toBeUndefined();
    ledger.setDown(false);
    await a.sync.checkpoint();
    expect(ledger.requests[0]).toMatchObject({ first: true, entries: [['w', 1, 1]] });
  });

  it('checkpoints on its own: at start, when something changed, and as a heartbeat', async () => {
    const clock = { now: 0 };
    const ledger = memoryLedger(new DeliveryBook(), clock);
    const a = replica('a', ledger.port);
    a.sync.start();
    await waitUntil(() => ledger.requests.length >= 1);
    a.pend('w', 0);
    await waitUntil(() => ledger.requests.some((r) => r.entries.length > 0));
    const count = ledger.requests.length;
    await waitUntil(() => ledger.requests.length > count);
    await a.sync.leave();
    expect(ledger.requests.at(-1)).toMatchObject({ leaving: true });
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
