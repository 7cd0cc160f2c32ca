/**
 * Mock kinds of the default catalog's functions (`workflow-runner test`): `mocks.model` answers model
 * requests (`chat` and every agent turn, `embed`), `mocks.vectors` answers `vector-upsert` and
 * `vector-query`. A mocked chat answer is what the model would have said (text, JSON data or tool calls);
 * the rest of the task (responseFormat, the agent loop, outputs) runs as it does for real.
 */
import type {
  ChatToolCall,
  LlmChatRequest,
  LlmChatResult,
  LlmEmbedRequest,
  VectorQueryRequest,
  VectorUpsertRequest,
} from '../temporal/activities/types';
import { failure } from '../temporal/activities/failures';
import { parseReply } from '../temporal/activities/llm';
import { isPlainObject, preview } from './matching';
import type { KindContext, MockKind } from './mock-kind-types';

const STRING = { type: 'string' };

const USAGE = {
  type: 'object',
  properties: { inputTokens: { type: 'integer' }, outputTokens: { type: 'integer' } },
  additionalProperties: false,
};

function lastUserText(request: LlmChatRequest): string | undefined {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    if (request.messages[i].role === 'user') return request.messages[i].content ?? '';
  }
  return undefined;
}

function usageOf(answer: Record<string, unknown>): { inputTokens: number; outputTokens: number } {
  const u = isPlainObject(answer.usage) ? answer.usage : {};
  return {
    inputTokens: typeof u.inputTokens === 'number' ? u.inputTokens : 0,
    outputTokens: typeof u.outputTokens === 'number' ? u.outputTokens : 0,
  };
}

function chatReply(answer: Record<string, unknown>, request: LlmChatRequest, model: string): LlmChatResult {
  const calls: ChatToolCall[] = Array.isArray(answer.toolCalls)
    ? answer.toolCalls.map((c: Record<string, unknown>, i: number) => ({
        id: `call_mock_${i + 1}`,
        name: String(c.name),
        arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
      }))
    : [];
  const content =
    answer.data !== undefined
      ? JSON.stringify(answer.data)
      : typeof answer.content === 'string'
        ? answer.content
        : null;
  const result: LlmChatResult = {
    model: typeof answer.model === 'string' ? answer.model : model,
    message: { role: 'assistant', content, ...(calls.length > 0 ? { toolCalls: calls } : {}) },
    finishReason:
      typeof answer.finishReason === 'string' ? answer.finishReason : calls.length > 0 ? 'tool_calls' : 'stop',
    usage: usageOf(answer),
  };
  // Held to the schema as a real reply is: a mocked answer that breaks it fails the task the same way.
  if (request.responseFormat && calls.length === 0) {
    result.data = parseReply(content, request.responseFormat, result.finishReason, request.position);
  }
  return result;
}

export const model: MockKind = {
  key: 'model',
  activities: ['llmChat', 'llmEmbed'],
  match: {
    operation: { enum: ['chat', 'embed'] },
    model: { ...STRING, description: 'the model asked for (the default model when the task names none)' },
    prompt: { ...STRING, description: 'chat: the last user message' },
    system: { ...STRING, description: 'chat: the first system message' },
    input: { description: 'embed: the texts' },
  },
  answer: {
    content: { ...STRING, description: 'chat: the reply text' },
    data: { description: 'chat: the reply as JSON (for responseFormat); sent as the reply text' },
    toolCalls: {
      type: 'array',
      description: 'chat: the tools the model asks for (agent turns)',
      items: { type: 'object', required: ['name'], properties: { name: STRING, arguments: {} } },
    },
    finishReason: STRING,
    usage: USAGE,
    vectors: { type: 'array', items: { type: 'array', items: { type: 'number' } }, description: 'embed: one per text' },
  },
  async view(activity: string, request: unknown, ctx: KindContext) {
    const models = ctx.deps.ai?.models;
    if (activity === 'llmEmbed') {
      const r = request as LlmEmbedRequest;
      const name = r.model ?? models?.defaultEmbeddingModel ?? 'default';
      return {
        summary: `model embed ${name} (${r.input.length} texts)`,
        fields: { operation: 'embed', model: name, input: r.input },
      };
    }
    const r = request as LlmChatRequest;
    const name = r.model ?? models?.defaultModel ?? 'default';
    const prompt = lastUserText(r);
    const system = r.messages.find((m) => m.role === 'system')?.content ?? undefined;
    return {
      summary: `model chat ${name}: ${preview(prompt ?? '', 60)}`,
      detail: `${r.messages.length} messages${r.tools?.length ? `, tools ${r.tools.map((t) => t.name).join(', ')}` : ''}`,
      fields: { operation: 'chat', model: name, prompt, system },
    };
  },
  async reply(answer: Record<string, unknown>, request: unknown, ctx: KindContext) {
    const r = request as LlmChatRequest & LlmEmbedRequest;
    if (Array.isArray(r.input)) {
      const vectors = answer.vectors;
      if (!Array.isArray(vectors) || vectors.length !== r.input.length) {
        throw failure(
          'configuration',
          `mocks.model: an embed answer needs 'vectors', one per text (${r.input.length})`,
          {
            instance: r.position,
          },
        );
      }
      const name = r.model ?? ctx.deps.ai?.models?.defaultEmbeddingModel ?? 'default';
      return { model: name, vectors, usage: usageOf(answer) };
    }
    return chatReply(answer, r, r.model ?? ctx.deps.ai?.models?.defaultModel ?? 'default');
  },
};

export const vectors: MockKind = {
  key: 'vectors',
  activities: ['vectorUpsert', 'vectorQuery'],
  match: {
    operation: { enum: ['upsert', 'query'] },
    collection: STRING,
    text: { ...STRING, description: 'query: the query text' },
    filter: { type: 'object' },
  },
  answer: {
    upserted: { type: 'integer', description: 'upsert: items stored (default: all)' },
    matches: {
      type: 'array',
      description: 'query: the nearest items',
      items: { type: 'object', required: ['id'], properties: { id: STRING, score: { type: 'number' } } },
    },
  },
  async view(activity: string, request: unknown) {
    if (activity === 'vectorUpsert') {
      const r = request as VectorUpsertRequest;
      const count = Array.isArray(r.items) ? r.items.length : 0;
      return {
        summary: `vectors upsert ${r.collection} (${count} items)`,
        fields: { operation: 'upsert', collection: r.collection },
      };
    }
    const r = request as VectorQueryRequest;
    return {
      summary: `vectors query ${r.collection}${r.text ? `: ${preview(r.text, 60)}` : ''}`,
      fields: { operation: 'query', collection: r.collection, text: r.text, filter: r.filter },
    };
  },
  async reply(answer: Record<string, unknown>, request: unknown) {
    const r = request as VectorUpsertRequest & VectorQueryRequest;
    if (Array.isArray(r.items)) {
      return {
        upserted: typeof answer.upserted === 'number' ? answer.upserted : r.items.length,
        collection: r.collection,
      };
    }
    const matches = (Array.isArray(answer.matches) ? answer.matches : []).map((m: Record<string, unknown>) => ({
      id: String(m.id),
      score: typeof m.score === 'number' ? m.score : 1,
      metadata: isPlainObject(m.metadata) ? m.metadata : {},
      ...(typeof m.text === 'string' ? { text: m.text } : {}),
    }));
    return { matches, collection: r.collection };
  },
};
