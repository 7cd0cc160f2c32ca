/**
 * HTTP authentication of `call: http` (DSL 1.0 "Authentication"): basic, bearer, digest (RFC 7616, MD5 and
 * SHA-256, qop=auth) and OAuth2/OIDC tokens (client credentials and password grants). Credentials were
 * evaluated (secrets opened) before they reach this file and never appear in errors or logs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { failure } from './failures';

export type Authentication = Record<string, any>;

/** The DSL's authorization descriptor (`$authorization`): `Authorization: <scheme> <parameter>`. */
export interface ResolvedAuthorization {
  scheme: string;
  parameter: string;
}

/**
 * The authorization of schemes that need no round trip with the called server; digest is answered after
 * the server's challenge (see {@link digestAuthorization}), so it resolves to undefined here.
 */
export async function resolveAuthorization(
  auth: Authentication | undefined,
  send: (url: string, init: RequestInit) => Promise<Response>,
  instance: string,
): Promise<ResolvedAuthorization | undefined> {
  if (!auth) return undefined;
  if (auth.basic) {
    const { username = '', password = '' } = auth.basic as { username?: string; password?: string };
    return { scheme: 'Basic', parameter: Buffer.from(`${username}:${password}`).toString('base64') };
  }
  if (auth.bearer) return { scheme: 'Bearer', parameter: String(auth.bearer.token ?? '') };
  if (auth.oauth2 || auth.oidc)
    return { scheme: 'Bearer', parameter: await oauth2Token(auth.oauth2 ?? auth.oidc, send, instance) };
  if (auth.digest) return undefined;
  throw failure('configuration', `unsupported authentication scheme '${Object.keys(auth)[0]}'`, { instance });
}

/** `Authorization` header value of a resolved authorization. */
export function headerOf(authorization: ResolvedAuthorization): string {
  return `${authorization.scheme} ${authorization.parameter}`;
}

/**
 * Grants this runner requests tokens with. `refresh_token` needs a refresh token, which the spec's
 * `oauth2AuthenticationProperties` has no field for; `authorization_code` needs a user agent.
 */
const SUPPORTED_GRANTS = ['client_credentials', 'password'];

/** An OAuth2 token endpoint request (RFC 6749 §4.3 password, §4.4 client credentials); returns the access token. */
async function oauth2Token(
  config: Record<string, any>,
  send: (url: string, init: RequestInit) => Promise<Response>,
  instance: string,
): Promise<string> {
  const grant = String(config.grant ?? 'client_credentials');
  if (!SUPPORTED_GRANTS.includes(grant)) {
    throw failure(
      'configuration',
      `OAuth2 grant '${grant}' is not supported (supported: ${SUPPORTED_GRANTS.join(', ')})`,
      { instance },
    );
  }
  const form = new URLSearchParams({ grant_type: grant });
  if (grant === 'password') {
    // Field names only: the values are credentials.
    const missing = ['username', 'password'].filter(
      (field) => typeof config[field] !== 'string' || config[field] === '',
    );
    if (missing.length > 0) {
      throw failure('configuration', `OAuth2 grant 'password' needs ${missing.map((f) => `'${f}'`).join(' and ')}`, {
        instance,
      });
    }
    form.set('username', config.username);
    form.set('password', config.password);
  }
  if (config.scopes?.length) form.set('scope', (config.scopes as string[]).join(' '));
  if (config.audiences?.length) form.set('audience', (config.audiences as string[]).join(' '));
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  authenticateClient(config.client, form, headers);
  const url = tokenUrl(config);
  const response = await send(url, { method: 'POST', headers, body: form.toString() });
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    // The RFC 6749 error code is safe to show; `error_description` may echo what was sent, so it is not.
    const code = typeof body.error === 'string' && /^[a-z_]{1,64}$/.test(body.error) ? ` (${body.error})` : '';
    throw failure(
      'authentication',
      `token request to ${new URL(url).host} failed with HTTP ${response.status}${code}`,
      {
        instance,
        status: 401,
      },
    );
  }
  return body.access_token;
}

function tokenUrl(config: Record<string, any>): string {
  const authority = String(config.authority ?? '').replace(/\/$/, '');
  const tokenPath = String(config.endpoints?.token ?? '/oauth2/token');
  return /^https?:/.test(tokenPath) ? tokenPath : `${authority}${tokenPath.startsWith('/') ? '' : '/'}${tokenPath}`;
}

/**
 * Client authentication (RFC 6749 §2.3): `client_secret_post` puts id and secret in the form, `none` (a
 * public client) sends the id only, anything else HTTP Basic. No client at all sends nothing.
 */
function authenticateClient(
  client: Record<string, any> | undefined,
  form: URLSearchParams,
  headers: Record<string, string>,
): void {
  if (client?.id === undefined && client?.secret === undefined) return;
  const id = String(client.id ?? '');
  const secret = String(client.secret ?? '');
  if (client.authentication === 'none') {
    form.set('client_id', id);
  } else if (client.authentication === 'client_secret_post') {
    form.set('client_id', id);
    form.set('client_secret', secret);
  } else {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  }
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
  for (const m of challenge.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
    params[m[1].toLowerCase()] = m[2] ?? m[3];
  const algorithm = (params.algorithm ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const h = (s: string) => createHash(hashName).update(s).digest('hex');
  const uri = `${url.pathname}${url.search}`;
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = h(`${credentials.username ?? ''}:${params.realm ?? ''}:${credentials.password ?? ''}`);
  const ha2 = h(`${method.toUpperCase()}:${uri}`);
  const qop = params.qop
    ?.split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
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
