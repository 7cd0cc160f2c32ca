/**
 * `llmChat` and `llmEmbed`: one model request each, so each model turn of an agent is its own activity
 * (retried by Temporal on 429/5xx after the provider's retry-after, cancelled by aborting the request,
 * heartbeating while it waits). Token use is reported once per answered request; the log line carries the
 * model and the token counts, never prompt or completion text.
 */
import { ModelClient, type ModelSettings } from '../../ai/model-client';
import type { TokenUsage } from '../../ai/model-types';
import { isWorkflowFault } from '../../zigflow/dsl/errors';
import { validateAgainstSchema } from '../../zigflow/dsl/schema';
import { cancellationSignal } from './activity-context';
import type { ActivityDeps } from './deps';
import { dslFailure, failure } from './failures';
import { resolveModelEndpoint } from './model-endpoint';
import { modelFailure } from './model-failures';
import {
  MAX_EMBED_INPUTS,
  type LlmChatRequest,
  type LlmChatResult,
  type LlmEmbedRequest,
  type LlmEmbedResult,
  type ModelTarget,
} from './types';

/** What the runner uses when ActivityDeps.ai.models is not set (the `openai` client's own defaults). */
export const DEFAULT_MODEL_SETTINGS: ModelSettings = {
  defaultModel: 'gpt-4o-mini',
  defaultEmbeddingModel: 'text-embedding-3-small',
};

export function modelClient(deps: ActivityDeps): ModelClient {
  return new ModelClient(deps.ai?.models ?? DEFAULT_MODEL_SETTINGS);
}

export function reportUsage(
  deps: ActivityDeps,
  operation: 'chat' | 'embed',
  model: string,
  usage: TokenUsage,
  instance: string,
): void {
  deps.logger?.debug('model request answered', { operation, model, ...usage, task: instance });
  try {
    deps.ai?.onUsage?.({ model, operation, ...usage });
  } catch {
    // Metrics must never fail a model call that was paid for.
  }
}

export function createLlmChat(deps: ActivityDeps) {
  return async function llmChat(request: LlmChatRequest): Promise<LlmChatResult> {
    const signal = cancellationSignal();
    const client = modelClient(deps);
    const model = request.model ?? client.defaultModel;
    try {
      const endpoint = await resolveModelEndpoint(deps, request.endpoint, request.scope, request.position);
      const turn = await client.chat(
        {
          model,
          messages: request.messages,
          tools: request.tools,
          temperature: request.temperature,
          maxTokens: request.maxTokens,
          responseSchema: request.responseFormat
            ? { name: 'response', schema: request.responseFormat, strict: false }
            : undefined,
        },
        endpoint,
        signal,
      );
      reportUsage(deps, 'chat', turn.model, turn.usage, request.position);
      const result: LlmChatResult = { ...turn };
      if (request.responseFormat && !turn.message.toolCalls?.length) {
        result.data = parseReply(turn.message.content, request.responseFormat, turn.finishReason, request.position);
      }
      return result;
    } catch (e) {
      throw modelFailure(e, request.position, signal);
    }
  };
}

/** The reply as JSON valid against the schema; a `validation` error otherwise (the text is not quoted). */
export function parseReply(content: string | null, schema: Record<string, unknown>, finish: string, instance: string) {
  let data: unknown;
  try {
    data = JSON.parse(content ?? '');
  } catch {
    const why = finish === 'length' ? ' (the reply was cut off at maxTokens)' : '';
    throw failure('validation', `the model's reply is not JSON${why}`, { instance });
  }
  try {
    validateAgainstSchema({ document: schema }, data, "the model's reply (responseFormat)", instance);
  } catch (e) {
    if (isWorkflowFault(e)) throw dslFailure(e.error);
    throw e;
  }
  return data;
}

export function createLlmEmbed(deps: ActivityDeps) {
  return async function llmEmbed(request: LlmEmbedRequest): Promise<LlmEmbedResult> {
    checkInputs(request.input, request.position);
    return embedTexts(deps, request, request.input, request.dimensions);
  };
}

/** Embeds texts for `embed`, `vector-upsert` and `vector-query`; one request per call. */
export async function embedTexts(
  deps: ActivityDeps,
  target: ModelTarget,
  texts: string[],
  dimensions?: number,
): Promise<LlmEmbedResult> {
  const signal = cancellationSignal();
  const client = modelClient(deps);
  const model = target.model ?? client.defaultEmbeddingModel;
  try {
    const endpoint = await resolveModelEndpoint(deps, target.endpoint, target.scope, target.position);
    const result = await client.embed(model, texts, { dimensions, endpoint, signal });
    reportUsage(deps, 'embed', result.model, result.usage, target.position);
    return result;
  } catch (e) {
    throw modelFailure(e, target.position, signal);
  }
}

function checkInputs(input: unknown, instance: string): asserts input is string[] {
  if (!Array.isArray(input) || input.length === 0 || input.some((t) => typeof t !== 'string')) {
    throw failure('configuration', "'input' must be a string or a non-empty list of strings", { instance });
  }
  if (input.length > MAX_EMBED_INPUTS) {
    throw failure(
      'configuration',
      `'input' holds ${input.length} texts, more than ${MAX_EMBED_INPUTS}: embed them in batches, or give the texts to vector-upsert, which embeds them without putting vectors in history`,
      { instance },
    );
  }
}
