/**
 * `call: http`: builds the request (endpoint string, URI template filled from the task input, or
 * `{ uri, authentication }`; headers; query; body), applies authentication, enforces the network policy and
 * returns `content` (default), `response` or `raw`. Non-2xx answers (3xx too unless `redirect: true`)
 * raise `communication` errors carrying the HTTP status.
 */
import { authorizedResult, type CallObservation } from './authorization';
import type { ActivityDeps } from './deps';
import { resolveDeferred } from './deferred';
import { failure } from './failures';
import { digestAuthorization, headerOf, resolveAuthorization, type Authentication } from './http-auth';
import { assertCallable } from './network-guard';
import type { HttpCallRequest } from './types';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export interface HttpArgs {
  method?: string;
  endpoint?: unknown;
  headers?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  output?: 'content' | 'response' | 'raw';
  redirect?: boolean;
  authentication?: Authentication;
}

export function createCallHttp(deps: ActivityDeps) {
  return async function callHttp(request: HttpCallRequest): Promise<unknown> {
    const args = resolveDeferred(request.args, request.scope, deps.secretsKey, request.position) as HttpArgs;
    const observed: CallObservation = {};
    const output = await performHttp(deps, args, request.scope.input, request.position, observed);
    return request.describeAuthorization ? authorizedResult(deps, output, observed) : output;
  };
}

/** A `call: http` request as it will be sent, before authentication. */
export interface HttpRequestPlan {
  method: string;
  /** The URL the workflow asked for (template filled, query appended). */
  url: URL;
  /** Lower-cased names; `authorization` is added once authentication is resolved. */
  headers: Record<string, string>;
  body?: string;
  auth?: Authentication;
}

/** What came back, as {@link httpOutput} reads it. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** Makes the request; `observed.authorization` receives the authorization actually sent, if any. */
export async function performHttp(
  deps: ActivityDeps,
  args: HttpArgs,
  input: unknown,
  instance: string,
  observed: CallObservation = {},
): Promise<unknown> {
  const settings = deps.http ?? {};
  const plan = planHttpRequest(args, input, instance);
  const { method, url, headers, body, auth } = plan;
  const finalUrl = new URL(settings.rewriteUrl ? settings.rewriteUrl(url.toString()) : url.toString());
  // Both the URL the workflow asked for and the one actually called must pass the network policy.
  await assertCallable(url, settings, instance);
  if (finalUrl.host !== url.host) await assertCallable(finalUrl, settings, instance);
  const send = (target: string, init: RequestInit) => {
    const signal = AbortSignal.timeout(settings.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
    return fetch(target, { ...init, signal, redirect: args.redirect === true ? 'follow' : 'manual' });
  };
  observed.authorization = await resolveAuthorization(auth, send, instance).catch(rethrowNetwork(instance));
  if (observed.authorization) headers.authorization = headerOf(observed.authorization);
  let response = await send(finalUrl.toString(), { method, headers, body }).catch(rethrowNetwork(instance));
  if (response.status === 401 && auth?.digest) {
    const answer = digestAuthorization(response.headers.get('www-authenticate') ?? '', auth.digest, method, finalUrl);
    if (answer) {
      observed.authorization = { scheme: 'Digest', parameter: answer.slice('Digest '.length) };
      response = await send(finalUrl.toString(), {
        method,
        headers: { ...headers, authorization: answer },
        body,
      }).catch(rethrowNetwork(instance));
    }
  }
  const bytes = await readBody(response, settings.maxResponseBytes ?? DEFAULT_MAX_BYTES, instance);
  return httpOutput(args, plan, { status: response.status, headers: response.headers, bytes }, instance);
}

/** Method, URL, headers and body of a `call: http` from its evaluated arguments and the task input. */
export function planHttpRequest(args: HttpArgs, input: unknown, instance: string): HttpRequestPlan {
  const method = String(args.method ?? 'get').toUpperCase();
  const { uri, auth } = endpointOf(args, input, instance);
  const url = buildUrl(uri, args.query, instance);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(args.headers ?? {}))
    headers[k.toLowerCase()] = typeof v === 'string' ? v : JSON.stringify(v);
  let body: string | undefined;
  if (args.body !== undefined && args.body !== null && method !== 'GET' && method !== 'HEAD') {
    body = typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
    if (typeof args.body !== 'string') headers['content-type'] ??= 'application/json';
  }
  headers.accept ??= 'application/json, text/plain;q=0.9, */*;q=0.8';
  return { method, url, headers, body, auth };
}

/**
 * The task output for an answer, by `output` mode; a status outside 2xx (3xx too unless `redirect: true`)
 * is a `communication` error carrying it.
 */
export function httpOutput(args: HttpArgs, plan: HttpRequestPlan, answer: HttpAnswer, instance: string): unknown {
  const { method, url, headers } = plan;
  const okRange = args.redirect === true ? 400 : 300;
  if (answer.status < 200 || answer.status >= okRange) {
    const preview = answer.bytes.toString('utf8').slice(0, 200);
    throw failure('communication', `HTTP ${answer.status} from ${method} ${url.origin}${url.pathname}: ${preview}`, {
      instance,
      status: answer.status,
      title: `HTTP ${answer.status}`,
    });
  }
  const content = decode(answer.bytes, answer.headers.get('content-type'));
  if (args.output === 'raw') return answer.bytes.toString('base64');
  if (args.output === 'response') {
    const redacted = { ...headers };
    if (redacted.authorization) redacted.authorization = '<redacted>';
    return {
      request: { method, uri: url.toString(), headers: redacted },
      statusCode: answer.status,
      headers: Object.fromEntries(answer.headers.entries()),
      content,
    };
  }
  return content;
}

function endpointOf(args: HttpArgs, input: unknown, instance: string): { uri: string; auth?: Authentication } {
  const endpoint = args.endpoint;
  if (typeof endpoint === 'string') return { uri: expandTemplate(endpoint, input), auth: args.authentication };
  if (endpoint && typeof endpoint === 'object') {
    const e = endpoint as { uri?: unknown; authentication?: Authentication };
    if (typeof e.uri === 'string')
      return { uri: expandTemplate(e.uri, input), auth: e.authentication ?? args.authentication };
  }
  throw failure('configuration', 'call: http needs an endpoint', { instance });
}

/** RFC 6570 level-1 expansion (`{name}`) from the top-level fields of the task input. */
export function expandTemplate(template: string, input: unknown): string {
  const data = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (whole, name: string) => {
    const value = data[name];
    if (value === undefined || value === null) return whole;
    return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
  });
}

function buildUrl(uri: string, query: Record<string, unknown> | undefined, instance: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw failure('configuration', `invalid endpoint URI '${uri.slice(0, 200)}'`, { instance });
  }
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null) url.searchParams.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return url;
}

async function readBody(response: Response, max: number, instance: string): Promise<Buffer> {
  const buffer = Buffer.from(await response.arrayBuffer());
  if (buffer.length > max)
    throw failure('communication', `response larger than ${max} bytes`, { instance, status: 502 });
  return buffer;
}

function decode(bytes: Buffer, contentType: string | null): unknown {
  const type = (contentType ?? '').toLowerCase();
  const text = bytes.toString('utf8');
  if (type.includes('json') || (!type && /^\s*[[{]/.test(text))) {
    try {
      return text.length === 0 ? null : JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (!type || type.startsWith('text/') || type.includes('xml') || type.includes('form')) return text;
  return bytes.toString('base64');
}

function rethrowNetwork(instance: string) {
  return (e: unknown): never => {
    if (e && typeof e === 'object' && (e as { name?: string }).name === 'ApplicationFailure') throw e;
    const cause = (e as { cause?: { code?: string } })?.cause?.code;
    const timedOut = (e as { name?: string })?.name === 'TimeoutError';
    throw failure(timedOut ? 'timeout' : 'communication', `request failed: ${cause ?? (e as Error)?.message ?? e}`, {
      instance,
      status: timedOut ? 408 : 503,
    });
  };
}
