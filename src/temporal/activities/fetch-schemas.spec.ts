import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sealSecret } from '../../secrets/sealing';
import { createFetchSchemas } from './fetch-schemas';
import type { DeferredScope, FetchSchemasRequest } from './types';

/** A real local server for schema documents: JSON, YAML, a page that is not a schema, a protected one. */
describe('fetchSchemas', () => {
  const key = randomBytes(32);
  let server: Server;
  let base: string;
  const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (req.url === '/order.json')
        return send(200, 'application/schema+json', JSON.stringify({ type: 'object', required: ['id'] }));
      if (req.url === '/order.yaml')
        return send(200, 'application/yaml', 'type: object\nproperties:\n  id: { type: integer }\n');
      if (req.url === '/page') return send(200, 'text/html', '<html>hello</html>');
      if (req.url === '/private.json') {
        const ok = req.headers.authorization === `Basic ${Buffer.from('u:pw-secret').toString('base64')}`;
        return ok ? send(200, 'application/json', 'true') : send(401, 'application/json', '{}');
      }
      send(404, 'text/plain', 'missing');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  const scope = (sealedSecrets: Record<string, string> = {}): DeferredScope => ({
    input: {},
    variables: {},
    sealedSecrets,
    env: {},
  });
  const fetchSchemas = createFetchSchemas({ secretsKey: key });
  const errorOf = async (request: FetchSchemasRequest) => {
    const e = await fetchSchemas(request).then(
      () => undefined,
      (x: { details?: unknown[]; message: string }) => x,
    );
    expect(e).toBeDefined();
    return e!.details?.[0] as { type: string; detail: string; instance: string; status: number };
  };

  it('fetches JSON and YAML schemas, keyed by URI', async () => {
    const schemas = await fetchSchemas({
      resources: [
        { uri: `${base}/order.json`, endpoint: `${base}/order.json`, instance: '/input/schema' },
        { uri: `${base}/order.yaml`, endpoint: { uri: `${base}/order.yaml` }, instance: '/output/schema' },
      ],
      scope: scope(),
    });
    expect(schemas).toEqual({
      [`${base}/order.json`]: { type: 'object', required: ['id'] },
      [`${base}/order.yaml`]: { type: 'object', properties: { id: { type: 'integer' } } },
    });
  });

  it('authenticates with secrets opened inside the activity', async () => {
    const request: FetchSchemasRequest = {
      resources: [
        {
          uri: `${base}/private.json`,
          endpoint: {
            uri: `${base}/private.json`,
            authentication: { basic: { username: 'u', password: { $deferredExpression: '${ $secrets.pw }' } } },
          },
          instance: '/do/0/a/input/schema',
        },
      ],
      scope: scope({ pw: sealSecret('pw-secret', key) }),
    };
    expect(await fetchSchemas(request)).toEqual({ [`${base}/private.json`]: true });
  });

  it('reports HTTP and network failures as communication errors at the first schema using the URI', async () => {
    const missing = await errorOf({
      resources: [
        { uri: `${base}/order.json`, endpoint: `${base}/order.json`, instance: '/input/schema' },
        {
          uri: `${base}/nope.json?token=abc`,
          endpoint: `${base}/nope.json?token=abc`,
          instance: '/do/1/b/output/schema',
        },
      ],
      scope: scope(),
    });
    expect(missing).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      status: 404,
      instance: '/do/1/b/output/schema',
    });
    expect(missing.detail).not.toContain('token=abc');
    const closed = await errorOf({
      resources: [
        { uri: 'http://127.0.0.1:1/s.json', endpoint: 'http://127.0.0.1:1/s.json', instance: '/input/schema' },
      ],
      scope: scope(),
    });
    expect(closed).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      instance: '/input/schema',
    });
  });

  it('refuses a body that is not a schema as a configuration error', async () => {
    const error = await errorOf({
      resources: [{ uri: `${base}/page`, endpoint: `${base}/page`, instance: '/input/schema' }],
      scope: scope(),
    });
    expect(error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration',
      instance: '/input/schema',
    });
    expect(error.detail).toBe(`schema resource ${base}/page is not a JSON or YAML schema document`);
  });

  it('applies the network policy of call: http', async () => {
    const error = await errorOf({
      resources: [
        { uri: 'http://169.254.169.254/s.json', endpoint: 'http://169.254.169.254/s.json', instance: '/input/schema' },
      ],
      scope: scope(),
    });
    expect(error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization',
      instance: '/input/schema',
    });
    expect(seen.some((s) => s.url.includes('169.254'))).toBe(false);
  });
});
