import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expandTemplate } from './call-http';
import { digestAuthorization, resolveAuthorization, type Authentication } from './http-auth';

describe('http helpers', () => {
  it('expands level-1 URI templates from the top-level input fields', () => {
    expect(expandTemplate('https://x/pet/{petId}?s={status}', { petId: 1, status: 'a b' })).toBe(
      'https://x/pet/1?s=a%20b',
    );
    expect(expandTemplate('https://x/{missing}', {})).toBe('https://x/{missing}');
  });

  it('answers an RFC 7616 digest challenge (MD5, qop=auth)', () => {
    const header = digestAuthorization(
      'Digest realm="r", nonce="n", qop="auth", opaque="o"',
      { username: 'u', password: 'p' },
      'GET',
      new URL('http://h/a?b=1'),
    );
    expect(header).toBeDefined();
    const fields = Object.fromEntries([...header!.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1], m[2]]));
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const expected = md5(`${md5('u:r:p')}:n:${fields.nc}:${fields.cnonce}:auth:${md5('GET:/a?b=1')}`);
    expect(fields.response).toBe(expected);
    expect(fields.opaque).toBe('o');
    expect(digestAuthorization('Basic realm="r"', {}, 'GET', new URL('http://h/'))).toBeUndefined();
  });
});

interface TokenRequest {
  url: string;
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}

/**
 * A real local OAuth2 token endpoint: issues `tok-<grant>` for user `ada` / password `pa55word` (password
 * grant) or client `client` / `s3cret` (Basic or client_secret_post); otherwise answers `invalid_grant`
 * with a description echoing the username, as some servers do.
 */
describe('OAuth2 token requests', () => {
  let server: Server;
  let authority: string;
  const requests: TokenRequest[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        requests.push({ url: req.url ?? '', headers: req.headers, form });
        const basic = req.headers.authorization === `Basic ${Buffer.from('client:s3cret').toString('base64')}`;
        const posted = form.get('client_id') === 'client' && form.get('client_secret') === 's3cret';
        const publicClient =
          form.get('client_id') === 'public' && !req.headers.authorization && !form.has('client_secret');
        const clientOk = basic || posted || publicClient;
        const grant = form.get('grant_type');
        const userOk = grant !== 'password' || (form.get('username') === 'ada' && form.get('password') === 'pa55word');
        const ok = clientOk && userOk && (grant === 'password' || grant === 'client_credentials');
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            ok
              ? { access_token: `tok-${grant}`, token_type: 'Bearer' }
              : {
                  error: 'invalid_grant',
                  error_description: `bad credentials for ${form.get('username')} / ${form.get('password')}`,
                },
          ),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    requests.length = 0;
  });

  const resolve = (auth: Authentication) => resolveAuthorization(auth, (url, init) => fetch(url, init), '/do/0/login');
  /** The DSL error an activity failure carries. */
  const errorOf = async (promise: Promise<unknown>) => {
    const e = await promise.then(
      () => undefined,
      (x: unknown) => x as { details?: unknown[]; message: string },
    );
    expect(e).toBeDefined();
    return { message: e!.message, error: e!.details?.[0] as { type: string; detail: string; instance: string } };
  };

  it('gets a token with the password grant, the client authenticated with HTTP Basic', async () => {
    const auth = await resolve({
      oauth2: {
        authority,
        grant: 'password',
        username: 'ada',
        password: 'pa55word',
        client: { id: 'client', secret: 's3cret' },
        scopes: ['read', 'write'],
      },
    });
    expect(auth).toEqual({ scheme: 'Bearer', parameter: 'tok-password' });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('/oauth2/token');
    expect(Object.fromEntries(requests[0].form)).toEqual({
      grant_type: 'password',
      username: 'ada',
      password: 'pa55word',
      scope: 'read write',
    });
  });

  it('sends the client in the form with client_secret_post, and the id alone for a public client', async () => {
    const posted = await resolve({
      oidc: {
        authority: `${authority}/`,
        grant: 'password',
        username: 'ada',
        password: 'pa55word',
        client: { id: 'client', secret: 's3cret', authentication: 'client_secret_post' },
      },
    });
    expect(posted).toEqual({ scheme: 'Bearer', parameter: 'tok-password' });
    expect(requests[0].headers.authorization).toBeUndefined();
    const pub = await resolve({
      oauth2: {
        authority,
        endpoints: { token: '/custom/token' },
        grant: 'password',
        username: 'ada',
        password: 'pa55word',
        client: { id: 'public', authentication: 'none' },
      },
    });
    expect(pub).toEqual({ scheme: 'Bearer', parameter: 'tok-password' });
    expect(requests[1].url).toBe('/custom/token');
    expect(requests[1].form.get('client_id')).toBe('public');
  });

  it('still gets client-credentials tokens', async () => {
    const auth = await resolve({
      oauth2: { authority, grant: 'client_credentials', client: { id: 'client', secret: 's3cret' } },
    });
    expect(auth).toEqual({ scheme: 'Bearer', parameter: 'tok-client_credentials' });
    expect(requests[0].form.has('username')).toBe(false);
  });

  it('refuses a password grant without credentials, naming the missing fields only', async () => {
    const { error } = await errorOf(
      resolve({
        oauth2: { authority, grant: 'password', username: 'ada', client: { id: 'client', secret: 's3cret' } },
      }),
    );
    expect(error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration',
      instance: '/do/0/login',
    });
    expect(error.detail).toBe("OAuth2 grant 'password' needs 'password'");
    expect(requests).toHaveLength(0);
  });

  it('reports a refused token request as an authentication error without the credentials', async () => {
    const { message, error } = await errorOf(
      resolve({
        oauth2: {
          authority,
          grant: 'password',
          username: 'ada',
          password: 'wrong-pa55',
          client: { id: 'client', secret: 's3cret' },
        },
      }),
    );
    expect(error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authentication',
      instance: '/do/0/login',
    });
    expect(error.detail).toContain('HTTP 400 (invalid_grant)');
    for (const text of [message, JSON.stringify(error)]) {
      expect(text).not.toContain('wrong-pa55');
      expect(text).not.toContain('ada');
      expect(text).not.toContain('s3cret');
    }
  });

  it('refuses grants it cannot perform', async () => {
    const { error } = await errorOf(
      resolve({ oauth2: { authority, grant: 'refresh_token', client: { id: 'client', secret: 's3cret' } } }),
    );
    expect(error.detail).toBe(
      "OAuth2 grant 'refresh_token' is not supported (supported: client_credentials, password)",
    );
    expect(requests).toHaveLength(0);
  });
});
