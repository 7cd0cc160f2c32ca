/**
 * The Temporal contract of the delivery ledger: one long-lived workflow per task queue into which every
 * replica checkpoints what it has not yet delivered to the Stigmer Service, so that another replica can
 * finish the job when one dies. Pure types and constants only (imported inside the workflow sandbox).
 * The design and its costs are described in docs/api.md ("Delivery guarantee").
 */

/** Workflow type of the ledger (on the runner's task queue; id {@link deliveryLedgerId}). */
export const DELIVERY_LEDGER_WORKFLOW_TYPE = 'deliveryLedger';

export const UPDATE_CHECKPOINT = 'checkpoint';
/**
 * The last checkpoint of a replica that shuts down, as a signal: its own worker has stopped by then (and it
 * may be the last one), so it cannot wait for an Update to be handled; Temporal records the signal at once
 * and the ledger applies it when a worker comes.
 */
export const SIGNAL_LEAVE = 'leave';
/** Argument: workflow ids; returns `[workflowId, acked]` for those the ledger knows. */
export const QUERY_MARKS = 'marks';
/** Returns a {@link LedgerSummary}. */
export const QUERY_SUMMARY = 'summary';

/**
 * Characters of workflow ids the ledger keeps marks for (all replicas together): the whole map travels
 * through continue-as-new in one payload, and Temporal refuses payloads over 2 MB.
 */
export const LEDGER_MAX_MARK_CHARS = 1_000_000;
/** Of those, how many one replica may hold as pending; its other pending runs are found by the window scan. */
export const LEDGER_MAX_PENDING_CHARS_PER_REPLICA = 200_000;
/** Entries one checkpoint may carry (a bound on the update payload). */
export const LEDGER_MAX_ENTRIES_PER_CHECKPOINT = 2000;
/**
 * Slack subtracted from a window start before the recovery scan compares it with history event times:
 * the ledger's workflow time and the history service's clock are different clocks in a cluster.
 */
export const LEDGER_WINDOW_MARGIN_MS = 5000;

/**
 * One execution as a replica reports it: workflow id, the highest sequence number the Stigmer Service
 * acknowledged, and whether this replica still has later events to deliver (1) or not (0).
 */
export type MarkEntry = [workflowId: string, acked: number, pending: 0 | 1];

export interface CheckpointRequest {
  /** The replica: its Temporal worker identity, unique per process. */
  replica: string;
  /** How long without a checkpoint before the others treat this replica as dead. */
  deadAfterMs: number;
  /** Milliseconds since this replica started (the window of its very first checkpoint). */
  uptimeMs: number;
  /**
   * Ledger time from which this replica may hold undelivered events that are *not* listed as pending (the
   * time of the ledger's previous answer, or earlier while it has more pending runs than it may list);
   * absent before its first answer.
   */
  windowStart?: number;
  /**
   * Leaving after its worker stopped: no event can follow, so once every pending run of this checkpoint is
   * held by the ledger there is nothing to scan for (the window is kept when the ledger refuses some).
   */
  windowClosed?: boolean;
  /** Executions whose state changed since the last acknowledged checkpoint. */
  entries: MarkEntry[];
  /** Workflow ids whose terminal event was acknowledged: nobody needs their mark any more. */
  done: string[];
  /** Dead replicas whose recovery this replica finished. */
  released: string[];
  /** Claims this replica received and is working on (the ledger repeats any other claim it holds). */
  recovering: string[];
  /** The replica shuts down: its remaining work may be claimed at once (or dropped when nothing is left). */
  leaving?: boolean;
  /** First checkpoint of this process. */
  first?: boolean;
}

/** A dead replica handed to the replica that checkpointed: it re-delivers from Temporal. */
export interface Claim {
  replica: string;
  /**
   * Ledger time after which the dead replica may have emitted events it never listed (runs it touched since
   * are found through visibility and history); absent when everything it held is listed.
   */
  windowStart?: number;
  /** Its pending executions: workflow id and acknowledged mark. */
  pending: Array<[workflowId: string, acked: number]>;
}

export interface CheckpointResponse {
  /** The ledger's time (workflow time) when it took this checkpoint. */
  at: number;
  /** Dead replicas this replica now recovers (repeated until released, so a lost answer loses nothing). */
  claims: Claim[];
  /** Pending entries of this checkpoint the ledger could not hold (its bound): the replica keeps them unlisted. */
  unlisted: string[];
  /** The ledger had forgotten this replica (it was presumed dead and recovered): list everything again. */
  resync: boolean;
}

export interface ReplicaRecord {
  id: string;
  /** Ledger time of its last checkpoint. */
  heartbeatAt: number;
  deadAfterMs: number;
  windowStart?: number;
  leaving?: boolean;
  claimedBy?: string;
}

/** What the ledger carries across continue-as-new. */
export interface LedgerState {
  replicas: ReplicaRecord[];
  /** [workflowId, acked, replicas holding it as pending]. */
  marks: Array<[string, number, string[]]>;
}

export interface LedgerSummary {
  replicas: Array<ReplicaRecord & { pending: number }>;
  marks: number;
}

/** Workflow id of the ledger of the runners on `taskQueue` (served by the workers of that queue). */
export function deliveryLedgerId(taskQueue: string): string {
  return `workflow-runner-delivery/${taskQueue}`;
}
