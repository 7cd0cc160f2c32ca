/**
 * Delivery of progress events to the Stigmer Service: one FIFO queue per execution, delivered strictly
 * in order, at least once, with retries on transient gRPC codes. Plain class (no Nest) so its policy is
 * tested directly; CallbackService wires it to the real client, metrics and logger.
 *
 * It never blocks the caller: `enqueue` only appends. Memory is bounded per execution: when a queue is
 * full the oldest waiting event is dropped with a warning; the receiver can still read it back through
 * get_events, which serves the run's events from Temporal.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { WorkflowProgressEvent } from '../temporal/contract';

/** Codes worth another try: the receiver or the network may recover. */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
]);

export interface DeliveryPolicy {
  /** 0 = retry transient failures without limit. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  queueLimit: number;
  /** Events held across all executions (a long outage with many runs); beyond it the oldest run's oldest go. */
  totalLimit: number;
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
}

/** Sends one event; rejects with a gRPC ServiceError (or any error, treated as UNKNOWN). */
export type SendFn = (event: WorkflowProgressEvent) => Promise<void>;

interface Queue {
  events: WorkflowProgressEvent[];
  /** The head is being sent; it is never dropped, so order and at-least-once hold for it. */
  inFlight: boolean;
}

export function codeOf(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : GrpcStatus.UNKNOWN;
}

export function codeName(code: number): string {
  return GrpcStatus[code] ?? String(code);
}

/** Exponential backoff with equal jitter: half the step is fixed, half random, capped at maxBackoffMs. */
export function backoffMs(policy: DeliveryPolicy, retry: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(retry, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

export class ProgressDelivery {
  private readonly queues = new Map<string, Queue>();
  private readonly sleepers = new Set<() => void>();
  private readonly idleWaiters = new Set<() => void>();
  private closed = false;
  private total = 0;
  lastSuccessAt?: Date;
  lastError?: string;
  lastCallOk?: boolean;

  constructor(
    private readonly send: SendFn,
    private readonly policy: DeliveryPolicy,
    private readonly log: DeliveryLogger,
    private readonly observer: DeliveryObserver,
  ) {}

  /** Number of events waiting (including those in flight). */
  get queued(): number {
    return this.total;
  }

  enqueue(event: WorkflowProgressEvent): void {
    if (this.closed) {
      this.log.warn(
        { executionId: event.executionId, sequence: event.sequence },
        'progress event after shutdown not delivered',
      );
      return;
    }
    let queue = this.queues.get(event.executionId);
    if (!queue) {
      queue = { events: [], inFlight: false };
      this.queues.set(event.executionId, queue);
    }
    queue.events.push(event);
    this.total += 1;
    if (queue.events.length > this.policy.queueLimit) this.dropOldest(event.executionId, queue, 'queueLimit');
    if (this.total > this.policy.totalLimit) {
      // Map order is insertion order: the first queue with a waiting event belongs to the oldest backlog.
      for (const [executionId, q] of this.queues) {
        if (q.events.length > (q.inFlight ? 1 : 0)) {
          this.dropOldest(executionId, q, 'totalLimit');
          break;
        }
      }
    }
    if (!queue.inFlight)
      this.drain(event.executionId, queue).catch((err) =>
        this.log.error({ executionId: event.executionId, err: String(err) }, 'progress delivery loop failed'),
      );
  }

  private dropOldest(executionId: string, queue: Queue, limit: 'queueLimit' | 'totalLimit'): void {
    const dropped = queue.events.splice(queue.inFlight ? 1 : 0, 1)[0];
    this.total -= 1;
    this.log.warn(
      { executionId, droppedSequence: dropped.sequence, [limit]: this.policy[limit] },
      'progress queue full: oldest waiting event dropped (still readable through get_events)',
    );
  }

  /** Resolves when every queue is empty, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.queues.size === 0) return true;
    return new Promise<boolean>((resolve) => {
      const done = (result: boolean): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(result);
      };
      const onIdle = (): void => done(true);
      const timer = setTimeout(() => done(this.queues.size === 0), timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  /** Stops retrying: pending backoffs end now and no new delivery starts. */
  close(): void {
    this.closed = true;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  private async drain(executionId: string, queue: Queue): Promise<void> {
    queue.inFlight = true;
    try {
      while (queue.events.length > 0 && !this.closed) {
        await this.deliverHead(queue);
        queue.events.shift();
        this.total -= 1;
      }
    } finally {
      queue.inFlight = false;
      if (queue.events.length === 0 && this.queues.get(executionId) === queue) this.queues.delete(executionId);
      if (this.queues.size === 0) for (const wake of [...this.idleWaiters]) wake();
    }
  }

  /** Delivers the head of the queue, retrying transient failures; gives up (logged) on a permanent one. */
  private async deliverHead(queue: Queue): Promise<void> {
    const event = queue.events[0];
    for (let attempt = 1; ; attempt++) {
      const started = process.hrtime.bigint();
      try {
        await this.send(event);
        this.observer.call('OK', Number(process.hrtime.bigint() - started) / 1e9);
        this.lastSuccessAt = new Date();
        this.lastCallOk = true;
        return;
      } catch (err) {
        const code = codeOf(err);
        this.observer.call(codeName(code), Number(process.hrtime.bigint() - started) / 1e9);
        this.lastCallOk = false;
        this.lastError = `${codeName(code)}: ${(err as Error)?.message ?? String(err)}`;
        const fields = {
          executionId: event.executionId,
          sequence: event.sequence,
          attempt,
          code: codeName(code),
          error: this.lastError,
        };
        const retryable =
          TRANSIENT_CODES.has(code) && (this.policy.maxAttempts === 0 || attempt < this.policy.maxAttempts);
        if (!retryable || this.closed) {
          this.log.error(fields, 'progress event not delivered (still readable through get_events)');
          return;
        }
        this.log.warn(fields, 'progress report failed, retrying');
        this.observer.retry();
        await this.sleep(backoffMs(this.policy, attempt - 1));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
