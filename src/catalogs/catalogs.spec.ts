import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wf } from '../zigflow/bad-documents.fixture';
import { loadWorkflow } from '../zigflow/loader';
import { CatalogCache } from './catalog-cache';
import { CatalogFolderError, readCatalogFolder } from './catalog-folder';
import { functionDefinitionUrl } from './catalog-uri';
import { checkFunctionDefinition } from './function-definition';

describe('functionDefinitionUrl', () => {
  it.each([
    [
      'the spec example (GitHub tree URI)',
      'https://github.com/serverlessworkflow/catalog/tree/main',
      'https://raw.githubusercontent.com/serverlessworkflow/catalog/main/functions/log/1.0.0/function.yaml',
    ],
    [
      'a GitHub repository (default branch)',
      'https://github.com/serverlessworkflow/catalog',
      'https://raw.githubusercontent.com/serverlessworkflow/catalog/HEAD/functions/log/1.0.0/function.yaml',
    ],
    [
      'a GitHub folder at a tag',
      'https://github.com/acme/workflows/tree/v2.1/catalogs/shared/',
      'https://raw.githubusercontent.com/acme/workflows/v2.1/catalogs/shared/functions/log/1.0.0/function.yaml',
    ],
    [
      'a gitlab.com project',
      'https://gitlab.com/acme/catalog',
      'https://gitlab.com/acme/catalog/-/raw/HEAD/functions/log/1.0.0/function.yaml',
    ],
    [
      'a self-hosted GitLab tree in a subgroup',
      'https://git.acme.test/platform/ai/catalog/-/tree/release/sub',
      'https://git.acme.test/platform/ai/catalog/-/raw/release/sub/functions/log/1.0.0/function.yaml',
    ],
    [
      'a plain HTTP server (query kept)',
      'http://127.0.0.1:8080/catalog?token=x',
      'http://127.0.0.1:8080/catalog/functions/log/1.0.0/function.yaml?token=x',
    ],
  ])('%s', (_what, endpoint, expected) => {
    expect(functionDefinitionUrl(endpoint, 'log', '1.0.0')).toBe(expected);
  });

  it('refuses names that would leave the catalog layout', () => {
    expect(() => functionDefinitionUrl('https://c.test', '../etc', '1.0.0')).toThrow(/function name/);
    expect(() => functionDefinitionUrl('https://c.test', 'log', '1.0/../x')).toThrow(/function version/);
    expect(() => functionDefinitionUrl('file:///etc', 'log', '1.0.0')).toThrow(/http/);
  });
});

describe('validation of catalog calls', () => {
  const call = (ref: string, extra = '') => wf(`do:\n  - a:\n      call: ${ref}\n${extra}`);

  it('accepts the built-in functions with their arguments', () => {
    const doc = wf(
      [
        'do:',
        '  - ask:',
        '      call: chat:1.0.0@default',
        '      with: { prompt: hi, system: be brief, maxTokens: 50, responseFormat: { type: object } }',
        '  - store:',
        '      call: vector-upsert:1.0.0@default',
        '      with: { collection: docs, items: "${ .items }" }',
        '  - find:',
        '      call: vector-query:1.0.0@default',
        '      with: { collection: docs, text: "${ .q }", topK: 3 }',
        '',
      ].join('\n'),
    );
    expect(loadWorkflow(doc)).toMatchObject({ ok: true });
  });

  it("accepts the operator's functions only when the runner has them", () => {
    const doc = call('log:1.0.0@default', '      with: { message: hi }\n');
    expect(loadWorkflow(doc)).toMatchObject({ ok: false });
    expect(loadWorkflow(doc, { defaultCatalog: new Set(['log:1.0.0']) })).toMatchObject({ ok: true });
  });

  it('allows $secrets in the authentication of a catalog endpoint (opened by the fetching activity)', () => {
    const doc = wf(
      "use:\n  catalogs:\n    shared:\n      endpoint:\n        uri: https://c.test\n        authentication: { bearer: { token: '${ $secrets.t }' } }\ndo:\n  - a:\n      call: f:1.0.0@shared\n",
    );
    expect(loadWorkflow(doc)).toMatchObject({ ok: true });
    const elsewhere = wf(
      "use:\n  catalogs:\n    shared:\n      endpoint: '${ $secrets.url }'\ndo:\n  - a:\n      call: f:1.0.0@shared\n",
    );
    expect(loadWorkflow(elsewhere)).toMatchObject({ ok: false });
  });

  it("leaves a document's own 'default' catalog to that catalog", () => {
    const doc = wf(
      'use:\n  catalogs:\n    default:\n      endpoint: https://github.com/acme/catalog\ndo:\n  - a:\n      call: anything:9.9.9@default\n',
    );
    expect(loadWorkflow(doc)).toMatchObject({ ok: true });
  });
});

describe('readCatalogFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const put = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };

  it('reads functions/{name}/{version}/function.yaml', () => {
    put('functions/greet/1.0.0/function.yaml', 'set:\n  greeting: ${ "hello " + .name }\n');
    put('functions/greet/1.1.0/function.yaml', 'set:\n  greeting: ${ "hi " + .name }\n');
    put('functions/greet/1.1.0/README.md', 'docs');
    const functions = readCatalogFolder(dir);
    expect([...functions.keys()]).toEqual(['greet:1.0.0', 'greet:1.1.0']);
    expect(functions.get('greet:1.1.0')).toEqual({ set: { greeting: '${ "hi " + .name }' } });
  });

  it('stops with every problem, naming each file', () => {
    put('functions/bad/1.0.0/function.yaml', 'set: 1\n');
    put('functions/chat/1.0.0/function.yaml', 'set: {a: 1}\n');
    mkdirSync(join(dir, 'functions/empty/1.0.0'), { recursive: true });
    let error: CatalogFolderError | undefined;
    try {
      readCatalogFolder(dir);
    } catch (e) {
      error = e as CatalogFolderError;
    }
    expect(error).toBeInstanceOf(CatalogFolderError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^bad\/1\.0\.0\/function\.yaml \/set: /),
      'chat/1.0.0/function.yaml: chat:1.0.0 is a built-in function of the default catalog',
      'empty/1.0.0/function.yaml: missing',
    ]);
  });
});

describe('checkFunctionDefinition', () => {
  it('checks a definition as a task and reports pointers inside it', () => {
    expect(checkFunctionDefinition({ wait: 'PT1S' })).toEqual({ ok: true, definition: { wait: 'PT1S' } });
    const bad = checkFunctionDefinition({ call: 'http', with: { method: 'get' } });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringMatching(/^\/with: .*endpoint/)]);
    expect(checkFunctionDefinition(['a'])).toEqual({ ok: false, problems: [expect.stringContaining('mapping')] });
  });
});

describe('CatalogCache', () => {
  it('keeps the most recently used entries within its capacity', () => {
    const cache = new CatalogCache(2);
    cache.set('a', { set: { a: 1 } });
    cache.set('b', { set: { b: 1 } });
    expect(cache.get('a')).toBeDefined();
    cache.set('c', { set: { c: 1 } });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toBe(2);
  });
});
