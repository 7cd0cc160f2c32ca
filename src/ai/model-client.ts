/**
 * One request to an OpenAI-compatible endpoint (OpenAI, Azure OpenAI's v1 API, Ollama, vLLM) through the
 * official `openai` client: a chat completion (tool calls, JSON-schema response format, streaming off) or
 * embeddings. The client's own retries are off (`maxRetries: 0`): the activity that calls this decides,
 * through Temporal, when to try again, so a retry survives a worker crash and shows in history.
 *
 * Every setting is passed explicitly (never read from process.env by the client), the client's logging is
 * off (its debug output would carry prompts), and no prompt or completion text is logged here.
 */
import type OpenAI from 'openai';
import type { ChatMessage, ChatToolSpec, TokenUsage } from './model-types';

type OpenAiModule = typeof import('openai');

let openAi: OpenAiModule | undefined;

/**
 * The `openai` package, loaded on the first model request rather than with the worker (about 0.2 s and
 * 10 MB that workflows without AI tasks never need).
 */
async function loadOpenAi(): Promise<OpenAiModule> {
  openAi ??= await import('openai');
  return openAi;
}

/** The `openai` package if a request has loaded it: only then can an error be one of its classes. */
export function loadedOpenAi(): OpenAiModule | undefined {
  return openAi;
}

export interface ModelSettings {
  /** OPENAI_BASE_URL; unset: the client's default, https://api.openai.com/v1. */
  baseUrl?: string;
  /** OPENAI_API_KEY; unset: no authorization header is sent. */
  apiKey?: string;
  defaultModel: string;
  defaultEmbeddingModel: string;
  /** Per-request timeout (default 120 s). */
  requestTimeoutMs?: number;
}

/** Where one request goes: a per-call base URL and `Authorization` header override the settings. */
export interface ModelEndpoint {
  baseUrl?: string;
  /** A full `Authorization` header value (from `with.endpoint.authentication`). */
  authorization?: string;
}

export interface ChatTurnInput {
  model: string;
  messages: ChatMessage[];
  tools?: ChatToolSpec[];
  temperature?: number;
  maxTokens?: number;
  /** A JSON schema the reply must follow (`response_format: json_schema`). */
  responseSchema?: { name: string; schema: Record<string, unknown>; strict: boolean };
}

export interface ChatTurnOutput {
  /** The model that answered, as the endpoint names it. */
  model: string;
  message: ChatMessage;
  finishReason: string;
  usage: TokenUsage;
}

export interface EmbeddingsOutput {
  model: string;
  vectors: number[][];
  usage: TokenUsage;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** The client insists on a key; this one is never sent (the header is removed, see `clientFor`). */
const NO_KEY = 'no-key-configured';

export class ModelClient {
  constructor(private readonly settings: ModelSettings) {}

  get defaultModel(): string {
    return this.settings.defaultModel;
  }

  get defaultEmbeddingModel(): string {
    return this.settings.defaultEmbeddingModel;
  }

  async chat(input: ChatTurnInput, endpoint: ModelEndpoint = {}, signal?: AbortSignal): Promise<ChatTurnOutput> {
    const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
      model: input.model,
      messages: input.messages.map(toWireMessage),
      stream: false,
    };
    if (input.tools && input.tools.length > 0) {
      body.tools = input.tools.map((t) => ({
        type: 'function' as const,
        function: { name: t.name, description: t.description, parameters: t.parameters },
      }));
    }
    if (input.temperature !== undefined) body.temperature = input.temperature;
    if (input.maxTokens !== undefined) body.max_tokens = input.maxTokens;
    if (input.responseSchema) {
      body.response_format = {
        type: 'json_schema',
        json_schema: {
          name: input.responseSchema.name,
          schema: input.responseSchema.schema,
          strict: input.responseSchema.strict,
        },
      };
    }
    const completion = await (await this.clientFor(endpoint)).chat.completions.create(body, { signal });
    const choice = completion.choices?.[0];
    if (!choice) throw new ModelReplyError('the endpoint answered without a choice');
    return {
      model: completion.model || input.model,
      message: fromWireMessage(choice.message),
      finishReason: choice.finish_reason ?? 'stop',
      usage: {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      },
    };
  }

  async embed(
    model: string,
    inputs: string[],
    options: { dimensions?: number; endpoint?: ModelEndpoint; signal?: AbortSignal } = {},
  ): Promise<EmbeddingsOutput> {
    const body: OpenAI.EmbeddingCreateParams = { model, input: inputs };
    if (options.dimensions !== undefined) body.dimensions = options.dimensions;
    const client = await this.clientFor(options.endpoint ?? {});
    const response = await client.embeddings.create(body, { signal: options.signal });
    const vectors: number[][] = new Array(inputs.length);
    for (const item of response.data ?? []) vectors[item.index] = Array.from(item.embedding);
    if (vectors.some((v) => !Array.isArray(v)) || vectors.length !== inputs.length) {
      throw new ModelReplyError(
        `the endpoint returned ${response.data?.length ?? 0} embeddings for ${inputs.length} inputs`,
      );
    }
    const tokens = response.usage?.prompt_tokens ?? 0;
    return { model: response.model || model, vectors, usage: { inputTokens: tokens, outputTokens: 0 } };
  }

  private async clientFor(endpoint: ModelEndpoint): Promise<OpenAI> {
    const authorization = endpoint.authorization ?? (this.settings.apiKey ? undefined : null);
    const { default: OpenAiClient } = await loadOpenAi();
    return new OpenAiClient({
      baseURL: endpoint.baseUrl ?? this.settings.baseUrl ?? 'https://api.openai.com/v1',
      apiKey: endpoint.authorization !== undefined ? NO_KEY : (this.settings.apiKey ?? NO_KEY),
      organization: null,
      project: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: this.settings.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      logLevel: 'off',
      // An explicit header replaces the configured key; null removes the header when there is no key.
      defaultHeaders: authorization === undefined ? undefined : { authorization },
      // A call's own endpoint passed the network policy (model-endpoint.ts); a redirect would take the
      // request (and its key) to an address that was never checked, so it is not followed: the 3xx
      // answer fails the call as any other non-2xx does.
      fetchOptions: endpoint.baseUrl !== undefined ? { redirect: 'manual' } : undefined,
    });
  }
}

/** A 200 answer that is not a usable completion. */
export class ModelReplyError extends Error {
  override readonly name = 'ModelReplyError';
}

function toWireMessage(message: ChatMessage): OpenAI.Chat.ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content ?? '' };
    case 'user':
      return { role: 'user', content: message.content ?? '' };
    case 'tool':
      return { role: 'tool', content: message.content ?? '', tool_call_id: message.toolCallId ?? '' };
    default: {
      const wire: OpenAI.Chat.ChatCompletionAssistantMessageParam = { role: 'assistant', content: message.content };
      if (message.toolCalls && message.toolCalls.length > 0) {
        wire.tool_calls = message.toolCalls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: { name: c.name, arguments: c.arguments },
        }));
      }
      return wire;
    }
  }
}

function fromWireMessage(message: OpenAI.Chat.ChatCompletionMessage): ChatMessage {
  const out: ChatMessage = { role: 'assistant', content: message.content ?? null };
  const calls = (message.tool_calls ?? []).filter(
    (c): c is OpenAI.Chat.ChatCompletionMessageFunctionToolCall => c.type === 'function',
  );
  if (calls.length > 0) {
    out.toolCalls = calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '{}' }));
  }
  return out;
}
