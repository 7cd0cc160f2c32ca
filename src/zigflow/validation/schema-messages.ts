/**
 * One ajv error → one message in the author's terms: "missing required property 'namespace'",
 * "unknown property 'bogus'", "expected a runtime expression `${ ... }`", never "must match exactly one
 * schema in oneOf" when something more specific can be said.
 */
import type { ErrorObject } from 'ajv';
import { listNames } from './problems';
import { joinPointer, splitPointer } from '../dsl/pointers';
import { isObject } from '../dsl/task-walker';

interface Described {
  pointer: string;
  message: string;
  atKey?: boolean;
}

interface SchemaLike {
  title?: string;
  description?: string;
  oneOf?: SchemaLike[];
  anyOf?: SchemaLike[];
  $ref?: string;
}

export function describeSchemaError(e: ErrorObject & { pointer: string }, document: unknown): Described {
  const parent = (e.parentSchema ?? {}) as SchemaLike;
  const value = valueAt(document, e.pointer);
  switch (e.keyword) {
    case 'required':
      return {
        pointer: e.pointer,
        message: `missing required property '${String(e.params.missingProperty)}'${where(parent)}`,
      };
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const name = String(e.params.unevaluatedProperty ?? e.params.additionalProperty);
      return {
        pointer: joinPointer(e.pointer, name),
        message: `unknown property '${name}'${where(parent)}`,
        atKey: true,
      };
    }
    case 'minProperties':
    case 'maxProperties':
      return { pointer: e.pointer, message: propertyCount(e, parent, value, e.pointer) };
    case 'pattern':
      return { pointer: e.pointer, message: patternMessage(parent, value) };
    case 'format':
      return { pointer: e.pointer, message: `expected a valid ${String(e.params.format)}, got ${preview(value)}` };
    case 'oneOf':
    case 'anyOf':
      return {
        pointer: e.pointer,
        message: `${preview(value)} matches none of the allowed forms${where(parent)}${forms(parent)}`,
      };
    case 'not':
      return { pointer: e.pointer, message: `${preview(value)} is not allowed here${where(parent)}` };
    default:
      return { pointer: e.pointer, message: `${e.message ?? 'is invalid'}${where(parent)}` };
  }
}

/** " in <title>" from the schema title (e.g. "in HTTPArguments"), when the schema has one. */
function where(schema: SchemaLike): string {
  return schema.title ? ` in ${schema.title}` : '';
}

function forms(schema: SchemaLike): string {
  const branches = schema.oneOf ?? schema.anyOf ?? [];
  const names = branches.map((b) => b.title ?? b.$ref?.replace('#/$defs/', '')).filter((n): n is string => !!n);
  return names.length > 0 ? ` (expected one of: ${names.join(', ')})` : '';
}

function propertyCount(e: ErrorObject, parent: SchemaLike, value: unknown, pointer: string): string {
  const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
  if (parent.title === 'TaskItem') {
    return keys.length === 0
      ? 'empty task list entry: expected one named task, e.g. `- myTask: { set: ... }`'
      : `a task list entry holds exactly one named task, found ${keys.length} (${listNames(keys)}): start each task with its own '-'`;
  }
  const name = pointer.slice(pointer.lastIndexOf('/') + 1);
  if (e.keyword === 'minProperties' && keys.length === 0) return `'${name}' must not be empty${where(parent)}`;
  return `${e.message ?? 'wrong number of properties'}${where(parent)}`;
}

function patternMessage(parent: SchemaLike, value: unknown): string {
  if (parent.title === 'RuntimeExpression') return `expected a runtime expression \`\${ ... }\`, got ${preview(value)}`;
  if (parent.title === 'WorkflowDSL')
    return `document.dsl must be a semantic version such as '1.0.3', got ${preview(value)}`;
  if (parent.title === 'WorkflowName' || parent.title === 'WorkflowNamespace') {
    return `${parent.title === 'WorkflowName' ? 'name' : 'namespace'} must be letters, digits and '-' (an RFC 1123 label), got ${preview(value)}`;
  }
  return `${preview(value)} does not have the expected form${where(parent)}`;
}

export function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const token of splitPointer(pointer)) {
    if (Array.isArray(value)) value = value[Number(token)];
    else if (isObject(value)) value = value[token];
    else return undefined;
  }
  return value;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
}

/** A bounded preview of a value for messages: type plus a short rendering. */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  const short = text.length > 40 ? text.slice(0, 40) + '…' : text;
  return value !== null && typeof value === 'object' ? typeName(value) : `${typeName(value)} ${short}`;
}
