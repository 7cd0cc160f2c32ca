/**
 * `$authorization` in `output.as`/`export.as` of call tasks, against a real HTTP server: the scheme is
 * readable in clear, the parameter travels sealed for the execution, a later call that puts it in a header
 * sends the clear token (the server checks it), and the token never appears in Temporal history in clear.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { BOUND_PREFIX, sealSecret } from '../../src/secrets/sealing';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { json, startFakeHttp, type FakeHttp, type RecordedRequest } from './fake-http';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const key = randomBytes(32);
const CLIENT_SECRET = `client-secret-${randomUUID()}`;
const API_TOKEN = `api-token-${randomUUID()}`;
const PASSWORD = `pw-${randomUUID()}`;
/** Access tokens the fake authorization server issued (random, so they can only come from the server). */
const issued: string[] = [];

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** `/auth/token` issues a fresh token to `client:CLIENT_SECRET`; `/auth/check` accepts any issued token. */
function authServer(req: RecordedRequest, res: Parameters<typeof json>[0]): boolean {
  if (req.url === '/auth/oauth2/token' && req.method === 'POST') {
    if (req.headers.authorization !== basic('client', CLIENT_SECRET))
      return json(res, 401, { error: 'invalid_client' });
    const token = `access-${randomUUID()}`;
    issued.push(token);
    return json(res, 200, { access_token: token, token_type: 'Bearer' });
  }
  if (req.url === '/auth/check') {
    const header = req.headers.authorization ?? '';
    const accepted =
      issued.some((t) => header === `Bearer ${t}`) ||
      header === `Bearer ${API_TOKEN}` ||
      header === basic('ada', PASSWORD);
    return accepted ? json(res, 200, { accepted: true }) : json(res, 401, { accepted: false });
  }
  return false;
}

/** The full history as JSON plus the decoded text of every base64 field (payloads arrive base64-encoded). */
async function historyText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  const text = JSON.stringify(history, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
  );
  const decoded = [...text.matchAll(/"([A-Za-z0-9+/]{8,}={0,2})"/g)].map((m) =>
    Buffer.from(m[1], 'base64').toString('utf8'),
  );
  return `${text}\n${decoded.join('\n')}`;
}

function expectAbsent(text: string, secret: string): void {
  const b = Buffer.from(secret);
  for (const form of [secret, b.toString('base64').slice(0, 24), b.toString('base64url').slice(0, 24)]) {
    expect(text.includes(form)).toBe(false);
  }
}

let runner: TestRunner;
let http: FakeHttp;
beforeAll(async () => {
  http = await startFakeHttp([authServer]);
  runner = await startTestRunner({ activities: { secretsKey: key } });
});
afterAll(async () => {
  await runner?.shutdown();
  await http?.close();
});

const checks = () => http.requests.filter((r) => r.url === '/auth/check');

describe('$authorization', () => {
  it('describes an OAuth2 client-credentials call; the sealed token reaches a later call in clear, never history', async () => {
    const before = checks().length;
    const handle = await runner.start(
      workflow(
        'authz-oauth2',
        `
use:
  secrets: [clientSecret]
do:
  - login:
      call: http
      with:
        method: get
        endpoint:
          uri: ${http.url}/auth/check
          authentication:
            oauth2:
              authority: ${http.url}/auth
              grant: client_credentials
              client: { id: client, secret: '\${ $secrets.clientSecret }' }
      output:
        as: '\${ { scheme: $authorization.scheme, accepted: .accepted } }'
      export:
        as: '\${ { token: $authorization.parameter } }'
  - forward:
      call: http
      with:
        method: get
        endpoint: ${http.url}/auth/check
        headers:
          authorization: '\${ "Bearer " + $context.token }'
`,
      ),
      {},
      { environment: [{ name: 'clientSecret', secret: true, sealed: sealSecret(CLIENT_SECRET, key) }] },
    );
    const { result } = await runner.outcome(handle);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 'completed', output: { accepted: true } });
    const token = issued[issued.length - 1];
    // Both calls reached the server with the clear token: the second one got it only through $authorization.
    expect(
      checks()
        .slice(before)
        .map((r) => r.headers.authorization),
    ).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    const history = await historyText(handle);
    expect(history).toContain(BOUND_PREFIX);
    expect(history).toContain('"scheme":"Bearer"');
    expectAbsent(history, token);
    expectAbsent(history, CLIENT_SECRET);
  });

  it('describes bearer and basic authentication: scheme in clear, parameter sealed', async () => {
    const handle = await runner.start(
      workflow(
        'authz-bearer-basic',
        `
use:
  secrets: [apiToken, password]
do:
  - bearer:
      call: http
      with:
        method: get
        endpoint:
          uri: ${http.url}/auth/check
          authentication:
            bearer: { token: '\${ $secrets.apiToken }' }
      output:
        as: '\${ { bearer: $authorization } }'
  - basic:
      call: http
      with:
        method: get
        endpoint:
          uri: ${http.url}/auth/check
          authentication:
            basic: { username: ada, password: '\${ $secrets.password }' }
      output:
        as: '\${ { bearer: $input.bearer, basicScheme: $authorization.scheme } }'
      export:
        as: '\${ { basic: $authorization.parameter } }'
  - reuse:
      call: http
      with:
        method: get
        endpoint: ${http.url}/auth/check
        headers:
          authorization: '\${ "Basic " + $context.basic }'
      output:
        as: '\${ { bearer: $input.bearer, basicScheme: $input.basicScheme, reused: .accepted } }'
`,
      ),
      {},
      {
        environment: [
          { name: 'apiToken', secret: true, sealed: sealSecret(API_TOKEN, key) },
          { name: 'password', secret: true, sealed: sealSecret(PASSWORD, key) },
        ],
      },
    );
    const { result } = await runner.outcome(handle);
    expect(result.error).toBeUndefined();
    const output = result.output as {
      bearer: { scheme: string; parameter: string };
      basicScheme: string;
      reused: boolean;
    };
    expect(output.bearer.scheme).toBe('Bearer');
    expect(output.bearer.parameter.startsWith(BOUND_PREFIX)).toBe(true);
    expect(output.basicScheme).toBe('Basic');
    expect(output.reused).toBe(true);
    expect(checks().slice(-1)[0].headers.authorization).toBe(basic('ada', PASSWORD));
    const history = await historyText(handle);
    expectAbsent(history, API_TOKEN);
    expectAbsent(history, PASSWORD);
    expectAbsent(history, basic('ada', PASSWORD));
  });

  it('is null for a call without authentication', async () => {
    const { result } = await runner.run(
      workflow(
        'authz-none',
        `
do:
  - open:
      call: http
      with: { method: get, endpoint: '${http.url}/echo' }
      output:
        as: '\${ { authorization: $authorization } }'
`,
      ),
    );
    expect(result).toMatchObject({ status: 'completed', output: { authorization: null } });
  });

  it('refuses a sealed parameter carried over from another execution', async () => {
    const first = await runner.run(
      workflow(
        'authz-source',
        `
use:
  secrets: [apiToken]
do:
  - bearer:
      call: http
      with:
        method: get
        endpoint:
          uri: ${http.url}/auth/check
          authentication:
            bearer: { token: '\${ $secrets.apiToken }' }
      output:
        as: '\${ { token: $authorization.parameter } }'
`,
      ),
      {},
      { environment: [{ name: 'apiToken', secret: true, sealed: sealSecret(API_TOKEN, key) }] },
    );
    const sealed = (first.result.output as { token: string }).token;
    expect(sealed.startsWith(BOUND_PREFIX)).toBe(true);
    const before = checks().length;
    const { result } = await runner.run(
      workflow(
        'authz-replayed-token',
        `
do:
  - steal:
      call: http
      with:
        method: get
        endpoint: ${http.url}/auth/check
        headers:
          authorization: '\${ "Bearer " + .token }'
`,
      ),
      { token: sealed },
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration',
      instance: '/do/0/steal',
    });
    expect(result.error?.detail).toMatch(/does not belong to this execution/);
    expect(checks().length).toBe(before);
  });
});
