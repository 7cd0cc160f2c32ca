/**
 * The ports of the progress delivery: its policy, what it reports to, and where it reads events and marks
 * it does not hold. Kept apart from ProgressDelivery so that adapters (Temporal reads, the ledger's marks,
 * metrics) depend on these types only.
 */
import type { EventsPage, WorkflowProgressEvent } from '../temporal/contract';
import type { GiveUpReason, ResendReason } from './delivery-stream';

export interface DeliveryPolicy {
  /** Attempts per event, whatever the code, before it is given up; 0 = no limit. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Event bodies held in memory per execution; later ones are read back from Temporal. */
  queueLimit: number;
  /** Event bodies held in memory in all. */
  totalLimit: number;
  /** An execution whose oldest undelivered event waits longer than this is given up; 0 = never. */
  giveUpAfterMs: number;
}

export interface DeliveryLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

export interface DeliveryObserver {
  /** One finished call: gRPC code name (`OK`, `UNAVAILABLE`, ...) and its latency. */
  call(code: string, seconds: number): void;
  retry(): void;
  /** Events sent from a Temporal read rather than from memory. */
  resent(reason: ResendReason, count: number): void;
  givenUp(reason: GiveUpReason, count: number): void;
}

/** Sends one event; rejects with a gRPC ServiceError (or any error, treated as UNKNOWN). */
export type SendFn = (event: WorkflowProgressEvent) => Promise<void>;

/** Reads an execution's events back (get_events' read); rejects with {@link EventsGone} when the run is gone. */
export interface EventSource {
  events(workflowId: string, fromSequence: number, limit: number): Promise<EventsPage>;
}

/** The highest acknowledged sequence of an execution that some replica reported, when known. */
export interface MarkSource {
  lookup(workflowId: string): Promise<number | undefined>;
}

/** The execution's history is gone (retention): its events can no longer be read. */
export class EventsGone extends Error {
  override readonly name = 'EventsGone';
}

/** Where a sink event came from: the workflow id Temporal reads need (usually the execution id). */
export interface ProgressOrigin {
  workflowId: string;
}

/** One execution as the checkpoint journal sees it; undefined once nothing is left to remember. */
export type StreamView = { acked: number; pending: boolean } | undefined;
