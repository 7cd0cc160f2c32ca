import type { EventsPage, WorkflowProgressEvent } from '../temporal/contract';
import { newProgressEvent } from '../callback/progress-event';
import { followExecution, type SubscriptionSource } from './subscription';

/** An in-memory run: a strict fake of the Temporal-backed source (events appended by the test). */
class FakeRun implements SubscriptionSource {
  readonly log: WorkflowProgressEvent[] = [];
  closed = false;
  listeners = new Set<(e: WorkflowProgressEvent) => void>();
  pageSize = 2;
  calls = 0;

  append(n: number, closeAfter = false): void {
    for (let i = 0; i < n; i++) {
      const e = newProgressEvent('x', 'task_completed', 'wf', 'completed', '', this.log.length + 1);
      this.log.push(e);
      for (const l of this.listeners) l(e);
    }
    if (closeAfter) this.closed = true;
  }

  private async page(from: number, limit: number): Promise<EventsPage> {
    const slice = this.log.filter((e) => e.sequence >= from).slice(0, Math.min(limit, this.pageSize));
    const last = this.log.at(-1)?.sequence ?? 0;
    return { events: slice, firstSequence: 1, lastSequence: last, hasMore: (slice.at(-1)?.sequence ?? last) < last };
  }

  events(executionId: string, from: number, limit: number): Promise<EventsPage> {
    if (executionId !== 'x') throw new Error(`unexpected execution ${executionId}`);
    this.calls += 1;
    return this.page(from, limit);
  }

  async isClosed(executionId: string): Promise<boolean> {
    if (executionId !== 'x') throw new Error(`unexpected execution ${executionId}`);
    return this.closed;
  }

  onLocalProgress(listener: (e: WorkflowProgressEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

async function take(
  gen: AsyncGenerator<WorkflowProgressEvent>,
  onEach?: (e: WorkflowProgressEvent) => void,
): Promise<number[]> {
  const seqs: number[] = [];
  for await (const e of gen) {
    seqs.push(e.sequence);
    onEach?.(e);
  }
  return seqs;
}

describe('followExecution', () => {
  it('replays from the caller sequence across pages, then ends on a closed run', async () => {
    const run = new FakeRun();
    run.append(7, true);
    expect(await take(followExecution(run, 'x', 3, new AbortController().signal))).toEqual([3, 4, 5, 6, 7]);
  });

  it('follows live events without gaps until the run closes, woken by local progress', async () => {
    const run = new FakeRun();
    run.append(2);
    // A long poll interval: only the local-progress cue can wake the loop in time.
    const seqs = await take(followExecution(run, 'x', 1, new AbortController().signal, 60_000), (e) => {
      if (e.sequence === 2) setImmediate(() => run.append(3));
      if (e.sequence === 5) setImmediate(() => run.append(1, true));
    });
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run.listeners.size).toBe(0);
  });

  it('stops when the caller aborts', async () => {
    const run = new FakeRun();
    run.append(1);
    const abort = new AbortController();
    const seqs = await take(followExecution(run, 'x', 1, abort.signal, 60_000), () =>
      setImmediate(() => abort.abort()),
    );
    expect(seqs).toEqual([1]);
  });
});
