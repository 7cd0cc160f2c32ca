/**
 * The loader validates the document and each task separately (schema-validator.ts). This differential
 * test holds that split to the same schema compiled whole (the specification's, with the additions the
 * runner accepts): both accept exactly the same documents, over the conformance kit, the bad-document
 * table and thousands of random documents.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { parse } from 'yaml';
import { BAD_DOCUMENTS, wf } from '../bad-documents.fixture';
import { schemaProblems } from './schema-problems';
import { runnerSchema, schemaValidator } from './schema-validator';
import { walkTasks } from '../dsl/task-walker';

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats(ajv);
// The specification's schema with the additions the runner accepts (schema-additions.ts), compiled whole.
const wholeSchema = ajv.compile(runnerSchema());

function splitAccepts(document: unknown): boolean {
  return schemaProblems(document, schemaValidator(), walkTasks(document)).length === 0;
}

function tryParse(text: string): unknown {
  try {
    return parse(text, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

describe('split schema validation', () => {
  it('agrees with the whole schema on the bad-document table and its valid neighbours', () => {
    const documents = BAD_DOCUMENTS.filter((d) => d.yaml.length < 100_000 && d.kind !== 'limits').map((d) =>
      tryParse(d.yaml),
    );
    documents.push(
      tryParse(wf('do:\n  - a: {set: {x: 1}}\n  - b: {call: http, with: {method: get, endpoint: "http://x"}}\n')),
    );
    let compared = 0;
    for (const document of documents) {
      if (document === null || typeof document !== 'object' || Array.isArray(document)) continue;
      compared++;
      expect({ document, split: splitAccepts(document) }).toEqual({ document, split: wholeSchema(document) });
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('agrees with the whole schema on random task documents', () => {
    const kinds = [
      'call',
      'do',
      'emit',
      'for',
      'fork',
      'listen',
      'raise',
      'run',
      'set',
      'switch',
      'try',
      'wait',
      'then',
      'if',
      'catch',
      'with',
      'output',
      'export',
      'timeout',
      'metadata',
    ];
    const leaf = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom('http', 'grpc', 'openapi', 'PT1S', '${ . }', 'end', 'get', 'http://x'),
    );
    const body = fc.dictionary(
      fc.constantFrom(
        'method',
        'endpoint',
        'each',
        'in',
        'error',
        'event',
        'to',
        'branches',
        'shell',
        'command',
        'seconds',
        'type',
        'status',
      ),
      leaf,
      { maxKeys: 3 },
    );
    const field = fc.oneof(leaf, body, fc.constant([{ inner: { set: { x: 1 } } }]));
    const task = fc.dictionary(fc.constantFrom(...kinds), field, { maxKeys: 3 });
    const list = fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'c'), task, { minKeys: 1, maxKeys: 1 }), {
      maxLength: 4,
    });
    const header = { dsl: '1.0.3', namespace: 'fuzz', name: 'fuzz', version: '1.0.0' };
    fc.assert(
      fc.property(list, (tasks) => {
        const document = JSON.parse(JSON.stringify({ document: header, do: tasks })) as unknown;
        expect(splitAccepts(document)).toBe(wholeSchema(document));
      }),
      { numRuns: 3000 },
    );
    // The generator must reach both verdicts, or the agreement above says little.
    const verdicts = fc
      .sample(list, 300)
      .map((tasks) => wholeSchema(JSON.parse(JSON.stringify({ document: header, do: tasks }))));
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  }, 180_000);
});
