/**
 * `call: openapi`: loads the OpenAPI (3.x) or Swagger (2.0) document, finds `operationId`, maps
 * `parameters` onto path, query, header and body, then performs the HTTP call like `call: http`.
 */
import { parse as parseYaml } from 'yaml';
import { authorizedResult, type CallObservation } from './authorization';
import type { ActivityDeps } from './deps';
import { resolveDeferred } from './deferred';
import { performHttp, type HttpArgs } from './call-http';
import { failure } from './failures';
import { assertCallable } from './network-guard';
import type { OpenApiCallRequest } from './types';

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string }[];
  hasBody: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function createCallOpenApi(deps: ActivityDeps) {
  return async function callOpenApi(request: OpenApiCallRequest): Promise<unknown> {
    const args = resolveDeferred(request.args, request.scope, deps.secretsKey, request.position) as Record<string, any>;
    const instance = request.position;
    const docEndpoint = args.document?.endpoint;
    const docUri = typeof docEndpoint === 'string' ? docEndpoint : docEndpoint?.uri;
    if (typeof docUri !== 'string')
      throw failure('configuration', 'call: openapi needs document.endpoint', { instance });
    const spec = await loadDocument(deps, docUri, instance);
    const op = findOperation(spec, String(args.operationId ?? ''), instance);
    const params = { ...((args.parameters ?? {}) as Record<string, unknown>) };
    let path = op.path;
    const query: Record<string, unknown> = {};
    const headers: Record<string, unknown> = {};
    for (const p of op.parameters) {
      if (!(p.name in params)) continue;
      const value = params[p.name];
      if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(String(value)));
      else if (p.in === 'query') query[p.name] = value;
      else if (p.in === 'header') headers[p.name] = value;
      else continue;
      delete params[p.name];
    }
    const bodyParam = op.parameters.find((p) => p.in === 'body');
    const body = bodyParam ? params[bodyParam.name] : op.hasBody ? (params.body ?? params) : undefined;
    const http: HttpArgs = {
      method: op.method,
      endpoint: { uri: `${baseUrl(spec, docUri)}${path}`, authentication: args.authentication },
      query,
      headers,
      body,
      output: args.output,
      redirect: args.redirect,
    };
    const observed: CallObservation = {};
    const output = await performHttp(deps, http, {}, instance, observed);
    return request.describeAuthorization ? authorizedResult(deps, output, observed) : output;
  };
}

async function loadDocument(deps: ActivityDeps, uri: string, instance: string): Promise<Record<string, any>> {
  const target = new URL(deps.http?.rewriteUrl ? deps.http.rewriteUrl(uri) : uri);
  await assertCallable(target, deps.http ?? {}, instance);
  const response = await fetch(target, { signal: AbortSignal.timeout(deps.http?.requestTimeoutMs ?? 30_000) }).catch(
    (e: unknown) => {
      throw failure('communication', `OpenAPI document unreachable: ${(e as Error)?.message ?? e}`, {
        instance,
        status: 503,
      });
    },
  );
  const text = await response.text();
  if (!response.ok)
    throw failure('communication', `OpenAPI document: HTTP ${response.status}`, { instance, status: response.status });
  try {
    return (text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text)) as Record<string, any>;
  } catch {
    throw failure('configuration', 'OpenAPI document is neither JSON nor YAML', { instance });
  }
}

function findOperation(spec: Record<string, any>, operationId: string, instance: string): Operation {
  for (const [path, item] of Object.entries((spec.paths ?? {}) as Record<string, any>)) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (op?.operationId !== operationId) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter(
        (p: any) => p && typeof p.name === 'string',
      );
      return { method, path, parameters, hasBody: op.requestBody !== undefined };
    }
  }
  throw failure('configuration', `operation '${operationId}' not found in the OpenAPI document`, { instance });
}

function baseUrl(spec: Record<string, any>, docUri: string): string {
  const doc = new URL(docUri);
  if (typeof spec.swagger === 'string') {
    const scheme = (spec.schemes as string[] | undefined)?.includes(doc.protocol.replace(':', ''))
      ? doc.protocol.replace(':', '')
      : (spec.schemes?.[0] ?? doc.protocol.replace(':', ''));
    return `${scheme}://${spec.host ?? doc.host}${(spec.basePath ?? '').replace(/\/$/, '')}`;
  }
  const server = spec.servers?.[0]?.url as string | undefined;
  if (!server) return doc.origin;
  return new URL(server, doc).toString().replace(/\/$/, '');
}
