/**
 * How the activities send HTTP requests: undici's `request`, the client under Node's own `fetch` without
 * the WHATWG Request/Response/stream layers (a quarter of fetch's CPU time per call on the bench's GETs),
 * on undici's shared connection pool. Redirects are followed here, one hop at a time, so that every hop
 * passes the runner's network policy before it is requested; the body is read up to a size limit and the
 * whole exchange, every hop included, runs under one deadline.
 */
import { request } from 'undici';

export interface HttpRequest {
  url: URL;
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; a repeated header's values joined with `, ` (as fetch's Headers does). */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered (differs from the request's after followed redirects). */
  url: URL;
}

export interface SendOptions {
  /** The deadline of the whole exchange, redirects included. */
  timeoutMs: number;
  /** The largest body read; a larger one rejects with {@link ResponseTooLarge} before it is held whole. */
  maxBytes: number;
  /** Follow 3xx answers that carry a Location (at most {@link MAX_REDIRECTS}); otherwise return them. */
  followRedirects?: boolean;
  /** Called before each redirect hop is requested; throws to refuse the hop. */
  checkRedirect?: (target: URL) => Promise<void>;
}

/** As fetch: 20 hops, then a redirect is an error. */
export const MAX_REDIRECTS = 20;

export class ResponseTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`response larger than ${maxBytes} bytes`);
    this.name = 'ResponseTooLarge';
  }
}

export class TooManyRedirects extends Error {
  constructor() {
    super(`more than ${MAX_REDIRECTS} redirects`);
    this.name = 'TooManyRedirects';
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Sends the request. Rejects with the network error (its `code`, e.g. ECONNREFUSED), a DOMException named
 * `TimeoutError` at the deadline, {@link ResponseTooLarge} or {@link TooManyRedirects}.
 */
export async function sendHttp(req: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let current = req;
  for (let hop = 0; ; hop++) {
    const response = await once(current, signal, options.maxBytes);
    const location = response.headers.location;
    if (!options.followRedirects || !REDIRECT_STATUSES.has(response.status) || !location) return response;
    if (hop >= MAX_REDIRECTS) throw new TooManyRedirects();
    const next = redirectTarget(current, response.status, new URL(location, current.url));
    await options.checkRedirect?.(next.url);
    current = next;
  }
}

/**
 * The next hop as fetch builds it: 303 (and 301/302 after a POST) become a GET without a body, and
 * credentials do not follow the request to another origin.
 */
function redirectTarget(from: HttpRequest, status: number, url: URL): HttpRequest {
  const toGet = status === 303 ? from.method !== 'HEAD' : (status === 301 || status === 302) && from.method === 'POST';
  const headers = { ...from.headers };
  if (url.origin !== from.url.origin) {
    delete headers.authorization;
    delete headers.cookie;
  }
  if (!toGet) return { url, method: from.method, headers, body: from.body };
  delete headers['content-type'];
  delete headers['content-length'];
  return { url, method: 'GET', headers };
}

async function once(req: HttpRequest, signal: AbortSignal, maxBytes: number): Promise<HttpResponse> {
  const response = await request(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.body.destroy();
      throw new ResponseTooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    status: response.statusCode,
    headers,
    body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
    url: req.url,
  };
}
