/**
 * Argument and result shapes of the runner's activities. Pure types: workflow code imports them with
 * `import type` and calls the activities by name through `scheduleActivity`.
 */
import type { ChatMessage, ChatToolSpec, TokenUsage } from '../../ai/model-types';
import type { WorkflowErrorData } from '../contract';
import type { WorkflowDocument } from '../../zigflow/dsl/model';

export type { ChatMessage, ChatRole, ChatToolCall, ChatToolSpec, TokenUsage } from '../../ai/model-types';

/** Re-exported for activity code: the failure type is part of the Temporal contract (contract.ts). */
export { DSL_ERROR_FAILURE_TYPE, RETRYABLE_DSL_ERROR_FAILURE_TYPE } from '../contract';

export interface ValidationProblem {
  message: string;
  pointer: string;
  line?: number;
  column?: number;
  kind: string;
}

export type ValidateWorkflowResult =
  { ok: true; workflow: WorkflowDocument } | { ok: false; problems: ValidationProblem[] };

/**
 * What an activity needs to finish evaluating expressions that read `$secrets`: the task's transformed
 * input, the non-secret runtime arguments and the sealed secrets (opened only inside the activity).
 */
export interface DeferredScope {
  input: unknown;
  variables: Record<string, unknown>;
  /** Secret name → sealed value. */
  sealedSecrets: Record<string, string>;
  env: Record<string, string>;
  /** The document's `evaluate.mode`, so loose-mode strings interpolate `$secrets` too. */
  mode?: 'strict' | 'loose';
}

export interface HttpCallRequest {
  /** JSON pointer of the task (error `instance`). */
  position: string;
  /** The `with` of a `call: http` task, evaluated except for `$secrets` expressions (deferred markers). */
  args: Record<string, unknown>;
  scope: DeferredScope;
  /**
   * Set when the task's `output.as`/`export.as` reads `$authorization`: the result is then an
   * {@link AuthorizedResult} instead of the bare output.
   */
  describeAuthorization?: boolean;
}

export type OpenApiCallRequest = HttpCallRequest;

/**
 * `call: mcp`. `args` is the task's `with` evaluated by workflow code except `$secrets` expressions:
 * `{ method, parameters?, protocolVersion?, timeout?, client?: { name, version },
 *    transport: { http: { endpoint, headers? } } | { stdio: { command, arguments?, environment? } } }`,
 * with `use.authentications` names on the endpoint already replaced by their definitions.
 * Result: the JSON-RPC result of `method`.
 */
export interface McpCallRequest {
  position: string;
  args: Record<string, unknown>;
  scope: DeferredScope;
}

/**
 * `call: a2a`. `args`: `{ method, parameters?, agentCard?: { endpoint }, server? }` as for MCP. The card's
 * security schemes are matched by name against `authentications` (the document's `use.authentications`, as
 * evaluated for the call). Result: the JSON-RPC result; for `message/stream` and `tasks/resubscribe` the
 * ordered array of every streamed result.
 */
export interface A2aCallRequest {
  position: string;
  args: Record<string, unknown>;
  scope: DeferredScope;
  authentications?: Record<string, unknown>;
}

/**
 * `call: asyncapi`. `args`: `{ document: { endpoint }, operation? | channel?, server?: { name, variables? },
 * protocol?, message?: { payload?, headers? } | subscription?: { filter?, consume, foreach? },
 * authentication? }`. `filter`, `consume.while` and `consume.until` arrive unevaluated (they are evaluated per
 * message, in the activity, with `scope`). Result: `null` after a publish; after a subscription the ordered
 * array of consumed messages `{ payload, headers?, correlationId?, topic }` (`foreach` runs in workflow code).
 * A subscription ends at the first bound reached: `amount` messages, `for` (else the runner's longest
 * consumption), `while` false after a message, `until` true before one.
 */
export interface AsyncApiCallRequest {
  position: string;
  args: Record<string, unknown>;
  scope: DeferredScope;
}

export type GrpcCallRequest = HttpCallRequest;

/** `$authorization`: the scheme in clear, the parameter sealed for this execution (`sealed:bound:v1:`). */
export interface AuthorizationDescriptor {
  scheme: string;
  /** Null when the runner has no secrets key to seal it with. */
  parameter: string | null;
}

export interface AuthorizedResult {
  output: unknown;
  /** Null when the call used no authentication. */
  authorization: AuthorizationDescriptor | null;
}

export interface EmitEventRequest {
  position: string;
  /** A complete CloudEvent (structured mode JSON), built deterministically by workflow code. */
  event: Record<string, unknown>;
}

export interface RunProcessRequest {
  position: string;
  args: Record<string, unknown>;
  scope: DeferredScope;
}

export interface ResolveWorkflowRequest {
  namespace: string;
  name: string;
  version?: string;
}

/** One schema resource to fetch: its URI as written, its evaluated endpoint, the pointer of its first use. */
export interface SchemaResource {
  uri: string;
  /** `resource.endpoint` with `use.authentications` names resolved and `$secrets` expressions deferred. */
  endpoint: unknown;
  /** JSON pointer of the first schema using this URI (error `instance`). */
  instance: string;
}

export interface FetchSchemasRequest {
  resources: SchemaResource[];
  scope: DeferredScope;
}

export type ActivityErrorData = WorkflowErrorData;

/**
 * `fetchCatalogFunction`: the definition (a task) of `name:version@catalog`, from `functions/{name}/{version}/
 * function.yaml` under the catalog's endpoint (GitHub/GitLab browsing URIs read raw), or from the operator's
 * folder for the `default` catalog. Cached per worker by URL; workflow code asks once per run and function.
 */
export interface FetchCatalogFunctionRequest {
  /** JSON pointer of the calling task (error `instance`). */
  position: string;
  catalog: string;
  name: string;
  version: string;
  /**
   * `use.catalogs.<catalog>.endpoint` (a URI or `{ uri, authentication }`, `use.authentications` names
   * resolved, `$secrets` deferred); absent for the runner's own `default` catalog.
   */
  endpoint?: unknown;
  scope: DeferredScope;
}

/**
 * Where a default-catalog function sends its model requests: `model` (else LLM_DEFAULT_MODEL or
 * LLM_DEFAULT_EMBEDDING_MODEL) and `endpoint` (a base URL or `{ uri, authentication }` with `use.authentications`
 * names resolved and `$secrets` deferred; else OPENAI_BASE_URL with OPENAI_API_KEY).
 */
export interface ModelTarget {
  /** JSON pointer of the task (error `instance`). */
  position: string;
  model?: string;
  endpoint?: unknown;
  scope: DeferredScope;
}

/** `llmChat`: one chat completion. `chat:1.0.0@default` is one; `agent:1.0.0@default` makes one per turn. */
export interface LlmChatRequest extends ModelTarget {
  messages: ChatMessage[];
  tools?: ChatToolSpec[];
  temperature?: number;
  maxTokens?: number;
  /** A JSON schema: the reply is requested as JSON (`response_format: json_schema`), parsed and validated. */
  responseFormat?: Record<string, unknown>;
}

export interface LlmChatResult {
  /** The model that answered, as the endpoint names it. */
  model: string;
  /** The assistant's message: text, tool calls or both. */
  message: ChatMessage;
  /** `stop`, `length`, `tool_calls`, `content_filter`. */
  finishReason: string;
  usage: TokenUsage;
  /** The parsed reply, when `responseFormat` was given and the model answered (no tool calls). */
  data?: unknown;
}

/** `llmEmbed`: `embed:1.0.0@default`. At most {@link MAX_EMBED_INPUTS} texts, so history stays bounded. */
export interface LlmEmbedRequest extends ModelTarget {
  input: string[];
  dimensions?: number;
}

export interface LlmEmbedResult {
  model: string;
  vectors: number[][];
  usage: TokenUsage;
}

export const MAX_EMBED_INPUTS = 256;

/**
 * One MCP server of an agent's `tools`: the connection arguments of `call: mcp` (`transport` with `http` or
 * `stdio`, `protocolVersion`, `client`, `timeout`), `use.authentications` names resolved, `$secrets` deferred.
 * The stdio opt-in and command allow-list of `call: mcp` apply.
 */
export interface AgentToolServerRequest {
  position: string;
  server: Record<string, unknown>;
  scope: DeferredScope;
}

/** `agentListTools`: the server's tools (`tools/list`), descriptions bounded. */
export interface AgentListToolsResult {
  tools: ChatToolSpec[];
}

/** `agentCallTool`: one `tools/call`; the result's text is cut to `maxResultChars` before it enters history. */
export interface AgentCallToolRequest extends AgentToolServerRequest {
  tool: string;
  arguments: Record<string, unknown>;
  maxResultChars: number;
}

export interface AgentCallToolResult {
  /** The result's text content (structured content as JSON), truncated to `maxResultChars`. */
  content: string;
  /** The tool reported an error (`isError`): the model is told, the loop goes on. */
  isError: boolean;
  truncated: boolean;
}

export interface VectorItem {
  id: string;
  /** Given, or embedded from `text` inside the activity (vectors of texts never enter history). */
  vector?: number[];
  text?: string;
  metadata?: Record<string, unknown>;
}

/** `vectorUpsert`: `vector-upsert:1.0.0@default`. The collection is created on first use. */
export interface VectorUpsertRequest extends ModelTarget {
  collection: string;
  items: VectorItem[];
  dimensions?: number;
}

export interface VectorUpsertResult {
  upserted: number;
  collection: string;
  /** Set when texts were embedded. */
  model?: string;
  usage?: TokenUsage;
}

/** `vectorQuery`: `vector-query:1.0.0@default`: nearest neighbours by cosine similarity. */
export interface VectorQueryRequest extends ModelTarget {
  collection: string;
  vector?: number[];
  text?: string;
  topK: number;
  /** Metadata every match must contain (JSON containment). */
  filter?: Record<string, unknown>;
  dimensions?: number;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity, 1 = same direction. */
  score: number;
  metadata: Record<string, unknown>;
  /** The text stored with the item, if any. */
  text?: string;
}

export interface VectorQueryResult {
  matches: VectorMatch[];
  collection: string;
  model?: string;
  usage?: TokenUsage;
}

/** The activity functions (names are what the Temporal UI shows). */
export interface RunnerActivities {
  validateWorkflow(yamlText: string): Promise<ValidateWorkflowResult>;
  /** Local no-op: ends the current activation so long pure-data stretches never trip the deadlock detector. */
  yieldPoint(): Promise<void>;
  callHttp(request: HttpCallRequest): Promise<unknown>;
  callOpenApi(request: OpenApiCallRequest): Promise<unknown>;
  callGrpc(request: GrpcCallRequest): Promise<unknown>;
  callMcp(request: McpCallRequest): Promise<unknown>;
  callA2a(request: A2aCallRequest): Promise<unknown>;
  callAsyncApi(request: AsyncApiCallRequest): Promise<unknown>;
  emitEvent(request: EmitEventRequest): Promise<void>;
  runShell(request: RunProcessRequest): Promise<unknown>;
  runScript(request: RunProcessRequest): Promise<unknown>;
  runContainer(request: RunProcessRequest): Promise<unknown>;
  resolveWorkflowDefinition(request: ResolveWorkflowRequest): Promise<string>;
  /** The external schemas of a document, parsed, keyed by the URI as written. */
  fetchSchemas(request: FetchSchemasRequest): Promise<Record<string, unknown>>;
  /** A cataloged function's task definition. */
  fetchCatalogFunction(request: FetchCatalogFunctionRequest): Promise<Record<string, unknown>>;
  llmChat(request: LlmChatRequest): Promise<LlmChatResult>;
  llmEmbed(request: LlmEmbedRequest): Promise<LlmEmbedResult>;
  vectorUpsert(request: VectorUpsertRequest): Promise<VectorUpsertResult>;
  vectorQuery(request: VectorQueryRequest): Promise<VectorQueryResult>;
  agentListTools(request: AgentToolServerRequest): Promise<AgentListToolsResult>;
  agentCallTool(request: AgentCallToolRequest): Promise<AgentCallToolResult>;
}
