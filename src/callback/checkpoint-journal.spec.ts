import type { CheckpointResponse } from '../temporal/delivery-ledger.contract';
import { CheckpointJournal, type JournalSource } from './checkpoint-journal';
import type { StreamView } from './progress-delivery';

/** The delivery's view as a plain map the test edits. */
function source() {
  const views = new Map<string, StreamView>();
  const src: JournalSource = {
    view: (id) => views.get(id),
    pendingIds: () => [...views].filter(([, v]) => v?.pending).map(([id]) => id),
  };
  return { views, src };
}

const answer = (at: number, extra: Partial<CheckpointResponse> = {}): CheckpointResponse => ({
  at,
  claims: [],
  unlisted: [],
  resync: false,
  ...extra,
});

describe('CheckpointJournal', () => {
  it('writes nothing for executions that started and finished between two checkpoints', () => {
    const { src } = source();
    const journal = new CheckpointJournal(src);
    journal.touch('quick');
    expect(journal.changed).toBe(false);
    const snapshot = journal.snapshot();
    expect(snapshot).toMatchObject({ entries: [], done: [], unlisted: 0 });
    journal.acknowledged(snapshot, answer(100));
    expect(journal.changed).toBe(false);
  });

  it('lists a pending execution, refreshes its mark, then writes it caught up and finally done', () => {
    const { views, src } = source();
    const journal = new CheckpointJournal(src);
    views.set('w', { acked: 2, pending: true });
    journal.touch('w');
    let snapshot = journal.snapshot();
    expect(snapshot.entries).toEqual([['w', 2, 1]]);
    journal.acknowledged(snapshot, answer(100));

    // A fresher mark alone waits for the heartbeat, which carries it.
    views.set('w', { acked: 5, pending: true });
    expect(journal.changed).toBe(false);
    snapshot = journal.snapshot();
    expect(snapshot.entries).toEqual([['w', 5, 1]]);
    journal.acknowledged(snapshot, answer(200));

    views.set('w', { acked: 7, pending: false });
    journal.touch('w');
    expect(journal.changed).toBe(true);
    snapshot = journal.snapshot();
    expect(snapshot.entries).toEqual([['w', 7, 0]]);
    journal.acknowledged(snapshot, answer(300));

    views.delete('w');
    journal.touch('w');
    snapshot = journal.snapshot();
    expect(snapshot).toMatchObject({ entries: [], done: ['w'] });
  });

  it('lists an execution only once it has been pending since before the last answer', () => {
    const { views, src } = source();
    const journal = new CheckpointJournal(src);
    journal.acknowledged(journal.snapshot(), answer(1000));
    views.set('w', { acked: 0, pending: true });
    journal.touch('w');
    // Fell behind after the last answer: covered by the window, most likely delivered in a moment.
    expect(journal.changed).toBe(false);
    let snapshot = journal.snapshot();
    expect(snapshot).toMatchObject({ entries: [], windowStart: 1000 });
    journal.acknowledged(snapshot, answer(2000));
    // Still pending a checkpoint later: now it is listed.
    expect(journal.changed).toBe(true);
    snapshot = journal.snapshot();
    expect(snapshot).toMatchObject({ entries: [['w', 0, 1]], windowStart: 1000 });
    journal.acknowledged(snapshot, answer(3000));
    expect(journal.snapshot().windowStart).toBe(3000);
  });

  it('opens its window at the last answer, earlier for pending executions the ledger did not take', () => {
    const { views, src } = source();
    const journal = new CheckpointJournal(src);
    views.set('early', { acked: 0, pending: true });
    journal.touch('early');
    // Before any answer there is no ledger time to give: the ledger uses the uptime instead.
    let snapshot = journal.snapshot();
    expect(snapshot.windowStart).toBeUndefined();
    journal.acknowledged(snapshot, answer(1000));

    views.set('refused', { acked: 0, pending: true });
    journal.touch('refused');
    snapshot = journal.snapshot();
    expect(snapshot.windowStart).toBe(1000);
    journal.acknowledged(snapshot, answer(2000, { unlisted: ['refused'] }));

    snapshot = journal.snapshot();
    // Written again but not listed yet (the ledger may refuse it again): the window still covers it.
    expect(snapshot.windowStart).toBe(1000);
    expect(snapshot.unlisted).toBe(0);
    journal.acknowledged(snapshot, answer(3000));
    expect(journal.snapshot().windowStart).toBe(3000);
  });

  it('owes the entries of a checkpoint that failed', () => {
    const { views, src } = source();
    const journal = new CheckpointJournal(src);
    views.set('w', { acked: 1, pending: true });
    journal.touch('w');
    const lost = journal.snapshot();
    journal.failed(lost);
    expect(journal.snapshot().entries).toEqual([['w', 1, 1]]);
  });

  it('writes every pending execution again when the ledger forgot this replica', () => {
    const { views, src } = source();
    const journal = new CheckpointJournal(src);
    views.set('a', { acked: 1, pending: true });
    views.set('b', { acked: 2, pending: true });
    journal.touch('a');
    journal.touch('b');
    journal.acknowledged(journal.snapshot(), answer(100));
    expect(journal.changed).toBe(false);
    journal.acknowledged(journal.snapshot(), answer(200, { resync: true }));
    expect(
      journal
        .snapshot()
        .entries.map((e) => e[0])
        .sort(),
    ).toEqual(['a', 'b']);
  });
});
