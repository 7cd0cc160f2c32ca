/**
 * `fetchCatalogFunction`: resolves `name:version@catalog` to its task definition. The runner's `default`
 * catalog answers from the operator's folder (read at start-up); any other catalog, or a document's own
 * `default`, is fetched over HTTP(S) from `functions/{name}/{version}/function.yaml` under its endpoint,
 * through the `call: http` machinery (network policy, authentication with `$secrets` opened here, timeout),
 * bounded to 256 KiB, parsed as YAML and checked as a task definition. Definitions are cached per worker by
 * the URL they came from: a published version does not change.
 */
import { CatalogUriError, functionDefinitionUrl } from '../../catalogs/catalog-uri';
import { parseFunctionDefinition } from '../../catalogs/function-definition';
import { DEFAULT_CATALOG } from '../../zigflow/dsl/default-catalog';
import { performHttp, type HttpArgs } from './call-http';
import type { ActivityDeps } from './deps';
import { resolveDeferred } from './deferred';
import { failure } from './failures';
import type { FetchCatalogFunctionRequest } from './types';

const MAX_DEFINITION_BYTES = 256 * 1024;
const ACCEPT = 'application/yaml, text/yaml, application/json;q=0.9, text/plain;q=0.8, */*;q=0.5';

export function createFetchCatalogFunction(deps: ActivityDeps) {
  return async function fetchCatalogFunction(request: FetchCatalogFunctionRequest): Promise<Record<string, unknown>> {
    const { position: instance, catalog, name, version } = request;
    const ref = `${name}:${version}@${catalog}`;
    if (request.endpoint === undefined) {
      const local =
        catalog === DEFAULT_CATALOG ? deps.catalogs?.defaultFunctions?.get(`${name}:${version}`) : undefined;
      if (local) return local;
      throw failure('configuration', `function ${ref} is not in the runner's default catalog`, { instance });
    }
    const endpoint = resolveDeferred(request.endpoint, request.scope, deps.secretsKey, instance);
    const { uri, authentication } = endpointParts(endpoint, ref, instance);
    let url: string;
    try {
      url = functionDefinitionUrl(uri, name, version);
    } catch (e) {
      if (e instanceof CatalogUriError) throw failure('configuration', `${ref}: ${e.message}`, { instance });
      throw e;
    }
    const cached = deps.catalogs?.cache?.get(url);
    if (cached) return cached;
    const args: HttpArgs = {
      method: 'get',
      endpoint: { uri: url, authentication },
      headers: { accept: ACCEPT },
      output: 'raw',
    };
    const limited: ActivityDeps = { ...deps, http: { ...deps.http, maxResponseBytes: MAX_DEFINITION_BYTES } };
    const raw = await performHttp(limited, args, {}, instance);
    const checked = parseFunctionDefinition(Buffer.from(String(raw), 'base64').toString('utf8'));
    if (!checked.ok) {
      throw failure(
        'configuration',
        `${ref} (${describe(url)}) is not a valid function definition: ${checked.problems.slice(0, 5).join('; ')}`,
        { instance },
      );
    }
    deps.catalogs?.cache?.set(url, checked.definition);
    return checked.definition;
  };
}

function endpointParts(endpoint: unknown, ref: string, instance: string): { uri: string; authentication?: unknown } {
  if (typeof endpoint === 'string') return { uri: endpoint };
  if (endpoint && typeof endpoint === 'object' && typeof (endpoint as { uri?: unknown }).uri === 'string') {
    const e = endpoint as { uri: string; authentication?: unknown };
    return { uri: e.uri, authentication: e.authentication };
  }
  throw failure('configuration', `${ref}: the catalog's endpoint must be a URI or { uri, authentication }`, {
    instance,
  });
}

/** Origin and path only: a query string may carry credentials. */
function describe(uri: string): string {
  const url = new URL(uri);
  return `${url.origin}${url.pathname}`;
}
