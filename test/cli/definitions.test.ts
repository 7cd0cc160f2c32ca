/**
 * `workflow-runner definitions register|list|remove` as users run it (bin/workflow-runner.js as a child
 * process) against the test run's Temporal dev server, next to a real runner service on its own task queue:
 * what the CLI registers is what the service's registry holds (a `run: workflow` parent started through the
 * service's `execute` runs it), schedules follow CLI registrations and removals, and the CLI refuses clearly
 * when no runner polls the queue.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { WorkflowRunResult } from '../../src/temporal/contract';
import { TemporalService } from '../../src/temporal/temporal.service';
import { eventually, startRunner, temporalAddress, type RunnerHarness } from '../service/harness';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'workflow-runner.js');
/** A namespace of its own per test run. */
const NS = `cli-defs-${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(join(tmpdir(), 'wr-cli-defs-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const child = (version: string) => `document: { dsl: '1.0.0', namespace: ${NS}, name: child, version: '${version}' }
do:
  - answer:
      set:
        from: '${version}'
        doubled: \${ .n * 2 }
`;

const ticker = `document: { dsl: '1.0.0', namespace: ${NS}, name: ticker, version: '1.0.0' }
schedule: { every: PT1H }
do:
  - tick:
      set: { ok: true }
`;

const parent = `document: { dsl: '1.0.0', namespace: ${NS}, name: parent, version: '1.0.0' }
do:
  - callChild:
      run:
        workflow: { namespace: ${NS}, name: child, version: latest, input: { n: 21 } }
`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('workflow-runner definitions (real Temporal, real runner)', () => {
  let h: RunnerHarness;

  function cli(args: string[], taskQueue = h.taskQueue): Promise<Result> {
    const env = {
      ...process.env,
      WORKFLOW_RUNNER_FROM_SOURCE: '1',
      TEMPORAL_SERVICE_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
    };
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, 'definitions', ...args],
        { cwd: root, env, timeout: 110_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });
  }

  beforeAll(async () => {
    h = await startRunner();
    // The worker polls once its workflow bundle is built (seconds on a loaded machine); the commands below
    // give a runner only a few seconds to show up, which is about a runner starting, not this one.
    const temporal = h.app.get(TemporalService);
    await eventually(async () => (temporal.isWorkerRunning() ? true : undefined), 120_000, 'the runner worker polling');
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('refuses an invalid file with FILE:line:column pointer message and registers nothing (exit 1)', async () => {
    const good = file('good.yaml', child('1.0.0'));
    const bad = file(
      'bad.yaml',
      `document: { dsl: '1.0.0', namespace: ${NS}, name: broken, version: '1.0.0' }\ndo:\n  - oops:\n      set: 42\n`,
    );
    const badSchedule = file(
      'bad-schedule.yaml',
      child('1.0.1').replace('do:', "schedule: { cron: 'every minute' }\ndo:"),
    );
    const r = await cli(['register', good, bad, badSchedule]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${bad}:4:12 /do/0/oops/set expected object or string, got integer 42\n`);
    expect(r.stdout).toMatch(
      new RegExp(`^${badSchedule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+:\\d+)? /schedule/cron `, 'm'),
    );
    expect(r.stdout).not.toContain(good);
    expect(r.stderr).toMatch(/nothing registered: 2 of 3 files refused/);
    const listed = await cli(['list', '--namespace', NS, '--json']);
    // The whole result on failure: stderr says why the command could not list.
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(listed.stdout)).toEqual({ definitions: [] });
  });

  it('registers into the service registry and syncs the schedule; list and remove follow; the service runs what the CLI registered', async () => {
    const files = [
      file('child-2.yaml', child('1.10.0')),
      file('child-1.yaml', child('1.9.0')),
      file('ticker.yaml', ticker),
    ];
    const registered = await cli(['register', ...files]);
    expect(registered.code).toBe(0);
    expect(registered.stdout).toBe(
      `${files[0]}: registered ${NS}/child@1.10.0\n` +
        `${files[1]}: registered ${NS}/child@1.9.0\n` +
        `${files[2]}: registered ${NS}/ticker@1.0.0 (schedule wf-schedule:${NS}/ticker)\n`,
    );
    const again = await cli(['register', '--json', files[1]]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      registered: [{ file: files[1], namespace: NS, name: 'child', version: '1.9.0', changed: false }],
    });

    // The schedule is the service's own kind: its action starts serverlessWorkflow on the runner's queue.
    const schedule = await h.temporal.schedule.getHandle(`wf-schedule:${NS}/ticker`).describe();
    expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
    expect(schedule.action).toMatchObject({ workflowType: 'serverlessWorkflow', taskQueue: h.taskQueue });

    const list = await cli(['list', '--namespace', NS, '--name', 'child', '--json']);
    expect(list.code).toBe(0);
    expect(
      JSON.parse(list.stdout).definitions.map((d: { version: string; latest: boolean }) => [d.version, d.latest]),
    ).toEqual([
      ['1.9.0', false],
      ['1.10.0', true],
    ]);
    const text = await cli(['list', '--namespace', NS]);
    expect(text.stdout).toMatch(
      new RegExp(
        `^  ${NS}/child@1\\.9\\.0  \\d+ bytes\\n\\* ${NS}/child@1\\.10\\.0  \\d+ bytes\\n\\* ${NS}/ticker@1\\.0\\.0  \\d+ bytes\\n$`,
      ),
    );

    const executionId = `cli-defs-parent-${randomUUID()}`;
    await h.rpc.execute({ executionId, workflowYaml: parent, inputJson: '', environment: [], metadata: {} });
    const result = (await h.temporal.workflow.getHandle(executionId).result()) as WorkflowRunResult;
    expect(result.output).toEqual({ from: '1.10.0', doubled: 42 });

    const removed = await cli(['remove', NS, 'ticker']);
    expect(removed).toMatchObject({ code: 0, stdout: `removed ${NS}/ticker@1.0.0\n` });
    await expect(h.temporal.schedule.getHandle(`wf-schedule:${NS}/ticker`).describe()).rejects.toBeInstanceOf(
      ScheduleNotFoundError,
    );
    const one = await cli(['remove', NS, 'child', '1.10.0', '--json']);
    expect(JSON.parse(one.stdout)).toEqual({ removed: [{ namespace: NS, name: 'child', version: '1.10.0' }] });
    const missing = await cli(['remove', NS, 'child', '1.10.0']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(new RegExp(`definition ${NS}/child@1\\.10\\.0 is not registered`));
  });

  it('exits 4 naming the task queue when no runner polls it', async () => {
    const queue = `nobody-${randomUUID()}`;
    const r = await cli(['list'], queue);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`no runner polls task queue ${queue} (namespace default)`);
  });
});
