import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import { sealSecret } from '../../src/secrets/sealing';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { json, startFakeHttp, type FakeHttp, type RecordedRequest } from './fake-http';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const VALIDATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/validation';
const COMMUNICATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/communication';

/** Schema documents served by the fake HTTP server under /schemas/. */
function schemas(req: RecordedRequest, res: ServerResponse): boolean {
  if (req.url === '/schemas/person.json') {
    return json(res, 200, { type: 'object', required: ['name'], properties: { name: { type: 'string' } } });
  }
  if (req.url === '/schemas/greeting.yaml') {
    res.writeHead(200, { 'content-type': 'application/yaml' });
    res.end('type: object\nrequired: [greeting]\nproperties:\n  greeting: { type: string, minLength: 8 }\n');
    return true;
  }
  if (req.url === '/schemas/private.json') {
    const ok = req.headers.authorization === `Basic ${Buffer.from('reader:sch3ma-pw').toString('base64')}`;
    return ok ? json(res, 200, { type: 'object', required: ['id'] }) : json(res, 401, {});
  }
  return false;
}

const key = randomBytes(32);
let runner: TestRunner;
let http: FakeHttp;
beforeAll(async () => {
  http = await startFakeHttp([schemas]);
  runner = await startTestRunner({ activities: { secretsKey: key } });
});
afterAll(async () => {
  await runner?.shutdown();
  await http?.close();
});

/** Names of the activities a run scheduled, in order. */
async function scheduledActivities(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? '');
}

const fetchesOf = (path: string) => http.requests.filter((r) => r.url === path).length;

describe('external schema resources', () => {
  const greet = () =>
    workflow(
      'schema-input',
      `
input:
  schema:
    format: json
    resource:
      endpoint: ${http.url}/schemas/person.json
do:
  - greet:
      set: { greeting: '\${ "hello " + .name }' }
`,
    );

  it('validates the workflow input against a fetched schema: accepted data runs', async () => {
    const { result } = await runner.run(greet(), { name: 'Ada' });
    expect(result).toMatchObject({ status: 'completed', output: { greeting: 'hello Ada' } });
  });

  it('validates the workflow input against a fetched schema: refused data faults naming the data pointer', async () => {
    const { result } = await runner.run(greet(), { name: 7 });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: VALIDATION, instance: '' });
    expect(result.error?.detail).toContain('input does not match its schema');
    expect(result.error?.detail).toContain('/name');
  });

  it('validates task output against a fetched YAML schema', async () => {
    const yaml = () =>
      workflow(
        'schema-output',
        `
do:
  - greet:
      set: { greeting: '\${ "hi " + .name }' }
      output:
        schema:
          format: json
          resource:
            endpoint:
              uri: ${http.url}/schemas/greeting.yaml
`,
      );
    const ok = await runner.run(yaml(), { name: 'Grace Hopper' });
    expect(ok.result).toMatchObject({ status: 'completed', output: { greeting: 'hi Grace Hopper' } });
    const short = await runner.run(yaml(), { name: 'Al' });
    expect(short.result.status).toBe('faulted');
    expect(short.result.error).toMatchObject({ type: VALIDATION, instance: '/do/0/greet' });
    expect(short.result.error?.detail).toContain('output does not match its schema: /greeting');
  });

  it('faults with a communication error at the first schema using an unreachable resource, before any task', async () => {
    const { result } = await runner.run(
      workflow(
        'schema-unreachable',
        `
do:
  - first:
      set: { ok: true }
  - second:
      set: { ok: true }
      input:
        schema:
          resource:
            endpoint: http://127.0.0.1:1/schemas/gone.json
      export:
        schema:
          resource:
            endpoint: http://127.0.0.1:1/schemas/gone.json
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: COMMUNICATION, instance: '/do/1/second/input/schema' });
    expect(result.tasks).toEqual([]);
  });

  it('fetches a URI once per run for every schema using it, in one activity', async () => {
    const before = fetchesOf('/schemas/person.json');
    const handle = await runner.start(
      workflow(
        'schema-shared',
        `
input:
  schema:
    resource:
      endpoint: ${http.url}/schemas/person.json
do:
  - rename:
      set: { name: '\${ .name + "!" }' }
      output:
        schema:
          resource:
            endpoint: ${http.url}/schemas/person.json
  - drop:
      set: { nobody: true }
      output:
        schema:
          resource:
            endpoint: ${http.url}/schemas/person.json
`,
      ),
      { name: 'Ada' },
    );
    const { result } = await runner.outcome(handle);
    // The third schema (same URI) refuses the last task's output: all three were applied.
    expect(result.error).toMatchObject({ type: VALIDATION, instance: '/do/1/drop' });
    expect(result.tasks.map((t) => t.name)).toEqual(['rename', 'drop']);
    expect(await scheduledActivities(handle)).toEqual(['fetchSchemas']);
    expect(fetchesOf('/schemas/person.json') - before).toBe(1);
  });

  it('authenticates with a named authentication whose secret never reaches history', async () => {
    const handle = await runner.start(
      workflow(
        'schema-auth',
        `
use:
  secrets: [schemaPassword]
  authentications:
    schemaStore:
      basic:
        username: reader
        password: \${ $secrets.schemaPassword }
do:
  - check:
      set: { id: 1 }
      output:
        schema:
          resource:
            endpoint:
              uri: ${http.url}/schemas/private.json
              authentication:
                use: schemaStore
`,
      ),
      {},
      { environment: [{ name: 'schemaPassword', secret: true, sealed: sealSecret('sch3ma-pw', key) }] },
    );
    const { result } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: { id: 1 } });
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain('sch3ma-pw');
    expect(history).not.toContain(Buffer.from('reader:sch3ma-pw').toString('base64'));
  });

  it('schedules no activity for documents whose schemas are all inline', async () => {
    const handle = await runner.start(
      workflow(
        'schema-inline',
        `
input:
  schema:
    document: { type: object }
do:
  - a:
      set: { ok: true }
`,
      ),
    );
    expect((await runner.outcome(handle)).result.status).toBe('completed');
    expect(await scheduledActivities(handle)).toEqual([]);
  });
});
