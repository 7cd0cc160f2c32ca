/**
 * Looks up acknowledged marks in the delivery ledger for runs that moved to this replica, batching the
 * look-ups of a few milliseconds into one query: after a replica dies, many of its runs arrive at once.
 */
import type { MarkSource } from '../callback/progress-delivery';

export type MarksQuery = (workflowIds: string[]) => Promise<Map<string, number>>;

/** How long look-ups gather before one query goes out. */
const GATHER_MS = 10;
/** Workflow ids per query (the ledger answers at most 1,000). */
const MAX_IDS = 500;

export class MarkBatcher implements MarkSource {
  private waiting = new Map<string, Array<{ resolve: (mark?: number) => void; reject: (err: unknown) => void }>>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly query: MarksQuery) {}

  lookup(workflowId: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const callers = this.waiting.get(workflowId) ?? [];
      callers.push({ resolve, reject });
      this.waiting.set(workflowId, callers);
      this.timer ??= setTimeout(() => this.flush(), GATHER_MS);
    });
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += MAX_IDS) {
      const chunk = ids.slice(i, i + MAX_IDS);
      this.query(chunk).then(
        (marks) => chunk.forEach((id) => batch.get(id)?.forEach((c) => c.resolve(marks.get(id)))),
        (err: unknown) => chunk.forEach((id) => batch.get(id)?.forEach((c) => c.reject(err))),
      );
    }
  }
}
