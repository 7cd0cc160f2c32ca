/**
 * Delivery of progress events to the Stigmer Service: per execution, strictly in sequence order, at least
 * once, never skipping one. Plain class (no Nest) so its policy is tested directly; CallbackService wires it
 * to the real client, metrics and logger, and the delivery feature attaches Temporal as the event source.
 *
 * Each execution has a cursor (the highest sequence the receiver acknowledged) and sends cursor + 1 next,
 * only after the receiver acknowledged the one before. Every gRPC code is retried with backoff (keys rotate;
 * receivers come back). Memory is bounded by holding at most `queueLimit` bodies per execution and
 * `totalLimit` in all: beyond them a body is not kept, the cursor is, and when the cursor reaches a missing
 * body the events are read back from Temporal (the reads get_events uses). The same read fills in events
 * another replica emitted: a run whose first event here has sequence s > 1 starts from the acknowledged
 * mark the ledger knows (or from 1). `enqueue` never blocks the caller.
 */
import type { EventsPage, WorkflowProgressEvent } from '../temporal/contract';
import {
  EventsGone,
  type DeliveryLogger,
  type DeliveryObserver,
  type DeliveryPolicy,
  type EventSource,
  type MarkSource,
  type ProgressOrigin,
  type SendFn,
  type StreamView,
} from './delivery-ports';
import {
  backoffMs,
  codeName,
  codeOf,
  CONNECTIVITY_CODES,
  DeliveryStream,
  type GiveUpReason,
  type HeldEvent,
  isTerminal,
  type ResendReason,
  Slots,
} from './delivery-stream';

export { backoffMs, codeName, codeOf } from './delivery-stream';

export * from './delivery-ports';

const MAX_SENDS_IN_FLIGHT = 128;
const MAX_READS_IN_FLIGHT = 4;
const MAX_READ_PAGE = 1000;
/** Bodies a read may hold beyond the memory bounds (at most this many per read in flight). */
const MIN_READ_PAGE = 20;
/** Caught-up executions whose cursor is remembered, so a later event of the run needs no look-up. */
const MAX_CURSORS = 100_000;
/** Reads finding the log shorter than the sink reported, before the log is believed. */
const SHORT_READS_TRUSTED = 3;

export class ProgressDelivery {
  private readonly streams = new Map<string, DeliveryStream>();
  private readonly cursors = new Map<string, number>();
  /**
   * Cursors of runs whose terminal event was delivered. The journal no longer reports them (view() is
   * undefined), but `terminate` and `recover` add events after a terminal one: this replica then goes on from
   * its mark instead of sending the run again from sequence 1.
   */
  private readonly finished = new Map<string, number>();
  private readonly sleepers = new Map<DeliveryStream, () => void>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly sends = new Slots(MAX_SENDS_IN_FLIGHT);
  private readonly reads = new Slots(MAX_READS_IN_FLIGHT);
  private closed = false;
  private heldBodies = 0;
  private events?: EventSource;
  private marks?: MarkSource;
  /** Called when an execution's checkpointed state may have changed (the checkpoint journal). */
  onChange: (workflowId: string) => void = () => undefined;
  lastSuccessAt?: Date;
  lastError?: string;
  lastCallOk?: boolean;

  constructor(
    private readonly send: SendFn,
    private readonly policy: DeliveryPolicy,
    private readonly log: DeliveryLogger,
    private readonly observer: DeliveryObserver,
  ) {}

  /** Temporal reads and acknowledged marks; without them missing events cannot be filled in. */
  attach(sources: { events?: EventSource; marks?: MarkSource }): void {
    this.events = sources.events ?? this.events;
    this.marks = sources.marks ?? this.marks;
  }

  /** Events held in memory (bodies), across executions. */
  get queued(): number {
    return this.heldBodies;
  }

  /** Undelivered events and the age of the oldest one's wait (ms), across executions. */
  backlog(now = Date.now()): { waiting: number; executions: number; oldestWaitMs: number } {
    let waiting = 0;
    let oldest = now;
    let executions = 0;
    for (const stream of this.streams.values()) {
      if (!stream.behind) continue;
      executions += 1;
      waiting += stream.waiting;
      if (stream.waitingSince !== undefined && stream.waitingSince < oldest) oldest = stream.waitingSince;
    }
    return { waiting, executions, oldestWaitMs: now - oldest };
  }

  /** Workflow ids of executions with something left to deliver. */
  pendingIds(): IterableIterator<string> {
    return this.streams.keys();
  }

  view(workflowId: string): StreamView {
    const stream = this.streams.get(workflowId);
    if (stream) return { acked: stream.acked, pending: true };
    const cursor = this.cursors.get(workflowId);
    return cursor === undefined ? undefined : { acked: cursor, pending: false };
  }

  enqueue(event: WorkflowProgressEvent, origin?: ProgressOrigin): void {
    if (this.closed) {
      this.log.warn(
        { executionId: event.executionId, sequence: event.sequence },
        'progress event after shutdown not delivered here (recovered from Temporal by another replica)',
      );
      return;
    }
    const workflowId = origin?.workflowId ?? event.executionId;
    const sequence = event.sequence;
    // A task retried after its events went out emits them again: already delivered, nothing to do.
    if (
      !this.streams.has(workflowId) &&
      sequence <= (this.cursors.get(workflowId) ?? this.finished.get(workflowId) ?? 0)
    )
      return;
    const stream = this.streamFor(workflowId, event);
    if (sequence <= stream.acked || stream.bodies.has(sequence)) return;
    if (isTerminal(event)) stream.terminal = sequence;
    stream.known = Math.max(stream.known, sequence);
    if (this.hasRoom(stream)) {
      stream.bodies.set(sequence, { event, since: Date.now() });
      this.heldBodies += 1;
    }
    this.wake(stream);
  }

  /**
   * Takes over an execution another replica left undelivered: reads its log from `acked + 1` to the current
   * end and delivers it. Resolves once it is caught up (or given up).
   */
  adopt(workflowId: string, acked: number): Promise<void> {
    let stream = this.streams.get(workflowId);
    if (!stream) {
      const cursor = this.cursors.get(workflowId);
      this.cursors.delete(workflowId);
      stream = new DeliveryStream(workflowId, workflowId, {
        acked: Math.max(cursor ?? 0, acked),
        resolved: true,
        firstLive: Number.MAX_SAFE_INTEGER,
      });
      this.streams.set(workflowId, stream);
    } else this.dropBodies(stream.advanceTo(acked));
    stream.readToEnd = true;
    stream.recovered = true;
    const settled = new Promise<void>((resolve) => stream.settled.push(resolve));
    this.wake(stream);
    return settled;
  }

  /** Resolves when every execution is caught up, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.streams.size === 0) return true;
    return new Promise<boolean>((resolve) => {
      const done = (result: boolean): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(result);
      };
      const onIdle = (): void => done(true);
      const timer = setTimeout(() => done(this.streams.size === 0), timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  /** Stops: pending backoffs end now and nothing new is sent (what is left is recovered elsewhere). */
  close(): void {
    this.closed = true;
    for (const wake of this.sleepers.values()) wake();
    this.sleepers.clear();
  }

  private streamFor(workflowId: string, event: WorkflowProgressEvent): DeliveryStream {
    const existing = this.streams.get(workflowId);
    if (existing) return existing;
    const cursor = this.cursors.get(workflowId) ?? this.finished.get(workflowId);
    this.cursors.delete(workflowId);
    this.finished.delete(workflowId);
    // A first event past 1 that this replica has no cursor for: the run moved here (another replica, or a
    // restart) and the receiver's position must be looked up before anything is sent.
    const resolved = cursor !== undefined || event.sequence === 1;
    const stream = new DeliveryStream(workflowId, event.executionId, {
      acked: cursor ?? 0,
      resolved,
      firstLive: event.sequence,
    });
    this.streams.set(workflowId, stream);
    return stream;
  }

  /** Starts the stream's loop unless it runs; marks it waiting. */
  private wake(stream: DeliveryStream): void {
    if (stream.waitingSince === undefined) {
      stream.waitingSince = Date.now();
      this.onChange(stream.workflowId);
    }
    if (stream.running) return;
    stream.running = true;
    this.drain(stream).catch((err) => {
      stream.running = false;
      this.log.error({ executionId: stream.executionId, err: String(err) }, 'progress delivery loop failed');
    });
  }

  private async drain(stream: DeliveryStream): Promise<void> {
    try {
      while (!this.closed && stream.behind) {
        if (!stream.startResolved) await this.resolveStart(stream);
        else if (this.tooOld(stream)) this.giveUp(stream, 'age', stream.known);
        else {
          const next = stream.acked + 1;
          const held = next <= stream.known ? stream.bodies.get(next) : undefined;
          if (held) await this.deliver(stream, held);
          else await this.fill(stream, next);
        }
      }
    } finally {
      stream.running = false;
      if (!stream.behind) this.settle(stream);
    }
  }

  /** The receiver's position for a run that moved here: the ledger's mark, or 0 (send from 1). */
  private async resolveStart(stream: DeliveryStream): Promise<void> {
    let mark: number | undefined;
    try {
      mark = await this.marks?.lookup(stream.workflowId);
    } catch (err) {
      this.log.warn(
        { executionId: stream.executionId, err: String(err) },
        'acknowledged mark not readable; delivering this execution from sequence 1',
      );
    }
    this.dropBodies(stream.advanceTo(mark ?? 0));
    stream.startResolved = true;
    this.onChange(stream.workflowId);
  }

  private tooOld(stream: DeliveryStream): boolean {
    const limit = this.policy.giveUpAfterMs;
    return limit > 0 && stream.waitingSince !== undefined && Date.now() - stream.waitingSince > limit;
  }

  /** Gives up everything up to `through`, counted and logged; the cursor moves past it. */
  private giveUp(stream: DeliveryStream, reason: GiveUpReason, through: number): void {
    const from = stream.acked + 1;
    const count = Math.max(0, through - stream.acked);
    this.dropBodies(stream.advanceTo(through));
    stream.readToEnd = false;
    stream.waitingSince = stream.behind ? Date.now() : undefined;
    if (count > 0) this.observer.givenUp(reason, count);
    this.log.error(
      { executionId: stream.executionId, fromSequence: from, toSequence: through, reason },
      'progress events given up (still readable through get_events while Temporal holds the run)',
    );
    this.onChange(stream.workflowId);
  }

  /** Sends the event at the cursor until the receiver acknowledges it, or the policy gives it up. */
  private async deliver(stream: DeliveryStream, held: HeldEvent): Promise<void> {
    const event = held.event;
    for (let attempt = 1; !this.closed; attempt++) {
      const started = process.hrtime.bigint();
      try {
        await this.sends.use(() => this.send(event));
        this.observer.call('OK', Number(process.hrtime.bigint() - started) / 1e9);
        this.acknowledged(stream, event.sequence, held.resent);
        return;
      } catch (err) {
        const code = codeOf(err);
        this.observer.call(codeName(code), Number(process.hrtime.bigint() - started) / 1e9);
        this.lastCallOk = false;
        this.lastError = `${codeName(code)}: ${(err as Error)?.message ?? String(err)}`;
        stream.lastFailure = code;
        const fields = { executionId: event.executionId, sequence: event.sequence, attempt, code: codeName(code) };
        if (this.policy.maxAttempts > 0 && attempt >= this.policy.maxAttempts) {
          this.giveUp(stream, 'attempts', event.sequence);
          return;
        }
        if (this.tooOld(stream)) return;
        // One warning per failing streak; the retries themselves are debug lines and a metric.
        if (attempt === 1) this.log.warn({ ...fields, error: this.lastError }, 'progress report failed, retrying');
        else this.log.debug(fields, 'progress report retry failed');
        this.observer.retry();
        await this.sleep(stream, backoffMs(this.policy, attempt - 1));
      }
    }
  }

  private acknowledged(stream: DeliveryStream, sequence: number, resent?: ResendReason): void {
    this.lastSuccessAt = new Date();
    this.lastCallOk = true;
    stream.lastFailure = undefined;
    this.dropBodies(stream.advanceTo(sequence));
    // The wait that counts from now on is the next event's (its arrival here, when its body is held).
    const next = stream.bodies.get(sequence + 1);
    if (next && stream.behind) stream.waitingSince = Math.max(stream.waitingSince ?? 0, next.since);
    if (resent) this.observer.resent(resent, 1);
    // The receiver answers again: executions waiting out a connectivity backoff try now.
    for (const [other, wake] of this.sleepers) {
      if (other.lastFailure !== undefined && CONNECTIVITY_CODES.has(other.lastFailure)) wake();
    }
  }

  /** Reads the events from `next` back from Temporal into memory (at least the one at the cursor). */
  private async fill(stream: DeliveryStream, next: number): Promise<void> {
    if (!this.events) {
      this.giveUp(stream, 'unreadable', Math.max(stream.known, next));
      return;
    }
    const room = Math.min(this.policy.queueLimit - stream.bodies.size, this.policy.totalLimit - this.heldBodies);
    // At least a small page, even when memory is full elsewhere: one query per event would crawl.
    const limit = Math.max(MIN_READ_PAGE, Math.min(MAX_READ_PAGE, room));
    let page: EventsPage;
    try {
      page = await this.reads.use(() => this.events!.events(stream.workflowId, next, limit));
    } catch (err) {
      if (err instanceof EventsGone) this.giveUp(stream, 'unreadable', Math.max(stream.known, next));
      else await this.readFailed(stream, err);
      return;
    }
    const reason: ResendReason = stream.recovered ? 'recovered' : next < stream.firstLive ? 'moved' : 'memory';
    const since = stream.waitingSince ?? Date.now();
    for (const event of page.events) {
      if (event.sequence < next || stream.bodies.has(event.sequence)) continue;
      if (event.sequence >= next + MIN_READ_PAGE && !this.hasRoom(stream)) break;
      stream.bodies.set(event.sequence, { event, resent: reason, since });
      this.heldBodies += 1;
      if (stream.executionId === stream.workflowId) stream.executionId = event.executionId;
      if (isTerminal(event)) stream.terminal = event.sequence;
    }
    stream.readToEnd = false;
    if (page.lastSequence >= next) stream.known = Math.max(stream.known, page.lastSequence);
    if (stream.bodies.has(next)) stream.shortReads = 0;
    else if (page.lastSequence < next) await this.shortLog(stream, page.lastSequence);
    else {
      // The run no longer holds these events (its query keeps the most recent ones only).
      const first = page.events.find((e) => e.sequence > next)?.sequence ?? page.lastSequence + 1;
      this.giveUp(stream, 'unreadable', first - 1);
    }
  }

  /**
   * The log ends before the cursor: nothing left (a recovery that found everything delivered), or the sink
   * reported events whose workflow task Temporal has not recorded yet. The log is believed after a few reads.
   */
  private async shortLog(stream: DeliveryStream, lastSequence: number): Promise<void> {
    const heard = stream.known > lastSequence;
    if (heard && stream.shortReads < SHORT_READS_TRUSTED) {
      stream.shortReads += 1;
      await this.sleep(stream, backoffMs(this.policy, stream.shortReads));
      return;
    }
    stream.shortReads = 0;
    stream.known = Math.max(stream.acked, lastSequence);
    for (const sequence of [...stream.bodies.keys()]) {
      if (sequence > stream.known) {
        stream.bodies.delete(sequence);
        this.heldBodies -= 1;
      }
    }
    if (stream.terminal !== undefined && stream.terminal > stream.known) stream.terminal = undefined;
  }

  private async readFailed(stream: DeliveryStream, err: unknown): Promise<void> {
    stream.shortReads += 1;
    this.log.warn(
      { executionId: stream.executionId, err: String(err) },
      'reading progress events back from Temporal failed, retrying',
    );
    await this.sleep(stream, backoffMs(this.policy, Math.min(stream.shortReads, 10)));
  }

  /** Caught up: the cursor is remembered (unless the run is over) and the checkpoint learns of it. */
  private settle(stream: DeliveryStream): void {
    if (this.streams.get(stream.workflowId) !== stream) return;
    this.streams.delete(stream.workflowId);
    this.dropBodies(stream.bodies.size);
    stream.bodies.clear();
    remember(stream.finished ? this.finished : this.cursors, stream.workflowId, stream.acked);
    this.onChange(stream.workflowId);
    for (const resolve of stream.settled.splice(0)) resolve();
    if (this.streams.size === 0) for (const wake of [...this.idleWaiters]) wake();
  }

  private hasRoom(stream: DeliveryStream): boolean {
    return stream.bodies.size < this.policy.queueLimit && this.heldBodies < this.policy.totalLimit;
  }

  private dropBodies(count: number): void {
    this.heldBodies -= count;
  }

  private sleep(stream: DeliveryStream, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(stream);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.set(stream, wake);
    });
  }
}

/** Sets a cursor in a bounded map, forgetting the oldest beyond MAX_CURSORS. */
function remember(cursors: Map<string, number>, workflowId: string, acked: number): void {
  if (cursors.size >= MAX_CURSORS) {
    const oldest = cursors.keys().next();
    if (!oldest.done) cursors.delete(oldest.value);
  }
  cursors.set(workflowId, acked);
}
