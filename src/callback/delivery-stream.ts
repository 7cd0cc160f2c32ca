/**
 * One execution's delivery state on this replica: a cursor (the highest sequence the receiver
 * acknowledged), how far the execution is known to go, and the event bodies held in memory. Bodies may be
 * missing (dropped for memory, or emitted on another replica): the cursor is what matters, and missing
 * events are read back from Temporal when the cursor reaches them. Plain data plus small helpers; the
 * scheduling lives in ProgressDelivery.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ProgressEventType, WorkflowProgressEvent } from '../temporal/contract';

/** Why an event was sent from a Temporal read instead of from memory (the `reason` label of the metric). */
export type ResendReason = 'memory' | 'moved' | 'recovered';
/** Why events were given up (the `reason` label of the metric). */
export type GiveUpReason = 'age' | 'attempts' | 'unreadable';

export interface HeldEvent {
  event: WorkflowProgressEvent;
  /** Set when the body came from a Temporal read. */
  resent?: ResendReason;
  /** When it started waiting on this replica (ms since epoch). */
  since: number;
}

const TERMINAL: ReadonlySet<ProgressEventType> = new Set([
  'workflow_completed',
  'workflow_failed',
  'workflow_cancelled',
]);

export function isTerminal(event: WorkflowProgressEvent): boolean {
  return TERMINAL.has(event.eventType);
}

export class DeliveryStream {
  /** Highest sequence acknowledged by the receiver (through this replica, or a mark another one reported). */
  acked: number;
  /** Highest sequence known to exist. */
  known: number;
  readonly bodies = new Map<number, HeldEvent>();
  /** False while the acknowledged mark of a run that moved here is looked up (nothing is sent meanwhile). */
  startResolved: boolean;
  /** Read the run's log to its current end (recovery of another replica's work). */
  readToEnd = false;
  /** Adopted from a dead replica: events read back are counted as `recovered`. */
  recovered = false;
  /** Sequence of the run's terminal event, once seen. */
  terminal?: number;
  /** Lowest sequence this replica got from its own sink; reads below it fill in what another replica emitted. */
  firstLive: number;
  /** When the stream fell behind (ms since epoch); undefined while caught up. */
  waitingSince?: number;
  running = false;
  /** gRPC code of the last failed call (wakes early after a success when it was a connectivity failure). */
  lastFailure?: number;
  /** Consecutive reads that found the log shorter than what the sink reported. */
  shortReads = 0;
  readonly settled: Array<() => void> = [];

  constructor(
    readonly workflowId: string,
    public executionId: string,
    start: { acked: number; resolved: boolean; firstLive: number },
  ) {
    this.acked = start.acked;
    this.known = start.acked;
    this.startResolved = start.resolved;
    this.firstLive = start.firstLive;
  }

  /** Whether anything is left to do: an unresolved start, a read to the end, or unacknowledged events. */
  get behind(): boolean {
    return !this.startResolved || this.readToEnd || this.acked < this.known;
  }

  /** Whether the run's terminal event was acknowledged: nothing can follow it. */
  get finished(): boolean {
    return this.terminal !== undefined && this.acked >= this.terminal;
  }

  /** Events this stream still owes the receiver (a read to the end counts as at least one). */
  get waiting(): number {
    return Math.max(this.known - this.acked, this.readToEnd ? 1 : 0);
  }

  /** Moves the cursor forward (never back) and drops the bodies it passed; returns how many bodies went. */
  advanceTo(sequence: number): number {
    if (sequence <= this.acked) return 0;
    let dropped = 0;
    // Bodies are held only past the cursor: a short step deletes its range (an acknowledgement is a step
    // of one), a long one scans what is held. Either way each step costs at most what it passes.
    if (sequence - this.acked <= this.bodies.size) {
      for (let s = this.acked + 1; s <= sequence; s++) if (this.bodies.delete(s)) dropped += 1;
    } else {
      for (const held of this.bodies.keys()) {
        if (held <= sequence) {
          this.bodies.delete(held);
          dropped += 1;
        }
      }
    }
    this.acked = sequence;
    this.known = Math.max(this.known, sequence);
    return dropped;
  }
}

/** Codes of an unreachable receiver: a success elsewhere is a reason to retry them at once. */
export const CONNECTIVITY_CODES: ReadonlySet<number> = new Set([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);

export function codeOf(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : GrpcStatus.UNKNOWN;
}

export function codeName(code: number): string {
  return GrpcStatus[code] ?? String(code);
}

/** Exponential backoff with equal jitter: half the step is fixed, half random, capped at maxBackoffMs. */
export function backoffMs(
  policy: { initialBackoffMs: number; maxBackoffMs: number },
  retry: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(retry, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

/** A counting semaphore: bounds calls to the receiver and reads from Temporal in flight. */
export class Slots {
  private free: number;
  private readonly waiters: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}
