/**
 * Catalogs end to end: `use.catalogs` served by a local HTTP server in the catalog layout
 * (`functions/{name}/{version}/function.yaml`) behind basic authentication from `$secrets`, the operator's
 * default-catalog folder, and the fetch counted at the server (once per run, once per worker thanks to the cache).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogCache } from '../../src/catalogs/catalog-cache';
import { readCatalogFolder } from '../../src/catalogs/catalog-folder';
import { sealSecret } from '../../src/secrets/sealing';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from '../dsl/workflow-text';

jest.setTimeout(120_000);

const FUNCTIONS: Record<string, string> = {
  '/repo/functions/greet/1.0.0/function.yaml': [
    'input:',
    '  schema:',
    '    document: { type: object, required: [name], properties: { name: { type: string } } }',
    'set:',
    '  greeting: ${ "hello " + .name }',
    '',
  ].join('\n'),
  '/repo/functions/double/2.1.0/function.yaml': 'set:\n  value: ${ .n * 2 }\n',
};

describe('catalogs', () => {
  let server: Server;
  let base: string;
  let runner: TestRunner;
  let dir: string;
  const requests: Array<{ path: string; authorization?: string }> = [];
  const key = Buffer.alloc(32, 5);
  const environment = [{ name: 'catalogPassword', secret: true, sealed: sealSecret('pa55', key) }];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
      if (req.headers.authorization !== `Basic ${Buffer.from('reader:pa55').toString('base64')}`) {
        res.writeHead(401).end();
        return;
      }
      const body = FUNCTIONS[req.url ?? ''];
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/yaml' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo`;
    dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    mkdirSync(join(dir, 'functions', 'shout', '1.0.0'), { recursive: true });
    writeFileSync(
      join(dir, 'functions', 'shout', '1.0.0', 'function.yaml'),
      'set:\n  loud: ${ .text | ascii_upcase }\n',
    );
    runner = await startTestRunner({
      activities: {
        secretsKey: key,
        catalogs: { defaultFunctions: readCatalogFolder(dir), cache: new CatalogCache() },
      },
    });
  });
  afterAll(async () => {
    await runner?.shutdown();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const catalogDocument = () =>
    workflow(
      'cataloged',
      `
use:
  catalogs:
    shared:
      endpoint:
        uri: ${base}
        authentication: { basic: { username: reader, password: '\${ $secrets.catalogPassword }' } }
do:
  - hello:
      call: greet:1.0.0@shared
      with: { name: '\${ .who }' }
  - twice:
      for: { each: n, in: '\${ [1, 2, 3] }' }
      do:
        - double:
            call: double:2.1.0@shared
            with: { n: '\${ $n }' }
            export:
              as: '\${ $context + { doubled: (($context.doubled // []) + [.value]) } }'
  - result:
      set:
        doubled: '\${ $context.doubled }'
`,
    );

  it('fetches each function once per run and runs it with the evaluated arguments', async () => {
    const before = requests.length;
    const { result, events } = await runner.run(catalogDocument(), { who: 'ada' }, { environment });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ doubled: [2, 4, 6] });
    expect(events.find((e) => e.taskName === 'hello' && e.eventType === 'task_completed')?.outputSummary).toBe(
      '{"greeting":"hello ada"}',
    );
    expect(requests.slice(before).map((r) => r.path)).toEqual([
      '/repo/functions/greet/1.0.0/function.yaml',
      '/repo/functions/double/2.1.0/function.yaml',
    ]);
  });

  it('serves a second run from the worker cache', async () => {
    const before = requests.length;
    const { result } = await runner.run(catalogDocument(), { who: 'grace' }, { environment });
    expect(result.status).toBe('completed');
    expect(requests.length).toBe(before);
  });

  it("checks a function's input schema like a task's", async () => {
    const { result } = await runner.run(catalogDocument(), { who: 7 }, { environment });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/validation',
      instance: '/do/0/hello/call/greet',
    });
  });

  it('reports a function the catalog does not have at the calling task', async () => {
    const { result } = await runner.run(
      workflow(
        'missing-function',
        `
use:
  catalogs:
    shared:
      endpoint: { uri: ${base}, authentication: { basic: { username: reader, password: '\${ $secrets.catalogPassword }' } } }
do:
  - nope:
      call: nothing:1.0.0@shared
`,
      ),
      {},
      { environment },
    );
    expect(result.error).toMatchObject({ status: 404, instance: '/do/0/nope' });
    expect(result.error?.detail).not.toContain('pa55');
  });

  it("runs the operator's default-catalog functions", async () => {
    const { result } = await runner.run(
      workflow('folder', `do:\n  - yell:\n      call: shout:1.0.0@default\n      with: { text: quiet please }\n`),
    );
    expect(result.output).toEqual({ loud: 'QUIET PLEASE' });
  });
});
