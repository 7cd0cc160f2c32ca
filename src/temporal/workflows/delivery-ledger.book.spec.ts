import { DeliveryBook } from './delivery-ledger.book';
import {
  LEDGER_MAX_MARK_CHARS,
  LEDGER_MAX_PENDING_CHARS_PER_REPLICA,
  type CheckpointRequest,
  type MarkEntry,
} from '../delivery-ledger.contract';

const DEAD_AFTER = 1000;

function request(replica: string, extra: Partial<CheckpointRequest> = {}): CheckpointRequest {
  return {
    replica,
    deadAfterMs: DEAD_AFTER,
    uptimeMs: 500,
    entries: [],
    done: [],
    released: [],
    recovering: [],
    ...extra,
  };
}

describe('DeliveryBook', () => {
  it('keeps the highest acknowledged mark per execution and which replicas still hold it', () => {
    const book = new DeliveryBook();
    book.checkpoint(request('a', { first: true, entries: [['w1', 3, 1]] }), 10_000);
    book.checkpoint(
      request('b', {
        first: true,
        entries: [
          ['w1', 2, 0],
          ['w2', 5, 0],
        ],
      }),
      10_000,
    );
    expect(book.marksOf(['w1', 'w2', 'w3'])).toEqual([
      ['w1', 3],
      ['w2', 5],
    ]);
    expect(book.summary().replicas.map((r) => [r.id, r.pending])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
  });

  it('hands a silent replica to the next live one, with its listed executions and window', () => {
    const book = new DeliveryBook();
    book.checkpoint(
      request('a', {
        first: true,
        windowStart: 9000,
        entries: [
          ['w1', 3, 1],
          ['w2', 0, 1],
        ],
      }),
      10_000,
    );
    expect(book.checkpoint(request('b', { first: true }), 10_500).claims).toEqual([]);
    const answer = book.checkpoint(request('b'), 11_001);
    expect(answer.claims).toEqual([
      {
        replica: 'a',
        windowStart: 9000,
        pending: [
          ['w1', 3],
          ['w2', 0],
        ],
      },
    ]);
    // Repeated until the claimant says it works on it (a lost answer loses nothing)...
    expect(book.checkpoint(request('b'), 11_100).claims).toHaveLength(1);
    expect(book.checkpoint(request('b', { recovering: ['a'] }), 11_200).claims).toEqual([]);
    // ...and forgotten once released; the marks stay for runs that move.
    book.checkpoint(request('b', { released: ['a'] }), 11_300);
    expect(book.summary().replicas.map((r) => r.id)).toEqual(['b']);
    expect(book.marksOf(['w1'])).toEqual([['w1', 3]]);
  });

  it('passes a claim on when the claimant dies too', () => {
    const book = new DeliveryBook();
    book.checkpoint(request('a', { first: true, entries: [['w1', 1, 1]] }), 0);
    book.checkpoint(request('b', { first: true }), 0);
    book.checkpoint(request('c', { first: true }), 1400);
    book.checkpoint(request('b'), 1500);
    expect(book.checkpoint(request('b', { recovering: ['a'] }), 1600).claims).toEqual([]);
    // b goes silent while recovering a; c checkpoints later and takes over both.
    const claims = book.checkpoint(request('c'), 3000).claims;
    expect(claims.map((c) => c.replica).sort()).toEqual(['a', 'b']);
    expect(claims.find((c) => c.replica === 'a')?.pending).toEqual([['w1', 1]]);
  });

  it('treats a replica that checkpoints again as alive: its claimant release is ignored', () => {
    const book = new DeliveryBook();
    book.checkpoint(request('a', { first: true, entries: [['w1', 1, 1]] }), 0);
    book.checkpoint(request('b', { first: true }), 0);
    expect(book.checkpoint(request('b'), 2000).claims).toHaveLength(1);
    const back = book.checkpoint(request('a'), 2100);
    expect(back.resync).toBe(false);
    book.checkpoint(request('b', { released: ['a'], recovering: [] }), 2200);
    expect(book.summary().replicas.find((r) => r.id === 'a')).toMatchObject({ pending: 1 });
  });

  it('asks a replica it forgot to write everything again', () => {
    const book = new DeliveryBook();
    expect(book.checkpoint(request('a', { first: true }), 0).resync).toBe(false);
    expect(book.checkpoint(request('z'), 0).resync).toBe(true);
  });

  it('drops a replica that leaves with nothing undelivered; one that leaves work behind is claimable at once', () => {
    const book = new DeliveryBook();
    book.checkpoint(request('clean', { first: true, entries: [['w1', 2, 1]] }), 0);
    book.checkpoint(request('clean', { leaving: true, windowClosed: true, entries: [['w1', 4, 0]] }), 100);
    book.checkpoint(request('busy', { first: true }), 0);
    book.checkpoint(request('busy', { leaving: true, windowClosed: true, entries: [['w2', 1, 1]] }), 100);
    expect(book.summary().replicas.map((r) => r.id)).toEqual(['busy']);
    const claims = book.checkpoint(request('live', { first: true }), 150).claims;
    // Left after its worker stopped: everything is listed, there is no window to scan.
    expect(claims).toEqual([{ replica: 'busy', windowStart: undefined, pending: [['w2', 1]] }]);
  });

  it('keeps the window of a leaving replica when it could not hold every pending execution', () => {
    const book = new DeliveryBook();
    const long = (n: number) => `${'z'.repeat(9000)}-${n}`;
    const entries: MarkEntry[] = Array.from({ length: 30 }, (_, n) => [long(n), 0, 1]);
    book.checkpoint(request('a', { first: true }), 0);
    const answer = book.checkpoint(request('a', { leaving: true, windowClosed: true, windowStart: 50, entries }), 100);
    expect(answer.unlisted.length).toBeGreaterThan(0);
    expect(book.summary().replicas[0]).toMatchObject({ id: 'a', leaving: true, windowStart: 50 });
  });

  it('uses the uptime as window of a first checkpoint', () => {
    const book = new DeliveryBook();
    book.checkpoint(request('a', { first: true, uptimeMs: 700 }), 5000);
    expect(book.summary().replicas[0].windowStart).toBe(4300);
  });

  it('forgets an execution whose terminal event was acknowledged, unless another replica still holds it', () => {
    const book = new DeliveryBook();
    book.checkpoint(
      request('a', {
        first: true,
        entries: [
          ['w1', 2, 1],
          ['w2', 1, 1],
        ],
      }),
      0,
    );
    book.checkpoint(request('b', { first: true, entries: [['w2', 1, 1]] }), 0);
    book.checkpoint(request('a', { done: ['w1', 'w2'] }), 10);
    expect(book.marksOf(['w1', 'w2'])).toEqual([['w2', 1]]);
    expect(book.summary().replicas.map((r) => r.pending)).toEqual([0, 1]);
  });

  it('refuses to hold more pending characters per replica than its bound and says which', () => {
    const book = new DeliveryBook();
    const id = (n: number) => `${'x'.repeat(984)}-${String(n).padStart(5, '0')}`;
    const perEntry = id(0).length + 16;
    const fits = Math.floor(LEDGER_MAX_PENDING_CHARS_PER_REPLICA / perEntry);
    const entries: MarkEntry[] = Array.from({ length: fits + 2 }, (_, n) => [id(n), 0, 1]);
    const answer = book.checkpoint(request('a', { first: true, entries }), 0);
    expect(answer.unlisted).toEqual([id(fits), id(fits + 1)]);
    expect(book.summary().replicas[0].pending).toBe(fits);
  });

  it('evicts the oldest marks nobody holds when the ledger grows past its bound', () => {
    const book = new DeliveryBook();
    const id = (n: number) => `run-${String(n).padStart(6, '0')}-${'y'.repeat(990)}`;
    const total = Math.ceil(LEDGER_MAX_MARK_CHARS / (id(0).length + 16)) + 10;
    for (let start = 0; start < total; start += 500) {
      const entries: MarkEntry[] = [];
      for (let n = start; n < Math.min(total, start + 500); n++) entries.push([id(n), n, 0]);
      book.checkpoint(request('a', { first: start === 0, entries }), start);
    }
    expect(book.marksOf([id(0)])).toEqual([]);
    expect(book.marksOf([id(total - 1)])).toEqual([[id(total - 1), total - 1]]);
  });

  it('survives continue-as-new: a snapshot restores the same book', () => {
    const book = new DeliveryBook();
    book.checkpoint(
      request('a', {
        first: true,
        entries: [
          ['w1', 3, 1],
          ['w2', 4, 0],
        ],
      }),
      0,
    );
    const again = new DeliveryBook(JSON.parse(JSON.stringify(book.snapshot())));
    expect(again.snapshot()).toEqual(book.snapshot());
    expect(again.checkpoint(request('b', { first: true }), 5000).claims[0].pending).toEqual([['w1', 3]]);
  });
});
