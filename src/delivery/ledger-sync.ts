/**
 * Keeps this replica's entry in the delivery ledger current and recovers the replicas the ledger hands it.
 * Every checkpoint interval it writes a checkpoint when something changed (the journal decides), and at
 * least every heartbeat interval. A claim in an answer is a dead replica: its listed executions are adopted
 * from their acknowledged marks, and when it may have held unlisted events, the runs it touched since its
 * window start are found through Temporal (RecoveryScanner) and adopted too. The claim is released once
 * every adopted execution is caught up, so a claimant that dies half-way passes the claim on intact.
 * Plain class: the ledger, the scan and the delivery are ports, so it is tested without Temporal.
 */
import type { CheckpointJournal, JournalSnapshot } from '../callback/checkpoint-journal';
import {
  LEDGER_WINDOW_MARGIN_MS,
  type CheckpointRequest,
  type CheckpointResponse,
  type Claim,
} from '../temporal/delivery-ledger.contract';

export interface LedgerPort {
  checkpoint(request: CheckpointRequest): Promise<CheckpointResponse>;
  /** The last checkpoint of a leaving replica (no answer: no worker may be left to give one). */
  leave(request: CheckpointRequest): Promise<void>;
  marks(workflowIds: string[]): Promise<Map<string, number>>;
}

export interface ScanPort {
  touchedBy(identity: string, sinceMs: number): Promise<string[]>;
}

export interface DeliveryPort {
  readonly journal: CheckpointJournal;
  adopt(workflowId: string, acked: number): Promise<void>;
}

export interface SyncOptions {
  /** This replica's worker identity. */
  replica: string;
  checkpointIntervalMs: number;
  heartbeatIntervalMs: number;
  deadAfterMs: number;
  /** Process start (ms since epoch): the window of the first checkpoint. */
  startedAt: number;
}

export interface SyncLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Pause before a failed recovery is taken up again (the ledger repeats the claim meanwhile). */
const RECOVERY_RETRY_MS = 5000;
const MARKS_PER_QUERY = 500;
/** How long a leaving replica waits for Temporal to record its last checkpoint. */
const LEAVE_TIMEOUT_MS = 5000;
/** How long it waits for a checkpoint still in flight before it leaves. */
const TICK_WAIT_MS = 1000;

export class LedgerSync {
  private first = true;
  private lastWrittenAt = 0;
  private released: string[] = [];
  private readonly recovering = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private tick?: Promise<void>;
  private failures = 0;

  constructor(
    private readonly delivery: DeliveryPort,
    private readonly ledger: LedgerPort,
    private readonly scanner: ScanPort,
    private readonly options: SyncOptions,
    private readonly log: SyncLogger,
    private readonly onRecovered: (replica: string, executions: number) => void = () => undefined,
  ) {}

  /** Dead replicas this one is recovering right now. */
  get recoveries(): number {
    return this.recovering.size;
  }

  start(): void {
    this.schedule(0);
  }

  /**
   * Stops the loop and writes the last checkpoint of a replica that leaves: everything still undelivered is
   * listed, so another replica can take it over at once (nothing at all when everything was delivered).
   * Call after the worker stopped: no event can follow, so there is no window to scan. Sent as a signal:
   * the ledger is served by the replicas' own workers, and this one's has stopped (it may be the last).
   */
  async leave(timeoutMs = LEAVE_TIMEOUT_MS): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A checkpoint in flight may wait for a ledger no worker serves any more: do not wait for it long.
    await Promise.race([this.tick, new Promise((resolve) => setTimeout(resolve, TICK_WAIT_MS).unref?.())]);
    const snapshot = this.delivery.journal.snapshot({ all: true });
    const request = { ...this.request(snapshot), leaving: true, windowClosed: snapshot.unlisted === 0 || undefined };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.ledger.leave(request), timeout]);
    } catch (err) {
      // Then this replica is recovered like a dead one once its heartbeat lapses.
      this.log.warn({ err: String(err) }, 'last delivery checkpoint not written');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes one checkpoint; resolves to the answer, or undefined when the ledger was not reached. */
  async checkpoint(): Promise<CheckpointResponse | undefined> {
    const journal = this.delivery.journal;
    const snapshot = journal.snapshot();
    const request = this.request(snapshot);
    let response: CheckpointResponse;
    try {
      response = await this.ledger.checkpoint(request);
    } catch (err) {
      journal.failed(snapshot);
      // One warning per failing streak (Temporal down): the next ones would repeat it every interval.
      this.failures += 1;
      if (this.failures === 1)
        this.log.warn({ err: String(err) }, 'delivery checkpoint failed; retrying every interval');
      return undefined;
    }
    if (this.failures > 0) this.log.info({ failures: this.failures }, 'delivery checkpoints written again');
    this.failures = 0;
    this.first = false;
    this.lastWrittenAt = Date.now();
    this.released = this.released.filter((r) => !request.released.includes(r));
    journal.acknowledged(snapshot, response);
    for (const claim of response.claims) this.recover(claim);
    return response;
  }

  private request(snapshot: JournalSnapshot): CheckpointRequest {
    return {
      replica: this.options.replica,
      deadAfterMs: this.options.deadAfterMs,
      uptimeMs: Date.now() - this.options.startedAt,
      windowStart: snapshot.windowStart,
      entries: snapshot.entries,
      done: snapshot.done,
      released: [...this.released],
      recovering: [...this.recovering.keys()],
      first: this.first || undefined,
    };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.maybeCheckpoint().finally(() => this.schedule(this.options.checkpointIntervalMs));
    }, delayMs);
    this.timer.unref?.();
  }

  private async maybeCheckpoint(): Promise<void> {
    const due =
      this.first ||
      this.released.length > 0 ||
      Date.now() - this.lastWrittenAt >= this.options.heartbeatIntervalMs ||
      this.delivery.journal.changed;
    if (due) await this.checkpoint();
  }

  private recover(claim: Claim): void {
    if (this.recovering.has(claim.replica)) return;
    const work = this.recoverReplica(claim).then(
      (executions) => {
        this.recovering.delete(claim.replica);
        this.released.push(claim.replica);
        this.onRecovered(claim.replica, executions);
        this.log.info(
          { replica: claim.replica, executions },
          'dead replica recovered: its progress events are delivered',
        );
      },
      async (err: unknown) => {
        this.log.error({ replica: claim.replica, err: String(err) }, 'recovering a dead replica failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RECOVERY_RETRY_MS).unref?.());
        this.recovering.delete(claim.replica);
      },
    );
    this.recovering.set(claim.replica, work);
  }

  /** Adopts the dead replica's listed executions and the runs it touched since its window; resolves when delivered. */
  private async recoverReplica(claim: Claim): Promise<number> {
    this.log.info(
      { replica: claim.replica, listed: claim.pending.length, windowStart: claim.windowStart },
      'recovering the undelivered progress events of a dead replica',
    );
    const adopted = claim.pending.map(([id, acked]) => this.delivery.adopt(id, acked));
    const listed = new Set(claim.pending.map(([id]) => id));
    let scanned: string[] = [];
    if (claim.windowStart !== undefined) {
      const since = claim.windowStart - LEDGER_WINDOW_MARGIN_MS;
      scanned = (await this.scanner.touchedBy(claim.replica, since)).filter((id) => !listed.has(id));
      for (let i = 0; i < scanned.length; i += MARKS_PER_QUERY) {
        const chunk = scanned.slice(i, i + MARKS_PER_QUERY);
        const marks = await this.ledger.marks(chunk);
        for (const id of chunk) adopted.push(this.delivery.adopt(id, marks.get(id) ?? 0));
      }
    }
    await Promise.all(adopted);
    return adopted.length;
  }
}
