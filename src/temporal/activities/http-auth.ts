/**
 * HTTP authentication of `call: http` (DSL 1.0 "Authentication"): basic, bearer, digest (RFC 7616, MD5 and
 * SHA-256, qop=auth) and OAuth2/OIDC client credentials. Credentials were evaluated (secrets opened) before
 * they reach this file and never appear in errors or logs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { failure } from './failures';

export type Authentication = Record<string, any>;

/** Header for schemes that need no round trip; digest is answered after the server's challenge. */
export async function authorizationHeader(
  auth: Authentication | undefined,
  send: (url: string, init: RequestInit) => Promise<Response>,
  instance: string,
): Promise<string | undefined> {
  if (!auth) return undefined;
  if (auth.basic) {
    const { username = '', password = '' } = auth.basic as { username?: string; password?: string };
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  if (auth.bearer) return `Bearer ${String(auth.bearer.token ?? '')}`;
  if (auth.oauth2 || auth.oidc) return `Bearer ${await clientCredentialsToken(auth.oauth2 ?? auth.oidc, send, instance)}`;
  if (auth.digest) return undefined;
  throw failure('configuration', `unsupported authentication scheme '${Object.keys(auth)[0]}'`, { instance });
}

async function clientCredentialsToken(
  config: Record<string, any>,
  send: (url: string, init: RequestInit) => Promise<Response>,
  instance: string,
): Promise<string> {
  const grant = config.grant ?? 'client_credentials';
  if (grant !== 'client_credentials') {
    throw failure('configuration', `OAuth2 grant '${grant}' is not supported (client_credentials only)`, { instance });
  }
  const authority = String(config.authority ?? '').replace(/\/$/, '');
  const tokenPath = String(config.endpoints?.token ?? '/oauth2/token');
  const url = /^https?:/.test(tokenPath) ? tokenPath : `${authority}${tokenPath.startsWith('/') ? '' : '/'}${tokenPath}`;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (config.scopes?.length) form.set('scope', (config.scopes as string[]).join(' '));
  if (config.audiences?.length) form.set('audience', (config.audiences as string[]).join(' '));
  const id = String(config.client?.id ?? '');
  const secret = String(config.client?.secret ?? '');
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (config.client?.authentication === 'client_secret_post') {
    form.set('client_id', id);
    form.set('client_secret', secret);
  } else {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  }
  const response = await send(url, { method: 'POST', headers, body: form.toString() });
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw failure('authentication', `token request to ${new URL(url).host} failed with HTTP ${response.status}`, {
      instance,
      status: 401,
    });
  }
  return body.access_token;
}

/** Answers a `WWW-Authenticate: Digest` challenge for one request. */
export function digestAuthorization(
  challenge: string,
  credentials: { username?: string; password?: string },
  method: string,
  url: URL,
): string | undefined {
  if (!/^digest /i.test(challenge)) return undefined;
  const params: Record<string, string> = {};
  for (const m of challenge.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params[m[1].toLowerCase()] = m[2] ?? m[3];
  const algorithm = (params.algorithm ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const h = (s: string) => createHash(hashName).update(s).digest('hex');
  const uri = `${url.pathname}${url.search}`;
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = h(`${credentials.username ?? ''}:${params.realm ?? ''}:${credentials.password ?? ''}`);
  const ha2 = h(`${method.toUpperCase()}:${uri}`);
  const qop = params.qop?.split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
  const response = qop ? h(`${ha1}:${params.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${params.nonce}:${ha2}`);
  const parts = [
    `username="${credentials.username ?? ''}"`,
    `realm="${params.realm ?? ''}"`,
    `nonce="${params.nonce ?? ''}"`,
    `uri="${uri}"`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
  ];
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  if (params.opaque) parts.push(`opaque="${params.opaque}"`);
  return `Digest ${parts.join(', ')}`;
}
