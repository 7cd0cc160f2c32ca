/**
 * The default catalog's functions as workflow code sees them: the evaluated `with` of a
 * `call: {name}:1.0.0@default` task checked and turned into an activity request, and the activity result
 * turned into the task output. Pure and sandbox-safe; the executor supplies the evaluated arguments and
 * the activity calls. Argument mistakes are `configuration` errors naming the argument.
 */
import type { ModelUsageSummary } from '../../contract';
import type {
  ChatMessage,
  ChatRole,
  TokenUsage,
  DeferredScope,
  LlmChatRequest,
  LlmChatResult,
  LlmEmbedRequest,
  ModelTarget,
  VectorQueryRequest,
  VectorUpsertRequest,
} from '../../activities/types';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';

/** Reply length when `with.maxTokens` is not set: a bounded bill per call. */
export const DEFAULT_MAX_TOKENS = 1024;
const ROLES: readonly ChatRole[] = ['system', 'user', 'assistant', 'tool'];

export type Args = Record<string, unknown>;

export function configurationError(instance: string, detail: string): WorkflowFault {
  return new WorkflowFault(dslError('configuration', detail, { instance }));
}

function text(args: Args, name: string, instance: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw configurationError(instance, `'${name}' must be a string`);
  return value;
}

export function positiveInteger(args: Args, name: string, instance: string, max: number): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw configurationError(instance, `'${name}' must be a whole number from 1 to ${max}`);
  }
  return value;
}

function modelTarget(args: Args, instance: string, scope: DeferredScope): ModelTarget {
  const target: ModelTarget = { position: instance, scope };
  const model = text(args, 'model', instance);
  if (model !== undefined) target.model = model;
  if (args.endpoint !== undefined && args.endpoint !== null) target.endpoint = args.endpoint;
  return target;
}

/** `system`, then `messages`, then `prompt` as the last user message. */
export function conversation(args: Args, instance: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = text(args, 'system', instance);
  if (system !== undefined) out.push({ role: 'system', content: system });
  if (args.messages !== undefined && args.messages !== null) out.push(...parseMessages(args.messages, instance));
  const prompt = text(args, 'prompt', instance);
  if (prompt !== undefined) out.push({ role: 'user', content: prompt });
  if (!out.some((m) => m.role !== 'system')) {
    throw configurationError(instance, "'prompt' or 'messages' must give the model something to answer");
  }
  return out;
}

export function parseMessages(value: unknown, instance: string): ChatMessage[] {
  if (!Array.isArray(value)) throw configurationError(instance, "'messages' must be a list of { role, content }");
  return value.map((raw, i) => {
    const where = `'messages[${i}]'`;
    if (!raw || typeof raw !== 'object') throw configurationError(instance, `${where} must be { role, content }`);
    const m = raw as Record<string, unknown>;
    if (!ROLES.includes(m.role as ChatRole)) {
      throw configurationError(instance, `${where}.role must be one of ${ROLES.join(', ')}`);
    }
    const content =
      m.content === undefined || m.content === null
        ? null
        : typeof m.content === 'string'
          ? m.content
          : JSON.stringify(m.content);
    const message: ChatMessage = { role: m.role as ChatRole, content };
    if (Array.isArray(m.toolCalls)) message.toolCalls = m.toolCalls as ChatMessage['toolCalls'];
    if (typeof m.toolCallId === 'string') message.toolCallId = m.toolCallId;
    return message;
  });
}

function responseFormat(args: Args, instance: string): Record<string, unknown> | undefined {
  const value = args.responseFormat;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw configurationError(instance, "'responseFormat' must be a JSON schema (an object)");
  }
  return value as Record<string, unknown>;
}

function temperature(args: Args, instance: string): number | undefined {
  const value = args.temperature;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || value < 0 || value > 2) {
    throw configurationError(instance, "'temperature' must be a number from 0 to 2");
  }
  return value;
}

/** The request of `chat:1.0.0@default` (and the base of every agent turn). */
export function chatRequest(args: Args, instance: string, scope: DeferredScope): LlmChatRequest {
  const request: LlmChatRequest = {
    ...modelTarget(args, instance, scope),
    messages: conversation(args, instance),
    maxTokens: positiveInteger(args, 'maxTokens', instance, 1_000_000) ?? DEFAULT_MAX_TOKENS,
  };
  const t = temperature(args, instance);
  if (t !== undefined) request.temperature = t;
  const format = responseFormat(args, instance);
  if (format) request.responseFormat = format;
  return request;
}

/**
 * The output of `chat`: the reply, the parsed data, accounting, and `messages` (the conversation without
 * the task's own `system` prompt, plus the reply) ready to pass as the next call's `messages`.
 */
export function chatOutput(args: Args, request: LlmChatRequest, result: LlmChatResult): Record<string, unknown> {
  const conversation = args.system !== undefined && args.system !== null ? request.messages.slice(1) : request.messages;
  const output: Record<string, unknown> = {
    content: result.message.content,
    finishReason: result.finishReason,
    model: result.model,
    usage: result.usage,
    messages: [...conversation, result.message],
  };
  if (result.data !== undefined) output.data = result.data;
  return output;
}

export function embedRequest(args: Args, instance: string, scope: DeferredScope): LlmEmbedRequest {
  const input = args.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || texts.length === 0 || texts.some((t) => typeof t !== 'string')) {
    throw configurationError(instance, "'input' must be a string or a non-empty list of strings");
  }
  const request: LlmEmbedRequest = { ...modelTarget(args, instance, scope), input: texts as string[] };
  const dimensions = positiveInteger(args, 'dimensions', instance, 16_000);
  if (dimensions !== undefined) request.dimensions = dimensions;
  return request;
}

function collection(args: Args, instance: string): string {
  const name = text(args, 'collection', instance);
  if (!name) throw configurationError(instance, "'collection' must name a collection");
  return name;
}

export function upsertRequest(args: Args, instance: string, scope: DeferredScope): VectorUpsertRequest {
  const request: VectorUpsertRequest = {
    ...modelTarget(args, instance, scope),
    collection: collection(args, instance),
    items: args.items as VectorUpsertRequest['items'],
  };
  const dimensions = positiveInteger(args, 'dimensions', instance, 16_000);
  if (dimensions !== undefined) request.dimensions = dimensions;
  return request;
}

export function queryRequest(args: Args, instance: string, scope: DeferredScope): VectorQueryRequest {
  const request: VectorQueryRequest = {
    ...modelTarget(args, instance, scope),
    collection: collection(args, instance),
    topK: positiveInteger(args, 'topK', instance, 100) ?? 5,
  };
  if (args.vector !== undefined && args.vector !== null) request.vector = args.vector as number[];
  const query = text(args, 'text', instance);
  if (query !== undefined) request.text = query;
  if (args.filter !== undefined && args.filter !== null) request.filter = args.filter as Record<string, unknown>;
  const dimensions = positiveInteger(args, 'dimensions', instance, 16_000);
  if (dimensions !== undefined) request.dimensions = dimensions;
  return request;
}

export function addUsage(a: TokenUsage, b: TokenUsage | undefined): TokenUsage {
  if (!b) return a;
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

/** The `modelUsage` of a task's progress events, when the task called a model. */
export function usageSummary(
  model: string | undefined,
  usage: TokenUsage | undefined,
  extra: { turns?: number; toolCalls?: number } = {},
): ModelUsageSummary | undefined {
  if (!model || !usage) return undefined;
  return { model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ...extra };
}
