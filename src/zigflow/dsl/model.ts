/**
 * The DSL 1.0.x workflow model: the document as plain JSON, typed. The loader hands the interpreter only
 * documents that passed the spec's JSON schema and the semantic checks, so these types describe what the
 * interpreter may rely on; everything is readonly (a run never changes its definition, it copies).
 * Task definitions form a union discriminated by their kind key (`call`, `do`, `for`, ...), see tasks.ts.
 * Values that may hold runtime expressions anywhere inside (a `set` map, call arguments, templates) are
 * `unknown`: the evaluator walks them.
 *
 * Sandbox-safe and dependency-free: workflow code, activities and the loader all read documents through it.
 */

/** DSL versions the runner executes (the conformance kit's documents use 1.0.3). */
export const SUPPORTED_DSL_VERSIONS: readonly string[] = ['1.0.0', '1.0.1', '1.0.2', '1.0.3'];

/** A runtime expression (`${ ... }`, or bare jq in fields that are expressions by definition). */
export type RuntimeExpression = string;

/** A JSON object read from the document (keys and values as written). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Inline `{ days, hours, minutes, seconds, milliseconds }`, an ISO 8601 duration or an expression. */
export type Duration =
  string | Readonly<{ days?: number; hours?: number; minutes?: number; seconds?: number; milliseconds?: number }>;

/** Flow directives of `then`; any other string names a task in the same list. */
export type FlowDirective = 'continue' | 'exit' | 'end' | (string & {});

export type EvaluationMode = 'strict' | 'loose';

/** `{ use: name }` of `use.authentications`, a bare name, or an inline policy (checked by the activity). */
export type AuthenticationReference = string | Readonly<{ use: string }> | JsonObject;

/** A URI (template), an expression, or `{ uri, authentication }`. */
export type Endpoint = string | Readonly<{ uri: string; authentication?: AuthenticationReference }>;

export interface ExternalResource {
  readonly name?: string;
  readonly endpoint: Endpoint;
}

/** `{ format?, document }` or `{ format?, resource }` (JSON Schema 2020-12 unless `format` says otherwise). */
export interface SchemaDefinition {
  readonly format?: string;
  readonly document?: unknown;
  readonly resource?: ExternalResource;
}

export interface InputDefinition {
  readonly schema?: SchemaDefinition;
  readonly from?: RuntimeExpression | JsonObject;
}

export interface OutputDefinition {
  readonly schema?: SchemaDefinition;
  readonly as?: RuntimeExpression | JsonObject;
}

export type ExportDefinition = OutputDefinition;

export interface TimeoutDefinition {
  readonly after: Duration;
}

/** An error as `raise` and `use.errors` define it (RFC 7807 problem details; fields may be expressions). */
export interface ErrorDefinition {
  readonly type: string;
  readonly status: number;
  readonly title?: string;
  readonly detail?: string;
  readonly instance?: string;
}

export interface RetryPolicyDefinition {
  readonly when?: RuntimeExpression;
  readonly exceptWhen?: RuntimeExpression;
  readonly delay?: Duration;
  readonly backoff?: Readonly<{ constant?: JsonObject; linear?: JsonObject; exponential?: JsonObject }>;
  readonly limit?: Readonly<{
    attempt?: Readonly<{ count?: number; duration?: Duration }>;
    duration?: Duration;
  }>;
  readonly jitter?: Readonly<{ from: Duration; to: Duration }>;
}

/** Fields every task may have (the spec's `taskBase`). */
export interface TaskBase {
  readonly if?: RuntimeExpression;
  readonly input?: InputDefinition;
  readonly output?: OutputDefinition;
  readonly export?: ExportDefinition;
  readonly timeout?: TimeoutDefinition | string;
  readonly then?: FlowDirective;
  readonly metadata?: JsonObject;
}

/** An ordered list of named tasks: each entry holds exactly one `name: task` pair. */
export type TaskList = readonly Readonly<Record<string, TaskDefinition>>[];

/** `call`: a built-in (`http`, `grpc`, `openapi`, `asyncapi`, `a2a`, `mcp`) or a `use.functions` name. */
export interface CallTask extends TaskBase {
  readonly call: string;
  readonly with?: JsonObject;
}

export interface DoTask extends TaskBase {
  readonly do: TaskList;
}

export interface EmitTask extends TaskBase {
  readonly emit: Readonly<{ event: Readonly<{ with?: JsonObject }> }>;
}

export interface ForTask extends TaskBase {
  /** `in`: an expression, or (Open Workflow Specification, next version) an inline array of objects. */
  readonly for: Readonly<{ each?: string; in: RuntimeExpression | readonly JsonObject[]; at?: string }>;
  readonly while?: RuntimeExpression;
  readonly do: TaskList;
}

export interface ForkTask extends TaskBase {
  readonly fork: Readonly<{ branches: TaskList; compete?: boolean }>;
}

/** A `listen` filter: attributes the event must carry, and correlation keys. */
export interface EventFilter {
  readonly with?: JsonObject;
  readonly correlate?: Readonly<Record<string, Readonly<{ from: RuntimeExpression; expect?: string }>>>;
}

/** `one`, `all` or `any` (with `until`: an expression, or another strategy whose event ends the listen). */
export interface EventConsumptionStrategy {
  readonly one?: EventFilter;
  readonly all?: readonly EventFilter[];
  readonly any?: readonly EventFilter[];
  readonly until?: RuntimeExpression | EventConsumptionStrategy;
}

export interface ListenTask extends TaskBase {
  readonly listen: Readonly<{ to: EventConsumptionStrategy; read?: 'data' | 'envelope' | 'raw' }>;
  readonly foreach?: Readonly<{ item?: string; at?: string; do?: TaskList }>;
}

export interface RaiseTask extends TaskBase {
  /** Inline, or the name of a `use.errors` entry. */
  readonly raise: Readonly<{ error: ErrorDefinition | string }>;
}

/** `run: workflow`: a definition registered with the runner. */
export interface WorkflowProcess {
  readonly namespace: string;
  readonly name: string;
  readonly version?: string;
  readonly input?: JsonObject;
}

/** `run: shell | script | container`: arguments evaluated as a template, checked by the activity. */
export type ProcessDefinition = JsonObject & Readonly<{ source?: ExternalResource }>;

export interface RunDefinition {
  readonly await?: boolean;
  readonly return?: 'stdout' | 'stderr' | 'code' | 'all' | 'none';
  readonly workflow?: WorkflowProcess;
  readonly shell?: ProcessDefinition;
  readonly script?: ProcessDefinition;
  readonly container?: ProcessDefinition;
}

export interface RunTask extends TaskBase {
  readonly run: RunDefinition;
}

export interface SetTask extends TaskBase {
  /** A map of values and expressions, or one expression. */
  readonly set: JsonObject | RuntimeExpression;
}

/** A `switch` case: `when` (none = the default case) and the flow directive it selects. */
export interface SwitchCase {
  readonly when?: RuntimeExpression;
  readonly then?: FlowDirective;
}

export interface SwitchTask extends TaskBase {
  readonly switch: readonly Readonly<Record<string, SwitchCase>>[];
}

export interface CatchDefinition {
  readonly errors?: Readonly<{ with?: JsonObject }>;
  readonly as?: string;
  readonly when?: RuntimeExpression;
  readonly exceptWhen?: RuntimeExpression;
  /** Inline, or the name of a `use.retries` entry. */
  readonly retry?: RetryPolicyDefinition | string;
  readonly do?: TaskList;
}

export interface TryTask extends TaskBase {
  readonly try: TaskList;
  readonly catch: CatchDefinition;
}

export interface WaitTask extends TaskBase {
  readonly wait: Duration;
}

/** Task kind → its definition. A task's kind is the one kind key it holds (tasks.ts `namedTask`). */
export interface TaskByKind {
  call: CallTask;
  do: DoTask;
  emit: EmitTask;
  for: ForTask;
  fork: ForkTask;
  listen: ListenTask;
  raise: RaiseTask;
  run: RunTask;
  set: SetTask;
  switch: SwitchTask;
  try: TryTask;
  wait: WaitTask;
}

export type TaskKind = keyof TaskByKind;

export type TaskDefinition = TaskByKind[TaskKind];

export interface WorkflowHeader {
  readonly dsl: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly title?: string;
  readonly summary?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly metadata?: JsonObject;
}

export interface UseDefinitions {
  readonly authentications?: Readonly<Record<string, AuthenticationReference>>;
  readonly errors?: Readonly<Record<string, ErrorDefinition>>;
  readonly extensions?: readonly JsonObject[];
  readonly functions?: Readonly<Record<string, TaskDefinition>>;
  readonly retries?: Readonly<Record<string, RetryPolicyDefinition>>;
  readonly secrets?: readonly string[];
  readonly timeouts?: Readonly<Record<string, TimeoutDefinition>>;
  readonly catalogs?: Readonly<Record<string, JsonObject>>;
}

export interface ScheduleDefinition {
  readonly every?: Duration;
  readonly cron?: string;
  readonly after?: Duration;
  readonly on?: EventConsumptionStrategy;
}

/** A validated workflow document. */
export interface WorkflowDocument {
  readonly document: WorkflowHeader;
  readonly input?: InputDefinition;
  readonly use?: UseDefinitions;
  readonly do: TaskList;
  readonly timeout?: TimeoutDefinition | string;
  readonly output?: OutputDefinition;
  readonly schedule?: ScheduleDefinition;
  readonly evaluate?: Readonly<{ mode?: EvaluationMode; language?: string }>;
}

/** Whether a value read from a document (or produced from one) is a JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
