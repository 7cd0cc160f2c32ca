/**
 * The receiver is down while two replicas run executions, so both hold a backlog; the replica holding one
 * is SIGKILLed. Once the receiver's server is back on the same port, the surviving replica delivers its
 * own backlog and, after the dead replica's heartbeat lapsed, the dead one's too (read back from Temporal):
 * every event of every execution arrives, in order, `workflow_completed` last.
 */
import { randomUUID } from 'node:crypto';
import { DURABLE_YAML, durableOutput } from './fault-support';
import {
  expectEveryEventDelivered,
  ledgerEntryOf,
  Receiver,
  recoveredExecutions,
  ReplicaSet,
  until,
} from './delivery-support';

jest.setTimeout(300_000);

const EXECUTIONS = 30;

describe('replica SIGKILLed with a backlog while the receiver is down', () => {
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

  it('delivers the dead replica backlog through the survivor once the receiver is back', async () => {
    const [doomed, survivor] = [await set.start(receiver), await set.start(receiver)];
    const ids = Array.from({ length: EXECUTIONS }, (_, n) => `kill-backlog-${n}-${randomUUID()}`);
    await set.execute([doomed, survivor], ids, DURABLE_YAML, (n) => ({ n }));
    // The doomed replica's checkpoints show it holding undelivered events (the receiver is down).
    await until(async () => (ledgerEntryOf(await set.ledger(), doomed)?.pending ?? 0) > 0, 'a backlog', 60_000);
    await set.kill(doomed);

    const results = await set.results(ids);
    results.forEach((result, n) => expect(result).toMatchObject({ status: 'completed', output: durableOutput(n) }));
    expect(receiver.calls()).toHaveLength(0);

    await receiver.up();
    await receiver.waitForComplete(ids, 120_000);
    expectEveryEventDelivered(receiver, ids);
    // The survivor took the dead replica over and released it once everything was delivered.
    await until(async () => ledgerEntryOf(await set.ledger(), doomed) === undefined, 'the claim released', 60_000);
    // It adopted the executions the dead replica held (at least those its checkpoints listed).
    const recovered = recoveredExecutions(survivor.logs());
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toBeGreaterThan(0);
  });
});
