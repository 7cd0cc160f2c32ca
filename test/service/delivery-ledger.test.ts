/**
 * The delivery ledger's Temporal side against the real dev server: the `deliveryLedger` workflow driven
 * through its client (checkpoint Updates, the leave signal, queries), and the recovery scan that finds the
 * runs a worker identity touched after a point in time (visibility plus history tails).
 */
import { randomUUID } from 'node:crypto';
import { DeliveryLedgerClient } from '../../src/temporal/delivery-ledger.client';
import type { CheckpointRequest } from '../../src/temporal/delivery-ledger.contract';
import { RecoveryScanner } from '../../src/temporal/recovery-scan';
import { startTestRunner, type TestRunner } from '../support/runner-harness';

jest.setTimeout(120_000);

const QUICK = `document:
  dsl: '1.0.0'
  namespace: test
  name: quick
  version: '1.0.0'
do:
  - only:
      set:
        done: true
`;
const WAITING = `document:
  dsl: '1.0.0'
  namespace: test
  name: waiting
  version: '1.0.0'
do:
  - first:
      set:
        started: true
  - sleep:
      wait:
        hours: 1
`;

describe('delivery ledger and recovery scan on Temporal', () => {
  const identity = `scan-test/${randomUUID()}`;
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startTestRunner({ identity });
  });
  afterAll(async () => {
    await runner?.shutdown();
  });

  it('finds the closed and open runs an identity touched after a time, and only those', async () => {
    const before = Date.now() - 1000;
    const closed = await runner.run(QUICK);
    const open = await runner.start(WAITING);
    await waitFor(async () => (await open.query<{ lastSequence: number }>('status')).lastSequence >= 5);
    const scanner = new RecoveryScanner(runner.client, 'default', runner.taskQueue);
    expect((await scanner.touchedBy(identity, before)).sort()).toEqual([closed.workflowId, open.workflowId].sort());
    expect(await scanner.touchedBy('another-replica', before)).toEqual([]);
    expect(await scanner.touchedBy(identity, Date.now() + 60_000)).toEqual([]);
    await open.terminate();
  });

  it('takes checkpoints, hands a silent replica to a live one, and records a leave without an answer', async () => {
    const ledger = new DeliveryLedgerClient(runner.client, runner.taskQueue);
    const base = (replica: string): CheckpointRequest => ({
      replica,
      deadAfterMs: 1000,
      uptimeMs: 100,
      entries: [],
      done: [],
      released: [],
      recovering: [],
    });
    expect(await ledger.summary()).toBeUndefined();
    await ledger.checkpoint({ ...base('a'), first: true, entries: [['run-1', 3, 1]] });
    const first = await ledger.checkpoint({ ...base('b'), first: true, entries: [['run-2', 7, 0]] });
    expect(first.claims).toEqual([]);
    expect(await ledger.marks(['run-1', 'run-2', 'run-3'])).toEqual(
      new Map([
        ['run-1', 3],
        ['run-2', 7],
      ]),
    );
    // a stays silent past its deadAfterMs: b's next checkpoint claims it.
    await waitFor(async () => (await ledger.checkpoint(base('b'))).claims.length > 0, 20_000);
    const claimed = await ledger.checkpoint(base('b'));
    expect(claimed.claims).toEqual([expect.objectContaining({ replica: 'a', pending: [['run-1', 3]] })]);
    await ledger.checkpoint({ ...base('b'), released: ['a'] });
    // b leaves with nothing undelivered: its record goes once the ledger applies the signal.
    await ledger.leave({ ...base('b'), windowClosed: true, leaving: true });
    await waitFor(async () => (await ledger.summary())?.replicas.length === 0);
  });
});

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
