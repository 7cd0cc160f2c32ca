/**
 * Events in and out of a run: send_event feeds a `listen` task, and get_events / subscribe serve the
 * whole sequence of a run that continued as new several times (earlier runs are read back).
 */
import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { WorkflowProgressEvent } from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { collect, type RunnerHarness, startRunner } from './harness';

jest.setTimeout(120_000);

const base = { inputJson: '', environment: [], metadata: {} };

describe('runner service events', () => {
  let h: RunnerHarness;
  beforeAll(async () => {
    h = await startRunner();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('delivers a CloudEvent to a listen task through send_event', async () => {
    const executionId = `listen-${randomUUID()}`;
    const workflowYaml = `
document: { dsl: '1.0.0', namespace: test, name: listener, version: '1.0.0' }
do:
  - waitOrder:
      listen:
        to:
          one:
            with: { type: com.example.order.placed }
  - done:
      set:
        orderId: \${ .[0].orderId }
`;
    await h.rpc.execute({ executionId, workflowYaml, ...base });
    await h.fake.waitFor(
      (f) => f.acceptedFor(executionId).some((e) => e.taskName === 'waitOrder' && e.eventType === 'task_started'),
      60_000,
      'listen started',
    );
    const bad = { specversion: '1.0', id: 'e0', source: '/test', type: '' };
    await expect(h.rpc.sendEvent({ executionId, event: bad, eventJson: '' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('event.type'),
    });
    const event = {
      specversion: '1.0',
      id: 'e1',
      source: '/test',
      type: 'com.example.order.placed',
      data: { orderId: 4711 },
    };
    await h.rpc.sendEvent({ executionId, eventJson: JSON.stringify(event) });
    await h.fake.waitFor(
      (f) => f.acceptedFor(executionId).some((e) => e.eventType === 'workflow_completed'),
      60_000,
      'completion',
    );
    expect(h.fake.acceptedFor(executionId).at(-1)?.outputSummary).toContain('4711');
  });

  it('serves every event of a run that continued as new, from sequence 1', async () => {
    const executionId = `can-${randomUUID()}`;
    const workflowYaml = `
document: { dsl: '1.0.0', namespace: test, name: looping, version: '1.0.0' }
do:
  - loop:
      for: { each: item, in: '\${ [1,2,3,4,5,6,7,8,9,10] }' }
      do:
        - nap:
            wait: { milliseconds: 5 }
  - done:
      set: { finished: true }
`;
    await h.rpc.execute({ executionId, workflowYaml, ...base, metadata: { 'runner.continueAsNewAfterEvents': '12' } });
    await h.fake.waitFor(
      (f) => f.acceptedFor(executionId).some((e) => e.eventType === 'workflow_completed'),
      90_000,
      'completion',
    );
    const runs: string[] = [];
    for await (const info of h.temporal.workflow.list({ query: `WorkflowId = '${executionId}'` }))
      runs.push(info.runId);
    expect(runs.length).toBeGreaterThan(1);

    const reported = h.fake.acceptedFor(executionId);
    expect(reported.map((e) => e.sequence)).toEqual(reported.map((_e, i) => i + 1));
    const paged: WorkflowProgressEvent[] = [];
    let from = 1;
    for (let guard = 0; guard < 100; guard++) {
      const page = await h.rpc.getEvents({ executionId, fromSequence: from, limit: 7 });
      paged.push(...page.events);
      from = page.nextSequence;
      if (!page.hasMore) break;
    }
    expect(paged.map((e) => [e.sequence, e.eventType])).toEqual(reported.map((e) => [e.sequence, e.eventType]));
    const streamed = await collect(h.rpc.subscribe({ executionId, fromSequence: 2 }));
    expect(streamed.map((e) => e.sequence)).toEqual(reported.slice(1).map((e) => e.sequence));
  });
});
