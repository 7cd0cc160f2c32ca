/**
 * Schemas given as external resources (`schema: { format, resource: { endpoint } }`). Workflow code must not
 * do I/O, so a run fetches every distinct resource once in an activity before its first task, then works on
 * a copy of the document where each such schema carries the fetched schema as its inline `document`: the
 * data-flow steps only ever see inline schemas. This file finds the sites and builds that copy; it is
 * sandbox-safe (no I/O, document order only).
 */
import { isObject, walkTasks } from './task-walker';
import { joinPointer, splitPointer } from './pointers';

/** One schema given by reference. */
export interface SchemaResourceSite {
  /** JSON pointer of the `schema` object (`/input/schema`, `/do/0/check/output/schema`, ...). */
  pointer: string;
  /** The endpoint's URI as written: the key the fetched schemas come back under. */
  uri: string;
  /** `resource.endpoint` as written: a URI string or `{ uri, authentication }`. */
  endpoint: unknown;
}

/** The data-flow definitions that may hold a schema, on the workflow and on every task. */
const WORKFLOW_SLOTS = ['input', 'output'] as const;
const TASK_SLOTS = ['input', 'output', 'export'] as const;

/**
 * Cheap pre-check run by every run: whether any `schema` object anywhere in the document has a `resource`.
 * No pointers are built, so a document without external schemas (the common case) costs one plain walk.
 */
export function mayHaveSchemaResources(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (mayHaveSchemaResources(item)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    if (typeof child !== 'object' || child === null) continue;
    if (key === 'schema' && !Array.isArray(child) && (child as Record<string, unknown>).resource !== undefined)
      return true;
    if (mayHaveSchemaResources(child)) return true;
  }
  return false;
}

/** Every schema of the document given as a resource, in document order (the workflow's first). */
export function schemaResourceSites(document: unknown): SchemaResourceSite[] {
  if (!isObject(document)) return [];
  const sites: SchemaResourceSite[] = [];
  collect(document, '', WORKFLOW_SLOTS, sites);
  for (const task of walkTasks(document)) {
    if (isObject(task.task)) collect(task.task, task.pointer, TASK_SLOTS, sites);
  }
  return sites;
}

function collect(
  owner: Record<string, unknown>,
  pointer: string,
  slots: readonly string[],
  sites: SchemaResourceSite[],
): void {
  for (const slot of slots) {
    const definition = owner[slot];
    const schema = isObject(definition) ? definition.schema : undefined;
    if (!isObject(schema) || schema.document !== undefined || !isObject(schema.resource)) continue;
    const endpoint = schema.resource.endpoint;
    const uri = typeof endpoint === 'string' ? endpoint : isObject(endpoint) ? endpoint.uri : undefined;
    if (typeof uri === 'string') sites.push({ pointer: joinPointer(pointer, slot, 'schema'), uri, endpoint });
  }
}

/** The first site of each distinct URI, in document order: what the fetch activity is asked for. */
export function distinctResources(sites: readonly SchemaResourceSite[]): SchemaResourceSite[] {
  const seen = new Set<string>();
  const first: SchemaResourceSite[] = [];
  for (const site of sites) {
    if (seen.has(site.uri)) continue;
    seen.add(site.uri);
    first.push(site);
  }
  return first;
}

/**
 * A copy of `document` where the schema at each site is `{ format, document: fetched[uri] }`. Only the
 * objects on the path to a site are copied; the rest is shared with the original, which stays untouched
 * (it is also `$workflow.definition`).
 */
export function withFetchedSchemas<D extends object>(
  document: D,
  sites: readonly SchemaResourceSite[],
  fetched: Record<string, unknown>,
): D {
  let copy: unknown = document;
  for (const site of sites) {
    if (!Object.prototype.hasOwnProperty.call(fetched, site.uri)) continue;
    copy = replaceAt(copy, splitPointer(site.pointer), (schema) => {
      const format = isObject(schema) ? schema.format : undefined;
      return format === undefined ? { document: fetched[site.uri] } : { format, document: fetched[site.uri] };
    });
  }
  // The same document with schema definitions replaced by schema definitions: its shape is unchanged.
  return copy as D;
}

function replaceAt(value: unknown, tokens: readonly string[], replace: (old: unknown) => unknown): unknown {
  if (tokens.length === 0) return replace(value);
  const [head, ...rest] = tokens;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[Number(head)] = replaceAt(value[Number(head)], rest, replace);
    return copy;
  }
  const record = isObject(value) ? value : {};
  return { ...record, [head]: replaceAt(record[head], rest, replace) };
}
