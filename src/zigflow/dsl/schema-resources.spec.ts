import { distinctResources, mayHaveSchemaResources, schemaResourceSites, withFetchedSchemas } from './schema-resources';

const external = (uri: string) => ({ format: 'json', resource: { endpoint: uri } });

const document = {
  document: { dsl: '1.0.0', namespace: 't', name: 'n', version: '0.1.0' },
  input: { schema: external('https://schemas.example/order.json') },
  use: {
    functions: {
      check: {
        set: {},
        output: {
          schema: {
            resource: { endpoint: { uri: 'https://schemas.example/fn.json', authentication: { use: 'auth' } } },
          },
        },
      },
    },
  },
  do: [
    {
      first: {
        set: { a: 1 },
        input: { schema: { format: 'json', document: { type: 'object' } } },
        export: { schema: external('https://schemas.example/order.json') },
      },
    },
    {
      nested: {
        try: [{ inner: { set: {}, output: { schema: external('https://schemas.example/inner.json') } } }],
        catch: { do: [] },
      },
    },
  ],
  output: { schema: external('https://schemas.example/out~put.json') },
};

describe('schema resources', () => {
  it('finds every external schema of the workflow and its tasks, in document order, with pointers', () => {
    const sites = schemaResourceSites(document);
    expect(sites.map((s) => [s.pointer, s.uri])).toEqual([
      ['/input/schema', 'https://schemas.example/order.json'],
      ['/output/schema', 'https://schemas.example/out~put.json'],
      ['/do/0/first/export/schema', 'https://schemas.example/order.json'],
      ['/do/1/nested/try/0/inner/output/schema', 'https://schemas.example/inner.json'],
      ['/use/functions/check/output/schema', 'https://schemas.example/fn.json'],
    ]);
    expect(sites[4].endpoint).toEqual({ uri: 'https://schemas.example/fn.json', authentication: { use: 'auth' } });
    expect(distinctResources(sites).map((s) => s.pointer)).toEqual([
      '/input/schema',
      '/output/schema',
      '/do/1/nested/try/0/inner/output/schema',
      '/use/functions/check/output/schema',
    ]);
  });

  it('finds nothing in documents with inline schemas only', () => {
    expect(schemaResourceSites({ do: [{ a: { set: {}, input: { schema: { document: {} } } } }] })).toEqual([]);
    expect(schemaResourceSites('not a document')).toEqual([]);
  });

  it('pre-checks cheaply: true wherever a schema has a resource, false for inline-only documents', () => {
    expect(mayHaveSchemaResources(document)).toBe(true);
    expect(
      mayHaveSchemaResources({ do: [{ n: { try: [{ i: { set: {}, output: { schema: external('u') } } }] } }] }),
    ).toBe(true);
    expect(mayHaveSchemaResources({ do: [{ a: { set: {}, input: { schema: { document: {} } } } }] })).toBe(false);
    expect(mayHaveSchemaResources('not a document')).toBe(false);
  });

  it('substitutes fetched schemas in a copy, leaving the original untouched', () => {
    const before = JSON.stringify(document);
    const sites = schemaResourceSites(document);
    const copy = withFetchedSchemas(document, sites, {
      'https://schemas.example/order.json': { type: 'object', required: ['id'] },
      'https://schemas.example/out~put.json': true,
      'https://schemas.example/inner.json': { type: 'string' },
      'https://schemas.example/fn.json': { type: 'number' },
    }) as any;
    expect(JSON.stringify(document)).toBe(before);
    expect(copy.input.schema).toEqual({ format: 'json', document: { type: 'object', required: ['id'] } });
    expect(copy.do[0].first.export.schema).toEqual({ format: 'json', document: { type: 'object', required: ['id'] } });
    expect(copy.do[0].first.input).toBe((document.do[0] as any).first.input);
    expect(copy.output.schema).toEqual({ format: 'json', document: true });
    expect(copy.do[1].nested.try[0].inner.output.schema).toEqual({ format: 'json', document: { type: 'string' } });
    expect(copy.use.functions.check.output.schema).toEqual({ document: { type: 'number' } });
    expect(copy.document).toBe(document.document);
    expect(schemaResourceSites(copy)).toEqual([]);
  });
});
