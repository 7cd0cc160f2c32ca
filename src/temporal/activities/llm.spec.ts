/**
 * `llmChat` and `llmEmbed` against the local OpenAI-compatible model server over real HTTP (the official
 * `openai` client on one side, the real protocol on the wire). A language model cannot run here: the
 * server answers deterministically from the request (src/cli/demo-model-server.ts) and counts calls.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startModelServer, type ModelServer } from '../../cli/demo-model-server';
import { sealSecret } from '../../secrets/sealing';
import type { ActivityDeps, ModelUsageRecord } from './deps';
import { createLlmChat, createLlmEmbed } from './llm';
import { retryAfterMs } from './model-failures';
import { DSL_ERROR_FAILURE_TYPE, RETRYABLE_DSL_ERROR_FAILURE_TYPE, type DeferredScope } from './types';

const scope: DeferredScope = { input: {}, variables: {}, sealedSecrets: {}, env: {} };
const KEY = 'sk-test-0123456789abcdef';

describe('llm activities', () => {
  let server: ModelServer;
  let usage: ModelUsageRecord[];
  let deps: ActivityDeps;

  beforeAll(async () => {
    server = await startModelServer({ apiKey: KEY });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    usage = [];
    deps = {
      ai: {
        models: {
          baseUrl: server.baseUrl,
          apiKey: KEY,
          defaultModel: 'test-chat',
          defaultEmbeddingModel: 'test-embed',
        },
        onUsage: (u) => usage.push(u),
      },
    };
  });

  it('makes one chat completion and reports its tokens, logging no text', async () => {
    const before = server.requests.length;
    const logged: unknown[] = [];
    const log = (message: string, fields?: Record<string, unknown>) => logged.push([message, fields]);
    deps.logger = { debug: log, info: log, warn: log, error: log };
    const result = await createLlmChat(deps)({
      position: '/do/0/ask',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is Temporal? It is a durable execution platform.' },
      ],
      maxTokens: 200,
      temperature: 0,
      scope,
    });
    expect(result).toEqual({
      model: 'test-chat',
      message: { role: 'assistant', content: 'Answer: What is Temporal?' },
      finishReason: 'stop',
      usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) },
    });
    expect(server.requests.length - before).toBe(1);
    const sent = server.requests[server.requests.length - 1];
    expect(sent.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toMatchObject({ model: 'test-chat', max_tokens: 200, temperature: 0, stream: false });
    expect(usage).toEqual([{ model: 'test-chat', operation: 'chat', ...result.usage }]);
    // The model and the counts only: neither the prompt nor the completion reach the log.
    expect(logged).toEqual([
      ['model request answered', { operation: 'chat', model: 'test-chat', ...result.usage, task: '/do/0/ask' }],
    ]);
    expect(JSON.stringify(logged)).not.toMatch(/Temporal|durable|Be brief/);
  });

  it('parses and validates a responseFormat reply', async () => {
    const schema = {
      type: 'object',
      properties: {
        category: { type: 'string', enum: ['billing', 'bug', 'other'] },
        urgent: { type: 'boolean' },
      },
      required: ['category', 'urgent'],
    };
    const result = await createLlmChat(deps)({
      position: '/do/0/triage',
      messages: [{ role: 'user', content: 'The app crashes with a bug on start, urgent please' }],
      responseFormat: schema,
      scope,
    });
    expect(result.data).toEqual({ category: 'bug', urgent: true });
    expect(server.requests[server.requests.length - 1].body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema, strict: false },
    });
  });

  it('refuses a reply that does not match responseFormat, without quoting it', async () => {
    const error = await createLlmChat(deps)({
      position: '/do/0/triage',
      messages: [{ role: 'user', content: 'anything' }],
      responseFormat: { type: 'object', properties: { n: { type: 'string', pattern: '^[0-9]+$' } }, required: ['n'] },
      scope,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).type).toBe(DSL_ERROR_FAILURE_TYPE);
    expect((error as ApplicationFailure).details?.[0]).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/validation',
      instance: '/do/0/triage',
      detail: expect.stringContaining('/n:'),
    });
  });

  it('passes tools and returns the tool calls the model asks for', async () => {
    const result = await createLlmChat(deps)({
      position: '/do/0/agent',
      messages: [{ role: 'user', content: 'Please add 2 and 3.' }],
      tools: [
        {
          name: 'add',
          description: 'adds',
          parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
        },
      ],
      scope,
    });
    expect(result.finishReason).toBe('tool_calls');
    expect(result.message).toEqual({
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 'call_1_add', name: 'add', arguments: '{"a":2,"b":3}' }],
    });
  });

  it('turns a 429 into a retryable failure that carries the retry-after delay', async () => {
    server.failNext(1, { status: 429, retryAfterSeconds: 7, path: '/chat/completions' });
    const error = (await createLlmChat(deps)({
      position: '/do/0/ask',
      messages: [{ role: 'user', content: 'hi' }],
      scope,
    }).catch((e: unknown) => e)) as ApplicationFailure;
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error.type).toBe(RETRYABLE_DSL_ERROR_FAILURE_TYPE);
    expect(error.nonRetryable).toBe(false);
    expect(error.nextRetryDelay).toBe(7000);
    expect(error.details?.[0]).toMatchObject({ status: 429, instance: '/do/0/ask' });
  });

  it('makes a refused key a non-retryable authentication error that does not echo the key', async () => {
    const wrong = { ...deps, ai: { ...deps.ai, models: { ...deps.ai!.models!, apiKey: 'sk-wrong-key-123456789' } } };
    const error = (await createLlmChat(wrong)({
      position: '/do/0/ask',
      messages: [{ role: 'user', content: 'hi' }],
      scope,
    }).catch((e: unknown) => e)) as ApplicationFailure;
    expect(error.type).toBe(DSL_ERROR_FAILURE_TYPE);
    expect(error.details?.[0]).toMatchObject({ status: 401, type: expect.stringMatching(/authentication$/) });
    expect(JSON.stringify(error.details)).not.toContain('sk-wrong-key');
  });

  it('sends no authorization header when no key is configured', async () => {
    const open = await startModelServer();
    try {
      const noKey: ActivityDeps = {
        ai: { models: { baseUrl: open.baseUrl, defaultModel: 'm', defaultEmbeddingModel: 'e' } },
      };
      await createLlmChat(noKey)({ position: '/do/0', messages: [{ role: 'user', content: 'hi' }], scope });
      expect(open.requests[0].authorization).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('uses a per-call endpoint whose bearer token is a secret opened in the activity', async () => {
    const other = await startModelServer({ apiKey: 'per-call-token-1' });
    const key = Buffer.alloc(32, 7);
    try {
      const sealedScope: DeferredScope = { ...scope, sealedSecrets: { llmKey: sealSecret('per-call-token-1', key) } };
      const result = await createLlmChat({ ...deps, secretsKey: key })({
        position: '/do/0',
        model: 'other-model',
        endpoint: {
          uri: other.baseUrl,
          authentication: { bearer: { token: { $deferredExpression: '${ $secrets.llmKey }' } } },
        },
        messages: [{ role: 'user', content: 'hello there.' }],
        scope: sealedScope,
      });
      expect(result.model).toBe('other-model');
      expect(other.requests[0].authorization).toBe('Bearer per-call-token-1');
    } finally {
      await other.close();
    }
  });

  it('does not follow a redirect from a per-call endpoint (its target never passed the network policy)', async () => {
    const target = await startModelServer({});
    const redirector = createServer((req, res) => {
      res.writeHead(307, { location: `${target.baseUrl}${req.url?.replace(/^\/v1/, '') ?? ''}` }).end();
    });
    await new Promise<void>((done) => redirector.listen(0, '127.0.0.1', done));
    try {
      const { port } = redirector.address() as AddressInfo;
      const call = createLlmChat(deps)({
        position: '/do/0',
        endpoint: `http://127.0.0.1:${port}/v1`,
        messages: [{ role: 'user', content: 'hello there.' }],
        scope,
      });
      await expect(call).rejects.toMatchObject({
        type: DSL_ERROR_FAILURE_TYPE,
        message: expect.stringContaining('HTTP 307'),
      });
      expect(target.requests).toHaveLength(0);
    } finally {
      await new Promise((done) => redirector.close(done));
      await target.close();
    }
  });

  it('embeds texts (base64 on the wire, decoded by the client) and reports tokens', async () => {
    const result = await createLlmEmbed(deps)({
      position: '/do/0/embed',
      input: ['red apples', 'green apples', 'fast cars'],
      dimensions: 16,
      scope,
    });
    expect(result.model).toBe('test-embed');
    expect(result.vectors).toHaveLength(3);
    expect(result.vectors.every((v) => v.length === 16)).toBe(true);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
    expect(dot(result.vectors[0], result.vectors[1])).toBeGreaterThan(dot(result.vectors[0], result.vectors[2]));
    expect(server.requests[server.requests.length - 1].body).toMatchObject({
      encoding_format: 'base64',
      dimensions: 16,
    });
    expect(usage).toEqual([
      { model: 'test-embed', operation: 'embed', inputTokens: expect.any(Number), outputTokens: 0 },
    ]);
  });

  it('refuses too many texts with a hint, before any request', async () => {
    const before = server.requests.length;
    await expect(createLlmEmbed(deps)({ position: '/do/0', input: new Array(257).fill('x'), scope })).rejects.toThrow(
      /more than 256.*vector-upsert/,
    );
    expect(server.requests.length).toBe(before);
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, seconds and HTTP dates, capped at five minutes', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }), now)).toBe(10_000);
    expect(retryAfterMs(new Headers({ 'retry-after': '3600' }))).toBe(300_000);
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});
