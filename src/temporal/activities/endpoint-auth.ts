/**
 * Endpoints of calls whose protocol client makes the HTTP requests itself (MCP, A2A): the DSL `endpoint`
 * (a URI or `{ uri, authentication }`) checked against the network policy, and its authentication turned into
 * the `Authorization` header the client sends with every request. Schemes that need a challenge round trip
 * (digest) cannot be answered through such a client and are refused.
 */
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import { headerOf, resolveAuthorization, type Authentication } from './http-auth';
import { assertCallable } from './network-guard';

const DEFAULT_TIMEOUT_MS = 30_000;

export interface EndpointTarget {
  url: URL;
  authentication?: Authentication;
}

/** `endpoint` as a URL plus its authentication; `what` names the field in errors (`transport.http.endpoint`). */
export function endpointTarget(endpoint: unknown, instance: string, what: string): EndpointTarget {
  const e = endpoint as { uri?: unknown; authentication?: Authentication } | undefined;
  const uri = typeof endpoint === 'string' ? endpoint : e && typeof e === 'object' ? e.uri : undefined;
  if (typeof uri !== 'string') throw failure('configuration', `${what} needs a URI`, { instance });
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw failure('configuration', `${what} '${uri.slice(0, 200)}' is not a valid URI`, { instance });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw failure('configuration', `${what} must be an http(s) URI, got '${url.protocol}'`, { instance });
  const authentication = typeof endpoint === 'object' ? e?.authentication : undefined;
  return { url, authentication };
}

/** The URL as the client will call it (tests rewrite public hosts), after the network policy allowed both. */
export async function callableUrl(deps: ActivityDeps, url: URL, instance: string): Promise<URL> {
  const settings = deps.http ?? {};
  const target = new URL(settings.rewriteUrl ? settings.rewriteUrl(url.toString()) : url.toString());
  await assertCallable(url, settings, instance);
  if (target.host !== url.host) await assertCallable(target, settings, instance);
  return target;
}

/** The `Authorization` header value of an authentication policy (OAuth2/OIDC tokens are requested here). */
export async function authorizationHeader(
  deps: ActivityDeps,
  authentication: Authentication | undefined,
  instance: string,
  call: string,
): Promise<string | undefined> {
  if (!authentication) return undefined;
  if (authentication.digest)
    throw failure('configuration', `digest authentication is not supported by ${call}`, { instance });
  const send = (target: string, init: RequestInit) =>
    fetch(target, { ...init, signal: AbortSignal.timeout(deps.http?.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS) });
  const resolved = await resolveAuthorization(authentication, send, instance).catch((e: unknown) => {
    if ((e as { name?: string })?.name === 'ApplicationFailure') throw e;
    throw failure('communication', `token request failed: ${(e as Error)?.message ?? e}`, { instance, status: 503 });
  });
  return resolved ? headerOf(resolved) : undefined;
}
