/**
 * Determinism guard: histories of representative workflows (stored in histories/*.json) are replayed
 * against the current workflow code. A missing history is recorded first from a live run (set
 * RECORD_HISTORIES=1 to re-record all after an intended, patched() behaviour change).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../../src/temporal/activities';
import { WORKFLOW_TYPE, type WorkflowExecuteInput } from '../../src/temporal/contract';
import { randomUUID } from 'node:crypto';
import type { WorkflowRegistry } from '../../src/temporal/activities/deps';
import { DefinitionRegistryClient, RegistryRefusal } from '../../src/temporal/definition-registry.client';
import {
  AFTER_LOOP_WORKFLOW_TYPE,
  afterLoopId,
  type AfterLoopArgs,
} from '../../src/temporal/definition-registry.contract';
import { DeliveryLedgerClient } from '../../src/temporal/delivery-ledger.client';
import type { CheckpointRequest } from '../../src/temporal/delivery-ledger.contract';
import { startTestRunner, waitFor, workflowBundle, type TestRunner } from '../support/runner-harness';
import { startFakeHttp, type FakeHttp } from '../dsl/fake-http';
import { startMcpHttpServer, type McpHttpFixture } from '../support/mcp-http-server';
import { workflow } from '../dsl/workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const DIR = join(__dirname, 'histories');
const History = temporal.api.history.v1.History;
/**
 * Histories are stored in protobufjs object form (enums, 64-bit numbers and bytes as strings), which
 * round-trips through `History.fromObject` without the proto3-JSON serializer.
 */
const PROTO_JSON = { enums: String, longs: String, bytes: String } as const;

const CASES: Record<
  string,
  {
    yaml: (http: FakeHttp, servers: LiveServers) => string | Promise<string>;
    input?: Record<string, unknown>;
    validated?: boolean;
  }
> = {
  'set-switch-for': {
    yaml: () =>
      workflow(
        'replay-core',
        `
do:
  - init: { set: { items: [1, 2, 3], total: 0 } }
  - loop:
      for: { each: x, in: .items }
      do:
        - add: { set: { items: '\${ .items }', total: '\${ .total + $x }' } }
  - route:
      switch:
        - big: { when: .total > 5, then: big }
        - small: { then: end }
  - big: { set: { result: big, total: '\${ .total }' } }
`,
      ),
  },
  // Started with the validated document attached (as the runner's gRPC executor starts runs): no
  // validation local activity in the history.
  'validated-set-wait': {
    validated: true,
    yaml: () =>
      workflow(
        'replay-validated',
        `
do:
  - init: { set: { items: [1, 2], total: 0 } }
  - loop:
      for: { each: x, in: .items }
      do:
        - add: { set: { items: '\${ .items }', total: '\${ .total + $x }' } }
  - pause: { wait: { milliseconds: 10 } }
  - done: { set: { total: '\${ .total }', started: '\${ $task.startedAt.epoch.milliseconds > 0 }' } }
`,
      ),
  },
  'fork-try-wait': {
    yaml: () =>
      workflow(
        'replay-fork',
        `
do:
  - split:
      fork:
        branches:
          - a: { wait: { milliseconds: 20 } }
          - b: { set: { b: true } }
  - guarded:
      try:
        - fail: { raise: { error: { type: https://example.com/e, status: 400 } } }
      catch:
        as: e
        do:
          - note: { set: { caught: '\${ $e.status }' } }
`,
      ),
  },
  // Recorded before call: mcp existed, when it failed in planning with a configuration error (caught here):
  // the `protocol-calls` patch keeps such runs replaying without scheduling an activity. Re-recording it
  // with today's code would record the new behaviour instead (it would need a live MCP server).
  'unsupported-protocol-call': {
    yaml: () =>
      workflow(
        'replay-unsupported-call',
        `
do:
  - guarded:
      try:
        - tools:
            call: mcp
            with:
              method: tools/list
              transport: { http: { endpoint: 'http://127.0.0.1:9/mcp' } }
      catch:
        errors:
          with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/configuration }
        as: problem
        do:
          - note: { set: { unsupported: '\${ $problem.detail }' } }
`,
      ),
  },
  // call: mcp over Streamable HTTP (an SDK-built server, needed only while recording) then a call: a2a
  // whose agent is unreachable, caught: both activity kinds and the protocol-calls patch marker in history.
  'protocol-calls': {
    yaml: async (_http, servers) =>
      workflow(
        'replay-protocol-calls',
        `
do:
  - add:
      call: mcp
      with:
        method: tools/call
        parameters: { name: add, arguments: { a: 1, b: 2 } }
        transport: { http: { endpoint: '${(await servers.mcp()).url}' } }
  - ask:
      try:
        - send:
            call: a2a
            with:
              method: message/send
              server: http://127.0.0.1:9/a2a
              parameters: { message: { parts: [ { kind: text, text: hi } ] } }
      catch:
        errors: { with: { type: https://open-workflow-specification.org/spec/1.0.0/errors/runtime } }
        do:
          - fallback: { set: { answered: false } }
`,
      ),
  },
  'http-retry': {
    yaml: (http) =>
      workflow(
        'replay-http',
        `
do:
  - fetch:
      try:
        - get:
            call: http
            with: { method: get, endpoint: '${http.url}/flaky/replay/1' }
      catch:
        retry: { delay: { milliseconds: 10 }, limit: { attempt: { count: 3 } }, jitter: { from: PT0S, to: { milliseconds: 5 } } }
`,
      ),
  },
};

let runner: TestRunner | undefined;
let http: FakeHttp | undefined;
let mcpServer: McpHttpFixture | undefined;

/** Servers some cases need while recording only (replays never call anything). */
interface LiveServers {
  mcp(): Promise<McpHttpFixture>;
}
const servers: LiveServers = {
  mcp: async () => (mcpServer ??= await startMcpHttpServer()),
};

afterAll(async () => {
  await runner?.shutdown();
  await http?.close();
  await mcpServer?.stop();
});

describe('replay of recorded histories', () => {
  it.each(Object.keys(CASES))('%s replays deterministically', async (name) => {
    const file = join(DIR, `${name}.json`);
    if (!existsSync(file) || process.env.RECORD_HISTORIES) {
      http ??= await startFakeHttp();
      runner ??= await startTestRunner();
      const handle = await runner.start(await CASES[name].yaml(http, servers), CASES[name].input ?? {}, {
        executionId: `replay-${name}`,
        validated: CASES[name].validated,
      });
      const { result } = await runner.outcome(handle);
      expect(result.status).toBe('completed');
      writeFileSync(
        file,
        `${JSON.stringify(History.toObject(History.fromObject(await handle.fetchHistory()), PROTO_JSON), null, 1)}\n`,
      );
    }
    const history = History.fromObject(JSON.parse(readFileSync(file, 'utf8')));
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes).length;
    if (CASES[name].validated) expect(markers).toBe(0);
    // The runner's sink, as the worker registers it (never called during replay).
    const sinks = { progress: { emitBatch: { fn: () => undefined, callDuringReplay: false } } };
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), sinks }, history, `replay-${name}`);
  });
});

/**
 * The runner's two other workflow types, recorded from live runs against a real registry (the registry
 * workflow on the test runner's queue, read by the `resolveWorkflowDefinition` activity as in the service).
 */
describe('replay of recorded definition workflows', () => {
  let defsRunner: TestRunner | undefined;
  let registry: DefinitionRegistryClient | undefined;

  afterAll(async () => {
    await defsRunner?.shutdown();
  });

  async function recorder(): Promise<{ runner: TestRunner; registry: DefinitionRegistryClient }> {
    if (!defsRunner || !registry) {
      // The activity reads the registry client created just below, on the runner's own queue.
      const workflows: WorkflowRegistry = {
        resolve: (namespace, name, version) => (registry as DefinitionRegistryClient).resolve(namespace, name, version),
      };
      defsRunner = await startTestRunner({ activities: { workflows } });
      registry = new DefinitionRegistryClient(defsRunner.client, defsRunner.taskQueue);
    }
    return { runner: defsRunner, registry };
  }

  const definition = (name: string, version: string, extra = '') =>
    `document: { dsl: '1.0.0', namespace: replay, name: ${name}, version: '${version}' }\n${extra}do:\n  - step: { set: { version: '${version}' } }\n`;

  /** Records `name` with `live` (which returns the workflow's id) unless already stored; then replays it. */
  async function recordAndReplay(name: string, live: () => Promise<string>): Promise<void> {
    const file = join(DIR, `${name}.json`);
    if (!existsSync(file) || process.env.RECORD_HISTORIES) {
      const workflowId = await live();
      const history = await (await recorder()).runner.client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(file, `${JSON.stringify(History.toObject(History.fromObject(history), PROTO_JSON), null, 1)}\n`);
    }
    const history = History.fromObject(JSON.parse(readFileSync(file, 'utf8')));
    const sinks = { progress: { emitBatch: { fn: () => undefined, callDuringReplay: false } } };
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), sinks }, history, `replay-${name}`);
  }

  it('definitionRegistry (register, re-register, refused and removal updates) replays deterministically', async () => {
    await recordAndReplay('definition-registry', async () => {
      const { registry: r } = await recorder();
      expect(
        await r.register({ namespace: 'replay', name: 'child', version: '1.0.0', yaml: definition('child', '1.0.0') }),
      ).toMatchObject({ changed: true });
      expect(
        await r.register({
          namespace: 'replay',
          name: 'child',
          version: '1.10.0',
          yaml: definition('child', '1.10.0'),
        }),
      ).toMatchObject({ changed: true });
      expect(
        await r.register({ namespace: 'replay', name: 'child', version: '1.0.0', yaml: definition('child', '1.0.0') }),
      ).toMatchObject({ changed: false });
      // Refused by the update validator: never enters history.
      await expect(
        r.register({ namespace: 'not a name', name: 'child', version: '1.0.0', yaml: 'x' }),
      ).rejects.toBeInstanceOf(RegistryRefusal);
      expect((await r.list({ namespace: 'replay' })).map((d) => d.version)).toEqual(['1.0.0', '1.10.0']);
      expect((await r.remove({ namespace: 'replay', name: 'child', version: '1.0.0' })).removed).toHaveLength(1);
      expect((await r.entry({ namespace: 'replay', name: 'child' }))?.version).toBe('1.10.0');
      return r.workflowId;
    });
  });

  it('definitionAfterLoop (two runs, then the definition is removed) replays deterministically', async () => {
    await recordAndReplay('definition-after-loop', async () => {
      const { runner, registry: r } = await recorder();
      await r.register({
        namespace: 'replay',
        name: 'again',
        version: '1.0.0',
        yaml: definition('again', '1.0.0', 'schedule: { after: PT3S }\n'),
      });
      const loopId = `replay-after-loop-${randomUUID()}`;
      const handle = await runner.client.workflow.start(AFTER_LOOP_WORKFLOW_TYPE, {
        workflowId: loopId,
        taskQueue: runner.taskQueue,
        args: [{ namespace: 'replay', name: 'again' } satisfies AfterLoopArgs],
      });
      const second = runner.client.workflow.getHandle(
        `${afterLoopId('replay', 'again')}/${handle.firstExecutionRunId.slice(0, 8)}-2`,
      );
      await waitFor(async () => (await second.describe().catch(() => undefined))?.status.name === 'COMPLETED', 60_000);
      // Removed during the wait after the second run: the loop's next lookup finds nothing and it ends.
      await r.remove({ namespace: 'replay', name: 'again' });
      await handle.result();
      return loopId;
    });
  });
});

/** The delivery ledger, recorded from a live exchange: checkpoints, a refused one, a claim, a release, a leave. */
describe('replay of a recorded delivery ledger', () => {
  let runner: TestRunner | undefined;

  afterAll(async () => {
    await runner?.shutdown();
  });

  it('deliveryLedger (checkpoints, claim, release, leave signal) replays deterministically', async () => {
    const file = join(DIR, 'delivery-ledger.json');
    if (!existsSync(file) || process.env.RECORD_HISTORIES) {
      runner = await startTestRunner();
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
      await ledger.checkpoint({ ...base('a'), first: true, entries: [['run-1', 2, 1]] });
      await ledger.checkpoint({ ...base('b'), first: true, entries: [['run-2', 5, 0]], done: ['run-0'] });
      // Refused by the update validator: never enters history.
      await expect(ledger.checkpoint({ ...base('b'), deadAfterMs: -1 })).rejects.toThrow();
      await waitFor(async () => (await ledger.checkpoint(base('b'))).claims.length > 0, 30_000);
      await ledger.checkpoint({ ...base('b'), recovering: ['a'] });
      await ledger.checkpoint({ ...base('b'), released: ['a'] });
      await ledger.leave({ ...base('b'), leaving: true, windowClosed: true });
      await waitFor(async () => (await ledger.summary())?.replicas.length === 0, 30_000);
      const history = await runner.client.workflow.getHandle(ledger.workflowId).fetchHistory();
      writeFileSync(file, `${JSON.stringify(History.toObject(History.fromObject(history), PROTO_JSON), null, 1)}\n`);
    }
    const history = History.fromObject(JSON.parse(readFileSync(file, 'utf8')));
    const sinks = { progress: { emitBatch: { fn: () => undefined, callDuringReplay: false } } };
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), sinks }, history, 'replay-delivery-ledger');
  });
});

/**
 * Concurrency guard: branches of different shapes whose activities complete in the same activation. The
 * order in which they issue their next commands (a timer, an activity: different kinds, so a changed
 * order fails the replay) depends on how many promise steps each branch's code takes. Recorded with three
 * workers in turn (workflows only until both calls are scheduled, activities only until both have
 * completed, then both) so the two completions reach the workflow in one activation.
 */
describe('replay of concurrent completions in one activation', () => {
  it('fork of a plain and a try-guarded call branch replays deterministically', async () => {
    const name = 'fork-same-activation';
    const file = join(DIR, `${name}.json`);
    if (!existsSync(file) || process.env.RECORD_HISTORIES) {
      http ??= await startFakeHttp();
      writeFileSync(
        file,
        `${JSON.stringify(History.toObject(History.fromObject(await recordSameActivation(http)), PROTO_JSON), null, 1)}\n`,
      );
    }
    const history = History.fromObject(JSON.parse(readFileSync(file, 'utf8')));
    // The recording is what the test is about: both first calls completed before one workflow task.
    const events = history.events ?? [];
    const completed = events.flatMap((e, i) => (e.activityTaskCompletedEventAttributes ? [i] : []));
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(events.slice(completed[0], completed[1]).some((e) => e.workflowTaskStartedEventAttributes)).toBe(false);
    const sinks = { progress: { emitBatch: { fn: () => undefined, callDuringReplay: false } } };
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), sinks }, history, `replay-${name}`);
  });
});

async function recordSameActivation(server: FakeHttp): Promise<temporal.api.history.v1.IHistory> {
  const yaml = workflow(
    'replay-same-activation',
    `
do:
  - split:
      fork:
        branches:
          - guarded:
              do:
                - first:
                    try:
                      - get: { call: http, with: { method: get, endpoint: '${server.url}/echo/guarded/1' } }
                    catch:
                      errors: { with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication } }
                - second: { wait: { milliseconds: 1 } }
          - plain:
              do:
                - first: { call: http, with: { method: get, endpoint: '${server.url}/echo/plain/1' } }
                - second: { call: http, with: { method: get, endpoint: '${server.url}/echo/plain/2' } }
`,
  );
  const address = process.env.TEMPORAL_TEST_ADDRESS as string;
  const connection = await NativeConnection.connect({ address });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const taskQueue = `replay-same-activation-${randomUUID()}`;
  const sinks = { progress: { emitBatch: { fn: () => undefined, callDuringReplay: false } } };
  const workflowId = `replay-same-activation-${randomUUID()}`;
  const history = () => client.workflow.getHandle(workflowId).fetchHistory();
  const count = async (type: string) =>
    ((await history()).events ?? []).filter((e) => String(e.eventType) === type || e[type as keyof typeof e]).length;
  /** Runs a worker until `done` holds, then shuts it down. */
  const phase = async (worker: Worker, done: () => Promise<boolean>) => {
    const running = worker.run();
    await waitFor(done, 60_000);
    worker.shutdown();
    await running;
  };
  try {
    await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [{ executionId: workflowId, workflowYaml: yaml, input: {} } satisfies WorkflowExecuteInput],
    });
    const workflowsOnly = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      sinks,
      activities: { validateWorkflow: createActivities({}).validateWorkflow },
    });
    await phase(workflowsOnly, async () => (await count('activityTaskScheduledEventAttributes')) === 2);
    const activitiesOnly = await Worker.create({ connection, taskQueue, activities: createActivities({}) });
    await phase(activitiesOnly, async () => (await count('activityTaskCompletedEventAttributes')) === 2);
    const both = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      sinks,
      activities: createActivities({}),
    });
    await phase(both, async () => (await client.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED');
    return await history();
  } finally {
    await client.connection.close();
    await connection.close();
  }
}
