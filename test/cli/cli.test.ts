/**
 * The `workflow-runner` binary as users run it: bin/workflow-runner.js as a child process (from the
 * TypeScript sources), against the real Temporal dev server of the test run (TEMPORAL_TEST_ADDRESS)
 * and, for the order example, a real local HTTP inventory service.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { startInventoryServer, type InventoryServer } from '../../src/cli/demo-inventory';

// Each case starts a Node process (and for run, a worker bundling the workflow code).
jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'workflow-runner.js');
const fixture = (name: string) => join(__dirname, 'fixtures', name);
const example = (name: string) => join(root, 'examples', name);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: root,
        env: { ...process.env, WORKFLOW_RUNNER_FROM_SOURCE: '1', ...env },
        timeout: 110_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const temporal = () => ({ TEMPORAL_SERVICE_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS });
const EventType = proto.api.enums.v1.EventType;

describe('workflow-runner validate / graph / --help', () => {
  it('exits 0 on valid files', async () => {
    for (const file of [example('hello.yaml'), example('order-processing.yaml')]) {
      const r = await cli(['validate', file]);
      expect(r).toMatchObject({ code: 0, stdout: `${file}: valid\n` });
    }
  });

  it('lists every problem as FILE:line:column pointer message and exits 1', async () => {
    const file = fixture('invalid.yaml');
    const r = await cli(['validate', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${escape(file)}:7:5 /do/0/first .*unknown task kind`));
    expect(lines[1]).toMatch(new RegExp(`^${escape(file)}:13:13 /do/1/second/then .*'nowhere'`));
    expect(r.stderr).toMatch(/2 problems/);
  });

  it('reports YAML syntax errors with their position', async () => {
    const r = await cli(['validate', fixture('broken-yaml.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken-yaml\.yaml:\d+:\d+ /);
  });

  it('--json prints the problems as data', async () => {
    const r = await cli(['validate', '--json', fixture('invalid.yaml')]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ pointer: '/do/0/first', line: 7, column: 5 }),
      expect.objectContaining({ pointer: '/do/1/second/then', line: 13, column: 13 }),
    ]);
  });

  it('graph prints a Mermaid flowchart', async () => {
    const r = await cli(['graph', example('order-processing.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowchart TD\n/);
    for (const task of ['priceOrder', 'chooseShipping', 'reserveStock', 'fulfil', 'summarize'])
      expect(r.stdout).toContain(task);
  });

  it('documents commands and exit codes; bad command lines exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate FILE[\s\S]*graph FILE[\s\S]*run FILE[\s\S]*serve[\s\S]*Exit codes/);
    const bad = await cli(['run']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/run needs exactly one FILE/);
    const missing = await cli(['validate', fixture('nope.yaml')]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/cannot read workflow file .*nope\.yaml: no such file/);
  });
});

describe('workflow-runner run (real Temporal)', () => {
  let inventory: InventoryServer;
  beforeAll(async () => {
    inventory = await startInventoryServer();
  });
  afterAll(() => inventory.close());

  it('completes a workflow: --json prints exactly {status, output, error, tasks}, progress goes to stderr', async () => {
    const r = await cli(['run', example('hello.yaml'), '--input', '{"name":"Ada"}', '--json'], temporal());
    expect(r.stderr).toMatch(/task_started\s+greet \(\/do\/0\/greet\)/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['status', 'output', 'error', 'tasks']);
    expect(report).toEqual({
      status: 'completed',
      output: { greeting: 'Hello, Ada!' },
      error: null,
      tasks: [
        { name: 'greet', position: '/do/0/greet', status: 'completed' },
        { name: 'classify', position: '/do/1/classify', status: 'completed' },
      ],
    });
  });

  it('runs the order example (for, try/retry, call http, fork) with input from a file', async () => {
    const inputFile = join(mkdtempSync(join(tmpdir(), 'wr-cli-')), 'input.json');
    const input = JSON.parse(readFileSync(example('order-processing.input.json'), 'utf8'));
    writeFileSync(inputFile, JSON.stringify({ ...input, inventoryUrl: inventory.url }));
    const r = await cli(['run', example('order-processing.yaml'), '--input-file', inputFile, '--json'], temporal());
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.status).toBe('completed');
    expect(report.output).toMatchObject({ orderId: 'A-1001', total: 130, shipping: 'express' });
    expect(report.output.reservations).toHaveLength(2);
    expect(report.tasks.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['priceOrder', 'reserveStock', 'fulfil', 'summarize']),
    );
    expect(r.stderr).toMatch(/task_retrying/);
  });

  it('WORKFLOW_LOCAL_CALLS=true runs the calls as local activities (history: markers, no activity tasks); a bad value exits 2', async () => {
    const inputFile = join(mkdtempSync(join(tmpdir(), 'wr-cli-')), 'input.json');
    const input = JSON.parse(readFileSync(example('order-processing.input.json'), 'utf8'));
    writeFileSync(inputFile, JSON.stringify({ ...input, inventoryUrl: inventory.url }));
    const env = { ...temporal(), WORKFLOW_LOCAL_CALLS: 'true' };
    const r = await cli(['run', example('order-processing.yaml'), '--input-file', inputFile, '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output).toMatchObject({ orderId: 'A-1001', total: 130, shipping: 'express' });
    const executionId = /execution (\S+) on /.exec(r.stderr)?.[1];
    expect(executionId).toBeDefined();
    const connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS });
    try {
      const history = await new Client({ connection }).workflow.getHandle(executionId!).fetchHistory();
      const types = (history.events ?? []).map((e) => e.eventType);
      expect(types).not.toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
      expect(types.filter((t) => t === EventType.EVENT_TYPE_MARKER_RECORDED).length).toBeGreaterThanOrEqual(2);
    } finally {
      await connection.close();
    }

    const bad = await cli(['run', example('hello.yaml')], { ...temporal(), WORKFLOW_LOCAL_CALLS: 'sometimes' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/WORKFLOW_LOCAL_CALLS must be true or false, got "sometimes"/);
  });

  it('a faulted run exits 1 and reports the DSL error', async () => {
    const r = await cli(['run', fixture('faulting.yaml'), '--input', '{"sku":"lamp-7"}', '--json'], temporal());
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.status).toBe('faulted');
    expect(report.output).toBeNull();
    expect(report.error).toMatchObject({ status: 422, title: 'Order refused', detail: 'no stock for lamp-7' });
    expect(report.tasks).toEqual(
      expect.arrayContaining([{ name: 'prepare', position: '/do/0/prepare', status: 'completed' }]),
    );
  });

  it('refuses malformed input (2) and an invalid workflow (1) before touching Temporal', async () => {
    const badInput = await cli(['run', example('hello.yaml'), '--input', '[1]', '--json'], temporal());
    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toMatch(/must be a JSON object/);
    const invalid = await cli(['run', fixture('invalid.yaml'), '--json'], { TEMPORAL_SERVICE_ADDRESS: '127.0.0.1:1' });
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ status: 'faulted', error: { title: 'Invalid workflow' } });
  });

  it('Ctrl-C cancels the run: status cancelled, exit 3', async () => {
    const child = spawn(process.execPath, [bin, 'run', fixture('waiting.yaml'), '--json'], {
      cwd: root,
      env: { ...process.env, WORKFLOW_RUNNER_FROM_SOURCE: '1', ...temporal() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/task_started\s+hold/.test(stderr)) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(3);
    const report = JSON.parse(stdout);
    expect(report.status).toBe('cancelled');
    expect(report.tasks).toEqual([
      { name: 'first', position: '/do/0/first', status: 'completed' },
      { name: 'hold', position: '/do/1/hold', status: 'cancelled' },
    ]);
  });

  it('says clearly when Temporal cannot be reached (4)', async () => {
    const r = await cli(['run', example('hello.yaml')], { TEMPORAL_SERVICE_ADDRESS: '127.0.0.1:1' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cannot reach Temporal at 127\.0\.0\.1:1/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
