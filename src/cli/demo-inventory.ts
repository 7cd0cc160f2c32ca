import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InventoryServer {
  readonly url: string;
  /** Requests received, including the refused ones. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * The demo's inventory service: `POST /reserve {sku, quantity}` → `{reservationId, sku, quantity}`.
 * The very first request is answered 503, so the demo shows the workflow's try/retry at work.
 */
export async function startInventoryServer(): Promise<InventoryServer> {
  let requests = 0;
  let reservations = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests += 1;
      if (req.method !== 'POST' || req.url !== '/reserve') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      if (requests === 1) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"warming up, try again"}');
        return;
      }
      let item: { sku?: string; quantity?: number } = {};
      try {
        item = JSON.parse(body) as typeof item;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"body must be JSON"}');
        return;
      }
      reservations += 1;
      const reply = {
        reservationId: `R-${String(reservations).padStart(4, '0')}`,
        sku: item.sku,
        quantity: item.quantity,
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
