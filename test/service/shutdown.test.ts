/**
 * Graceful shutdown and replay: closing the app (what SIGTERM does through enableShutdownHooks) stops
 * polling but lets the running activity finish; a second runner then replays the run and carries on
 * without re-sending any event already reported.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { temporal } from '@temporalio/proto';
import { TemporalService } from '../../src/temporal/temporal.service';
import { FakeStigmer } from '../support/fake-stigmer';
import { eventually, startRunner } from './harness';

jest.setTimeout(120_000);

describe('runner service shutdown', () => {
  it('drains the running activity on close, and a new runner finishes the run without duplicate events', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let requests = 0;
    const http = createServer((_req: IncomingMessage, res: ServerResponse) => {
      requests += 1;
      void released.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":"done"}'));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const fake = await new FakeStigmer().start();
    const taskQueue = `service-e2e-${randomUUID()}`;
    const executionId = `drain-${randomUUID()}`;
    const yaml = `
document: { dsl: '1.0.0', namespace: test, name: drain, version: '1.0.0' }
do:
  - slow:
      call: http
      with: { method: get, endpoint: 'http://127.0.0.1:${port}/slow' }
  - after:
      set: { done: true }
`;
    const first = await startRunner({ fake, taskQueue });
    try {
      await first.rpc.execute({ executionId, workflowYaml: yaml, inputJson: '', environment: [], metadata: {} });
      await eventually(async () => (requests > 0 ? true : undefined), 60_000, 'the activity to call the slow endpoint');
      const service = first.app.get(TemporalService);
      const closing = first.close();
      await eventually(
        async () => (service.workerStatus().phase === 'stopping' ? true : undefined),
        10_000,
        'the worker to stop polling',
      );
      release();
      await closing;
      expect(service.workerStatus().phase).toBe('stopped');
    } finally {
      release();
    }

    // The activity finished during the grace period: its completion is in history although the worker is gone.
    const second = await startRunner({ fake, taskQueue });
    try {
      const history = await second.temporal.workflow.getHandle(executionId).fetchHistory();
      const completed = (history.events ?? []).filter(
        (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      );
      expect(completed).toHaveLength(1);
      await fake.waitFor(
        (f) => f.acceptedFor(executionId).some((e) => e.eventType === 'workflow_completed'),
        60_000,
        'completion',
      );
      const events = fake.acceptedFor(executionId);
      // Every sequence number exactly once, in order, across both runners.
      expect(events.map((e) => e.sequence)).toEqual(events.map((_e, i) => i + 1));
      expect(events.at(-1)?.outputSummary).toContain('done');
      expect(requests).toBe(1);
    } finally {
      await second.close();
      await fake.stop();
      http.close();
    }
  });
});
