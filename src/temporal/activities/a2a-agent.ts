/**
 * Reaching an A2A agent (protocol 0.3, the version whose JSON-RPC method names the DSL lists) through the
 * official SDK (`@a2a-js/sdk`): its card, the transport the SDK picks from the card (JSON-RPC preferred,
 * HTTP+JSON otherwise), and the card's security requirements satisfied from `use.authentications`.
 *
 * How a card's security schemes meet the DSL's authentication policies: a requirement is met when every
 * scheme it names has an authentication of the same name. `http` (bearer or basic), `oauth2` and
 * `openIdConnect` schemes send the policy's `Authorization` header (OAuth2/OIDC tokens are requested by the
 * runner); an `apiKey` scheme sends a `bearer` policy's token in the header, query parameter or cookie the
 * scheme names. Without a named match, the authentication of the card's own endpoint is used for the agent
 * too (the same credential that was good enough to read the card).
 */
import type { AgentCard } from '@a2a-js/sdk';
import type { Transport } from '@a2a-js/sdk/client';
import type { ActivityDeps } from './deps';
import { authorizationHeader, callableUrl } from './endpoint-auth';
import { failure } from './failures';
import type { Authentication } from './http-auth';
import { assertCallable } from './network-guard';

type SecurityScheme = { type?: string; scheme?: string; in?: string; name?: string };

export interface AgentCredentials {
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** Reads and parses the agent card; a card that is not JSON is a configuration error naming the field. */
export async function fetchAgentCard(
  deps: ActivityDeps,
  url: URL,
  authentication: Authentication | undefined,
  instance: string,
): Promise<AgentCard> {
  const target = await callableUrl(deps, url, instance);
  const headers: Record<string, string> = { accept: 'application/json' };
  const authorization = await authorizationHeader(deps, authentication, instance, 'call: a2a');
  if (authorization) headers.authorization = authorization;
  const response = await fetch(target, {
    headers,
    signal: AbortSignal.timeout(deps.http?.requestTimeoutMs ?? 30_000),
  }).catch((e: unknown) => {
    const code = (e as { cause?: { code?: string } })?.cause?.code ?? (e as Error)?.message;
    throw failure('runtime', `call: a2a could not read the agent card at ${url}: unreachable (${code})`, {
      instance,
      status: 503,
    });
  });
  const text = await response.text();
  if (!response.ok) {
    throw failure('runtime', `call: a2a could not read the agent card at ${url}: HTTP ${response.status}`, {
      instance,
      status: response.status,
    });
  }
  let card: unknown;
  try {
    card = JSON.parse(text);
  } catch {
    throw failure(
      'configuration',
      `call: a2a agent card at ${url} (${instance}/with/agentCard) is not JSON (content-type ${response.headers.get('content-type') ?? 'unknown'}, starts with ${JSON.stringify(text.slice(0, 40))})`,
      { instance },
    );
  }
  if (!card || typeof card !== 'object' || typeof (card as AgentCard).url !== 'string') {
    throw failure('configuration', `call: a2a agent card at ${url} (${instance}/with/agentCard) has no agent url`, {
      instance,
    });
  }
  return card as AgentCard;
}

/** Headers (and query parameters) that satisfy the card's security requirements. */
export async function cardCredentials(
  deps: ActivityDeps,
  card: AgentCard,
  named: Record<string, unknown>,
  cardAuthentication: Authentication | undefined,
  instance: string,
): Promise<AgentCredentials> {
  const credentials: AgentCredentials = { headers: {}, query: {} };
  const requirements = (card.security ?? []) as Array<Record<string, string[]>>;
  if (requirements.length === 0) return credentials;
  const schemes = (card.securitySchemes ?? {}) as Record<string, SecurityScheme>;
  const met = requirements.find((r) => Object.keys(r).every((name) => named[name] !== undefined));
  if (met) {
    for (const name of Object.keys(met))
      await applyScheme(deps, schemes[name] ?? {}, named[name] as Authentication, credentials, instance, name);
    return credentials;
  }
  if (cardAuthentication) {
    const authorization = await authorizationHeader(deps, cardAuthentication, instance, 'call: a2a');
    if (authorization) credentials.headers.authorization = authorization;
    return credentials;
  }
  const wanted = requirements.map((r) => Object.keys(r).join(' + ')).join(' or ');
  throw failure(
    'configuration',
    `call: a2a agent '${card.name}' requires the security scheme(s) ${wanted}: declare an authentication of that name in use.authentications`,
    { instance },
  );
}

async function applyScheme(
  deps: ActivityDeps,
  scheme: SecurityScheme,
  policy: Authentication,
  credentials: AgentCredentials,
  instance: string,
  name: string,
): Promise<void> {
  if (scheme.type === 'apiKey') {
    const token = policy?.bearer?.token;
    if (typeof token !== 'string')
      throw failure('configuration', `call: a2a apiKey scheme '${name}' needs a bearer authentication`, { instance });
    const key = scheme.name ?? 'X-API-Key';
    if (scheme.in === 'query') credentials.query[key] = token;
    else if (scheme.in === 'cookie') credentials.headers.cookie = `${key}=${token}`;
    else credentials.headers[key.toLowerCase()] = token;
    return;
  }
  if (scheme.type === 'mutualTLS')
    throw failure('configuration', `call: a2a security scheme '${name}' (mutual TLS) is not supported`, { instance });
  const authorization = await authorizationHeader(deps, policy, instance, 'call: a2a');
  if (authorization) credentials.headers.authorization = authorization;
}

/**
 * A fetch for the SDK's transports: the network policy checked on every URL, the credentials added. The
 * card says where the agent is, and it may point anywhere, so its URLs are checked like any other.
 */
export function credentialedFetch(deps: ActivityDeps, credentials: AgentCredentials, instance: string): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const settings = deps.http ?? {};
    await assertCallable(url, settings, instance);
    for (const [k, v] of Object.entries(credentials.query)) url.searchParams.set(k, v);
    const target = settings.rewriteUrl ? settings.rewriteUrl(url.toString()) : url.toString();
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(credentials.headers)) headers.set(k, v);
    return fetch(target, { ...init, headers });
  };
}

/** The A2A client SDK, loaded on the first `call: a2a` rather than with the worker. */
export function a2aClient(): Promise<typeof import('@a2a-js/sdk/client')> {
  return import('@a2a-js/sdk/client');
}

/** The transport the SDK chooses for the card (JSON-RPC first: the DSL's methods are JSON-RPC methods). */
export async function transportForCard(card: AgentCard, fetchImpl: typeof fetch, instance: string): Promise<Transport> {
  const { ClientFactory, JsonRpcTransportFactory, RestTransportFactory } = await a2aClient();
  const factory = new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })],
    preferredTransports: ['JSONRPC'],
  });
  try {
    return (await factory.createFromAgentCard(card)).transport;
  } catch (e) {
    throw failure('configuration', `call: a2a agent '${card.name}': ${(e as Error).message}`, { instance });
  }
}
