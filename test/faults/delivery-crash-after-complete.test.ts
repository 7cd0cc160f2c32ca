/**
 * A replica crashes (SIGKILL) right after its runs completed, while only their terminal events were still
 * undelivered (the receiver refused `workflow_completed` until then): nothing later would ever reveal the
 * gap. Its replacement takes the dead replica's work over through the delivery ledger and delivers the
 * terminal events, read back from the closed runs: every execution ends with `workflow_completed`.
 * The dead replica checkpoints only every 10 s, so the crash usually falls after its last checkpoint and
 * its runs are found by the recovery scan (runs its worker identity touched since), not by its listing.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  expectEveryEventDelivered,
  ledgerEntryOf,
  Receiver,
  recoveredExecutions,
  ReplicaSet,
  until,
} from './delivery-support';

jest.setTimeout(300_000);

const EXECUTIONS = 40;
const QUICK_YAML = `document:
  dsl: '1.0.0'
  namespace: faults
  name: quick
  version: '1.0.0'
do:
  - first:
      set:
        n: \${ .n }
  - second:
      set:
        n: \${ .n }
        doubled: \${ .n * 2 }
`;

describe('replica crash right after its runs completed', () => {
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

  it('delivers the terminal events the dead replica held', async () => {
    let holdTerminal = true;
    receiver.responder = (event) =>
      holdTerminal && event.eventType === 'workflow_completed' ? status.UNAVAILABLE : status.OK;
    await receiver.up();
    const doomed = await set.start(receiver, {
      CALLBACK_CHECKPOINT_INTERVAL: '10s',
      CALLBACK_HEARTBEAT_INTERVAL: '10s',
      CALLBACK_REPLICA_DEAD_AFTER: '20s',
    });
    const ids = Array.from({ length: EXECUTIONS }, (_, n) => `crash-after-${n}-${randomUUID()}`);
    // Start right after one of its checkpoints, so that the crash most likely comes before the next one.
    const heartbeat = async () => ledgerEntryOf(await set.ledger(), doomed)?.heartbeatAt;
    const before = await heartbeat();
    await until(async () => (await heartbeat()) !== before, 'a checkpoint of the doomed replica', 60_000);
    await set.execute([doomed], ids, QUICK_YAML, (n) => ({ n }));
    await set.results(ids);
    // Every run's terminal event was tried (and refused); everything before it was delivered.
    const refused = () =>
      new Set(
        receiver
          .calls()
          .filter((c) => c.event.eventType === 'workflow_completed')
          .map((c) => c.event.executionId),
      );
    await until(() => ids.every((id) => refused().has(id)), 'every terminal event tried', 60_000);
    await set.kill(doomed);
    holdTerminal = false;

    const replacement = await set.start(receiver);
    await receiver.waitForComplete(ids, 120_000);
    expectEveryEventDelivered(receiver, ids);
    await until(async () => ledgerEntryOf(await set.ledger(), doomed) === undefined, 'the claim released', 60_000);
    // The replacement recovered exactly the dead replica's runs (it ran all of them).
    expect(recoveredExecutions(replacement.logs())).toEqual([EXECUTIONS]);
  });
});
