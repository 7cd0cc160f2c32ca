/**
 * The delivery ledger's bookkeeping as a plain class (no Temporal calls), so claims and bounds are plain to
 * read and tested directly; delivery-ledger.ts beside it runs it inside a workflow, where
 * every checkpoint is an Update and therefore applied in one order that every replica sees.
 *
 * Per replica it keeps the last heartbeat and the window in which the replica may hold events it never
 * listed; per execution (workflow id) the highest acknowledged sequence any replica reported and which
 * replicas still hold later events. A replica silent for longer than its `deadAfterMs` (or one that left)
 * is claimed by the next live replica that checkpoints; the claim stays with it until it reports the
 * recovery finished, and passes on if the claimant dies too. Sandbox-safe: time comes from the caller.
 */
import {
  LEDGER_MAX_MARK_CHARS,
  LEDGER_MAX_PENDING_CHARS_PER_REPLICA,
  type CheckpointRequest,
  type CheckpointResponse,
  type Claim,
  type LedgerState,
  type LedgerSummary,
  type ReplicaRecord,
} from '../delivery-ledger.contract';

interface MarkRecord {
  acked: number;
  /** Replicas that still hold later events of this execution. */
  holders: string[];
}

/** Fixed cost counted per mark besides its id (the numbers and the entry itself). */
const MARK_OVERHEAD_CHARS = 16;

export class DeliveryBook {
  private readonly replicas = new Map<string, ReplicaRecord>();
  /** Insertion order is recency: an updated mark is moved to the end, eviction takes from the front. */
  private readonly marks = new Map<string, MarkRecord>();
  private chars = 0;
  private heldChars = 0;
  private readonly heldByReplica = new Map<string, number>();

  constructor(state?: LedgerState) {
    for (const replica of state?.replicas ?? []) this.replicas.set(replica.id, { ...replica });
    for (const [id, acked, holders] of state?.marks ?? []) {
      this.marks.set(id, { acked, holders: [...holders] });
      this.chars += cost(id);
      for (const holder of holders) this.addHeld(holder, id);
    }
  }

  checkpoint(req: CheckpointRequest, now: number): CheckpointResponse {
    const known = this.replicas.get(req.replica);
    const resync = known === undefined && !req.first;
    const record: ReplicaRecord = known ?? { id: req.replica, heartbeatAt: now, deadAfterMs: req.deadAfterMs };
    record.heartbeatAt = now;
    record.deadAfterMs = req.deadAfterMs;
    record.leaving = req.leaving || undefined;
    // A replica presumed dead that checkpoints again is alive: its claimant's release will be ignored.
    record.claimedBy = undefined;
    this.replicas.set(record.id, record);
    const unlisted = this.applyEntries(req);
    const closed = req.windowClosed === true && unlisted.length === 0;
    record.windowStart = closed ? undefined : (req.windowStart ?? now - req.uptimeMs);
    for (const id of req.done) this.forget(id, req.replica);
    for (const dead of req.released) this.release(dead, req.replica);
    if (req.leaving && closed && (this.heldByReplica.get(req.replica) ?? 0) === 0) {
      // A clean exit: nothing undelivered, nothing unlisted. Nobody needs to recover this replica.
      this.replicas.delete(req.replica);
    }
    this.evict();
    const claims = req.leaving ? [] : this.claimFor(req.replica, now, req.recovering);
    return { at: now, claims, unlisted, resync };
  }

  /** Acknowledged marks of the given executions, for those the ledger knows. */
  marksOf(ids: readonly string[]): Array<[string, number]> {
    const found: Array<[string, number]> = [];
    for (const id of ids) {
      const mark = this.marks.get(id);
      if (mark) found.push([id, mark.acked]);
    }
    return found;
  }

  summary(): LedgerSummary {
    const pending = new Map<string, number>();
    for (const mark of this.marks.values())
      for (const holder of mark.holders) pending.set(holder, (pending.get(holder) ?? 0) + 1);
    return {
      replicas: [...this.replicas.values()].map((r) => ({ ...r, pending: pending.get(r.id) ?? 0 })),
      marks: this.marks.size,
    };
  }

  snapshot(): LedgerState {
    return {
      replicas: [...this.replicas.values()].map((r) => ({ ...r })),
      marks: [...this.marks].map(([id, m]) => [id, m.acked, [...m.holders]]),
    };
  }

  private applyEntries(req: CheckpointRequest): string[] {
    const unlisted: string[] = [];
    for (const [id, acked, pending] of req.entries) {
      const previous = this.marks.get(id);
      const mark: MarkRecord = previous ?? { acked: 0, holders: [] };
      if (previous) this.marks.delete(id);
      else this.chars += cost(id);
      // Every reported mark was acknowledged by the receiver, so the highest one is a safe restart point.
      mark.acked = Math.max(mark.acked, acked);
      this.marks.set(id, mark);
      const holds = mark.holders.includes(req.replica);
      if (pending === 1 && !holds) {
        if (this.canHold(req.replica, id)) {
          mark.holders.push(req.replica);
          this.addHeld(req.replica, id);
        } else unlisted.push(id);
      } else if (pending === 0 && holds) this.dropHolder(mark, req.replica, id);
    }
    return unlisted;
  }

  private canHold(replica: string, id: string): boolean {
    const mine = this.heldByReplica.get(replica) ?? 0;
    return (
      mine + cost(id) <= LEDGER_MAX_PENDING_CHARS_PER_REPLICA && this.heldChars + cost(id) <= LEDGER_MAX_MARK_CHARS
    );
  }

  private addHeld(replica: string, id: string): void {
    this.heldByReplica.set(replica, (this.heldByReplica.get(replica) ?? 0) + cost(id));
    this.heldChars += cost(id);
  }

  private dropHolder(mark: MarkRecord, replica: string, id: string): void {
    mark.holders = mark.holders.filter((h) => h !== replica);
    const left = (this.heldByReplica.get(replica) ?? 0) - cost(id);
    if (left > 0) this.heldByReplica.set(replica, left);
    else this.heldByReplica.delete(replica);
    this.heldChars -= cost(id);
  }

  /** The execution's terminal event was acknowledged: its mark is needed only by replicas still holding it. */
  private forget(id: string, replica: string): void {
    const mark = this.marks.get(id);
    if (!mark) return;
    if (mark.holders.includes(replica)) this.dropHolder(mark, replica, id);
    if (mark.holders.length === 0) this.deleteMark(id);
  }

  private release(dead: string, claimant: string): void {
    const record = this.replicas.get(dead);
    // Ignored when the replica came back (claim cleared) or another replica holds the claim now.
    if (!record || record.claimedBy !== claimant) return;
    this.replicas.delete(dead);
    for (const [id, mark] of this.marks) if (mark.holders.includes(dead)) this.dropHolder(mark, dead, id);
  }

  private deleteMark(id: string): void {
    this.marks.delete(id);
    this.chars -= cost(id);
  }

  /** Oldest marks nobody holds go first; held marks are bounded when they are taken on. */
  private evict(): void {
    if (this.chars <= LEDGER_MAX_MARK_CHARS) return;
    for (const [id, mark] of this.marks) {
      if (this.chars <= LEDGER_MAX_MARK_CHARS) break;
      if (mark.holders.length === 0) this.deleteMark(id);
    }
  }

  private isDead(record: ReplicaRecord, now: number): boolean {
    return record.leaving === true || now - record.heartbeatAt > record.deadAfterMs;
  }

  /**
   * Hands every dead, unclaimed replica (or one whose claimant died too) to `replica`, and returns the
   * claims it holds that it has not confirmed yet (`recovering`): a lost answer is simply repeated.
   */
  private claimFor(replica: string, now: number, recovering: readonly string[]): Claim[] {
    const claims: Claim[] = [];
    for (const record of this.replicas.values()) {
      if (record.id === replica || !this.isDead(record, now)) continue;
      const claimant = record.claimedBy ? this.replicas.get(record.claimedBy) : undefined;
      if (record.claimedBy && claimant && !this.isDead(claimant, now)) continue;
      record.claimedBy = replica;
    }
    for (const record of this.replicas.values()) {
      if (record.claimedBy !== replica || recovering.includes(record.id)) continue;
      const pending: Array<[string, number]> = [];
      for (const [id, mark] of this.marks) if (mark.holders.includes(record.id)) pending.push([id, mark.acked]);
      claims.push({ replica: record.id, windowStart: record.windowStart, pending });
    }
    return claims;
  }
}

function cost(id: string): number {
  return id.length + MARK_OVERHEAD_CHARS;
}
