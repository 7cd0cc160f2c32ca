/**
 * Argument and result shapes of the runner's activities. Pure types: workflow code imports them with
 * `import type` and calls the activities by name through `scheduleActivity`.
 */
import type { WorkflowErrorData } from '../contract';

/** Re-exported for activity code: the failure type is part of the Temporal contract (contract.ts). */
export { DSL_ERROR_FAILURE_TYPE } from '../contract';

export interface ValidationProblem {
  message: string;
  pointer: string;
  line?: number;
  column?: number;
  kind: string;
}

export type ValidateWorkflowResult =
  { ok: true; workflow: Record<string, unknown> } | { ok: false; problems: ValidationProblem[] };

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
}
