import { status } from '@grpc/grpc-js';
import { newProgressEvent } from './progress-event';
import {
  backoffMs,
  type DeliveryLogger,
  type DeliveryObserver,
  ProgressDelivery,
  type SendFn,
} from './progress-delivery';

const policy = { maxAttempts: 0, initialBackoffMs: 1, maxBackoffMs: 4, queueLimit: 100, totalLimit: 1000 };
const event = (executionId: string, sequence: number) =>
  newProgressEvent(executionId, 'task_completed', 'wf', 'completed', 'm', sequence);

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
function recordingObserver(): DeliveryObserver & { codes: string[]; retries: number } {
  const o = {
    codes: [] as string[],
    retries: 0,
    call: (code: string) => o.codes.push(code),
    retry: () => (o.retries += 1),
  };
  return o;
}
const grpcError = (code: number) => Object.assign(new Error(status[code]), { code });

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
    const observer = recordingObserver();
    const delivery = new ProgressDelivery(send, policy, strictLogger(['warn']), observer);
    for (let s = 1; s <= 4; s++) {
      delivery.enqueue(event('a', s));
      delivery.enqueue(event('b', s));
    }
    expect(await delivery.idle(5000)).toBe(true);
    expect(sent.filter((id) => id.startsWith('a:'))).toEqual(['a:1', 'a:2', 'a:3', 'a:4']);
    expect(sent.filter((id) => id.startsWith('b:'))).toEqual(['b:1', 'b:2', 'b:3', 'b:4']);
    expect(observer.retries).toBe(3);
    expect(observer.codes.filter((c) => c === 'UNAVAILABLE')).toHaveLength(3);
    expect(delivery.queued).toBe(0);
  });

  it('gives up at once on a permanent code and moves on', async () => {
    const sent: number[] = [];
    const send: SendFn = async (e) => {
      if (e.sequence === 1) throw grpcError(status.PERMISSION_DENIED);
      sent.push(e.sequence);
    };
    const log = strictLogger(['error']);
    const delivery = new ProgressDelivery(send, policy, log, recordingObserver());
    delivery.enqueue(event('x', 1));
    delivery.enqueue(event('x', 2));
    await delivery.idle(5000);
    expect(sent).toEqual([2]);
    expect(log.lines).toEqual([
      [
        'error',
        expect.objectContaining({ executionId: 'x', sequence: 1, code: 'PERMISSION_DENIED' }),
        expect.any(String),
      ],
    ]);
  });

  it('stops after maxAttempts on transient codes', async () => {
    let calls = 0;
    const send: SendFn = async () => {
      calls += 1;
      throw grpcError(status.DEADLINE_EXCEEDED);
    };
    const delivery = new ProgressDelivery(
      send,
      { ...policy, maxAttempts: 3 },
      strictLogger(['warn', 'error']),
      recordingObserver(),
    );
    delivery.enqueue(event('x', 1));
    await delivery.idle(5000);
    expect(calls).toBe(3);
    expect(delivery.lastError).toMatch(/^DEADLINE_EXCEEDED/);
  });

  it('bounds memory by dropping the oldest waiting event, never the one in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sent: number[] = [];
    const send: SendFn = async (e) => {
      await gate;
      sent.push(e.sequence);
    };
    const log = strictLogger(['warn']);
    const delivery = new ProgressDelivery(send, { ...policy, queueLimit: 3 }, log, recordingObserver());
    for (let s = 1; s <= 6; s++) delivery.enqueue(event('x', s));
    expect(delivery.queued).toBe(3);
    release();
    await delivery.idle(5000);
    expect(sent).toEqual([1, 5, 6]);
    expect(log.lines.map(([, f]) => f.droppedSequence)).toEqual([2, 3, 4]);
  });

  it('bounds memory across executions by dropping from the oldest backlog first', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sent: string[] = [];
    const send: SendFn = async (e) => {
      await gate;
      sent.push(e.eventId);
    };
    const log = strictLogger(['warn']);
    const delivery = new ProgressDelivery(send, { ...policy, queueLimit: 10, totalLimit: 5 }, log, recordingObserver());
    for (let s = 1; s <= 3; s++) delivery.enqueue(event('old', s));
    for (let s = 1; s <= 3; s++) delivery.enqueue(event('new', s));
    expect(delivery.queued).toBe(5);
    expect(log.lines.map(([, f]) => [f.executionId, f.droppedSequence])).toEqual([['old', 2]]);
    release();
    await delivery.idle(5000);
    expect(sent.sort()).toEqual(['new:1', 'new:2', 'new:3', 'old:1', 'old:3']);
    expect(delivery.queued).toBe(0);
  });

  it('never blocks the caller, even while the receiver hangs', () => {
    const send: SendFn = () => new Promise(() => undefined);
    const delivery = new ProgressDelivery(send, policy, strictLogger([]), recordingObserver());
    const started = process.hrtime.bigint();
    for (let s = 1; s <= 50; s++) delivery.enqueue(event('x', s));
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    expect(delivery.queued).toBe(50);
  });

  it('close() ends pending backoffs', async () => {
    const send: SendFn = async () => {
      throw grpcError(status.UNAVAILABLE);
    };
    const delivery = new ProgressDelivery(
      send,
      { ...policy, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
      strictLogger(['warn', 'error']),
      recordingObserver(),
    );
    delivery.enqueue(event('x', 1));
    await new Promise((r) => setImmediate(r));
    delivery.close();
    expect(await delivery.idle(2000)).toBe(true);
  });
});
