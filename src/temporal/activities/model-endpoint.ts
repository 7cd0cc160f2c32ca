/**
 * The model endpoint of one call: the runner's configured one (OPENAI_BASE_URL, OPENAI_API_KEY), or the
 * call's own `with.endpoint`, a base URL or `{ uri, authentication }` (inline, or a `use.authentications`
 * name resolved by workflow code). Secrets in it are opened here, inside the activity; a per-call endpoint
 * passes the same network policy as `call: http`. The resolved header goes into the request only.
 */
import type { ModelEndpoint } from '../../ai/model-client';
import type { ActivityDeps } from './deps';
import { resolveDeferred } from './deferred';
import { failure } from './failures';
import { headerOf, resolveAuthorization, type Authentication } from './http-auth';
import { assertCallable } from './network-guard';
import type { DeferredScope } from './types';

const TOKEN_REQUEST_TIMEOUT_MS = 30_000;

export async function resolveModelEndpoint(
  deps: ActivityDeps,
  endpoint: unknown,
  scope: DeferredScope,
  instance: string,
): Promise<ModelEndpoint> {
  if (endpoint === undefined || endpoint === null) return {};
  const resolved = resolveDeferred(endpoint, scope, deps.secretsKey, instance);
  const { uri, authentication } = endpointParts(resolved, instance);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw failure('configuration', `model endpoint '${uri.split('?')[0].slice(0, 200)}' is not a URL`, { instance });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw failure('configuration', `model endpoint must be http(s), got ${url.protocol}`, { instance });
  }
  await assertCallable(url, deps.http ?? {}, instance);
  const out: ModelEndpoint = { baseUrl: url.toString().replace(/\/$/, '') };
  if (authentication) {
    if (authentication.digest) {
      throw failure('configuration', 'digest authentication is not supported for model endpoints', { instance });
    }
    const send = (target: string, init: RequestInit) =>
      fetch(target, { ...init, signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS), redirect: 'manual' });
    const authorization = await resolveAuthorization(authentication, send, instance);
    if (authorization) out.authorization = headerOf(authorization);
  }
  return out;
}

function endpointParts(value: unknown, instance: string): { uri: string; authentication?: Authentication } {
  if (typeof value === 'string') return { uri: value };
  if (value && typeof value === 'object') {
    const e = value as { uri?: unknown; authentication?: Authentication };
    if (typeof e.uri === 'string') return { uri: e.uri, authentication: e.authentication };
  }
  throw failure('configuration', "'endpoint' must be a URL or { uri, authentication }", { instance });
}
