/** The typed, grouped configuration of the runner, built once from the validated environment. */
import { DEFAULT_POOL_SIZE } from '../ai/vector-backends';
import { type KeyRing, loadKeyRing } from '../codec/key-ring';
import { parseSealingKey } from '../secrets/sealing';
import type { CONTAINER_RUNTIMES, LOG_LEVELS, NODE_ENVS, OTLP_PROTOCOLS, RunnerEnvironment } from './environment';
import { parseBoolean, parseDuration, parseList } from './parse';

export type LogLevel = (typeof LOG_LEVELS)[number];
export type NodeEnv = (typeof NODE_ENVS)[number];
export type ContainerRuntime = (typeof CONTAINER_RUNTIMES)[number];

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** How long running activities may finish after SIGTERM before the worker gives up on them. */
  shutdownGraceMs: number;
  /** Prebuilt workflow bundle (container images); unset: the worker bundles the workflow code at start. */
  workflowBundlePath?: string;
}

export interface CallbackConfig {
  /** Unset: progress callbacks are disabled. */
  endpoint?: string;
  apiKey?: string;
  useTls: boolean;
  /** PEM file of a private CA; verification stays on either way. */
  caFile?: string;
  /** Deadline of each report_progress call. */
  callTimeoutMs: number;
  /** Attempts per event, whatever the gRPC code, before it is given up; 0 = no limit. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Event bodies held in memory per execution; later ones are read back from Temporal when their turn comes. */
  queueLimit: number;
  /** Event bodies held in memory across executions. */
  totalLimit: number;
  /** An execution whose oldest undelivered event waited this long is given up (counted); 0 = never. */
  giveUpAfterMs: number;
  /** How often a replica checkpoints what it has not delivered into the delivery ledger (when it changed). */
  checkpointIntervalMs: number;
  /** The longest a replica stays silent in the ledger (a checkpoint with no change is its heartbeat). */
  heartbeatIntervalMs: number;
  /** A replica silent this long is presumed dead: another one re-delivers its undelivered events. */
  deadAfterMs: number;
}

export interface ServerConfig {
  grpcPort: number;
  healthPort: number;
  metricsPort: number;
  logLevel: LogLevel;
  /** NODE_ENV: `development` asks for readable logs, `production` for JSON lines. */
  nodeEnv?: NodeEnv;
  /** Largest workflow document accepted by execute. */
  maxWorkflowBytes: number;
  /** Directory of workflow definitions (*.yaml, *.yml) registered at start (e.g. a mounted ConfigMap). */
  definitionsDir?: string;
}

export interface RuntimeConfig {
  /** Key that seals secret environment entries; unset: secret entries are refused. */
  secretsKey?: Buffer;
  /** Hosts that call tasks may reach although they sit in a blocked range (link-local, cloud metadata). */
  httpAllowedHosts: string[];
  /** Also block loopback and private networks (SSRF hardening for multi-tenant deployments). */
  httpBlockPrivateNetworks: boolean;
  httpTimeoutMs: number;
  httpMaxResponseBytes: number;
  shellEnabled: boolean;
  scriptEnabled: boolean;
  runTimeoutMs: number;
  containerRuntime: ContainerRuntime;
  eventSinkUrl?: string;
  /** `call: mcp` over stdio starts a process on the worker: refused unless enabled. */
  mcpStdioEnabled: boolean;
  /** Allowed stdio servers: each entry a command and the leading arguments it must be called with. */
  mcpStdioCommands: string[][];
  /** Bound of one MCP call when the task sets no `timeout`. */
  mcpTimeoutMs: number;
  /** Longest an AsyncAPI subscription consumes when its `consume` sets no `for`. */
  asyncApiMaxConsumeMs: number;
  /** Tasks a run may execute without waiting on anything durable before it stops as a runaway loop. */
  maxTasksWithoutWait: number;
  /** Pure-data work one workflow activation may do before the run yields (in work units once started). */
  sliceMs: number;
  /** Run call: http/openapi/grpc as local activities (WORKFLOW_LOCAL_CALLS). */
  localCalls: boolean;
}

/** Model providers, the vector store and catalogs (the `@default` catalog's functions, `use.catalogs`). */
export interface AiConfig {
  /** OpenAI-compatible endpoint (OPENAI_BASE_URL); unset: the `openai` client's default (api.openai.com). */
  baseUrl?: string;
  /** OPENAI_API_KEY: a secret, never logged. Unset: requests carry no key (Ollama, vLLM without keys). */
  apiKey?: string;
  defaultModel: string;
  defaultEmbeddingModel: string;
  requestTimeoutMs: number;
  /** Directory of the embedded vector store (PGlite); relative to the working directory. */
  vectorStoreDir: string;
  /** PostgreSQL with pgvector; when set it replaces the embedded store. A secret (may hold a password). */
  vectorStoreUrl?: string;
  /** Connections kept open to VECTOR_STORE_URL at most. */
  vectorStorePoolSize: number;
  /** Operator-provided functions of the `default` catalog: `functions/{name}/{version}/function.yaml`. */
  defaultCatalogDir?: string;
}

export interface EncryptionConfig {
  /** Keys of the payload codec; unset: payloads are written in clear (and read either way). */
  keyRing?: KeyRing;
  codecServer: CodecServerConfig;
}

export interface CodecServerConfig {
  /** Bearer token required on `/codec/*`; unset: the endpoint is off unless allowUnauthenticated. */
  authToken?: string;
  /** Serve `/codec/*` without a token (local Web UI without login only). */
  allowUnauthenticated: boolean;
  /** Browser origins (the Temporal Web UI's) allowed to call the endpoint; `*` allows any. */
  corsOrigins: string[];
}

export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export interface TracingConfig {
  /** An OTLP endpoint is set and neither OTEL_SDK_DISABLED nor OTEL_TRACES_EXPORTER=none turn it off. */
  enabled: boolean;
  protocol: OtlpProtocol;
  serviceName: string;
}

export interface RunnerConfig {
  temporal: TemporalConfig;
  callback: CallbackConfig;
  server: ServerConfig;
  runtime: RuntimeConfig;
  ai: AiConfig;
  encryption: EncryptionConfig;
  tracing: TracingConfig;
}

export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';
export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small';

export const DEFAULT_MAX_WORKFLOW_BYTES = 1024 * 1024;

const duration = (text: string | undefined, fallback: string): number => parseDuration(text ?? fallback) as number;
const bool = (text: string | undefined, fallback: boolean): boolean =>
  text === undefined ? fallback : (parseBoolean(text) as boolean);
const int = (text: string | undefined, fallback: number): number => (text === undefined ? fallback : Number(text));

/** Builds the grouped config from an environment that already passed validation. */
export function buildRunnerConfig(env: RunnerEnvironment): RunnerConfig {
  return {
    temporal: {
      address: env.TEMPORAL_SERVICE_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'workflow-runner',
      shutdownGraceMs: duration(env.WORKER_SHUTDOWN_GRACE, '30s'),
      workflowBundlePath: env.TEMPORAL_WORKFLOW_BUNDLE,
    },
    callback: {
      endpoint: env.STIGMER_SERVICE_ENDPOINT,
      apiKey: env.STIGMER_SERVICE_API_KEY,
      useTls: bool(env.STIGMER_SERVICE_USE_TLS, true),
      caFile: env.STIGMER_SERVICE_CA_FILE,
      callTimeoutMs: duration(env.CALLBACK_TIMEOUT, '5s'),
      maxAttempts: int(env.CALLBACK_MAX_ATTEMPTS, 0),
      initialBackoffMs: duration(env.CALLBACK_INITIAL_BACKOFF, '200ms'),
      maxBackoffMs: duration(env.CALLBACK_MAX_BACKOFF, '30s'),
      queueLimit: int(env.CALLBACK_QUEUE_LIMIT, 1000),
      totalLimit: int(env.CALLBACK_QUEUE_TOTAL_LIMIT, 100_000),
      giveUpAfterMs: duration(env.CALLBACK_GIVE_UP_AFTER, '0'),
      checkpointIntervalMs: duration(env.CALLBACK_CHECKPOINT_INTERVAL, '2s'),
      heartbeatIntervalMs: duration(env.CALLBACK_HEARTBEAT_INTERVAL, '5s'),
      deadAfterMs: duration(env.CALLBACK_REPLICA_DEAD_AFTER, '30s'),
    },
    server: {
      grpcPort: int(env.GRPC_PORT, 50051),
      healthPort: int(env.HEALTH_PORT, 3000),
      metricsPort: int(env.METRICS_PORT, 9090),
      logLevel: (env.LOG_LEVEL as LogLevel | undefined) ?? 'info',
      nodeEnv: env.NODE_ENV as NodeEnv | undefined,
      maxWorkflowBytes: int(env.MAX_WORKFLOW_BYTES, DEFAULT_MAX_WORKFLOW_BYTES),
      definitionsDir: env.WORKFLOW_DEFINITIONS_DIR,
    },
    runtime: {
      secretsKey: env.RUNNER_SECRETS_KEY === undefined ? undefined : parseSealingKey(env.RUNNER_SECRETS_KEY),
      httpAllowedHosts: parseList(env.CALL_HTTP_ALLOWED_HOSTS),
      httpBlockPrivateNetworks: bool(env.CALL_HTTP_BLOCK_PRIVATE_NETWORKS, false),
      httpTimeoutMs: duration(env.CALL_HTTP_TIMEOUT, '30s'),
      httpMaxResponseBytes: int(env.CALL_HTTP_MAX_RESPONSE_BYTES, 10 * 1024 * 1024),
      shellEnabled: bool(env.RUN_SHELL_ENABLED, false),
      scriptEnabled: bool(env.RUN_SCRIPT_ENABLED, false),
      runTimeoutMs: duration(env.RUN_TIMEOUT, '5m'),
      containerRuntime: (env.CONTAINER_RUNTIME as ContainerRuntime | undefined) ?? 'none',
      eventSinkUrl: env.EVENT_SINK_URL,
      mcpStdioEnabled: bool(env.CALL_MCP_STDIO_ENABLED, false),
      mcpStdioCommands: parseList(env.CALL_MCP_STDIO_COMMANDS).map((entry) => entry.split(' ')),
      mcpTimeoutMs: duration(env.CALL_MCP_TIMEOUT, '60s'),
      asyncApiMaxConsumeMs: duration(env.CALL_ASYNCAPI_MAX_CONSUME, '1h'),
      maxTasksWithoutWait: int(env.WORKFLOW_MAX_TASKS_WITHOUT_WAIT, 1_000_000),
      sliceMs: duration(env.WORKFLOW_SLICE, '1s'),
      localCalls: bool(env.WORKFLOW_LOCAL_CALLS, false),
    },
    ai: {
      baseUrl: env.OPENAI_BASE_URL,
      apiKey: env.OPENAI_API_KEY,
      defaultModel: env.LLM_DEFAULT_MODEL ?? DEFAULT_LLM_MODEL,
      defaultEmbeddingModel: env.LLM_DEFAULT_EMBEDDING_MODEL ?? DEFAULT_EMBEDDING_MODEL,
      requestTimeoutMs: duration(env.LLM_REQUEST_TIMEOUT, '120s'),
      vectorStoreDir: env.VECTOR_STORE_DIR ?? '.vector-store',
      vectorStoreUrl: env.VECTOR_STORE_URL,
      vectorStorePoolSize: int(env.VECTOR_STORE_POOL_SIZE, DEFAULT_POOL_SIZE),
      defaultCatalogDir: env.DEFAULT_CATALOG_DIR,
    },
    encryption: encryptionConfig(env),
    tracing: tracingConfig(env),
  };
}

export function encryptionConfig(
  env: Pick<
    RunnerEnvironment,
    | 'PAYLOAD_ENCRYPTION_KEYS_DIR'
    | 'PAYLOAD_ENCRYPTION_KEY_ID'
    | 'CODEC_SERVER_AUTH_TOKEN'
    | 'CODEC_SERVER_ALLOW_UNAUTHENTICATED'
    | 'CODEC_SERVER_CORS_ORIGINS'
  >,
): EncryptionConfig {
  return {
    keyRing: env.PAYLOAD_ENCRYPTION_KEYS_DIR
      ? loadKeyRing(env.PAYLOAD_ENCRYPTION_KEYS_DIR, env.PAYLOAD_ENCRYPTION_KEY_ID)
      : undefined,
    codecServer: {
      authToken: env.CODEC_SERVER_AUTH_TOKEN,
      allowUnauthenticated: bool(env.CODEC_SERVER_ALLOW_UNAUTHENTICATED, false),
      corsOrigins: parseList(env.CODEC_SERVER_CORS_ORIGINS),
    },
  };
}

function tracingConfig(env: RunnerEnvironment): TracingConfig {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const off = bool(env.OTEL_SDK_DISABLED, false) || env.OTEL_TRACES_EXPORTER === 'none';
  return {
    enabled: endpoint !== undefined && !off,
    protocol: (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
      env.OTEL_EXPORTER_OTLP_PROTOCOL ??
      'http/protobuf') as OtlpProtocol,
    serviceName: env.OTEL_SERVICE_NAME ?? 'workflow-runner',
  };
}
