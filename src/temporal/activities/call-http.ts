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
import { type HttpRequest, type HttpResponse, ResponseTooLarge, type SendOptions, sendHttp } from './http-transport';
import { assertCallable } from './network-guard';
import type { HttpCallRequest } from './types';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const USER_AGENT = 'workflow-runner';

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
  /** Lower-case names; a repeated header's values joined with `, `. */
  headers: Record<string, string>;
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
  const options: SendOptions = {
    timeoutMs: settings.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: settings.maxResponseBytes ?? DEFAULT_MAX_BYTES,
    followRedirects: args.redirect === true,
    // Every hop of a followed redirect passes the network policy, as the first request did.
    checkRedirect: (target) => assertCallable(target, settings, instance),
  };
  const send = (target: URL, init: Omit<HttpRequest, 'url'>) =>
    sendHttp({ url: target, ...init }, options).catch(rethrowNetwork(instance));
  observed.authorization = await resolveAuthorization(auth, authSend(send), instance);
  if (observed.authorization) headers.authorization = headerOf(observed.authorization);
  let response = await send(finalUrl, { method, headers, body });
  if (response.status === 401 && auth?.digest) {
    const answer = digestAuthorization(response.headers['www-authenticate'] ?? '', auth.digest, method, finalUrl);
    if (answer) {
      observed.authorization = { scheme: 'Digest', parameter: answer.slice('Digest '.length) };
      response = await send(finalUrl, { method, headers: { ...headers, authorization: answer }, body });
    }
  }
  return httpOutput(args, plan, { status: response.status, headers: response.headers, bytes: response.body }, instance);
}

/**
 * A token request of an authentication exchange (rare: OAuth2 grants) through the same transport, answered
 * as the fetch Response that `resolveAuthorization` reads.
 */
function authSend(send: (target: URL, init: Omit<HttpRequest, 'url'>) => Promise<HttpResponse>) {
  return async (target: string, init: RequestInit): Promise<Response> => {
    const answer = await send(new URL(target), {
      method: String(init.method ?? 'GET').toUpperCase(),
      headers: (init.headers ?? {}) as Record<string, string>,
      body: typeof init.body === 'string' ? init.body : undefined,
    });
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
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
  // Some APIs refuse requests without a User-Agent (fetch sent `node`; undici's request sends none).
  headers['user-agent'] ??= USER_AGENT;
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
  const content = decode(answer.bytes, answer.headers['content-type']);
  if (args.output === 'raw') return answer.bytes.toString('base64');
  if (args.output === 'response') {
    const redacted = { ...headers };
    if (redacted.authorization) redacted.authorization = '<redacted>';
    return {
      request: { method, uri: url.toString(), headers: redacted },
      statusCode: answer.status,
      headers: answer.headers,
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

function decode(bytes: Buffer, contentType: string | undefined): unknown {
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
    if (e instanceof ResponseTooLarge) throw failure('communication', e.message, { instance, status: 502 });
    const error = e as { name?: string; code?: string; message?: string; cause?: { code?: string } } | undefined;
    const code = error?.code ?? error?.cause?.code;
    const timedOut = error?.name === 'TimeoutError';
    throw failure(timedOut ? 'timeout' : 'communication', `request failed: ${code ?? error?.message ?? e}`, {
      instance,
      status: timedOut ? 408 : 503,
    });
  };
}
