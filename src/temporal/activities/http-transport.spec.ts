import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_REDIRECTS, ResponseTooLarge, sendHttp, TooManyRedirects } from './http-transport';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server; `route` answers each request after its body was read. */
async function serve(
  route: (req: Seen, res: ServerResponse) => void,
): Promise<{ base: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      route(entry, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function started(route: (req: Seen, res: ServerResponse) => void) {
  const s = await serve(route);
  servers.push(s.server);
  return s;
}

const options = { timeoutMs: 5_000, maxBytes: 1_000 };

describe('sendHttp', () => {
  it('returns status, lower-case headers (repeated ones joined) and the body', async () => {
    const { base, seen } = await started((_req, res) => {
      res.setHeader('X-Many', ['a', 'b']);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    const response = await sendHttp(
      { url: new URL(`${base}/p?q=1`), method: 'POST', headers: { 'x-in': '1' }, body: 'hello' },
      options,
    );
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-many']).toBe('a, b');
    expect(response.body.toString()).toBe('{"ok":true}');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/p?q=1', body: 'hello' });
    expect(seen[0].headers['x-in']).toBe('1');
  });

  it('returns a 3xx as it is unless told to follow', async () => {
    const { base, seen } = await started((_req, res) => {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    const response = await sendHttp({ url: new URL(`${base}/a`), method: 'GET', headers: {} }, options);
    expect(response.status).toBe(302);
    expect(seen).toHaveLength(1);
  });

  it('follows redirects hop by hop, turning a 303 into a GET without a body, and checks every hop', async () => {
    const { base, seen } = await started((req, res) => {
      if (req.url === '/start') res.writeHead(303, { location: '/middle' }).end();
      else if (req.url === '/middle') res.writeHead(307, { location: '/end' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ${req.url}`);
    });
    const checked: string[] = [];
    const response = await sendHttp(
      {
        url: new URL(`${base}/start`),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      },
      { ...options, followRedirects: true, checkRedirect: async (url) => void checked.push(url.pathname) },
    );
    expect(response.body.toString()).toBe('GET /end');
    expect(response.url.pathname).toBe('/end');
    expect(checked).toEqual(['/middle', '/end']);
    expect(seen.map((s) => `${s.method} ${s.url} ${s.body}`)).toEqual([
      'POST /start {"a":1}',
      'GET /middle ',
      'GET /end ',
    ]);
    expect(seen[1].headers['content-type']).toBeUndefined();
  });

  it('does not request a hop the check refuses', async () => {
    const { base, seen } = await started((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/forbidden' }).end();
      else res.end('reached');
    });
    const refusal = new Error('refused by policy');
    await expect(
      sendHttp(
        { url: new URL(`${base}/start`), method: 'GET', headers: {} },
        {
          ...options,
          followRedirects: true,
          checkRedirect: async () => {
            throw refusal;
          },
        },
      ),
    ).rejects.toBe(refusal);
    expect(seen.map((s) => s.url)).toEqual(['/start']);
  });

  it('drops credentials when a redirect leaves the origin, keeps them within it', async () => {
    const other = await started((req, res) => res.end(String(req.headers.authorization ?? 'none')));
    const { base } = await started((req, res) => {
      if (req.url === '/same') res.writeHead(307, { location: '/echo' }).end();
      else if (req.url === '/echo') res.end(String(req.headers.authorization ?? 'none'));
      else res.writeHead(307, { location: `${other.base}/x` }).end();
    });
    const follow = { ...options, followRedirects: true };
    const headers = { authorization: 'Bearer t' };
    const same = await sendHttp({ url: new URL(`${base}/same`), method: 'GET', headers }, follow);
    const cross = await sendHttp({ url: new URL(`${base}/cross`), method: 'GET', headers }, follow);
    expect(same.body.toString()).toBe('Bearer t');
    expect(cross.body.toString()).toBe('none');
  });

  it(`gives up after ${MAX_REDIRECTS} redirects`, async () => {
    const { base, seen } = await started((req, res) => res.writeHead(302, { location: `${req.url}x` }).end());
    await expect(
      sendHttp({ url: new URL(`${base}/r`), method: 'GET', headers: {} }, { ...options, followRedirects: true }),
    ).rejects.toBeInstanceOf(TooManyRedirects);
    expect(seen).toHaveLength(MAX_REDIRECTS + 1);
  });

  it('refuses a body larger than the limit', async () => {
    const { base } = await started((_req, res) => res.end('x'.repeat(5_000)));
    await expect(
      sendHttp({ url: new URL(`${base}/big`), method: 'GET', headers: {} }, { ...options, maxBytes: 4_999 }),
    ).rejects.toBeInstanceOf(ResponseTooLarge);
    const exact = await sendHttp(
      { url: new URL(`${base}/big`), method: 'GET', headers: {} },
      { ...options, maxBytes: 5_000 },
    );
    expect(exact.body.length).toBe(5_000);
  });

  it('rejects with a TimeoutError when the server does not answer in time', async () => {
    const { base } = await started(() => undefined);
    await expect(
      sendHttp({ url: new URL(`${base}/slow`), method: 'GET', headers: {} }, { ...options, timeoutMs: 200 }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects with the network error code when nothing listens', async () => {
    const { base, server } = await started(() => undefined);
    servers.splice(servers.indexOf(server), 1);
    await new Promise((r) => server.close(r));
    await expect(sendHttp({ url: new URL(`${base}/x`), method: 'GET', headers: {} }, options)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
