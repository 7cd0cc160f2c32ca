/**
 * `workflow-runner graph FILE --execution ID` as users run it (bin/workflow-runner.js as a child process):
 * runs executed by a real runner service on the test run's Temporal dev server, their task statuses read
 * back through Temporal's `events` query, and the flowchart rendered as Mermaid text and as SVG.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKFLOW_TYPE, type WorkflowExecuteInput } from '../../src/temporal/contract';
import { eventually, startRunner, temporalAddress, type RunnerHarness } from '../service/harness';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'workflow-runner.js');
const dir = mkdtempSync(join(tmpdir(), 'wr-graph-run-'));

const partial = `document: { dsl: '1.0.0', namespace: cli-graph, name: partial, version: '1.0.0' }
do:
  - first:
      set: { a: 1 }
  - maybe:
      if: \${ false }
      set: { b: 2 }
  - boom:
      raise:
        error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime, status: 500, title: boom }
  - never:
      set: { c: 3 }
`;

const waiting = `document: { dsl: '1.0.0', namespace: cli-graph, name: waiting, version: '1.0.0' }
do:
  - first:
      set: { a: 1 }
  - hold:
      wait: PT1H
  - after:
      set: { b: 2 }
`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: { ...process.env, WORKFLOW_RUNNER_FROM_SOURCE: '1', ...env }, timeout: 110_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const styled = (out: string) => out.split('\n').filter((l) => l.trim().startsWith('class '));

describe('workflow-runner graph --execution (real Temporal, real runner)', () => {
  let h: RunnerHarness;
  const env = () => ({ TEMPORAL_SERVICE_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: 'default' });

  async function start(yaml: string): Promise<string> {
    const executionId = `graph-${randomUUID()}`;
    const input: WorkflowExecuteInput = { executionId, workflowYaml: yaml };
    await h.temporal.workflow.start(WORKFLOW_TYPE, { taskQueue: h.taskQueue, workflowId: executionId, args: [input] });
    return executionId;
  }

  beforeAll(async () => {
    h = await startRunner();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('styles completed, skipped, failed and unreached tasks of a faulted run; renders SVG', async () => {
    const id = await start(partial);
    await expect(h.temporal.workflow.getHandle(id).result()).rejects.toThrow();
    const path = file('partial.yaml', partial);
    const r = await cli(['graph', path, '--execution', id], env());
    expect(r.code).toBe(0);
    expect(styled(r.stdout)).toEqual([
      '  class t1 completed',
      '  class t2 skipped',
      '  class t3 failed',
      '  class t4 notReached',
    ]);

    const svg = await cli(['graph', path, '--execution', id, '--format', 'svg'], env());
    expect(svg.code).toBe(0);
    expect(svg.stdout.startsWith('<svg')).toBe(true);
    // The status styles reach the drawing: completed green, failed red.
    expect(svg.stdout).toContain('#d3f9d8');
    expect(svg.stdout).toContain('#ffe3e3');
    // Task labels, not node ids, even for nodes an edge mentions before their own line.
    expect(svg.stdout).toContain('data-label="boom');
    // Nothing for the viewer to fetch.
    expect(svg.stdout).not.toMatch(/@import|https:\/\/fonts/);
  });

  it('shows the task a running run waits in', async () => {
    const id = await start(waiting);
    const path = file('waiting.yaml', waiting);
    try {
      const lines = await eventually(
        async () => {
          const r = await cli(['graph', path, '--execution', id], env());
          const classes = styled(r.stdout);
          return classes.includes('  class t2 running') ? classes : undefined;
        },
        60_000,
        'the wait task to show as running',
      );
      expect(lines).toEqual(['  class t1 completed', '  class t2 running', '  class t3 notReached']);
    } finally {
      await h.temporal.workflow.getHandle(id).terminate('test over');
    }
  });

  it('says when the execution does not exist (1) or Temporal is not configured (4)', async () => {
    const path = file('partial-2.yaml', partial);
    const missing = await cli(['graph', path, '--execution', `nope-${randomUUID()}`], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/execution nope-\S+ not found in namespace default/);
    const unset = await cli(['graph', path, '--execution', 'x'], { TEMPORAL_SERVICE_ADDRESS: '' });
    expect(unset.code).toBe(4);
    expect(unset.stderr).toMatch(/set TEMPORAL_SERVICE_ADDRESS/);
  });
});
