/**
 * The raw environment as class-validator checks it: every property is the string an operator sets.
 * Conversion into the typed, grouped {@link RunnerConfig} happens only after every variable passed, so one
 * start-up failure lists every bad variable at once.
 */
import { existsSync, statSync } from 'node:fs';
import { IsIn, IsOptional, IsString, IsUrl, Matches, ValidateBy, ValidateIf } from 'class-validator';
import { KEY_ID_PATTERN, KeyRingError, loadKeyRing } from '../codec/key-ring';
import { parseSealingKey } from '../secrets/sealing';
import { isHostPort, parseBoolean, parseDuration, parseList } from './parse';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const CONTAINER_RUNTIMES = ['docker', 'podman', 'none'] as const;
/** Variables whose values are never printed, not even in validation errors. */
export const SECRET_VARIABLES = [
  'STIGMER_SERVICE_API_KEY',
  'RUNNER_SECRETS_KEY',
  'CODEC_SERVER_AUTH_TOKEN',
  'OPENAI_API_KEY',
  // A connection URL may carry the database password.
  'VECTOR_STORE_URL',
] as const;
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;

const PORT = /^\d{1,5}$/;
const POSITIVE_INT = /^[1-9]\d*$/;
const NON_NEGATIVE_INT = /^\d+$/;

function check(name: string, test: (value: string) => boolean, message: string): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value) => typeof value === 'string' && test(value),
      // Never the value itself: some variables are secrets.
      defaultMessage: (args) =>
        args?.value === undefined
          ? `$property is required (${message.replace(/^must be /, '')})`
          : `$property ${message}`,
    },
  });
}
const IsDuration = () =>
  check('isDuration', (v) => parseDuration(v) !== undefined, 'must be a duration such as 500ms, 30s, 2m');
const IsPositiveDuration = () =>
  check('isPositiveDuration', (v) => (parseDuration(v) ?? 0) > 0, 'must be a duration above zero such as 500ms, 2s');
/** Defaults of the pair checked together (see runner-config.ts). */
const HEARTBEAT_DEFAULT = '5s';
const DEAD_AFTER_DEFAULT = '30s';
// Shorter than two heartbeats, a replica that is merely slow to checkpoint would be presumed dead.
const IsHeartbeatPair = () =>
  ValidateBy({
    name: 'isHeartbeatPair',
    validator: {
      validate: (value, args) => {
        const env = (args?.object ?? {}) as RunnerEnvironment;
        const heartbeat = parseDuration(env.CALLBACK_HEARTBEAT_INTERVAL ?? HEARTBEAT_DEFAULT);
        const dead = parseDuration(env.CALLBACK_REPLICA_DEAD_AFTER ?? DEAD_AFTER_DEFAULT);
        if (typeof value !== 'string' || parseDuration(value) === undefined) return false;
        return heartbeat !== undefined && dead !== undefined && heartbeat > 0 && dead >= 2 * heartbeat;
      },
      defaultMessage: () =>
        '$property must be a duration, with CALLBACK_REPLICA_DEAD_AFTER (default 30s) at least twice CALLBACK_HEARTBEAT_INTERVAL (default 5s)',
    },
  });
const IsBool = () => check('isBool', (v) => parseBoolean(v) !== undefined, 'must be true or false');
const IsPortNumber = () =>
  check('isPortNumber', (v) => PORT.test(v) && Number(v) <= 65535, 'must be a port number 0-65535');
const IsHostPort = () => check('isHostPort', isHostPort, 'must be host:port');
const IsHostList = () =>
  check(
    'isHostList',
    (v) => parseList(v).every((h) => /^[A-Za-z0-9.:-]+$/.test(h)),
    'must be a comma-separated list of host names or IP addresses',
  );
const IsPostgresUrl = () =>
  check(
    'isPostgresUrl',
    (v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v),
    'must be a postgres:// or postgresql:// connection URL',
  );
const IsModelName = () =>
  check('isModelName', (v) => /^[\w.:/@+-]{1,200}$/.test(v), 'must be a model name (letters, digits, . : / @ + - _)');
/**
 * `CALL_MCP_STDIO_COMMANDS`: comma-separated entries, each a command optionally followed by the leading
 * arguments it must be called with (`node`, `npx @modelcontextprotocol/server-everything`).
 */
const IsCommandList = () =>
  check(
    'isCommandList',
    (v) => parseList(v).every((entry) => /^[^\s'"`$;|&<>]+(?: [^\s'"`$;|&<>]+)*$/.test(entry)),
    'must be a comma-separated list of commands, each optionally followed by its leading arguments (no quotes or shell characters)',
  );
const IsReadableFile = () => check('isReadableFile', (v) => existsSync(v), 'must name an existing file');
const IsDirectory = () =>
  check('isDirectory', (v) => existsSync(v) && statSync(v).isDirectory(), 'must name an existing directory');
// The message never echoes the value: this variable is a secret.
const IsSealingKey = () =>
  check('isSealingKey', (v) => parseSealingKey(v) !== undefined, 'must be a 32-byte key, base64 or 64 hex characters');

/** The key directory loads (every file a valid key, the active id present); the message names the file, never a key. */
const IsKeyDirectory = () =>
  ValidateBy({
    name: 'isKeyDirectory',
    validator: {
      validate: (value, args) => keyDirectoryProblem(value, args?.object as RunnerEnvironment) === undefined,
      defaultMessage: (args) => `$property ${keyDirectoryProblem(args?.value, args?.object as RunnerEnvironment)}`,
    },
  });

function keyDirectoryProblem(value: unknown, env: RunnerEnvironment): string | undefined {
  if (typeof value !== 'string' || !existsSync(value) || !statSync(value).isDirectory())
    return 'must name an existing directory of key files';
  try {
    loadKeyRing(value, env.PAYLOAD_ENCRYPTION_KEY_ID);
    return undefined;
  } catch (err) {
    if (err instanceof KeyRingError) return err.message;
    return `cannot be read (${(err as Error).message})`;
  }
}

export class RunnerEnvironment {
  @IsHostPort() TEMPORAL_SERVICE_ADDRESS!: string;
  @IsOptional() @Matches(/^[A-Za-z0-9._-]+$/) TEMPORAL_NAMESPACE?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9._-]+$/) TEMPORAL_TASK_QUEUE?: string;
  @IsOptional() @IsDuration() WORKER_SHUTDOWN_GRACE?: string;
  @IsOptional() @IsReadableFile() TEMPORAL_WORKFLOW_BUNDLE?: string;

  @IsOptional() @IsHostPort() STIGMER_SERVICE_ENDPOINT?: string;
  // Required once an endpoint is set: the Stigmer Service authenticates every report_progress call.
  @ValidateIf(
    (env: RunnerEnvironment) => env.STIGMER_SERVICE_ENDPOINT !== undefined || env.STIGMER_SERVICE_API_KEY !== undefined,
  )
  @IsString({ message: '$property is required when STIGMER_SERVICE_ENDPOINT is set' })
  @Matches(/\S/, { message: '$property must not be empty' })
  STIGMER_SERVICE_API_KEY?: string;
  @IsOptional() @IsBool() STIGMER_SERVICE_USE_TLS?: string;
  @IsOptional() @IsReadableFile() STIGMER_SERVICE_CA_FILE?: string;
  @IsOptional() @IsDuration() CALLBACK_TIMEOUT?: string;
  @IsOptional()
  @Matches(NON_NEGATIVE_INT, { message: '$property must be a whole number (0 = retry without limit)' })
  CALLBACK_MAX_ATTEMPTS?: string;
  @IsOptional() @IsDuration() CALLBACK_INITIAL_BACKOFF?: string;
  @IsOptional() @IsDuration() CALLBACK_MAX_BACKOFF?: string;
  @IsOptional()
  @Matches(POSITIVE_INT, { message: '$property must be a positive whole number' })
  CALLBACK_QUEUE_LIMIT?: string;
  @IsOptional()
  @Matches(POSITIVE_INT, { message: '$property must be a positive whole number' })
  CALLBACK_QUEUE_TOTAL_LIMIT?: string;
  @IsOptional() @IsDuration() CALLBACK_GIVE_UP_AFTER?: string;
  @IsOptional() @IsPositiveDuration() CALLBACK_CHECKPOINT_INTERVAL?: string;
  @IsOptional() @IsHeartbeatPair() CALLBACK_HEARTBEAT_INTERVAL?: string;
  @IsOptional() @IsHeartbeatPair() CALLBACK_REPLICA_DEAD_AFTER?: string;

  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL?: string;
  @IsOptional() @IsIn(NODE_ENVS) NODE_ENV?: string;
  @IsOptional() @IsPortNumber() HEALTH_PORT?: string;
  @IsOptional() @IsPortNumber() METRICS_PORT?: string;
  @IsOptional() @IsPortNumber() GRPC_PORT?: string;
  // Temporal refuses payloads over 2 MB; the document travels in the workflow input.
  @IsOptional()
  @check(
    'isWorkflowBytes',
    (v) => POSITIVE_INT.test(v) && Number(v) <= 2_000_000,
    'must be a whole number of bytes, at most 2000000',
  )
  MAX_WORKFLOW_BYTES?: string;
  @IsOptional() @IsDirectory() WORKFLOW_DEFINITIONS_DIR?: string;

  @IsOptional() @IsSealingKey() RUNNER_SECRETS_KEY?: string;
  @IsOptional() @IsHostList() CALL_HTTP_ALLOWED_HOSTS?: string;
  @IsOptional() @IsBool() CALL_HTTP_BLOCK_PRIVATE_NETWORKS?: string;
  @IsOptional() @IsDuration() CALL_HTTP_TIMEOUT?: string;
  @IsOptional()
  @Matches(POSITIVE_INT, { message: '$property must be a positive whole number of bytes' })
  CALL_HTTP_MAX_RESPONSE_BYTES?: string;
  @IsOptional() @IsBool() RUN_SHELL_ENABLED?: string;
  @IsOptional() @IsBool() RUN_SCRIPT_ENABLED?: string;
  @IsOptional() @IsDuration() RUN_TIMEOUT?: string;
  @IsOptional() @IsIn(CONTAINER_RUNTIMES) CONTAINER_RUNTIME?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) EVENT_SINK_URL?: string;

  // The `openai` client's own variable names, read here and passed to it explicitly.
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: '$property must be an http(s) URL' })
  OPENAI_BASE_URL?: string;
  // Never echoed: a secret.
  @IsOptional() @IsString({ message: '$property must be text' }) OPENAI_API_KEY?: string;
  @IsOptional() @IsModelName() LLM_DEFAULT_MODEL?: string;
  @IsOptional() @IsModelName() LLM_DEFAULT_EMBEDDING_MODEL?: string;
  @IsOptional() @IsDuration() LLM_REQUEST_TIMEOUT?: string;
  @IsOptional() @IsString() VECTOR_STORE_DIR?: string;
  @IsOptional() @IsPostgresUrl() VECTOR_STORE_URL?: string;
  @IsOptional()
  @Matches(POSITIVE_INT, { message: '$property must be a positive whole number of connections' })
  VECTOR_STORE_POOL_SIZE?: string;
  @IsOptional() @IsDirectory() DEFAULT_CATALOG_DIR?: string;
  @IsOptional() @IsBool() CALL_MCP_STDIO_ENABLED?: string;
  // Required once stdio is enabled: without it any document could start any program on the worker.
  @ValidateIf(
    (env: RunnerEnvironment) =>
      parseBoolean(env.CALL_MCP_STDIO_ENABLED ?? 'false') === true || env.CALL_MCP_STDIO_COMMANDS !== undefined,
  )
  @IsCommandList()
  CALL_MCP_STDIO_COMMANDS?: string;
  @IsOptional() @IsDuration() CALL_MCP_TIMEOUT?: string;
  @IsOptional() @IsDuration() CALL_ASYNCAPI_MAX_CONSUME?: string;
  @IsOptional()
  @Matches(POSITIVE_INT, { message: '$property must be a positive whole number of tasks' })
  WORKFLOW_MAX_TASKS_WITHOUT_WAIT?: string;
  // Past the SDK's 5 s deadline per workflow task, a slice would fail its workflow task again and again.
  @IsOptional()
  @check(
    'isSlice',
    (v) => (parseDuration(v) ?? 0) >= 10 && (parseDuration(v) ?? 0) <= 3000,
    'must be a duration from 10ms to 3s such as 500ms, 1s',
  )
  WORKFLOW_SLICE?: string;
  @IsOptional() @IsBool() WORKFLOW_LOCAL_CALLS?: string;

  // Payload encryption (src/codec): a mounted Secret, one file per key.
  @IsOptional() @IsKeyDirectory() PAYLOAD_ENCRYPTION_KEYS_DIR?: string;
  @IsOptional()
  @Matches(KEY_ID_PATTERN, { message: '$property must be a key id (a key file name in PAYLOAD_ENCRYPTION_KEYS_DIR)' })
  PAYLOAD_ENCRYPTION_KEY_ID?: string;
  @IsOptional()
  @Matches(/^\S{16,}$/, { message: '$property must be at least 16 characters without spaces' })
  CODEC_SERVER_AUTH_TOKEN?: string;
  @IsOptional() @IsBool() CODEC_SERVER_ALLOW_UNAUTHENTICATED?: string;
  @IsOptional()
  @check(
    'isOriginList',
    (v) => parseList(v).every((o) => o === '*' || /^https?:\/\/[A-Za-z0-9.:[\]-]+$/.test(o)),
    'must be a comma-separated list of origins such as http://localhost:8233',
  )
  CODEC_SERVER_CORS_ORIGINS?: string;

  // Tracing (src/tracing): the standard OpenTelemetry variables the runner decides on; the OpenTelemetry SDK
  // reads the others (headers, sampler, batch settings, resource attributes) itself.
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  @IsOptional() @IsIn(OTLP_PROTOCOLS) OTEL_EXPORTER_OTLP_PROTOCOL?: string;
  @IsOptional() @IsIn(OTLP_PROTOCOLS) OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: string;
  @IsOptional()
  @IsIn(['otlp', 'none'], { message: '$property must be otlp or none (the runner exports traces over OTLP only)' })
  OTEL_TRACES_EXPORTER?: string;
  @IsOptional() @IsBool() OTEL_SDK_DISABLED?: string;
  @IsOptional() @Matches(/^\S+$/) OTEL_SERVICE_NAME?: string;
}
