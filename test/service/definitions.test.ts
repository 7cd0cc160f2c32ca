/**
 * Workflow definitions registered with the runner, end to end: the real service (production gRPC transport,
 * real worker, the registry workflow) on the Temporal dev server. `run: workflow` resolves registered
 * definitions; `schedule.every` becomes a real Temporal Schedule whose runs complete; `schedule.after`
 * becomes a restart loop; re-registering and removing keep them in step.
 */
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, WorkflowFailedError } from '@temporalio/client';
import { WorkflowRunnerCommandControllerClient } from '../../src/generated/ai/stigmer/workflow/runner/v1/command';
import type {
  ListDefinitionsRequest,
  ListDefinitionsResponse,
  RegisterDefinitionResponse,
  RemoveDefinitionRequest,
  RemoveDefinitionResponse,
} from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { bootstrap } from '../../src/main';
import type { WorkflowRunResult } from '../../src/temporal/contract';
import { eventually, freePort, startRunner, temporalAddress, type RunnerHarness } from './harness';

jest.setTimeout(180_000);

/** A namespace of its own per test run: the registry is shared by everything on the dev server's queue. */
const NS = `defs-${randomUUID().slice(0, 8)}`;

const child = (version: string, extra = '') => `
document: { dsl: '1.0.0', namespace: ${NS}, name: child, version: '${version}' }
${extra}
do:
  - answer:
      set:
        from: '${version}'
        doubled: \${ .n * 2 }
`;

const parent = (version = 'latest') => `
document: { dsl: '1.0.0', namespace: ${NS}, name: parent, version: '1.0.0' }
do:
  - callChild:
      run:
        workflow:
          namespace: ${NS}
          name: child
          version: '${version}'
          input: { n: 21 }
`;

function call<Res>(start: (cb: (err: ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res))));
}

describe('workflow definitions (registry, run: workflow, schedules)', () => {
  let h: RunnerHarness;
  let commands: InstanceType<typeof WorkflowRunnerCommandControllerClient>;
  const register = (workflowYaml: string) =>
    call<RegisterDefinitionResponse>((cb) => commands.registerDefinition({ workflowYaml }, cb));
  const remove = (r: Partial<RemoveDefinitionRequest>) =>
    call<RemoveDefinitionResponse>((cb) =>
      commands.removeDefinition({ namespace: NS, name: '', version: '', ...r }, cb),
    );
  const list = (r: Partial<ListDefinitionsRequest> = {}) =>
    call<ListDefinitionsResponse>((cb) => commands.listDefinitions({ namespace: NS, name: '', ...r }, cb));

  beforeAll(async () => {
    h = await startRunner();
    commands = new WorkflowRunnerCommandControllerClient(h.target, credentials.createInsecure());
  }, 120_000);
  afterAll(async () => {
    commands?.close();
    await h?.close();
  });

  async function runParent(yaml: string): Promise<WorkflowRunResult> {
    const executionId = `parent-${randomUUID()}`;
    await h.rpc.execute({ executionId, workflowYaml: yaml, inputJson: '', environment: [], metadata: {} });
    return h.temporal.workflow.getHandle(executionId).result() as Promise<WorkflowRunResult>;
  }

  it('refuses an invalid definition with the JSON pointer and line:column of each problem', async () => {
    const bad = `document: { dsl: '1.0.0', namespace: ${NS}, name: broken, version: '1.0.0' }\ndo:\n  - oops:\n      set: 42\n`;
    const err = (await register(bad).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^workflow_yaml: invalid workflow document/);
    expect(err.details).toContain('4:12 /do/0/oops/set [schema] expected object or string, got integer 42');
    const badSchedule = child('1.0.0', "schedule: { cron: 'every minute' }");
    const err2 = (await register(badSchedule).catch((e: unknown) => e)) as ServiceError;
    expect(err2.code).toBe(status.INVALID_ARGUMENT);
    expect(err2.details).toContain('/schedule/cron');
    expect((await list()).definitions).toEqual([]);
  });

  it('runs a registered definition as the child of run: workflow: `latest` = the highest version, or the named one', async () => {
    // Registered newest first: "latest" is the highest version, not the last registered.
    expect(await register(child('1.10.0'))).toMatchObject({
      namespace: NS,
      name: 'child',
      version: '1.10.0',
      changed: true,
      scheduleId: '',
    });
    expect(await register(child('1.9.0'))).toMatchObject({ version: '1.9.0', changed: true });
    expect(await register(child('1.9.0'))).toMatchObject({ version: '1.9.0', changed: false });
    const listed = (await list({ name: 'child' })).definitions;
    expect(listed.map((d) => [d.version, d.latest])).toEqual([
      ['1.9.0', false],
      ['1.10.0', true],
    ]);

    expect((await runParent(parent())).output).toEqual({ from: '1.10.0', doubled: 42 });
    expect((await runParent(parent('1.9.0'))).output).toEqual({ from: '1.9.0', doubled: 42 });

    expect((await remove({ name: 'child', version: '1.10.0' })).removed).toEqual([
      { namespace: NS, name: 'child', version: '1.10.0' },
    ]);
    expect((await runParent(parent())).output).toEqual({ from: '1.9.0', doubled: 42 });
    await remove({ name: 'child' });
    const failed = (await runParent(parent()).catch((e: unknown) => e)) as WorkflowFailedError;
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(failed.cause?.message).toMatch(/is not registered with the runner/);
    const missing = (await remove({ name: 'child' }).catch((e: unknown) => e)) as ServiceError;
    expect(missing.code).toBe(status.NOT_FOUND);
  });

  it('turns schedule.every into a Temporal Schedule whose runs complete, follows re-registration and removal', async () => {
    const ticking = (version: string, every: string) => `
document: { dsl: '1.0.0', namespace: ${NS}, name: ticker, version: '${version}' }
schedule: { every: ${every} }
do:
  - tick:
      set: { version: '${version}' }
`;
    const registered = await register(ticking('1.0.0', 'PT1S'));
    expect(registered.scheduleId).toBe(`wf-schedule:${NS}/ticker`);
    const handle = h.temporal.schedule.getHandle(registered.scheduleId);
    const described = await handle.describe();
    expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 1000 })]);
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.action).toMatchObject({ workflowType: 'serverlessWorkflow', taskQueue: h.taskQueue });

    const firstRun = await eventually(
      async () => (await handle.describe()).info.recentActions[0]?.action,
      30_000,
      'a scheduled run',
    );
    const result = (await h.temporal.workflow
      .getHandle(firstRun.workflow.workflowId, firstRun.workflow.firstExecutionRunId)
      .result()) as WorkflowRunResult;
    expect(result).toMatchObject({ status: 'completed', output: { version: '1.0.0' } });
    // The run reports progress under its own workflow id (the schedule appends the time to it).
    await h.fake.waitFor(
      (f) => f.acceptedFor(firstRun.workflow.workflowId).some((e) => e.eventType === 'workflow_completed'),
      20_000,
      'scheduled run events',
    );

    // Identical text: nothing changes, not even the schedule's note.
    const note = described.state.note;
    expect(await register(ticking('1.0.0', 'PT1S'))).toMatchObject({
      changed: false,
      scheduleId: registered.scheduleId,
    });
    expect((await handle.describe()).state.note).toBe(note);

    // A newer version's schedule wins.
    await register(ticking('1.1.0', 'PT1H'));
    const updated = await handle.describe();
    expect(updated.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
    // The action starts the new version (its validated document rides in the start argument).
    expect(JSON.stringify(updated.action.args)).toContain('"version":"1.1.0"');
    // An older version registered later does not take the schedule back.
    await register(ticking('0.9.0', 'PT1S'));
    expect((await handle.describe()).spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);

    await remove({ name: 'ticker' });
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('turns schedule.after into a loop that restarts the definition after each run, until it is removed', async () => {
    const doc = `
document: { dsl: '1.0.0', namespace: ${NS}, name: again, version: '1.0.0' }
schedule: { after: PT1S }
do:
  - step:
      set: { ok: true }
`;
    const registered = await register(doc);
    expect(registered.afterLoopId).toBe(`wf-after:${NS}/again`);
    const runs = await eventually(
      async () => {
        const found: string[] = [];
        for await (const info of h.temporal.workflow.list({
          query: `WorkflowType = 'serverlessWorkflow' AND ExecutionStatus = 'Completed'`,
        })) {
          if (info.workflowId.startsWith(`${registered.afterLoopId}/`)) found.push(info.workflowId);
        }
        return found.length >= 2 ? found : undefined;
      },
      60_000,
      'two completed runs of the after loop',
    );
    expect(new Set(runs).size).toBe(runs.length);

    await remove({ name: 'again' });
    const loop = h.temporal.workflow.getHandle(registered.afterLoopId);
    await eventually(
      async () => ((await loop.describe()).status.name !== 'RUNNING' ? true : undefined),
      30_000,
      'the loop to end',
    );
  });
});

describe('WORKFLOW_DEFINITIONS_DIR', () => {
  it('registers every valid file at start: list shows them, a run: workflow parent runs the latest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'defs-'));
    // A ConfigMap-like layout: YAML files by key, plus entries that are not definitions.
    await writeFile(join(dir, 'child-1.yaml'), child('1.0.0'));
    await writeFile(join(dir, 'child-2.yml'), child('2.0.0'));
    await writeFile(join(dir, 'README.txt'), 'not a definition');
    await writeFile(join(dir, '.hidden.yaml'), 'document: {}');
    const runner = await startRunner({ env: { WORKFLOW_DEFINITIONS_DIR: dir } });
    const commands = new WorkflowRunnerCommandControllerClient(runner.target, credentials.createInsecure());
    try {
      const listed = await eventually(
        async () => {
          const res = await call<ListDefinitionsResponse>((cb) =>
            commands.listDefinitions({ namespace: NS, name: 'child' }, cb),
          );
          return res.definitions.length === 2 ? res.definitions : undefined;
        },
        60_000,
        'the directory definitions to be registered',
      );
      expect(listed.map((d) => [d.namespace, d.name, d.version, d.latest])).toEqual([
        [NS, 'child', '1.0.0', false],
        [NS, 'child', '2.0.0', true],
      ]);
      const executionId = `parent-dir-${randomUUID()}`;
      await runner.rpc.execute({ executionId, workflowYaml: parent(), inputJson: '', environment: [], metadata: {} });
      const result = (await runner.temporal.workflow.getHandle(executionId).result()) as WorkflowRunResult;
      expect(result).toMatchObject({ status: 'completed', output: { from: '2.0.0', doubled: 42 } });
    } finally {
      commands.close();
      await runner.close();
    }
  });

  it('stops the start on a bad file, naming the file and the problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'defs-'));
    await writeFile(join(dir, 'good.yaml'), child('1.0.0'));
    await writeFile(
      join(dir, 'bad.yml'),
      `document: { dsl: '1.0.0', namespace: ${NS}, name: bad, version: '1.0.0' }\ndo:\n  - oops:\n      set: 42\n`,
    );
    const started = bootstrap({
      env: {
        TEMPORAL_SERVICE_ADDRESS: temporalAddress(),
        TEMPORAL_TASK_QUEUE: `defs-dir-${randomUUID()}`,
        GRPC_PORT: String(await freePort()),
        HEALTH_PORT: '0',
        METRICS_PORT: '0',
        LOG_LEVEL: 'error',
        WORKFLOW_DEFINITIONS_DIR: dir,
      },
    });
    await expect(started).rejects.toThrow(
      new RegExp(
        `WORKFLOW_DEFINITIONS_DIR: ${join(dir, 'bad.yml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: invalid workflow document:\\n4:12 /do/0/oops/set`,
      ),
    );
  });
});
