/**
 * The receiver answers UNAUTHENTICATED for 30 s (an API key rotation), then OK. Executions run meanwhile on
 * two replicas; nothing is skipped: once the receiver accepts the key again, every event of every execution
 * arrives, in order, `workflow_completed` last.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { DURABLE_YAML, durableOutput } from './fault-support';
import { API_KEY, expectEveryEventDelivered, Receiver, ReplicaSet } from './delivery-support';

jest.setTimeout(300_000);

const EXECUTIONS = 20;
const WINDOW_MS = 30_000;

describe('receiver answering UNAUTHENTICATED for 30 s', () => {
  const set = new ReplicaSet();
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await Receiver.reserve();
    await set.open();
  });
  afterAll(async () => {
    await set.close();
    await receiver.stop();
  });

  it('delivers every event once the receiver accepts the key again', async () => {
    const replicas = [await set.start(receiver), await set.start(receiver)];
    let windowEnds = Number.POSITIVE_INFINITY;
    receiver.responder = () => (Date.now() < windowEnds ? status.UNAUTHENTICATED : status.OK);
    await receiver.up();
    windowEnds = Date.now() + WINDOW_MS;
    const ids = Array.from({ length: EXECUTIONS }, (_, n) => `unauthenticated-${n}-${randomUUID()}`);
    await set.execute(replicas, ids, DURABLE_YAML, (n) => ({ n }));
    const results = await set.results(ids);
    results.forEach((result, n) => expect(result).toMatchObject({ status: 'completed', output: durableOutput(n) }));

    await receiver.waitForComplete(ids, WINDOW_MS + 120_000);
    expectEveryEventDelivered(receiver, ids);
    const refused = receiver.calls().filter((c) => c.code === status.UNAUTHENTICATED);
    // The window was real: every execution was refused at least once, and the key was sent every time.
    expect(new Set(refused.map((c) => c.event.executionId)).size).toBe(EXECUTIONS);
    expect(receiver.calls().every((c) => c.authorization === `Bearer ${API_KEY}`)).toBe(true);
  });
});
