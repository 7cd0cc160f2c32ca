import type { LlmChatRequest } from '../temporal/activities/types';
import type { ActivityDeps } from '../temporal/activities/deps';
import { model, vectors } from './model-mocks';
import type { KindContext } from './mock-kind-types';

const scope = { input: {}, variables: {}, sealedSecrets: {}, env: {} };
const ctx: KindContext = {
  deps: { ai: { models: { defaultModel: 'gpt-test', defaultEmbeddingModel: 'embed-test' } } } as ActivityDeps,
  httpFetch: () => Promise.reject(new Error('no HTTP call is expected')),
};
const chat: LlmChatRequest = {
  position: '/do/0/triage',
  messages: [
    { role: 'system', content: 'Triage tickets.' },
    { role: 'user', content: 'The app crashes' },
  ],
  responseFormat: { type: 'object' },
  scope,
};

describe('mocks.model', () => {
  it('shows a chat by model, prompt and system prompt', async () => {
    expect((await model.view('llmChat', chat, ctx)).fields).toEqual({
      operation: 'chat',
      model: 'gpt-test',
      prompt: 'The app crashes',
      system: 'Triage tickets.',
    });
  });

  it('answers with data for a responseFormat call, or with tool calls for an agent turn', async () => {
    const triaged = await model.reply({ data: { category: 'bug' }, usage: { inputTokens: 10 } }, chat, ctx);
    expect(triaged).toEqual({
      model: 'gpt-test',
      message: { role: 'assistant', content: '{"category":"bug"}' },
      finishReason: 'stop',
      usage: { inputTokens: 10, outputTokens: 0 },
      data: { category: 'bug' },
    });
    const turn = await model.reply(
      { toolCalls: [{ name: 'echo', arguments: { message: 'hi' } }] },
      { ...chat, responseFormat: undefined },
      ctx,
    );
    expect(turn).toMatchObject({
      finishReason: 'tool_calls',
      message: { toolCalls: [{ id: 'call_mock_1', name: 'echo', arguments: '{"message":"hi"}' }] },
    });
  });

  it('needs one vector per text for an embed', async () => {
    const embed = { position: '/do/0', input: ['a', 'b'], scope };
    expect(await model.reply({ vectors: [[1], [2]] }, embed, ctx)).toEqual({
      model: 'embed-test',
      vectors: [[1], [2]],
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    await expect(model.reply({ vectors: [[1]] }, embed, ctx)).rejects.toThrow(/one per text \(2\)/);
  });

  it('holds a mocked reply to the responseFormat schema, as a real reply is held', async () => {
    const strict = { ...chat, responseFormat: { type: 'object', required: ['priority'] } };
    await expect(model.reply({ data: { category: 'bug' } }, strict, ctx)).rejects.toThrow(
      /the model's reply \(responseFormat\)/,
    );
    await expect(model.reply({ content: 'not json' }, strict, ctx)).rejects.toThrow(/not JSON/);
  });
});

describe('mocks.vectors', () => {
  it('answers an upsert with its count and a query with the given matches', async () => {
    const upsert = { position: '/do/0', collection: 'docs', items: [{ id: 'a', text: 'x' }], scope };
    expect(await vectors.reply({}, upsert, ctx)).toEqual({ upserted: 1, collection: 'docs' });
    const query = { position: '/do/1', collection: 'docs', text: 'q', topK: 3, scope };
    expect((await vectors.view('vectorQuery', query, ctx)).fields).toEqual({
      operation: 'query',
      collection: 'docs',
      text: 'q',
      filter: undefined,
    });
    expect(await vectors.reply({ matches: [{ id: 'a', text: 'hello' }] }, query, ctx)).toEqual({
      matches: [{ id: 'a', score: 1, metadata: {}, text: 'hello' }],
      collection: 'docs',
    });
  });
});
