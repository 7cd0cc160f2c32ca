/**
 * Two `serve` replicas on one task queue share 100 executions: every event of every execution reaches the
 * receiver (a real gRPC server recording what it accepted), in order, with `workflow_completed` last,
 * whichever replica ran which workflow task.
 */
import { randomUUID } from 'node:crypto';
import { DURABLE_YAML, durableOutput } from './fault-support';
import { expectEveryEventDelivered, Receiver, ReplicaSet } from './delivery-support';

jest.setTimeout(300_000);

const EXECUTIONS = 100;

describe('delivery with two replicas', () => {
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

  it('delivers every event of 100 executions shared by two replicas', async () => {
    await receiver.up();
    const replicas = [await set.start(receiver), await set.start(receiver)];
    const ids = Array.from({ length: EXECUTIONS }, (_, n) => `two-replicas-${n}-${randomUUID()}`);
    await set.execute(replicas, ids, DURABLE_YAML, (n) => ({ n }));
    const results = await set.results(ids);
    results.forEach((result, n) => expect(result).toMatchObject({ status: 'completed', output: durableOutput(n) }));

    await receiver.waitForComplete(ids, 120_000);
    expectEveryEventDelivered(receiver, ids);
    // Both replicas served: each one delivered events it had emitted.
    for (const replica of replicas) expect(replica.logs()).toContain('delivery ledger checkpoints started');
  });
});
