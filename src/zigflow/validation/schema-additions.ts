/**
 * What the runner accepts ahead of the DSL 1.0.3 schema: additions of the Open Workflow Specification's next
 * version (the specification renamed; its unreleased schema is the one beside the conformance kit). Each
 * replaces one definition of the 1.0.3 schema, at a JSON pointer, with the next version's definition when the
 * schema is compiled; the vendored 1.0.3 schema itself stays the specification's own. The interpreter
 * reads the same documents through the DSL model (src/zigflow/dsl/model.ts), so an addition there is a type
 * and, where needed, its executor (docs/architecture.md has the checklist).
 */
import { splitPointer } from '../dsl/pointers';

export interface SchemaAddition {
  /** JSON pointer, in the 1.0.3 schema, of the definition replaced. */
  readonly pointer: string;
  /** The next version's definition, as its schema writes it. */
  readonly definition: object;
}

export const SCHEMA_ADDITIONS: readonly SchemaAddition[] = [
  // `for.in`: a runtime expression, or an inline array of objects to enumerate.
  {
    pointer: '/$defs/forTask/allOf/1/properties/for/properties/in',
    definition: {
      title: 'ForIn',
      description: 'A runtime expression or an inline array used to get the collection to enumerate.',
      oneOf: [
        {
          type: 'string',
          title: 'ForInExpression',
          description: 'A runtime expression used to get the collection to enumerate.',
        },
        {
          type: 'array',
          title: 'ForInInlineArray',
          description: 'An inline array of objects to enumerate.',
          items: { type: 'object', description: 'An item in the inline collection.' },
        },
      ],
    },
  },
];

/** A copy of `schema` with every addition in place (only the objects on the way to each are copied). */
export function withAdditions<S extends object>(schema: S, additions: readonly SchemaAddition[] = SCHEMA_ADDITIONS): S {
  let copy: unknown = schema;
  for (const addition of additions) copy = replaceAt(copy, splitPointer(addition.pointer), addition.definition);
  // The same schema with definitions replaced by definitions.
  return copy as S;
}

function replaceAt(value: unknown, tokens: readonly string[], definition: object): unknown {
  if (tokens.length === 0) return definition;
  if (typeof value !== 'object' || value === null) {
    throw new Error(`schema addition: no definition at /${tokens.join('/')}`);
  }
  const [head, ...rest] = tokens;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[Number(head)] = replaceAt(value[Number(head)], rest, definition);
    return copy;
  }
  const record = value as Record<string, unknown>;
  if (!(head in record)) throw new Error(`schema addition: no definition at ${head}`);
  return { ...record, [head]: replaceAt(record[head], rest, definition) };
}
