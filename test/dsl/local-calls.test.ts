/**
 * Local activities for short calls (WORKFLOW_LOCAL_CALLS, a task's `metadata.localActivity`): the call
 * runs on the worker that runs the workflow task and its result is recorded as a marker, so the history
 * has no activity task for it. Read from the run's real history on the dev server.
 */
import { temporal } from '@temporalio/proto';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { startFakeHttp, type FakeHttp } from './fake-http';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const EventType = temporal.api.enums.v1.EventType;

let runner: TestRunner;
let http: FakeHttp;
beforeAll(async () => {
  http = await startFakeHttp([
    (req, res) => {
      if (req.url !== '/slow') return false;
      const answer = setTimeout(() => res.writeHead(200).end('{}'), 5_000);
      res.on('close', () => clearTimeout(answer));
      return true;
    },
  ]);
  runner = await startTestRunner({ activities: { http: { rewriteUrl: (u) => http.rewrite(u) } } });
});
afterAll(async () => {
  await runner?.shutdown();
  await http?.close();
});

/**
 * Activity tasks scheduled (by type) and markers recorded in a run's history. Runs start with the
 * validated document, as the runner's starters start them, so no validation local activity adds a marker.
 */
async function historyShape(workflowId: string): Promise<{ scheduled: string[]; markers: number }> {
  const history = await runner.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return {
    scheduled: events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''),
    markers: events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length,
  };
}

const threePets = (metadata: (n: number) => string) =>
  workflow(
    'local-pets',
    `
do:
  - first:
      call: http
      with: { method: get, endpoint: https://petstore.swagger.io/v2/pet/1 }
${metadata(0)}
      export: { as: '{ first: .name }' }
  - second:
      call: http
      with: { method: get, endpoint: https://petstore.swagger.io/v2/pet/2 }
${metadata(1)}
      export: { as: '$context + { second: .name }' }
  - third:
      call: http
      with: { method: get, endpoint: https://petstore.swagger.io/v2/pet/1 }
${metadata(2)}
      output: { as: '$context + { third: .status }' }
`,
  );

describe('local activities for short calls', () => {
  it('runs a task with metadata.localActivity as a local activity: a marker, no activity task', async () => {
    const only = (n: number) => (n === 1 ? '      metadata: { localActivity: true }' : '');
    const { result, events, workflowId } = await runner.run(threePets(only), {}, { validated: true });
    expect(result).toMatchObject({
      status: 'completed',
      output: { first: 'Rex', second: 'Milou', third: 'available' },
    });
    const shape = await historyShape(workflowId);
    expect(shape.scheduled).toEqual(['callHttp', 'callHttp']);
    expect(shape.markers).toBe(1);
    // Progress is reported for the local call as for any other.
    const completed = events.filter((e) => e.eventType === 'task_completed').map((e) => e.taskName);
    expect(completed).toEqual(['first', 'second', 'third']);
  });

  it('runs every call locally under the runner setting, except where a task says false', async () => {
    const optOut = (n: number) => (n === 2 ? '      metadata: { localActivity: false }' : '');
    const { result, workflowId } = await runner.run(
      threePets(optOut),
      {},
      { validated: true, limits: { localCalls: true } },
    );
    expect(result).toMatchObject({
      status: 'completed',
      output: { first: 'Rex', second: 'Milou', third: 'available' },
    });
    const shape = await historyShape(workflowId);
    expect(shape.scheduled).toEqual(['callHttp']);
    expect(shape.markers).toBe(2);
  });

  it('keeps DSL errors and try/retry: a 503 twice, then the answer, all local', async () => {
    const before = http.requests.filter((r) => r.url === '/flaky/local/2').length;
    const { result, workflowId } = await runner.run(
      workflow(
        'local-retry',
        `
do:
  - fetch:
      try:
        - get:
            call: http
            with: { method: get, endpoint: '${http.url}/flaky/local/2' }
      catch:
        errors:
          with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication, status: 503 }
        retry:
          delay: { milliseconds: 10 }
          limit: { attempt: { count: 5 } }
`,
      ),
      {},
      { validated: true, limits: { localCalls: true } },
    );
    expect(result).toMatchObject({ status: 'completed', output: { attempt: 3 } });
    expect(http.requests.filter((r) => r.url === '/flaky/local/2').length - before).toBe(3);
    const shape = await historyShape(workflowId);
    expect(shape.scheduled).toEqual([]);
    // One marker per attempt, and the DSL retry's delay is a durable timer between them.
    expect(shape.markers).toBe(3);
  });

  it('fails the run with the call error when nothing catches it', async () => {
    const { result } = await runner.run(
      workflow(
        'local-missing',
        `
do:
  - missing:
      call: http
      with: { method: get, endpoint: '${http.url}/no/such/route' }
      metadata: { localActivity: true }
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      status: 404,
      instance: '/do/0/missing',
    });
  });

  it('runs a call under a timeout as a regular activity, so the timeout fires while it waits', async () => {
    const { result, workflowId } = await runner.run(
      workflow(
        'local-timeout',
        `
do:
  - slow:
      call: http
      with: { method: get, endpoint: '${http.url}/slow' }
      timeout: { after: { milliseconds: 300 } }
      metadata: { localActivity: true }
`,
      ),
      {},
      { validated: true },
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout',
      instance: '/do/0/slow',
    });
    // A local activity would hold the workflow task open, and the timeout's timer would start only after
    // the 5 s answer: the run would complete instead.
    const shape = await historyShape(workflowId);
    expect(shape.scheduled).toEqual(['callHttp']);
    expect(shape.markers).toBe(0);
  });

  it('refuses metadata.localActivity on a task it does not apply to, naming the pointer', async () => {
    const { result } = await runner.run(
      workflow('local-refused', `\ndo:\n  - note:\n      set: { x: 1 }\n      metadata: { localActivity: true }\n`),
    );
    expect(result.status).toBe('faulted');
    expect(JSON.stringify(result.error)).toContain('/do/0/note/metadata/localActivity');
  });
});
