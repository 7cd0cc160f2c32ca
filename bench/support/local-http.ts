/**
 * The local HTTP server the reference workflows call. Responses are a pure function of the request path,
 * so the DSL and hand-written variants produce comparable outputs. Paths under `/flaky/` fail one call in
 * ten with a 503 (every tenth request received there), which workflow 3 retries; a retry lands on a later
 * request number and so succeeds, matching "fails one call in ten, once". `restartFailures` starts that
 * count again, so that one execution running alone afterwards meets the same failures in every variant.
 * `/big/N` answers N bytes.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHttpServer {
  readonly baseUrl: string;
  readonly port: number;
  /** Requests served, and 503s returned, since start. */
  stats(): { requests: number; injectedFailures: number };
  /** The next `/flaky/` requests count from one again (the tenth fails). */
  restartFailures(): void;
  close(): Promise<void>;
}

export async function startLocalHttpServer(): Promise<LocalHttpServer> {
  let requests = 0;
  let flakyRequests = 0;
  let injectedFailures = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/flaky/')) {
      flakyRequests += 1;
      if (flakyRequests % 10 === 0) {
        injectedFailures += 1;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'injected failure' }));
        return;
      }
    }
    if (path.startsWith('/big/')) {
      // `/big/N`: a JSON document whose `data` string is N bytes (the 1 MB task output scale run).
      const size = Math.min(Number(path.slice('/big/'.length)) || 0, 64 * 2 ** 20);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: 'x'.repeat(size) }));
      return;
    }
    const segments = path.split('/').filter(Boolean);
    const last = segments[segments.length - 1] ?? '';
    const body = { path, step: Number.isFinite(Number(last)) ? Number(last) : last, ok: true };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  // Keep-alive sockets are reused by the activity's HTTP client; the server must not close them first.
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({ requests, injectedFailures }),
    restartFailures: () => {
      flakyRequests = 0;
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
