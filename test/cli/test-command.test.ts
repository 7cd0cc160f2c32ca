/**
 * `workflow-runner test` as users run it (bin/workflow-runner.js as a child process) on Temporal's real
 * time-skipping test server (TEMPORAL_TEST_SERVER_PATH or the project's .venv, installed by
 * scripts/install-temporal-test-server.sh): the repository's examples, passing, failing and malformed
 * test files, a retry sequence, a one-day wait, JUnit output and --watch. Calls are answered by the
 * test files' mocks: that is the feature under test, no fake service is involved.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'workflow-runner.js');
const fixtures = join(__dirname, 'fixtures', 'workflow-tests');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: root,
        env: { ...process.env, WORKFLOW_RUNNER_FROM_SOURCE: '1' },
        timeout: 170_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

interface JsonTest {
  name: string;
  passed: boolean;
  failures: string[];
  durationMs: number;
  report: { status: string; output: unknown };
  calls: { summary: string; mock?: string }[];
}
interface JsonReport {
  passed: number;
  failed: number;
  broken: number;
  files: { file: string; problems: string[]; tests: JsonTest[] }[];
}

function testNamed(report: JsonReport, name: string): JsonTest {
  const found = report.files.flatMap((f) => f.tests).find((t) => t.name === name);
  if (!found) throw new Error(`no test named ${name} in ${JSON.stringify(report)}`);
  return found;
}

describe('workflow-runner test', () => {
  it("runs the repository's examples and they pass", async () => {
    const r = await cli(['test', 'examples', '--json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report).toMatchObject({ failed: 0, broken: 0 });
    expect(report.files.map((f) => f.file).sort()).toEqual([
      'examples/call-a2a.test.yaml',
      'examples/call-asyncapi.test.yaml',
      'examples/call-mcp-stdio.test.yaml',
      'examples/hello.test.yaml',
      'examples/order-processing.test.yaml',
      'examples/research-agent.test.yaml',
      'examples/retrieval.test.yaml',
      'examples/support-triage.test.yaml',
    ]);
    expect(report.passed).toBeGreaterThanOrEqual(17);
    // The subscription's own filter (total >= 100) and bound (amount: 2) chose from the mocked messages.
    expect(testNamed(report, 'keeps the first two large orders the broker delivers').report.output).toEqual({
      largeOrders: ['a', 'c'],
    });
    // The agent's tool call was answered by mocks.mcp and its result reached the model's next turn.
    const research = testNamed(report, 'calls get-sum, answers, then carries the conversation to the follow-up');
    expect(research.calls.map((c) => c.summary)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^mcp tools\/call get-sum /)]),
    );
    expect(r.code).toBe(0);
  });

  it('passes a directory of passing tests: a one-day wait in skipped time, a retry sequence, events, secrets, grpc, run and catalog mocks; writes JUnit XML', async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'wr-junit-')), 'reports', 'workflows.xml');
    const r = await cli(['test', join(fixtures, 'pass'), '--json', '--junit', junit]);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report).toMatchObject({ passed: 4, failed: 0, broken: 0 });
    expect(r.code).toBe(0);

    // A day of workflow time passed (the workflow measures it with `now`) in well under 5 s of wall time.
    const wait = testNamed(report, 'a one-day wait passes in skipped workflow time');
    expect(wait.report.output).toEqual({ days: 1 });
    expect(wait.durationMs).toBeLessThan(5000);

    // Three calls (500, a communication error, then 201), each answered by the next answer of the sequence.
    const retry = testNamed(report, 'succeeds on the third attempt of a sequence');
    expect(retry.calls).toEqual([
      {
        summary: 'http POST https://payments.test/charges',
        position: '/do/0/charge/try/0/pay',
        mock: '/tests/0/mocks/http/0',
      },
      {
        summary: 'http POST https://payments.test/charges',
        position: '/do/0/charge/try/0/pay',
        mock: '/tests/0/mocks/http/0',
      },
      {
        summary: 'http POST https://payments.test/charges',
        position: '/do/0/charge/try/0/pay',
        mock: '/tests/0/mocks/http/0',
      },
    ]);

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites tests="4" failures="0" errors="0"/);
    expect(xml).toContain('name="a one-day wait passes in skipped workflow time"');
  });

  it('fails on a wrong expectation and on a call without a mock, naming the difference and the task; exit 1', async () => {
    const r = await cli(['test', join(fixtures, 'fail')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ expects another greeting');
    expect(r.stdout).toContain('output: /greeting: expected "Hello, Grace", got "Hello, Ada"');
    expect(r.stdout).toContain('no mock for http GET https://users.test/users/8 at task /do/0/fetchUser');
    // An mcp mock for another tool does not answer: the call is named with its server, tool and task.
    expect(r.stdout).toContain('✗ forgets to mock the MCP server');
    expect(r.stdout).toContain(
      'no mock for mcp tools/call search (https://tools.test/mcp) with parameters {"name":"search","arguments":{"query":"temporal"}} at task /do/0/search',
    );
    expect(r.stdout).toMatch(/^3 tests: 0 passed, 3 failed \(/m);
  });

  it('answers call: mcp, a2a and asyncapi from their mocks: $secrets in the match, a retry sequence, a subscription consumed with its own bounds', async () => {
    const r = await cli(['test', join(fixtures, 'protocols'), '--json']);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report).toMatchObject({ passed: 3, failed: 0, broken: 0 });
    expect(r.code).toBe(0);
    // The secrets matched (bearer header, stdio environment, a message header) but appear nowhere in the report.
    expect(r.stdout).not.toMatch(/t0ken|s3cret/);

    const mcp = testNamed(report, 'mcp over HTTP with a bearer token from $secrets, then a prompt over stdio');
    expect(mcp.report.output).toEqual({ brief: 'Durable execution survives crashes.' });
    expect(mcp.calls).toEqual([
      {
        summary: 'mcp tools/call search (https://tools.test/mcp)',
        position: '/do/0/search',
        mock: '/tests/0/mocks/mcp/0',
      },
      {
        summary: 'mcp prompts/get brief (briefing-server --fast)',
        position: '/do/1/brief',
        mock: '/tests/0/mocks/mcp/1',
      },
    ]);

    // Two refusals, then the answer, each from the next answer of the sequence, across the task's retries.
    const a2a = testNamed(report, 'a2a answers after the agent was unavailable twice');
    expect(a2a.report.output).toEqual({ translation: 'hello' });
    expect(a2a.calls.map((c) => c.summary)).toEqual(Array(3).fill('a2a message/send (https://agent.test/a2a)'));

    // filter (region eu) and until (total >= 300) stop after o-1 and o-3; foreach ran on each of them.
    const asyncapi = testNamed(
      report,
      "asyncapi consumes with the task's filter and until, runs foreach, then publishes",
    );
    expect(asyncapi.report.output).toEqual({ ids: ['o-1', 'o-3'], topics: ['orders/eu'] });
    expect(asyncapi.calls.map((c) => c.summary)).toEqual([
      'asyncapi subscribe orders/eu',
      'asyncapi publish confirmOrders',
    ]);
  });

  it('reports a malformed test file as FILE:line:column pointer message without running it; exit 1', async () => {
    const r = await cli(['test', join(fixtures, 'bad', 'broken.test.yaml')]);
    expect(r.code).toBe(1);
    const file = join(fixtures, 'bad', 'broken.test.yaml').slice(root.length + 1);
    expect(r.stdout).toContain(`${file}:7:30 /tests/0/mocks/http/0/respond/status must be <= 599`);
    expect(r.stdout).toContain(`${file}:9:7 /tests/0/expect/outptu unknown property 'outptu'`);
    expect(r.stdout).toMatch(/0 tests: 0 passed, 0 failed; 1 file could not run/);
  });

  it('with allowRealCalls, a call no mock matches reaches the real service (a local HTTP server)', async () => {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ stock: 12 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const dir = mkdtempSync(join(tmpdir(), 'wr-real-'));
      writeFileSync(
        join(dir, 'stock.sw.yaml'),
        `document: { dsl: '1.0.0', namespace: fixtures, name: stock, version: '1.0.0' }
do:
  - price:
      call: http
      with: { method: get, endpoint: 'https://prices.test/items/1' }
  - stock:
      call: http
      with: { method: get, endpoint: '${url}/stock/1' }
`,
      );
      writeFileSync(
        join(dir, 'stock.test.yaml'),
        `workflow: stock.sw.yaml
tests:
  - name: mocked price, real stock
    allowRealCalls: true
    mocks:
      http:
        - url: https://prices.test/items/1
          respond: { body: { price: 3 } }
    expect:
      output: { stock: 12 }
`,
      );
      const r = await cli(['test', dir, '--json']);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report).toMatchObject({ passed: 1, failed: 0 });
      expect(requests).toEqual(['GET /stock/1']);
      expect(testNamed(report, 'mocked price, real stock').calls).toEqual([
        { summary: 'http GET https://prices.test/items/1', position: '/do/0/price', mock: '/tests/0/mocks/http/0' },
        { summary: `http GET ${url}/stock/1`, position: '/do/1/stock', real: true },
      ]);
    } finally {
      server.close();
    }
  });

  it('--watch runs again when a file changes, until interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wr-watch-'));
    cpSync(join(fixtures, 'pass', 'waits.sw.yaml'), join(dir, 'waits.sw.yaml'));
    cpSync(join(fixtures, 'pass', 'waits.test.yaml'), join(dir, 'waits.test.yaml'));
    const child = spawn(process.execPath, [bin, 'test', dir, '--watch'], {
      cwd: root,
      env: { ...process.env, WORKFLOW_RUNNER_FROM_SOURCE: '1' },
    });
    let output = '';
    const waiters: (() => void)[] = [];
    const collect = (d: Buffer) => {
      output += d.toString();
      for (const w of [...waiters]) w();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const waitFor = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) resolve();
        };
        waiters.push(check);
        void exited.then(() => reject(new Error(`exited before ${pattern}: ${output}`)));
        check();
      });
    try {
      await waitFor(/1 test: 1 passed, 0 failed[\s\S]*watching for changes/);
      writeFileSync(
        join(dir, 'waits.test.yaml'),
        readFileSync(join(dir, 'waits.test.yaml'), 'utf8').replace('days: 1', 'days: 2'),
      );
      await waitFor(/running again[\s\S]*1 test: 0 passed, 1 failed/);
      expect(output).toContain('output: /days: expected 2, got 1');
      child.kill('SIGINT');
      expect(await exited).toBe(1);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('workflow-runner schema', () => {
  it('prints the JSON schema validate uses, and with --test the test file schema', async () => {
    const spec = JSON.parse(
      readFileSync(join(root, 'src', 'zigflow', 'validation', 'schema', 'workflow-1.0.3.schema.json'), 'utf8'),
    );
    const r = await cli(['schema']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(spec);
    const t = await cli(['schema', '--test']);
    expect(t.code).toBe(0);
    const schema = JSON.parse(t.stdout) as {
      properties: { tests: { items: { properties: Record<string, unknown> } } };
    };
    expect(Object.keys(schema.properties.tests.items.properties)).toEqual(
      expect.arrayContaining(['input', 'mocks', 'events', 'expect']),
    );
  });
});
