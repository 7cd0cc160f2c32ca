/**
 * The Stigmer endpoint is down for the whole run: every execution still completes. Once the receiver
 * comes up, the events reach it in sequence order per execution with none missing (checked against the
 * run's own log served by get_events). The service runs as its own process, configured as deployed,
 * with a short maximum callback backoff so the catch-up is quick.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../src/temporal/dev-server';
import { FakeStigmer } from '../support/fake-stigmer';
import { startServiceProcess, unary, type ServiceProcess } from '../security/service-process';
import { DURABLE_YAML, durableOutput } from './fault-support';

jest.setTimeout(240_000);

const EXECUTIONS = 10;

describe('Stigmer endpoint down for the whole run', () => {
  let service: ServiceProcess;
  let stigmer: FakeStigmer | undefined;
  let connection: Connection;

  afterAll(async () => {
    await service?.stop();
    await stigmer?.stop();
    await connection?.close();
  });

  it('completes every execution and delivers every event in order once the receiver is back', async () => {
    const port = await freePort();
    service = await startServiceProcess({
      TEMPORAL_SERVICE_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: `faults-stigmer-${randomUUID()}`,
      STIGMER_SERVICE_ENDPOINT: `127.0.0.1:${port}`,
      STIGMER_SERVICE_API_KEY: 'fault-test-key',
      STIGMER_SERVICE_USE_TLS: 'false',
      CALLBACK_MAX_BACKOFF: '1s',
      CALLBACK_TIMEOUT: '1s',
    });
    connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS! });
    const client = new Client({ connection });
    const ids = Array.from({ length: EXECUTIONS }, (_, n) => `stigmer-down-${n}-${randomUUID()}`);
    await Promise.all(
      ids.map((executionId, n) =>
        unary(service.command, 'execute', {
          executionId,
          workflowYaml: DURABLE_YAML,
          inputJson: JSON.stringify({ n }),
          environment: [],
          metadata: {},
        }),
      ),
    );
    const results = await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
    results.forEach((result, n) => expect(result).toMatchObject({ status: 'completed', output: durableOutput(n) }));

    const expected = new Map<string, number>();
    for (const id of ids) {
      const page = await unary<object, { events: { sequence: number }[]; lastSequence: number }>(
        service.query,
        'getEvents',
        { executionId: id, fromSequence: 1, limit: 1000 },
      );
      expect(page.events.map((e) => e.sequence)).toEqual(Array.from({ length: page.lastSequence }, (_, i) => i + 1));
      expected.set(id, page.lastSequence);
    }

    stigmer = await new FakeStigmer().start(port);
    const delivered = (id: string): number[] => [...new Set(stigmer!.acceptedFor(id).map((e) => e.sequence))];
    await stigmer.waitFor(
      () => ids.every((id) => delivered(id).length === expected.get(id)),
      120_000,
      'every event of every run',
    );
    for (const id of ids) {
      // First arrivals in strictly increasing order, 1..N: in order, none missing (duplicates are allowed).
      expect(delivered(id)).toEqual(Array.from({ length: expected.get(id)! }, (_, i) => i + 1));
    }
  });
});
