import { status } from '@grpc/grpc-js';
import type { EventsPage, WorkflowProgressEvent } from '../temporal/contract';
import { newProgressEvent } from './progress-event';
import {
  backoffMs,
  type DeliveryLogger,
  type DeliveryObserver,
  type DeliveryPolicy,
  type EventSource,
  EventsGone,
  ProgressDelivery,
  type SendFn,
} from './progress-delivery';

const policy: DeliveryPolicy = {
  maxAttempts: 0,
  initialBackoffMs: 1,
  maxBackoffMs: 4,
  queueLimit: 100,
  totalLimit: 1000,
  giveUpAfterMs: 0,
};
const event = (executionId: string, sequence: number, type: WorkflowProgressEvent['eventType'] = 'task_completed') =>
  newProgressEvent(executionId, type, 'wf', 'completed', `m${sequence}`, sequence);

/** Strict fakes: any unexpected call fails the test loudly. */
function strictLogger(
  allowed: Array<keyof DeliveryLogger>,
): DeliveryLogger & { lines: Array<[string, Record<string, unknown>, string]> } {
  const lines: Array<[string, Record<string, unknown>, string]> = [];
  const make = (level: keyof DeliveryLogger) => (fields: Record<string, unknown>, message: string) => {
    if (!allowed.includes(level)) throw new Error(`unexpected ${level} log: ${message}`);
    lines.push([level, fields, message]);
  };
  return { warn: make('warn'), error: make('error'), debug: make('debug'), lines };
}
function recordingObserver() {
  const o = {
    codes: [] as string[],
    retries: 0,
    resent: {} as Record<string, number>,
    givenUp: {} as Record<string, number>,
  };
  const observer: DeliveryObserver = {
    call: (code) => o.codes.push(code),
    retry: () => (o.retries += 1),
    resent: (reason, n) => (o.resent[reason] = (o.resent[reason] ?? 0) + n),
    givenUp: (reason, n) => (o.givenUp[reason] = (o.givenUp[reason] ?? 0) + n),
  };
  return Object.assign(o, { observer });
}
const grpcError = (code: number) => Object.assign(new Error(status[code]), { code });

/** Temporal's side as the delivery reads it: every event of each run, paged like get_events. */
function logOf(runs: Record<string, number>): EventSource & { reads: Array<[string, number, number]> } {
  const reads: Array<[string, number, number]> = [];
  return {
    reads,
    events: async (workflowId, from, limit): Promise<EventsPage> => {
      reads.push([workflowId, from, limit]);
      const last = runs[workflowId] ?? 0;
      const events: WorkflowProgressEvent[] = [];
      for (let s = from; s <= last && events.length < limit; s++) events.push(event(workflowId, s));
      return { events, firstSequence: 1, lastSequence: last, hasMore: from + events.length <= last };
    },
  };
}

function build(send: SendFn, overrides: Partial<DeliveryPolicy> = {}, logs: Array<keyof DeliveryLogger> = ['warn']) {
  const log = strictLogger(logs);
  const seen = recordingObserver();
  const delivery = new ProgressDelivery(send, { ...policy, ...overrides }, log, seen.observer);
  return { delivery, log, seen };
}

function recorder() {
  const sent: string[] = [];
  const send: SendFn = async (e) => {
    sent.push(e.eventId);
  };
  return { sent, send };
}

describe('backoffMs', () => {
  it('grows exponentially with jitter and stays under the cap', () => {
    const p = { ...policy, initialBackoffMs: 100, maxBackoffMs: 1000 };
    expect(backoffMs(p, 0, () => 0)).toBe(50);
    expect(backoffMs(p, 0, () => 1)).toBe(100);
    expect(backoffMs(p, 2, () => 0)).toBe(200);
    expect(backoffMs(p, 3, () => 0.5)).toBe(600);
    expect(backoffMs(p, 50, () => 1)).toBe(1000);
  });
});

describe('ProgressDelivery', () => {
  it('delivers each execution in sequence order while a failing execution retries', async () => {
    const sent: string[] = [];
    let failuresLeft = 3;
    const send: SendFn = async (e) => {
      if (e.executionId === 'a' && e.sequence === 2 && failuresLeft-- > 0) throw grpcError(status.UNAVAILABLE);
      sent.push(e.eventId);
    };
    const { delivery, seen } = build(send, {}, ['warn', 'debug']);
    for (let s = 1; s <= 4; s++) {
      delivery.enqueue(event('a', s));
      delivery.enqueue(event('b', s));
    }
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent.filter((id) => id.startsWith('a:'))).toEqual(['a:1', 'a:2', 'a:3', 'a:4']);
    expect(sent.filter((id) => id.startsWith('b:'))).toEqual(['b:1', 'b:2', 'b:3', 'b:4']);
    expect(seen.retries).toBe(3);
    expect(seen.codes.filter((c) => c === 'UNAVAILABLE')).toHaveLength(3);
    expect(delivery.queued).toBe(0);
  });

  it.each([
    ['UNAUTHENTICATED', status.UNAUTHENTICATED],
    ['PERMISSION_DENIED', status.PERMISSION_DENIED],
    ['INVALID_ARGUMENT', status.INVALID_ARGUMENT],
  ])('retries %s until the receiver accepts; nothing is skipped', async (_name, code) => {
    const sent: number[] = [];
    let failuresLeft = 4;
    const send: SendFn = async (e) => {
      if (failuresLeft-- > 0) throw grpcError(code);
      sent.push(e.sequence);
    };
    const { delivery, log } = build(send, {}, ['warn', 'debug']);
    delivery.enqueue(event('x', 1));
    delivery.enqueue(event('x', 2));
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent).toEqual([1, 2]);
    // One warning for the failing streak, the retries at debug level.
    expect(log.lines.filter(([level]) => level === 'warn')).toHaveLength(1);
  });

  it('gives an event up after maxAttempts (counted) and goes on with the next', async () => {
    const sent: number[] = [];
    const send: SendFn = async (e) => {
      if (e.sequence === 1) throw grpcError(status.DEADLINE_EXCEEDED);
      sent.push(e.sequence);
    };
    const { delivery, seen, log } = build(send, { maxAttempts: 3 }, ['warn', 'debug', 'error']);
    delivery.enqueue(event('x', 1));
    delivery.enqueue(event('x', 2));
    expect(await delivery.idle(5000)).toBe(true);
    expect(seen.codes.filter((c) => c === 'DEADLINE_EXCEEDED')).toHaveLength(3);
    expect(sent).toEqual([2]);
    expect(seen.givenUp).toEqual({ attempts: 1 });
    expect(log.lines.filter(([level]) => level === 'error')[0][1]).toMatchObject({ fromSequence: 1, toSequence: 1 });
  });

  it('gives an execution up once its oldest event waited longer than giveUpAfterMs', async () => {
    const send: SendFn = async () => {
      throw grpcError(status.UNAVAILABLE);
    };
    const { delivery, seen } = build(send, { giveUpAfterMs: 30 }, ['warn', 'debug', 'error']);
    for (let s = 1; s <= 3; s++) delivery.enqueue(event('x', s));
    expect(await delivery.idle(5000)).toBe(true);
    expect(seen.givenUp).toEqual({ age: 3 });
  });

  it('bounds memory by event bodies, keeps the cursor, and reads the missing ones back from Temporal in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sent: number[] = [];
    let peak = 0;
    const { delivery, seen } = build(
      async (e) => {
        await gate;
        peak = Math.max(peak, delivery.queued);
        sent.push(e.sequence);
      },
      { queueLimit: 3 },
    );
    const log = logOf({ x: 60 });
    delivery.attach({ events: log });
    for (let s = 1; s <= 60; s++) delivery.enqueue(event('x', s));
    expect(delivery.queued).toBe(3);
    expect(delivery.backlog().waiting).toBe(60);
    release();
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(seen.resent).toEqual({ memory: 57 });
    // Reads come in small pages (never one query per event), and memory stays near the bound.
    expect(log.reads.length).toBeLessThanOrEqual(3);
    expect(log.reads.every(([, , limit]) => limit <= 20)).toBe(true);
    expect(peak).toBeLessThanOrEqual(3 + 20);
    expect(delivery.queued).toBe(0);
  });

  it('bounds memory across executions (totalLimit) without losing any event', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { sent, send } = recorder();
    const gated: SendFn = async (e) => {
      await gate;
      await send(e);
    };
    const { delivery } = build(gated, { queueLimit: 10, totalLimit: 5 });
    delivery.attach({ events: logOf({ old: 3, new: 3 }) });
    for (let s = 1; s <= 3; s++) delivery.enqueue(event('old', s));
    for (let s = 1; s <= 3; s++) delivery.enqueue(event('new', s));
    expect(delivery.queued).toBe(5);
    release();
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent.filter((id) => id.startsWith('old:'))).toEqual(['old:1', 'old:2', 'old:3']);
    expect(sent.filter((id) => id.startsWith('new:'))).toEqual(['new:1', 'new:2', 'new:3']);
  });

  it('fills in a run that moved here from the acknowledged mark the ledger knows', async () => {
    const { sent, send } = recorder();
    const { delivery, seen } = build(send);
    const lookups: string[] = [];
    delivery.attach({
      events: logOf({ moved: 7 }),
      marks: { lookup: async (id) => (lookups.push(id), 4) },
    });
    delivery.enqueue(event('moved', 7));
    expect(await delivery.idle(5000)).toBe(true);
    expect(lookups).toEqual(['moved']);
    expect(sent).toEqual(['moved:5', 'moved:6', 'moved:7']);
    expect(seen.resent).toEqual({ moved: 2 });
  });

  it('sends a moved run from sequence 1 when no mark is known, and from its own cursor when it has one', async () => {
    const { sent, send } = recorder();
    const { delivery } = build(send);
    delivery.attach({ events: logOf({ fresh: 3, back: 6 }), marks: { lookup: async () => undefined } });
    delivery.enqueue(event('fresh', 3));
    for (let s = 1; s <= 4; s++) delivery.enqueue(event('back', s));
    expect(await delivery.idle(5000)).toBe(true);
    // `back` ran elsewhere for event 5 and came back: its cursor (4) is the start, no look-up needed.
    delivery.enqueue(event('back', 6));
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent.filter((id) => id.startsWith('fresh:'))).toEqual(['fresh:1', 'fresh:2', 'fresh:3']);
    expect(sent.filter((id) => id.startsWith('back:'))).toEqual([
      'back:1',
      'back:2',
      'back:3',
      'back:4',
      'back:5',
      'back:6',
    ]);
  });

  it('adopts an execution from a mark and delivers it to the end of its log', async () => {
    const { sent, send } = recorder();
    const { delivery, seen } = build(send);
    delivery.attach({ events: logOf({ orphan: 5, done: 2 }) });
    await Promise.all([delivery.adopt('orphan', 2), delivery.adopt('done', 2)]);
    expect(sent).toEqual(['orphan:3', 'orphan:4', 'orphan:5']);
    expect(seen.resent).toEqual({ recovered: 3 });
    expect(delivery.backlog().waiting).toBe(0);
  });

  it('ignores events it already delivered (a retried workflow task emits them again)', async () => {
    const { sent, send } = recorder();
    const { delivery } = build(send);
    delivery.enqueue(event('x', 1));
    delivery.enqueue(event('x', 2));
    expect(await delivery.idle(5000)).toBe(true);
    delivery.enqueue(event('x', 2));
    delivery.enqueue(event('x', 3));
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent).toEqual(['x:1', 'x:2', 'x:3']);
  });

  it('forgets an execution once its terminal event is delivered, and reports its view to the journal', async () => {
    const { send } = recorder();
    const { delivery } = build(send);
    const changes: string[] = [];
    delivery.onChange = (id) => changes.push(id);
    delivery.enqueue(event('open', 1));
    delivery.enqueue(event('over', 1));
    delivery.enqueue(event('over', 2, 'workflow_completed'));
    expect(await delivery.idle(5000)).toBe(true);
    expect(delivery.view('open')).toEqual({ acked: 1, pending: false });
    expect(delivery.view('over')).toBeUndefined();
    expect(new Set(changes)).toEqual(new Set(['open', 'over']));
  });

  it('goes on from its mark when a finished run gets another event (terminate, recover), without resending', async () => {
    const { sent, send } = recorder();
    const { delivery } = build(send);
    delivery.enqueue(event('over', 1));
    delivery.enqueue(event('over', 2, 'workflow_failed'));
    expect(await delivery.idle(5000)).toBe(true);
    expect(delivery.view('over')).toBeUndefined();
    delivery.enqueue(event('over', 3, 'workflow_recovered'));
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent).toEqual(['over:1', 'over:2', 'over:3']);
  });

  it('gives up events Temporal no longer holds (run gone), counted as unreadable', async () => {
    const { sent, send } = recorder();
    const { delivery, seen } = build(send, { queueLimit: 1 }, ['warn', 'error']);
    delivery.attach({
      events: {
        events: async () => {
          throw new EventsGone('workflow x not found');
        },
      },
    });
    for (let s = 1; s <= 3; s++) delivery.enqueue(event('x', s));
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent).toEqual(['x:1']);
    expect(seen.givenUp).toEqual({ unreadable: 2 });
  });

  it('retries at once after a success elsewhere when it waited out a connectivity failure', async () => {
    let down = true;
    const sent: string[] = [];
    const send: SendFn = async (e) => {
      if (down && e.executionId === 'a') throw grpcError(status.UNAVAILABLE);
      sent.push(e.eventId);
    };
    // A backoff far longer than the test: only the wake-up can deliver `a` in time.
    const { delivery } = build(send, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    delivery.enqueue(event('a', 1));
    await new Promise((r) => setImmediate(r));
    down = false;
    delivery.enqueue(event('b', 1));
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent.sort()).toEqual(['a:1', 'b:1']);
  });

  it('never blocks the caller, even while the receiver hangs', () => {
    const send: SendFn = () => new Promise(() => undefined);
    const { delivery } = build(send, {}, []);
    const started = process.hrtime.bigint();
    for (let s = 1; s <= 50; s++) delivery.enqueue(event('x', s));
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    expect(delivery.queued).toBe(50);
  });

  it('close() ends pending backoffs and keeps what is undelivered', async () => {
    const send: SendFn = async () => {
      throw grpcError(status.UNAVAILABLE);
    };
    const { delivery } = build(send, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 }, ['warn']);
    delivery.enqueue(event('x', 1));
    await new Promise((r) => setImmediate(r));
    delivery.close();
    expect(await delivery.idle(200)).toBe(false);
    expect(delivery.view('x')).toEqual({ acked: 0, pending: true });
  });
});
