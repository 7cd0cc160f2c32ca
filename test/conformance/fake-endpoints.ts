/**
 * Local stand-ins for the public HTTP services the conformance kit calls (the Swagger Petstore and
 * httpbin). There is no internet here: each faked host gets its own real Node HTTP server on 127.0.0.1,
 * and {@link FakeEndpoints.rewriteUrl} (plugged into the runner's HTTP activity) sends
 * `https://<host>/...` to that server. The rewrite is the only thing standing in for the network; the
 * runner's request building, authentication, response decoding and error mapping all run for real.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PETSTORE_SWAGGER } from './petstore-swagger';

export interface RecordedRequest {
  host: string;
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (request: RecordedRequest, url: URL) => FakeResponse;

interface Pet {
  id: number;
  name: string;
  status: 'available' | 'pending' | 'sold';
  category: { id: number; name: string };
  photoUrls: string[];
  tags: { id: number; name: string }[];
}

function pet(id: number, name: string, status: Pet['status'], category: string): Pet {
  return {
    id,
    name,
    status,
    category: { id: id % 3, name: category },
    photoUrls: [`https://images.example/${name.toLowerCase()}.png`],
    tags: [],
  };
}

const SEED_PETS: readonly Pet[] = [
  pet(1, 'Milou', 'available', 'Dogs'),
  pet(2, 'Garfield', 'available', 'Cats'),
  pet(3, 'Nemo', 'pending', 'Fish'),
  pet(4, 'Rantanplan', 'sold', 'Dogs'),
];

const notFound = (message: string): FakeResponse => ({ status: 404, body: { code: 1, type: 'error', message } });

/** The Petstore v2 routes the kit uses, plus the neighbouring CRUD routes a workflow would call. */
function petstore(): Handler {
  const pets = new Map<number, Pet>(SEED_PETS.map((p) => [p.id, structuredClone(p)]));
  return ({ method, body }, url) => {
    const path = url.pathname.replace(/\/+$/, '');
    if (method === 'GET' && path === '/v2/swagger.json') return { status: 200, body: PETSTORE_SWAGGER };
    if (method === 'GET' && path === '/v2/pet/findByStatus') {
      const wanted = url.searchParams.getAll('status').flatMap((s) => s.split(','));
      return { status: 200, body: [...pets.values()].filter((p) => wanted.includes(p.status)) };
    }
    if ((method === 'POST' || method === 'PUT') && path === '/v2/pet') {
      let sent: Partial<Pet>;
      try {
        sent = JSON.parse(body) as Partial<Pet>;
      } catch {
        return { status: 400, body: { code: 400, type: 'error', message: 'bad input' } };
      }
      const id = typeof sent.id === 'number' ? sent.id : Math.max(0, ...pets.keys()) + 1;
      if (method === 'PUT' && !pets.has(id)) return notFound('Pet not found');
      const stored = { ...pet(id, 'unnamed', 'available', 'Misc'), ...sent, id };
      pets.set(id, stored);
      return { status: 200, body: stored };
    }
    const byId = /^\/v2\/pet\/(\d+)$/.exec(path);
    if (byId && (method === 'GET' || method === 'DELETE')) {
      const found = pets.get(Number(byId[1]));
      if (!found) return notFound('Pet not found');
      if (method === 'DELETE') pets.delete(found.id);
      return {
        status: 200,
        body: method === 'GET' ? found : { code: 200, type: 'unknown', message: String(found.id) },
      };
    }
    // Like the real Petstore: any other path (e.g. /v2/pet/getPetByName/Milou) is a 404.
    return notFound(`no route for ${method} ${url.pathname}`);
  };
}

/** httpbin's `/basic-auth/{user}/{passwd}`: 200 only when the Basic credentials match the path. */
function httpbin(): Handler {
  return ({ method, headers }, url) => {
    const basic = /^\/basic-auth\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && basic) {
      const [user, password] = [decodeURIComponent(basic[1]), decodeURIComponent(basic[2])];
      const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      if (headers.authorization !== expected) {
        return { status: 401, headers: { 'www-authenticate': 'Basic realm="Fake Realm"' } };
      }
      return { status: 200, body: { authenticated: true, user } };
    }
    if (method === 'GET' && url.pathname === '/get')
      return { status: 200, body: { args: Object.fromEntries(url.searchParams), headers, url: url.href } };
    return { status: 404, body: { message: `no route for ${method} ${url.pathname}` } };
  };
}

const FAKED_HOSTS: Record<string, () => Handler> = {
  'petstore.swagger.io': petstore,
  'httpbin.org': httpbin,
};

export class FakeEndpoints {
  /** Every request the fakes received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** URLs the runner tried to reach on hosts that have no fake (they stay unreachable). */
  readonly unfakedUrls: string[] = [];

  private constructor(private readonly servers: Map<string, { server: Server; origin: string }>) {}

  /** Starts one server per faked host on an ephemeral port. */
  static async start(): Promise<FakeEndpoints> {
    const servers = new Map<string, { server: Server; origin: string }>();
    const fakes = new FakeEndpoints(servers);
    for (const [host, makeHandler] of Object.entries(FAKED_HOSTS)) {
      const handler = makeHandler();
      const server = createServer((req, res) => fakes.serve(host, handler, req, res));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      servers.set(host, { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }
    return fakes;
  }

  /** The hook given to the runner's HTTP activity: faked hosts go to their local server. */
  readonly rewriteUrl = (url: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return url;
    }
    const fake = this.servers.get(parsed.hostname);
    if (!fake) {
      this.unfakedUrls.push(url);
      return url;
    }
    return `${fake.origin}${parsed.pathname}${parsed.search}`;
  };

  /** The local origin serving `host`, e.g. for direct requests in tests of the fakes. */
  originOf(host: string): string {
    const fake = this.servers.get(host);
    if (!fake) throw new Error(`no fake for ${host}`);
    return fake.origin;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.servers.values()].map(({ server }) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  private serve(host: string, handler: Handler, req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        host,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(request);
      const reply = handler(request, new URL(request.url, `https://${host}`));
      const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...(body ? { 'content-type': 'application/json' } : {}), ...reply.headers });
      res.end(body);
    });
  }
}
