/**
 * The additions the runner accepts ahead of DSL 1.0.3 are the next specification version's own definitions:
 * each equals the definition at the same place of the Open Workflow Specification's schema, read from
 * OWS_CONFORMANCE_DIR (default <repo>/../shared/conformance/open-workflow-specification; not copied into
 * the project), and replaces a definition the 1.0.3 schema has.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { splitPointer } from '../dsl/pointers';
import { SCHEMA_ADDITIONS, withAdditions } from './schema-additions';
import workflowSchema from './schema/workflow-1.0.3.schema.json';

const KIT =
  process.env.OWS_CONFORMANCE_DIR ??
  path.resolve(__dirname, '../../../../shared/conformance/open-workflow-specification');

function at(document: unknown, pointer: string): unknown {
  let value = document;
  for (const token of splitPointer(pointer)) value = (value as Record<string, unknown> | undefined)?.[token];
  return value;
}

describe('schema additions', () => {
  const next: unknown = parse(fs.readFileSync(path.join(KIT, 'schema', 'workflow.yaml'), 'utf8'));

  it.each(SCHEMA_ADDITIONS.map((a) => [a.pointer, a] as const))('%s is the next version definition', (pointer, a) => {
    expect(at(workflowSchema, pointer)).toBeDefined();
    expect(at(workflowSchema, pointer)).not.toEqual(a.definition);
    expect(a.definition).toEqual(at(next, pointer));
    expect(at(withAdditions(workflowSchema), pointer)).toEqual(a.definition);
  });

  it('leaves the vendored schema untouched and refuses a pointer the schema does not have', () => {
    const before = JSON.stringify(workflowSchema);
    withAdditions(workflowSchema);
    expect(JSON.stringify(workflowSchema)).toBe(before);
    expect(() => withAdditions(workflowSchema, [{ pointer: '/$defs/noSuchTask/x', definition: {} }])).toThrow(
      /no definition at noSuchTask/,
    );
  });
});
