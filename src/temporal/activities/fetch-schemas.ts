/**
 * `fetchSchemas`: the external schemas of a document (`schema.resource`), fetched once per run before its
 * first task. Each distinct URI is a GET through the same machinery as `call: http` (network policy, size
 * limit, timeout, authentication with secrets opened here), parsed as JSON, or as YAML when the body is not
 * JSON. Failures name the pointer of the first schema using the URI: HTTP and network failures are
 * `communication` errors (`timeout` when the request timed out), a body that is not a schema is a
 * `configuration` error.
 */
import { parse as parseYaml } from 'yaml';
import { performHttp, type HttpArgs } from './call-http';
import type { ActivityDeps } from './deps';
import { resolveDeferred } from './deferred';
import { failure } from './failures';
import type { FetchSchemasRequest, SchemaResource } from './types';

const ACCEPT = 'application/schema+json, application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5';

export function createFetchSchemas(deps: ActivityDeps) {
  return async function fetchSchemas(request: FetchSchemasRequest): Promise<Record<string, unknown>> {
    const settled = await Promise.allSettled(request.resources.map((resource) => fetchOne(deps, resource, request)));
    // Reported in document order, whatever finished first.
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const schemas: Record<string, unknown> = {};
    request.resources.forEach((resource, i) => {
      schemas[resource.uri] = (settled[i] as PromiseFulfilledResult<unknown>).value;
    });
    return schemas;
  };
}

async function fetchOne(deps: ActivityDeps, resource: SchemaResource, request: FetchSchemasRequest): Promise<unknown> {
  const endpoint = resolveDeferred(resource.endpoint, request.scope, deps.secretsKey, resource.instance);
  const args: HttpArgs = { method: 'get', endpoint, headers: { accept: ACCEPT }, output: 'raw' };
  const raw = await performHttp(deps, args, request.scope.input, resource.instance);
  return parseSchema(Buffer.from(String(raw), 'base64').toString('utf8'), resource);
}

/** A JSON Schema is an object or a boolean; anything else (an HTML page, a bare string) is refused. */
export function parseSchema(text: string, resource: Pick<SchemaResource, 'uri' | 'instance'>): unknown {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    try {
      schema = parseYaml(text, { maxAliasCount: 100 });
    } catch {
      schema = undefined;
    }
  }
  if (typeof schema === 'boolean' || (schema !== null && typeof schema === 'object' && !Array.isArray(schema)))
    return schema;
  throw failure('configuration', `schema resource ${describe(resource.uri)} is not a JSON or YAML schema document`, {
    instance: resource.instance,
  });
}

/** Origin and path only: a query string may carry credentials. */
function describe(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.origin}${url.pathname}`;
  } catch {
    return `'${uri.split('?')[0].slice(0, 200)}'`;
  }
}
