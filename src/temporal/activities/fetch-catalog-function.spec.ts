/**
 * `fetchCatalogFunction` against a catalog served by a local HTTP server in the catalog layout
 * (`functions/{name}/{version}/function.yaml`), with basic authentication, and from the operator's folder.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { CatalogCache } from '../../catalogs/catalog-cache';
import { sealSecret } from '../../secrets/sealing';
import { createFetchCatalogFunction } from './fetch-catalog-function';
import type { DeferredScope } from './types';

const scope: DeferredScope = { input: {}, variables: {}, sealedSecrets: {}, env: {} };
const FILES: Record<string, string> = {
  '/catalog/functions/greet/1.0.0/function.yaml': 'set:\n  greeting: ${ "hello " + .name }\n',
  '/catalog/functions/broken/1.0.0/function.yaml': 'call: http\nwith:\n  method: get\n',
  '/catalog/functions/page/1.0.0/function.yaml': '<html>not yaml: [</html>',
};

describe('fetchCatalogFunction', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ path: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
      if (req.headers.authorization !== `Basic ${Buffer.from('reader:s3cret').toString('base64')}`) {
        res.writeHead(401).end();
        return;
      }
      const body = FILES[req.url ?? ''];
      if (body === undefined) res.writeHead(404).end('no such function');
      else res.writeHead(200, { 'content-type': 'application/yaml' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/catalog`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const key = Buffer.alloc(32, 3);
  const endpoint = () => ({
    uri: base,
    authentication: {
      basic: { username: 'reader', password: { $deferredExpression: '${ $secrets.catalogPassword }' } },
    },
  });
  const secretScope: DeferredScope = { ...scope, sealedSecrets: { catalogPassword: sealSecret('s3cret', key) } };

  it('fetches, checks and caches a definition by URL', async () => {
    const cache = new CatalogCache();
    const fetchFn = createFetchCatalogFunction({ secretsKey: key, catalogs: { cache } });
    const request = {
      position: '/do/0/hello',
      catalog: 'shared',
      name: 'greet',
      version: '1.0.0',
      endpoint: endpoint(),
      scope: secretScope,
    };
    const before = seen.length;
    expect(await fetchFn(request)).toEqual({ set: { greeting: '${ "hello " + .name }' } });
    expect(await fetchFn(request)).toEqual({ set: { greeting: '${ "hello " + .name }' } });
    expect(seen.slice(before).map((s) => s.path)).toEqual(['/catalog/functions/greet/1.0.0/function.yaml']);
    expect(cache.size).toBe(1);
  });

  it.each([
    ['an unknown function', 'missing', /HTTP 404/, 'communication'],
    [
      'a definition that is not a task',
      'broken',
      /broken:1\.0\.0@shared .* is not a valid function definition: \/with: /,
      'configuration',
    ],
    ['a body that is not YAML', 'page', /not a valid function definition/, 'configuration'],
  ])('reports %s at the calling task', async (_what, name, message, kind) => {
    const fetchFn = createFetchCatalogFunction({ secretsKey: key });
    const error = (await fetchFn({
      position: '/do/2/x',
      catalog: 'shared',
      name,
      version: '1.0.0',
      endpoint: endpoint(),
      scope: secretScope,
    }).catch((e: unknown) => e)) as ApplicationFailure;
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error.message).toMatch(message);
    expect(error.details?.[0]).toMatchObject({ instance: '/do/2/x', type: expect.stringContaining(kind) });
    expect(error.message).not.toContain('s3cret');
  });

  it("answers the runner's default catalog from the operator's folder", async () => {
    const fetchFn = createFetchCatalogFunction({
      catalogs: { defaultFunctions: new Map([['greet:2.0.0', { set: { hi: true } }]]) },
    });
    const request = { position: '/do/0/a', catalog: 'default', name: 'greet', version: '2.0.0', scope };
    expect(await fetchFn(request)).toEqual({ set: { hi: true } });
    await expect(fetchFn({ ...request, version: '3.0.0' })).rejects.toThrow(
      "function greet:3.0.0@default is not in the runner's default catalog",
    );
  });
});
