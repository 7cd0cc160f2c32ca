import type { CheckpointResponse } from '../temporal/delivery-contract';
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
    expect(journal.changed).toBe(true);
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

    views.set('w', { acked: 5, pending: true });
    expect(journal.changed).toBe(true);
    snapshot = journal.snapshot();
    expect(snapshot.entries).toEqual([['w', 5, 1]]);
    journal.acknowledged(snapshot, answer(200));

    views.set('w', { acked: 7, pending: false });
    journal.touch('w');
    snapshot = journal.snapshot();
    expect(snapshot.entries).toEqual([['w', 7, 0]]);
    journal.acknowledged(snapshot, answer(300));

    views.delete('w');
    journal.touch('w');
    snapshot = journal.snapshot();
    expect(snapshot).toMatchObject({ entries: [], done: ['w'] });
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
