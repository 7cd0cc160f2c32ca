/**
 * `run: script` with `source`: the script text is fetched from a real local HTTP server (with the same
 * authentication and network policy as `call: http`), bounded in size, then run like inline `code`.
 */
import type { ServerResponse } from 'node:http';
import { MAX_SCRIPT_BYTES } from '../../src/temporal/activities/run-process';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { json, startFakeHttp, type FakeHttp, type RecordedRequest } from './fake-http';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const SCRIPTS: Record<string, string> = {
  '/scripts/greet.js': 'console.log(JSON.stringify({ greeting: "hello " + process.argv[1], who: process.env.WHO }));',
  '/scripts/big.js': `// ${'x'.repeat(MAX_SCRIPT_BYTES)}\n`,
};

function scripts(req: RecordedRequest, res: ServerResponse): boolean {
  if (req.url === '/private/greet.js') {
    if (req.headers.authorization !== 'Bearer script-token') return json(res, 401, { error: 'no' });
    res.writeHead(200, { 'content-type': 'application/javascript' });
    res.end('console.log("private " + process.argv[1])');
    return true;
  }
  const text = SCRIPTS[req.url];
  if (text === undefined) return false;
  res.writeHead(200, { 'content-type': 'application/javascript' });
  res.end(text);
  return true;
}

let runner: TestRunner;
let http: FakeHttp;
beforeAll(async () => {
  http = await startFakeHttp([scripts]);
  runner = await startTestRunner({ activities: { process: { scriptEnabled: true, timeoutMs: 5000 } } });
});
afterAll(async () => {
  await runner?.shutdown();
  await http?.close();
});

describe('run: script from source', () => {
  it('fetches the script and runs it with arguments and environment', async () => {
    const { result } = await runner.run(
      workflow(
        'script-source',
        `
do:
  - greet:
      run:
        script:
          language: js
          source:
            endpoint: ${http.url}/scripts/greet.js
          arguments: ['\${ .name }']
          environment: { WHO: '\${ .name }' }
      output:
        as: '\${ fromjson }'
`,
      ),
      { name: 'Ada' },
    );
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 'completed', output: { greeting: 'hello Ada', who: 'Ada' } });
  });

  it('authenticates the fetch with a named authentication', async () => {
    const { result } = await runner.run(
      workflow(
        'script-source-auth',
        `
use:
  authentications:
    scripts:
      bearer: { token: script-token }
do:
  - greet:
      run:
        script:
          language: js
          source:
            endpoint:
              uri: ${http.url}/private/greet.js
              authentication: { use: scripts }
          arguments: [Bob]
`,
      ),
    );
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 'completed', output: 'private Bob' });
  });

  it('refuses a script larger than the bound, and reports a missing one as a communication error', async () => {
    const big = await runner.run(
      workflow(
        'script-source-big',
        `
do:
  - big:
      run:
        script: { language: js, source: { endpoint: '${http.url}/scripts/big.js' } }
`,
      ),
    );
    expect(big.result.status).toBe('faulted');
    expect(big.result.error).toMatchObject({ status: 502, instance: '/do/0/big' });
    expect(big.result.error?.detail).toContain(`larger than ${MAX_SCRIPT_BYTES} bytes`);

    const missing = await runner.run(
      workflow(
        'script-source-missing',
        `
do:
  - missing:
      run:
        script: { language: js, source: { endpoint: '${http.url}/scripts/none.js' } }
`,
      ),
    );
    expect(missing.result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      status: 404,
      instance: '/do/0/missing',
    });
  });

  it('applies the network policy to the source', async () => {
    const { result } = await runner.run(
      workflow(
        'script-source-metadata',
        `
do:
  - steal:
      run:
        script: { language: js, source: { endpoint: 'http://169.254.169.254/latest/user-data' } }
`,
      ),
    );
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization',
      status: 403,
    });
  });
});
