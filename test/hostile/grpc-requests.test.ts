/**
 * Hostile requests through the runner's gRPC API, against the service running as its own process:
 * invalid fields get INVALID_ARGUMENT naming the field, unknown execution ids NOT_FOUND, bad documents a
 * workflow_failed run carrying the problem; a good execution started alongside completes, the service
 * stays healthy and never logs an unhandled rejection.
 */
import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { startServiceProcess, unary, type ServiceProcess } from '../security/service-process';
import { doc } from './corpus';

const GOOD_YAML = doc([{ pause: { wait: { milliseconds: 500 } } }, { answer: { set: { value: 42 } } }]);

interface BadRequest {
  name: string;
  client: 'command' | 'query';
  method: string;
  request: Record<string, unknown>;
  code: status;
  fragment: string;
}

const execute = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  executionId: `hostile-${randomUUID()}`,
  workflowYaml: GOOD_YAML,
  inputJson: '',
  environment: [],
  metadata: {},
  ...overrides,
});

const unknownId = `no-such-execution-${randomUUID()}`;

const BAD_REQUESTS: BadRequest[] = [
  {
    name: 'missing execution id',
    client: 'command',
    method: 'execute',
    request: execute({ executionId: '' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'execution_id',
  },
  {
    name: 'execution id with spaces',
    client: 'command',
    method: 'execute',
    request: execute({ executionId: 'a b c' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'execution_id',
  },
  {
    name: 'execution id too long',
    client: 'command',
    method: 'execute',
    request: execute({ executionId: 'x'.repeat(300) }),
    code: status.INVALID_ARGUMENT,
    fragment: 'execution_id',
  },
  {
    name: 'execution id starting with a dash',
    client: 'command',
    method: 'execute',
    request: execute({ executionId: '-x' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'execution_id',
  },
  {
    name: 'empty workflow yaml',
    client: 'command',
    method: 'execute',
    request: execute({ workflowYaml: '' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'workflow_yaml',
  },
  {
    name: 'blank workflow yaml',
    client: 'command',
    method: 'execute',
    request: execute({ workflowYaml: '   \n ' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'workflow_yaml',
  },
  {
    name: 'workflow yaml over the size limit',
    client: 'command',
    method: 'execute',
    request: execute({ workflowYaml: `# ${'x'.repeat(1_100_000)}\n${GOOD_YAML}` }),
    code: status.INVALID_ARGUMENT,
    fragment: 'workflow_yaml',
  },
  {
    name: 'input json that does not parse',
    client: 'command',
    method: 'execute',
    request: execute({ inputJson: '{"a":' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'input_json',
  },
  {
    name: 'input json that is an array',
    client: 'command',
    method: 'execute',
    request: execute({ inputJson: '[1,2]' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'input_json',
  },
  {
    name: 'input json that is a string',
    client: 'command',
    method: 'execute',
    request: execute({ inputJson: '"text"' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'input_json',
  },
  {
    name: "input json over Temporal's start payload limit",
    client: 'command',
    method: 'execute',
    request: execute({ inputJson: JSON.stringify({ blob: 'x'.repeat(3_000_000) }) }),
    code: status.INVALID_ARGUMENT,
    fragment: 'input_json: makes the start payload',
  },
  {
    name: 'input and input json together',
    client: 'command',
    method: 'execute',
    request: execute({ input: { a: 1 }, inputJson: '{"a":1}' }),
    code: status.INVALID_ARGUMENT,
    fragment: 'input_json',
  },
  {
    name: 'environment name invalid',
    client: 'command',
    method: 'execute',
    request: execute({ environment: [{ name: '1bad name', value: 'v', secret: false }] }),
    code: status.INVALID_ARGUMENT,
    fragment: 'environment[0].name',
  },
  {
    name: 'environment name empty',
    client: 'command',
    method: 'execute',
    request: execute({ environment: [{ name: '', value: 'v', secret: false }] }),
    code: status.INVALID_ARGUMENT,
    fragment: 'environment[0].name',
  },
  {
    name: 'environment duplicate',
    client: 'command',
    method: 'execute',
    request: execute({
      environment: [
        { name: 'A', value: '1', secret: false },
        { name: 'A', value: '2', secret: false },
      ],
    }),
    code: status.INVALID_ARGUMENT,
    fragment: 'environment[1].name',
  },
  {
    name: 'too many environment entries',
    client: 'command',
    method: 'execute',
    request: execute({
      environment: Array.from({ length: 501 }, (_, i) => ({ name: `E${i}`, value: 'v', secret: false })),
    }),
    code: status.INVALID_ARGUMENT,
    fragment: 'environment',
  },
  {
    name: 'secret without a sealing key',
    client: 'command',
    method: 'execute',
    request: execute({ environment: [{ name: 'S', value: 'v', secret: true }] }),
    code: status.FAILED_PRECONDITION,
    fragment: 'RUNNER_SECRETS_KEY',
  },
  {
    name: 'too many metadata entries',
    client: 'command',
    method: 'execute',
    request: execute({ metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])) }),
    code: status.INVALID_ARGUMENT,
    fragment: 'metadata',
  },
  {
    name: 'metadata value too long',
    client: 'command',
    method: 'execute',
    request: execute({ metadata: { k: 'v'.repeat(5000) } }),
    code: status.INVALID_ARGUMENT,
    fragment: 'metadata[k]',
  },
  {
    name: 'cancel unknown execution',
    client: 'command',
    method: 'cancel',
    request: { executionId: unknownId, reason: 'x' },
    code: status.NOT_FOUND,
    fragment: unknownId,
  },
  {
    name: 'pause unknown execution',
    client: 'command',
    method: 'pause',
    request: { executionId: unknownId, reason: 'x' },
    code: status.NOT_FOUND,
    fragment: unknownId,
  },
  {
    name: 'resume unknown execution',
    client: 'command',
    method: 'resume',
    request: { executionId: unknownId },
    code: status.NOT_FOUND,
    fragment: unknownId,
  },
  {
    name: 'cancel without id',
    client: 'command',
    method: 'cancel',
    request: { executionId: '', reason: '' },
    code: status.INVALID_ARGUMENT,
    fragment: 'execution_id',
  },
  {
    name: 'send event without event',
    client: 'command',
    method: 'sendEvent',
    request: { executionId: unknownId, eventJson: '' },
    code: status.INVALID_ARGUMENT,
    fragment: 'event',
  },
  {
    name: 'send event missing CloudEvents attributes',
    client: 'command',
    method: 'sendEvent',
    request: { executionId: unknownId, eventJson: '{"id":"1"}' },
    code: status.INVALID_ARGUMENT,
    fragment: 'event.',
  },
  {
    name: 'report progress is not served by the runner',
    client: 'command',
    method: 'reportProgress',
    request: {
      executionId: 'x',
      eventId: 'x:1',
      sequence: 1,
      eventType: 'workflow_started',
      status: 'running',
      workflowName: 'w',
      taskName: '',
      taskPosition: '',
      message: '',
      attempt: 0,
      outputSummary: '',
    },
    code: status.UNIMPLEMENTED,
    fragment: 'Stigmer',
  },

  {
    name: 'status of unknown execution',
    client: 'query',
    method: 'getStatus',
    request: { executionId: unknownId },
    code: status.NOT_FOUND,
    fragment: unknownId,
  },
  {
    name: 'events of unknown execution',
    client: 'query',
    method: 'getEvents',
    request: { executionId: unknownId, fromSequence: 1, limit: 10 },
    code: status.NOT_FOUND,
    fragment: unknownId,
  },
  {
    name: 'events page too large',
    client: 'query',
    method: 'getEvents',
    request: { executionId: unknownId, fromSequence: 1, limit: 100_000 },
    code: status.INVALID_ARGUMENT,
    fragment: 'limit',
  },
  {
    name: 'events from a negative sequence',
    client: 'query',
    method: 'getEvents',
    request: { executionId: unknownId, fromSequence: -5, limit: 10 },
    code: status.INVALID_ARGUMENT,
    fragment: 'from_sequence',
  },
  {
    name: 'status without id',
    client: 'query',
    method: 'getStatus',
    request: { executionId: '' },
    code: status.INVALID_ARGUMENT,
    fragment: 'execution_id',
  },
];

// The project's integration timeout does not reach files run on their own; say it here.
jest.setTimeout(120_000);

describe('hostile gRPC requests', () => {
  let service: ServiceProcess;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    service = await startServiceProcess({
      TEMPORAL_SERVICE_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: `hostile-${randomUUID()}`,
    });
    connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS! });
    client = new Client({ connection });
  }, 120_000);

  afterAll(async () => {
    const exit = await service?.stop();
    await connection?.close();
    // A clean exit on SIGTERM: nothing crashed the process along the way.
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('answers every bad request with a specific error while a good execution completes', async () => {
    const goodId = `good-${randomUUID()}`;
    await unary(service.command, 'execute', execute({ executionId: goodId }));
    const outcomes = await Promise.all(
      BAD_REQUESTS.map(async (bad) => {
        try {
          await unary(service[bad.client], bad.method, bad.request);
          return `${bad.name}: accepted`;
        } catch (e) {
          const err = e as ServiceError;
          const ok = err.code === bad.code && err.details.includes(bad.fragment);
          return ok
            ? undefined
            : `${bad.name}: got ${status[err.code]} "${err.details}", expected ${status[bad.code]} with "${bad.fragment}"`;
        }
      }),
    );
    expect(outcomes.filter(Boolean)).toEqual([]);
    await expect(client.workflow.getHandle(goodId).result()).resolves.toMatchObject({
      status: 'completed',
      output: { value: 42 },
    });
  });

  it('runs bad documents to workflow_failed with the problem, and stays healthy', async () => {
    const bad: Array<[string, string]> = [
      ['broken yaml', 'document: [\n'],
      ['unknown then', doc([{ a: { set: { x: 1 }, then: 'nowhere' } }])],
      ['bad expression', doc([{ a: { set: { x: '${ .a | | }' } } }])],
      ['runaway expression', doc([{ a: { set: { x: '${ [range(1e12)] | length }' } } }])],
    ];
    const ids = bad.map(([name]) => `bad-doc-${name.replace(/ /g, '-')}-${randomUUID()}`);
    await Promise.all(
      ids.map((id, i) => unary(service.command, 'execute', execute({ executionId: id, workflowYaml: bad[i][1] }))),
    );
    const goodId = `good-${randomUUID()}`;
    await unary(service.command, 'execute', execute({ executionId: goodId }));
    for (const id of ids) {
      await client.workflow
        .getHandle(id)
        .result()
        .catch(() => undefined);
      const state = await unary<object, { status: string; error?: { type: string; detail: string } }>(
        service.query,
        'getStatus',
        { executionId: id },
      );
      expect({ id, status: state.status }).toEqual({ id, status: 'failed' });
      expect(state.error?.detail.length).toBeGreaterThan(10);
    }
    await expect(client.workflow.getHandle(goodId).result()).resolves.toMatchObject({ status: 'completed' });
    expect((await fetch(service.healthUrl)).status).toBe(200);
    expect(service.logs()).not.toMatch(/unhandled ?(promise )?rejection|uncaughtException/i);
  });
});
