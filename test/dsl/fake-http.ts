/**
 * A real local HTTP server standing in for the services the DSL tests call (petstore-like pets, basic
 * auth, OAuth2 token endpoint, an echo route, a CloudEvents sink). Records every request it receives.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeHttp {
  url: string;
  requests: RecordedRequest[];
  /** Maps a public URL (https://petstore.swagger.io/v2/...) onto this server, keeping path and query. */
  rewrite: (url: string) => string;
  close(): Promise<void>;
}

const PETS: Record<string, unknown> = {
  '1': { id: 1, name: 'Rex', status: 'available' },
  '2': { id: 2, name: 'Milou', status: 'sold' },
};

type Handler = (req: RecordedRequest, res: ServerResponse) => boolean;

export async function startFakeHttp(extra: Handler[] = []): Promise<FakeHttp> {
  const requests: RecordedRequest[] = [];
  const handlers: Handler[] = [...extra, petstore, basicAuth, oauth, echo, flaky()];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      if (!handlers.some((h) => h(recorded, res))) json(res, 404, { message: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    rewrite: (u) => {
      const parsed = new URL(u);
      if (parsed.hostname === '127.0.0.1') return u;
      return `${url}${parsed.pathname}${parsed.search}`;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return true;
}

function petstore(req: RecordedRequest, res: ServerResponse): boolean {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/v2/pet/findByStatus') {
    const status = url.searchParams.get('status');
    return json(
      res,
      200,
      Object.values(PETS).filter((p) => (p as { status: string }).status === status),
    );
  }
  const m = /^\/v2\/pet\/(\w+)$/.exec(url.pathname);
  if (m && req.method === 'GET')
    return PETS[m[1]] ? json(res, 200, PETS[m[1]]) : json(res, 404, { message: 'Pet not found' });
  if (url.pathname === '/v2/pet' && req.method === 'POST')
    return json(res, 200, { id: 3, ...JSON.parse(req.body || '{}') });
  if (url.pathname === '/v2/swagger.json') return json(res, 200, SWAGGER);
  return false;
}

function basicAuth(req: RecordedRequest, res: ServerResponse): boolean {
  const m = /^\/basic-auth\/([^/]+)\/([^/]+)$/.exec(req.url);
  if (!m) return false;
  const expected = `Basic ${Buffer.from(`${m[1]}:${m[2]}`).toString('base64')}`;
  return req.headers.authorization === expected
    ? json(res, 200, { authenticated: true, user: m[1] })
    : json(res, 401, { authenticated: false });
}

function oauth(req: RecordedRequest, res: ServerResponse): boolean {
  if (req.url === '/oauth2/token' && req.method === 'POST') {
    const ok =
      req.headers.authorization === `Basic ${Buffer.from('client:s3cret').toString('base64')}` &&
      req.body.includes('grant_type=client_credentials');
    return ok
      ? json(res, 200, { access_token: 'tok-123', token_type: 'Bearer' })
      : json(res, 401, { error: 'invalid_client' });
  }
  if (req.url === '/protected') {
    return req.headers.authorization === 'Bearer tok-123'
      ? json(res, 200, { secret: 'data' })
      : json(res, 401, { error: 'no' });
  }
  return false;
}

function echo(req: RecordedRequest, res: ServerResponse): boolean {
  if (!req.url.startsWith('/echo')) return false;
  return json(res, 200, {
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: req.body ? JSON.parse(req.body) : null,
  });
}

/** `/flaky/<key>/<n>` fails with 503 the first n times for each key, then answers 200. */
function flaky(): Handler {
  const seen = new Map<string, number>();
  return (req, res) => {
    const m = /^\/flaky\/(\w+)\/(\d+)$/.exec(req.url);
    if (!m) return false;
    const count = (seen.get(m[1]) ?? 0) + 1;
    seen.set(m[1], count);
    return count <= Number(m[2]) ? json(res, 503, { attempt: count }) : json(res, 200, { attempt: count });
  };
}

const SWAGGER = {
  swagger: '2.0',
  host: 'petstore.swagger.io',
  basePath: '/v2',
  schemes: ['https', 'http'],
  paths: {
    '/pet/findByStatus': {
      get: { operationId: 'findPetsByStatus', parameters: [{ name: 'status', in: 'query', type: 'array' }] },
    },
    '/pet/{petId}': {
      get: { operationId: 'getPetById', parameters: [{ name: 'petId', in: 'path', required: true, type: 'integer' }] },
    },
    '/pet': { post: { operationId: 'addPet', parameters: [{ name: 'body', in: 'body' }] } },
  },
};
