/**
 * A local OpenAI-compatible model server for the demo and the tests: `POST /v1/chat/completions` (tool
 * calls and `response_format`; `stream: true` is refused) and `POST /v1/embeddings` (float or base64
 * encoding), answered deterministically from the request (demo-model-answers.ts). A language model cannot
 * run on this machine, so this server stands in for one; the protocol on the wire is the real one.
 *
 * Tests drive it: every request is recorded (`requests`), `failNext` answers the next requests with an
 * error status (429 with `retry-after`, 5xx), `hold` keeps matching requests waiting until released (so
 * a test can kill a worker while a model turn is in flight), and `apiKey` makes it demand a Bearer key.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  answerChat,
  embedText,
  promptTokens,
  textOf,
  tokensOf,
  type ChatRequestBody,
  type WireMessage,
} from './demo-model-answers';

export interface RecordedRequest {
  path: string;
  body: Record<string, any>;
  /** The `authorization` header as received. */
  authorization?: string;
  /** Status the server answered with (0 while held). */
  status: number;
  at: number;
}

export interface FailureSpec {
  status: number;
  /** `retry-after` header, in seconds. */
  retryAfterSeconds?: number;
  /** Only requests to this path (default: any). */
  path?: string;
}

export interface ModelServerOptions {
  /** Demand `authorization: Bearer <apiKey>`; 401 otherwise. */
  apiKey?: string;
  /** Embedding dimensions when the request names none (default 64). */
  embeddingDimensions?: number;
  port?: number;
}

export interface ModelServer {
  /** Base URL as OPENAI_BASE_URL takes it: `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  readonly requests: readonly RecordedRequest[];
  /** Chat completion requests answered 200. */
  chatCalls(): RecordedRequest[];
  /** The next `count` requests (optionally of one path) are answered with `spec.status`. */
  failNext(count: number, spec: FailureSpec): void;
  /** Requests for which `match` is true wait until `release()` (or close). Returns a handle on them. */
  hold(match: (request: RecordedRequest) => boolean): HeldRequests;
  close(): Promise<void>;
}

export interface HeldRequests {
  /** Resolves when the first matching request arrives. */
  readonly arrived: Promise<RecordedRequest>;
  release(): void;
}

interface Hold {
  match: (request: RecordedRequest) => boolean;
  waiting: Array<() => void>;
  released: boolean;
  arrive: (request: RecordedRequest) => void;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const requests: RecordedRequest[] = [];
  const failures: Array<FailureSpec & { left: number }> = [];
  const holds: Hold[] = [];
  const dimensions = options.embeddingDimensions ?? 64;
  let counter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    let body: Record<string, any>;
    try {
      body = raw.length > 0 ? (JSON.parse(raw) as Record<string, any>) : {};
    } catch {
      return send(res, 400, error('invalid_request_error', 'body is not JSON'));
    }
    const record: RecordedRequest = { path, body, authorization: req.headers.authorization, status: 0, at: Date.now() };
    requests.push(record);
    for (const hold of holds) {
      if (!hold.released && hold.match(record)) {
        hold.arrive(record);
        await new Promise<void>((resume) => hold.waiting.push(resume));
      }
    }
    if (res.destroyed) return;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      send(res, status, payload, headers);
    };
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return reply(401, error('invalid_api_key', 'Incorrect API key provided'));
    }
    const failure = failures.find((f) => f.left > 0 && (f.path === undefined || path.endsWith(f.path)));
    if (failure) {
      failure.left -= 1;
      const headers: Record<string, string> =
        failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
      return reply(
        failure.status,
        error(failure.status === 429 ? 'rate_limit_exceeded' : 'server_error', 'try later'),
        headers,
      );
    }
    if (req.method !== 'POST') return reply(405, error('invalid_request_error', 'POST only'));
    counter += 1;
    if (path.endsWith('/chat/completions')) return reply(...chat(body, counter));
    if (path.endsWith('/embeddings')) return reply(...embeddings(body, dimensions));
    return reply(404, error('invalid_request_error', `unknown path ${path}`));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, error('server_error', String(e))));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    chatCalls: () => requests.filter((r) => r.path.endsWith('/chat/completions') && r.status === 200),
    failNext: (count, spec) => failures.push({ ...spec, left: count }),
    hold: (match) => {
      let arrive: (request: RecordedRequest) => void = () => undefined;
      const arrived = new Promise<RecordedRequest>((resolve) => (arrive = resolve));
      const hold: Hold = { match, waiting: [], released: false, arrive };
      holds.push(hold);
      return {
        arrived,
        release: () => {
          hold.released = true;
          for (const resume of hold.waiting.splice(0)) resume();
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const hold of holds) {
          hold.released = true;
          for (const resume of hold.waiting.splice(0)) resume();
        }
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Reply = [number, unknown];

function chat(body: Record<string, any>, n: number): Reply {
  if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
    return [400, error('invalid_request_error', "'model' and a non-empty 'messages' are required")];
  }
  if (body.stream === true) return [400, error('invalid_request_error', 'streaming is not supported here')];
  const request = body as ChatRequestBody;
  const answer = answerChat(request);
  const message: Record<string, unknown> = { role: 'assistant', content: answer.content };
  if (answer.toolCalls) message.tool_calls = answer.toolCalls;
  const completion = answer.content !== null ? tokensOf(answer.content) : tokensOf(JSON.stringify(answer.toolCalls));
  const prompt = promptTokens(request.messages as WireMessage[], request.tools);
  return [
    200,
    {
      id: `chatcmpl-${n}`,
      object: 'chat.completion',
      created: 1_700_000_000 + n,
      model: request.model,
      choices: [{ index: 0, message, finish_reason: answer.finishReason, logprobs: null }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    },
  ];
}

function embeddings(body: Record<string, any>, fallbackDimensions: number): Reply {
  const input: unknown = body.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (typeof body.model !== 'string' || !texts || texts.length === 0 || texts.some((t) => typeof t !== 'string')) {
    return [400, error('invalid_request_error', "'model' and 'input' (a string or strings) are required")];
  }
  const dimensions = Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : fallbackDimensions;
  const base64 = body.encoding_format === 'base64';
  const data = (texts as string[]).map((text, index) => {
    const vector = embedText(text, dimensions);
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = (texts as string[]).reduce((n, t) => n + tokensOf(t), 0);
  return [200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } }];
}

function error(code: string, message: string) {
  return { error: { message, type: code, code } };
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Text of a recorded chat request's last user message (tests read what the runner sent). */
export function lastUserText(request: RecordedRequest): string {
  const messages = (request.body.messages ?? []) as WireMessage[];
  const users = messages.filter((m) => m.role === 'user');
  return users.length > 0 ? textOf(users[users.length - 1]) : '';
}
