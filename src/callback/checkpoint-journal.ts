/**
 * What this replica tells the delivery ledger, and when. It collects the executions whose delivery state
 * changed and turns them into checkpoint entries: pending executions with their acknowledged mark (listed,
 * within the ledger's bound, once they have been pending since before the ledger's last answer), caught-up
 * ones as plain marks, finished ones as done. Executions delivered within a checkpoint cycle never need a
 * listing, and those that started and finished between two checkpoints never reach the ledger at all, so a
 * healthy replica with a responsive receiver writes little more than its heartbeat.
 *
 * It also computes the replica's window: the ledger time from which it may hold undelivered events that
 * are not listed (events newer than the ledger's last answer, or pending runs beyond the listing bound).
 * A replica that dies is recovered from its listed entries plus a scan of the runs it touched since then.
 */
import {
  LEDGER_MAX_ENTRIES_PER_CHECKPOINT,
  LEDGER_MAX_PENDING_CHARS_PER_REPLICA,
} from '../temporal/delivery-ledger.contract';
import type { CheckpointResponse, MarkEntry } from '../temporal/delivery-ledger.contract';
import type { StreamView } from './progress-delivery';

/** What the journal reads from the delivery. */
export interface JournalSource {
  view(workflowId: string): StreamView;
  pendingIds(): Iterable<string>;
}

export interface JournalSnapshot {
  entries: MarkEntry[];
  done: string[];
  /** Absent until the ledger answered once (the ledger then uses the replica's uptime). */
  windowStart?: number;
  /** Pending executions left unlisted (over the bound or not yet written). */
  unlisted: number;
}

/** Marks remembered as reported (so an unchanged mark is not written again). */
const MAX_REPORTED = 100_000;
/** Counted per listed id besides its characters, as the ledger counts them. */
const ENTRY_OVERHEAD_CHARS = 16;

export class CheckpointJournal {
  private dirty = new Set<string>();
  /** Pending executions the ledger holds for this replica, with the mark last written. */
  private readonly listed = new Map<string, number>();
  private listedChars = 0;
  /** Marks last written for executions that are not pending. */
  private readonly reported = new Map<string, number>();
  /** Pending executions not (yet) listed: the ledger time known when they started waiting. */
  private readonly unlistedSince = new Map<string, number | undefined>();
  private lastAnswerAt?: number;

  constructor(private readonly source: JournalSource) {}

  /** The delivery state of this execution may have changed. */
  touch(workflowId: string): void {
    this.dirty.add(workflowId);
    if (!this.listed.has(workflowId) && !this.unlistedSince.has(workflowId))
      this.unlistedSince.set(workflowId, this.lastAnswerAt);
  }

  /**
   * Whether the ledger's picture of undelivered work is out of date: an execution pending since before the
   * ledger's last answer is not listed yet, or a listed one is caught up or finished. Fresher marks alone
   * wait for the heartbeat; so do executions that fell behind after the last answer (the window covers
   * them, and most are caught up a few milliseconds later).
   */
  get changed(): boolean {
    for (const id of this.dirty) {
      const pending = this.source.view(id)?.pending === true;
      if (this.listed.has(id) ? !pending : pending && !this.young(id)) return true;
    }
    return false;
  }

  /** Pending since after the ledger's last answer: the window still covers it, listing can wait. */
  private young(id: string): boolean {
    return this.lastAnswerAt !== undefined && this.unlistedSince.get(id) === this.lastAnswerAt;
  }

  /**
   * The entries of the next checkpoint; they stay owed until {@link acknowledged} (or come back on
   * {@link failed}). `all`: list young pending executions too (the last checkpoint of a leaving replica).
   */
  snapshot(options: { all?: boolean } = {}): JournalSnapshot {
    const entries: MarkEntry[] = [];
    const done: string[] = [];
    let room = LEDGER_MAX_ENTRIES_PER_CHECKPOINT;
    let chars = this.listedChars;
    const taken = new Set<string>();
    for (const id of this.dirty) {
      if (room === 0) break;
      const view = this.source.view(id);
      if (!view) {
        taken.add(id);
        if (this.listed.has(id) || this.reported.has(id)) {
          done.push(id);
          room -= 1;
        }
      } else if (view.pending) {
        const cost = id.length + ENTRY_OVERHEAD_CHARS;
        const wait = !options.all && this.young(id);
        if (!this.listed.has(id) && (wait || chars + cost > LEDGER_MAX_PENDING_CHARS_PER_REPLICA)) continue;
        if (!this.listed.has(id)) chars += cost;
        entries.push([id, view.acked, 1]);
        taken.add(id);
        room -= 1;
      } else {
        taken.add(id);
        if (this.listed.has(id) || this.reported.get(id) !== view.acked) {
          entries.push([id, view.acked, 0]);
          room -= 1;
        }
      }
    }
    for (const id of taken) this.dirty.delete(id);
    // Listed executions whose mark moved on: a fresher mark means fewer duplicates after a recovery.
    for (const [id, acked] of this.listed) {
      if (room === 0 || taken.has(id)) continue;
      const view = this.source.view(id);
      if (view?.pending && view.acked !== acked) {
        entries.push([id, view.acked, 1]);
        room -= 1;
      }
    }
    return { entries, done, ...this.window(entries) };
  }

  /** The ledger took the checkpoint. */
  acknowledged(snapshot: JournalSnapshot, response: CheckpointResponse): void {
    this.lastAnswerAt = response.at;
    const refused = new Set(response.unlisted);
    for (const [id, acked, pending] of snapshot.entries) {
      if (pending === 1 && refused.has(id)) {
        this.dirty.add(id);
        continue;
      }
      this.unlistedSince.delete(id);
      if (pending === 1) this.list(id, acked);
      else {
        this.unlist(id);
        this.remember(id, acked);
      }
    }
    for (const id of snapshot.done) {
      this.unlist(id);
      this.reported.delete(id);
      this.unlistedSince.delete(id);
    }
    if (response.resync) this.resync();
  }

  /** The checkpoint did not reach the ledger: everything in it is owed again. */
  failed(snapshot: JournalSnapshot): void {
    for (const [id] of snapshot.entries) this.dirty.add(id);
    for (const id of snapshot.done) this.dirty.add(id);
  }

  /** The ledger forgot this replica: write every execution again. */
  private resync(): void {
    for (const id of this.listed.keys()) this.dirty.add(id);
    for (const id of this.source.pendingIds()) this.touch(id);
    this.listed.clear();
    this.listedChars = 0;
    this.reported.clear();
  }

  /**
   * From when this replica may hold events the ledger cannot see: the ledger's last answer (everything
   * older is listed or delivered), or earlier for pending executions that are still unlisted.
   */
  private window(entries: MarkEntry[]): { windowStart?: number; unlisted: number } {
    // Written now is not listed yet: the ledger may refuse it, so the window still covers it.
    const written = new Set(entries.filter((e) => e[2] === 1).map((e) => e[0]));
    let start = this.lastAnswerAt;
    let unlisted = 0;
    let unanswered = false;
    for (const [id, since] of this.unlistedSince) {
      if (!this.source.view(id)?.pending) {
        if (!this.dirty.has(id)) this.unlistedSince.delete(id);
        continue;
      }
      if (!written.has(id)) unlisted += 1;
      // Waiting since before the ledger's first answer: no ledger time covers it (the uptime will).
      if (since === undefined) unanswered = true;
      else if (start === undefined || since < start) start = since;
    }
    return { windowStart: unanswered ? undefined : start, unlisted };
  }

  private list(id: string, acked: number): void {
    if (!this.listed.has(id)) this.listedChars += id.length + ENTRY_OVERHEAD_CHARS;
    this.listed.set(id, acked);
  }

  private unlist(id: string): void {
    if (this.listed.delete(id)) this.listedChars -= id.length + ENTRY_OVERHEAD_CHARS;
  }

  private remember(id: string, acked: number): void {
    this.reported.delete(id);
    this.reported.set(id, acked);
    if (this.reported.size > MAX_REPORTED) {
      const oldest = this.reported.keys().next();
      if (!oldest.done) this.reported.delete(oldest.value);
    }
  }
}
