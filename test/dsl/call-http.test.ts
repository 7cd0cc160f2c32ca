import { randomBytes } from 'node:crypto';
import { sealSecret } from '../../src/secrets/sealing';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { startFakeHttp, type FakeHttp } from './fake-http';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const key = randomBytes(32);
let runner: TestRunner;
let http: FakeHttp;
beforeAll(async () => {
  http = await startFakeHttp();
  runner = await startTestRunner({ activities: { secretsKey: key, http: { rewriteUrl: (u) => http.rewrite(u) } } });
});
afterAll(async () => {
  await runner?.shutdown();
  await http?.close();
});

describe('call: http', () => {
  it('fills URI templates from the input and returns parsed JSON content', async () => {
    const { result } = await runner.run(
      workflow(
        'content',
        `
do:
  - findPet:
      call: http
      with:
        method: get
        endpoint:
          uri: https://petstore.swagger.io/v2/pet/findByStatus?status={status}
      output:
        as: .[0]
`,
      ),
      { status: 'available' },
    );
    expect(result).toMatchObject({ status: 'completed', output: { id: 1, name: 'Rex' } });
  });

  it('returns the whole response with output: response, and base64 with raw', async () => {
    const response = await runner.run(
      workflow(
        'response',
        `
do:
  - getPet:
      call: http
      with:
        method: get
        endpoint: https://petstore.swagger.io/v2/pet/{petId}
        output: response
`,
      ),
      { petId: 2 },
    );
    expect(response.result.output).toMatchObject({
      request: { method: 'GET', uri: 'https://petstore.swagger.io/v2/pet/2' },
      statusCode: 200,
      content: { id: 2, name: 'Milou' },
    });
    const raw = await runner.run(
      workflow(
        'raw',
        `
do:
  - getPet:
      call: http
      with: { method: get, endpoint: 'https://petstore.swagger.io/v2/pet/1', output: raw }
`,
      ),
    );
    expect(JSON.parse(Buffer.from(raw.result.output as string, 'base64').toString())).toMatchObject({ id: 1 });
  });

  it('sends headers, query and a JSON body', async () => {
    const { result } = await runner.run(
      workflow(
        'post',
        `
do:
  - send:
      call: http
      with:
        method: post
        endpoint: ${http.url}/echo
        headers: { x-trace: '\${ .trace }' }
        query: { page: '2' }
        body: { name: '\${ .name }' }
`,
      ),
      { trace: 't-1', name: 'Ada' },
    );
    expect(result.error).toBeUndefined();
    expect(result.output).toMatchObject({
      method: 'POST',
      url: '/echo?page=2',
      headers: { 'x-trace': 't-1', 'user-agent': 'workflow-runner' },
      body: { name: 'Ada' },
    });
  });

  it('raises communication errors carrying the HTTP status', async () => {
    const { result } = await runner.run(
      workflow(
        'missing',
        `
do:
  - getPet:
      call: http
      with: { method: get, endpoint: 'https://petstore.swagger.io/v2/pet/999' }
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      status: 404,
      instance: '/do/0/getPet',
    });
  });

  it('authenticates with basic credentials from a use.authentications reference', async () => {
    const { result } = await runner.run(
      workflow(
        'basic',
        `
use:
  authentications:
    login:
      basic: { username: '\${ .user }', password: '\${ .pass }' }
do:
  - login:
      call: http
      with:
        method: get
        endpoint:
          uri: https://httpbin.org/basic-auth/{user}/{pass}
          authentication:
            use: login
`,
      ),
      { user: 'u1', pass: 'p1' },
    );
    expect(result).toMatchObject({ status: 'completed', output: { authenticated: true } });
  });

  it('opens sealed secrets only inside the activity and never records them in history', async () => {
    const sealed = sealSecret('s3cret', key);
    const handle = await runner.start(
      workflow(
        'oauth',
        `
use:
  secrets: [clientSecret]
do:
  - fetch:
      call: http
      with:
        method: get
        endpoint:
          uri: ${http.url}/protected
          authentication:
            oauth2:
              authority: ${http.url}
              grant: client_credentials
              client:
                id: client
                secret: \${ $secrets.clientSecret }
`,
      ),
      {},
      { environment: [{ name: 'clientSecret', secret: true, sealed }] },
    );
    const { result } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: { secret: 'data' } });
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain('s3cret');
    expect(history).not.toContain(Buffer.from('s3cret').toString('base64'));
  });

  it('refuses cloud-metadata addresses by default', async () => {
    const { result } = await runner.run(
      workflow(
        'metadata',
        `
do:
  - steal:
      call: http
      with: { method: get, endpoint: 'http://169.254.169.254/latest/meta-data/' }
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.detail).toContain('network policy');
  });

  it('runs a use.functions function with its arguments as input', async () => {
    const { result } = await runner.run(
      workflow(
        'function',
        `
use:
  functions:
    getPet:
      call: http
      with:
        method: get
        endpoint: https://petstore.swagger.io/v2/pet/{petId}
do:
  - lookup:
      call: getPet
      with:
        petId: \${ .id }
`,
      ),
      { id: 2 },
    );
    expect(result.output).toMatchObject({ name: 'Milou' });
  });

  it('calls an OpenAPI operation by operationId', async () => {
    const { result } = await runner.run(
      workflow(
        'openapi',
        `
do:
  - findPet:
      call: openapi
      with:
        document:
          endpoint: https://petstore.swagger.io/v2/swagger.json
        operationId: getPetById
        parameters:
          petId: \${ .petId }
        output: response
`,
      ),
      { petId: 1 },
    );
    expect(result.output).toMatchObject({
      statusCode: 200,
      content: { id: 1 },
      request: { uri: 'https://petstore.swagger.io/v2/pet/1' },
    });
  });
});
