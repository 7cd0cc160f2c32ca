/**
 * What a workflow may reach: `call: http` to link-local and cloud-metadata addresses is refused by the
 * runner's network policy by default and allowed only for allow-listed hosts; `run: shell` and
 * `run: script` are refused unless the runner enables them. Real worker, real Temporal, real HTTP server.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityDeps } from '../../src/temporal/activities/deps';
import { startTestRunner, type TestRunner } from '../support/runner-harness';

const AUTHORIZATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization';
const CONFIGURATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration';

const doc = (body: string) =>
  `document:\n  dsl: '1.0.0'\n  namespace: security\n  name: egress\n  version: '1.0.0'\ndo:\n${body}`;
const httpGet = (endpoint: string) =>
  doc(`  - fetch:\n      call: http\n      with:\n        method: get\n        endpoint: '${endpoint}'\n`);

const BLOCKED = [
  'http://169.254.169.254/latest/meta-data/',
  'http://169.254.170.2/v2/credentials',
  'http://[fe80::1]/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://100.100.100.200/latest/meta-data/',
  'http://0.0.0.0/',
];

// The first worker of the file bundles the workflow code, which takes a while on a cold cache.
jest.setTimeout(120_000);

describe('egress policy and process tasks', () => {
  let http: Server;
  let local: string;
  const runners: TestRunner[] = [];
  const runner = async (activities: Partial<ActivityDeps> = {}) => {
    const r = await startTestRunner({
      activities: { ...activities, http: { requestTimeoutMs: 2000, ...activities.http } },
    });
    runners.push(r);
    return r;
  };

  beforeAll(async () => {
    http = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"reached":true}');
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    local = `http://127.0.0.1:${(http.address() as AddressInfo).port}/x`;
  });

  afterAll(async () => {
    for (const r of runners) await r.shutdown();
    http.close();
  });

  it('refuses link-local and cloud-metadata addresses by default', async () => {
    const r = await runner();
    for (const endpoint of BLOCKED) {
      const { result } = await r.run(httpGet(endpoint));
      expect({ endpoint, status: result.status, error: result.error }).toMatchObject({
        endpoint,
        status: 'faulted',
        error: {
          type: AUTHORIZATION,
          status: 403,
          instance: '/do/0/fetch',
          detail: expect.stringContaining("refused by the runner's network policy"),
        },
      });
    }
  });

  it('calls an allow-listed metadata address (refused only by the network, not the policy)', async () => {
    const r = await runner({ http: { allowHosts: ['169.254.169.254'], requestTimeoutMs: 1000 } });
    const { result } = await r.run(httpGet('http://169.254.169.254/latest/meta-data/'));
    expect(result.status).toBe('faulted');
    expect(result.error?.type).not.toBe(AUTHORIZATION);
  });

  it('blocks loopback when private networks are blocked, unless the host is allow-listed', async () => {
    const strict = await runner({ http: { blockPrivateNetworks: true } });
    expect((await strict.run(httpGet(local))).result).toMatchObject({
      status: 'faulted',
      error: { type: AUTHORIZATION },
    });
    const allowed = await runner({ http: { blockPrivateNetworks: true, allowHosts: ['127.0.0.1'] } });
    expect((await allowed.run(httpGet(local))).result).toMatchObject({
      status: 'completed',
      output: { reached: true },
    });
  });

  const shell = doc(`  - sh:\n      run:\n        shell:\n          command: echo hello\n`);
  const script = doc(
    `  - js:\n      run:\n        script:\n          language: js\n          code: console.log('hi')\n`,
  );

  it('refuses run: shell and run: script unless enabled', async () => {
    const r = await runner();
    expect((await r.run(shell)).result).toMatchObject({
      status: 'faulted',
      error: { type: CONFIGURATION, instance: '/do/0/sh', detail: expect.stringContaining('run: shell is disabled') },
    });
    expect((await r.run(script)).result).toMatchObject({
      status: 'faulted',
      error: { type: CONFIGURATION, instance: '/do/0/js', detail: expect.stringContaining('run: script is disabled') },
    });
  });

  it('runs them once enabled', async () => {
    const r = await runner({ process: { shellEnabled: true, scriptEnabled: true } });
    const sh = await r.run(shell);
    expect(sh.result.status).toBe('completed');
    expect(JSON.stringify(sh.result.output)).toContain('hello');
    const js = await r.run(script);
    expect(js.result.status).toBe('completed');
    expect(JSON.stringify(js.result.output)).toContain('hi');
  });
});
