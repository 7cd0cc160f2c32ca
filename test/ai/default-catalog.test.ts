/**
 * The default catalog's model and vector functions end to end: real Temporal, the runner's worker, the
 * embedded vector store (PGlite with pgvector in a worker thread) or a PostgreSQL server process (PGlite's
 * socket server: the PostgreSQL wire protocol, reached through `pg`) and, in place of a language model (none
 * can run here), the local OpenAI-compatible model server, which answers deterministically and counts
 * every request it receives.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vectorStoreProvider } from '../../src/ai/vector-backends';
import { startModelServer, type ModelServer } from '../../src/cli/demo-model-server';
import { sealSecret } from '../../src/secrets/sealing';
import type { VectorStoreProvider } from '../../src/ai/vector-store';
import type { ModelUsageRecord } from '../../src/temporal/activities/deps';
import { POSTGRES_STAND_IN_POOL_SIZE, startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from '../dsl/workflow-text';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const example = (name: string) => readFileSync(join(root, 'examples', `${name}.yaml`), 'utf8');
const exampleInput = (name: string) =>
  JSON.parse(readFileSync(join(root, 'examples', `${name}.input.json`), 'utf8')) as Record<string, unknown>;

describe('default catalog: chat, embed and vectors', () => {
  let model: ModelServer;
  let runner: TestRunner;
  let vectors: VectorStoreProvider;
  let dir: string;
  const usage: ModelUsageRecord[] = [];
  const key = Buffer.alloc(32, 9);

  beforeAll(async () => {
    model = await startModelServer({ apiKey: 'runner-key' });
    dir = mkdtempSync(join(tmpdir(), 'ai-vectors-'));
    vectors = vectorStoreProvider({ dir });
    runner = await startTestRunner({
      activities: {
        secretsKey: key,
        ai: {
          models: {
            baseUrl: model.baseUrl,
            apiKey: 'runner-key',
            defaultModel: 'chat-model',
            defaultEmbeddingModel: 'embed-model',
          },
          vectors,
          onUsage: (u) => usage.push(u),
        },
      },
    });
  });
  afterAll(async () => {
    await runner?.shutdown();
    await vectors?.close();
    await model?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('triages a ticket with responseFormat and routes on the typed reply (examples/support-triage.yaml)', async () => {
    const before = model.chatCalls().length;
    const { result, events } = await runner.run(example('support-triage'), exampleInput('support-triage'), {
      validated: true,
    });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({
      ticket: 'T-1042',
      queue: 'on-call',
      triage: {
        category: 'bug',
        priority: 'urgent',
        summary: expect.any(String),
        model: 'chat-model',
        tokens: expect.any(Number),
      },
    });
    expect(model.chatCalls().length - before).toBe(1);
    const sent = model.chatCalls()[model.chatCalls().length - 1].body;
    expect(sent.response_format.type).toBe('json_schema');
    expect(sent.messages[0]).toEqual({ role: 'system', content: expect.stringContaining('You triage') });
    const completed = events.find((e) => e.eventType === 'task_completed' && e.taskName === 'classify');
    expect(completed?.modelUsage).toEqual({
      model: 'chat-model',
      inputTokens: sent.messages ? expect.any(Number) : 0,
      outputTokens: expect.any(Number),
      turns: 1,
    });
    expect(completed!.modelUsage!.inputTokens).toBeGreaterThan(0);
  });

  it('waits out a 429 for the retry-after the model server asked for, then continues', async () => {
    model.failNext(1, { status: 429, retryAfterSeconds: 2, path: '/chat/completions' });
    const start = model.requests.length;
    const { result } = await runner.run(
      workflow(
        'rate-limited',
        `do:\n  - ask:\n      call: chat:1.0.0@default\n      with: { prompt: 'Hello there.' }\n`,
      ),
    );
    expect(result.status).toBe('completed');
    const chats = model.requests.slice(start).filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats.map((r) => r.status)).toEqual([429, 200]);
    // Measured at the server: the retry came no sooner than the retry-after said.
    expect(chats[1].at - chats[0].at).toBeGreaterThanOrEqual(2000);
    expect(result.output).toMatchObject({ content: 'Answer: Hello there.', finishReason: 'stop' });
  });

  it('fails a task with the endpoint status when the endpoint refuses, catchable by try', async () => {
    const { result } = await runner.run(
      workflow(
        'refused',
        `
do:
  - guarded:
      try:
        - ask:
            call: chat:1.0.0@default
            with:
              prompt: hi
              endpoint: { uri: '${model.baseUrl}', authentication: { bearer: { token: wrong } } }
      catch:
        as: e
        do:
          - note: { set: { status: '\${ $e.status }', type: '\${ $e.type }' } }
`,
      ),
    );
    expect(result.output).toEqual({
      status: 401,
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authentication',
    });
  });

  it('carries a conversation to the next task through export.as and $context', async () => {
    const before = model.chatCalls().length;
    const { result } = await runner.run(
      workflow(
        'conversation',
        `
do:
  - first:
      call: chat:1.0.0@default
      with: { system: Be brief., prompt: 'Remember the number 42.' }
      export:
        as: '\${ { conversation: .messages } }'
  - second:
      call: chat:1.0.0@default
      with:
        messages: '\${ $context.conversation }'
        prompt: 'What number was it?'
`,
      ),
    );
    expect(result.status).toBe('completed');
    const second = model.chatCalls().slice(before)[1].body.messages;
    expect(second).toEqual([
      { role: 'user', content: 'Remember the number 42.' },
      { role: 'assistant', content: 'Answer: Remember the number 42.' },
      { role: 'user', content: 'What number was it?' },
    ]);
    expect((result.output as { messages: unknown[] }).messages).toHaveLength(4);
  });

  it('opens a per-call key from $secrets inside the activity: the key is not in history', async () => {
    const other = await startModelServer({ apiKey: 'sk-per-call-secret-0123456789' });
    try {
      const { result, workflowId } = await runner.run(
        workflow(
          'secret-endpoint',
          `
use:
  authentications:
    llm: { bearer: { token: '\${ $secrets.llmKey }' } }
do:
  - ask:
      call: chat:1.0.0@default
      with: { prompt: hi., model: other-model, endpoint: { uri: '${other.baseUrl}', authentication: { use: llm } } }
`,
        ),
        {},
        { environment: [{ name: 'llmKey', secret: true, sealed: sealSecret('sk-per-call-secret-0123456789', key) }] },
      );
      expect(result.status).toBe('completed');
      expect(other.requests[0].authorization).toBe('Bearer sk-per-call-secret-0123456789');
      const history = JSON.stringify(await runner.client.workflow.getHandle(workflowId).fetchHistory());
      expect(history).not.toContain('sk-per-call-secret');
    } finally {
      await other.close();
    }
  });

  it('indexes, finds and answers from passages (examples/retrieval.yaml), keeping vectors out of history', async () => {
    const { result, events, workflowId } = await runner.run(example('retrieval'), exampleInput('retrieval'));
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      answer: 'Answer: New employees get 25 vacation days per year, plus public holidays.',
      sources: [{ id: 'hr-1', section: 'leave', score: expect.any(Number) }, expect.anything()],
    });
    const index = events.find((e) => e.eventType === 'task_completed' && e.taskName === 'index');
    expect(index?.modelUsage).toMatchObject({ model: 'embed-model', outputTokens: 0 });
    const history = JSON.stringify(await runner.client.workflow.getHandle(workflowId).fetchHistory());
    // 64-dimensional vectors of four passages and a question would be hundreds of long numbers.
    expect(history.match(/-?0\.\d{6,}/g)?.length ?? 0).toBeLessThan(20);
    expect(usage.some((u) => u.operation === 'embed' && u.model === 'embed-model')).toBe(true);
  });

  it('refuses a vector of another dimension with a validation error naming both', async () => {
    const { result } = await runner.run(
      workflow(
        'dimension',
        `
do:
  - store:
      call: vector-upsert:1.0.0@default
      with: { collection: fixed, items: [{ id: a, vector: [1, 0, 0] }] }
  - wrong:
      try:
        - again:
            call: vector-upsert:1.0.0@default
            with: { collection: fixed, items: [{ id: b, vector: [1, 0] }] }
      catch:
        as: e
        do:
          - note: { set: { detail: '\${ $e.detail }', status: '\${ $e.status }' } }
`,
      ),
    );
    expect(result.output).toEqual({
      detail: "collection 'fixed' holds 3-dimensional vectors; item 'b' has 2 dimensions",
      status: 400,
    });
  });

  it('embeds texts into the output and reports their tokens', async () => {
    const { result, events } = await runner.run(
      workflow(
        'embed',
        `do:\n  - vectors:\n      call: embed:1.0.0@default\n      with: { input: [red, blue], dimensions: 8 }\n`,
      ),
    );
    expect(result.output).toMatchObject({ model: 'embed-model', vectors: [expect.any(Array), expect.any(Array)] });
    expect((result.output as { vectors: number[][] }).vectors[0]).toHaveLength(8);
    expect(events.find((e) => e.eventType === 'task_completed')?.modelUsage).toMatchObject({ model: 'embed-model' });
  });
});

describe('default catalog: vectors on a PostgreSQL server (VECTOR_STORE_URL)', () => {
  let model: ModelServer;
  let postgres: PostgresServer;
  let runner: TestRunner;
  let vectors: VectorStoreProvider;

  beforeAll(async () => {
    model = await startModelServer();
    postgres = await startPostgresServer();
    vectors = vectorStoreProvider({ url: postgres.url, poolSize: POSTGRES_STAND_IN_POOL_SIZE });
    runner = await startTestRunner({
      activities: {
        ai: {
          models: { baseUrl: model.baseUrl, defaultModel: 'chat-model', defaultEmbeddingModel: 'embed-model' },
          vectors,
        },
      },
    });
  });
  afterAll(async () => {
    await runner?.shutdown();
    await vectors?.close();
    await postgres?.stop();
    await model?.close();
  });

  it('runs the retrieval example against the server, through pg', async () => {
    const { result } = await runner.run(example('retrieval'), exampleInput('retrieval'));
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      answer: 'Answer: New employees get 25 vacation days per year, plus public holidays.',
      sources: [{ id: 'hr-1' }, expect.anything()],
    });
  });
});
