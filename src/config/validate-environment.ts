/**
 * Parses and validates the process environment once at start-up (the `validate` hook of @nestjs/config).
 * A bad environment stops the start with one error listing every bad variable by name; secret values are
 * never part of the message.
 */
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { RunnerEnvironment } from './environment';
import {
  buildRunnerConfig,
  encryptionConfig,
  type AiConfig,
  type EncryptionConfig,
  type RunnerConfig,
} from './runner-config';

export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
  constructor(readonly problems: ReadonlyArray<{ variable: string; messages: string[] }>) {
    super(
      `invalid configuration: ${problems.length} bad variable(s)\n` +
        problems.map((p) => `  ${p.variable}: ${p.messages.join('; ')}`).join('\n'),
    );
  }
}

/** Only the variables the runner knows, with empty strings treated as unset (as Kubernetes renders them). */
function pickKnown(raw: Record<string, unknown>): RunnerEnvironment {
  const env = new RunnerEnvironment();
  const known = new Set(Object.keys(validationTargets()));
  for (const [name, value] of Object.entries(raw)) {
    if (known.has(name) && typeof value === 'string' && value.trim() !== '') {
      (env as unknown as Record<string, string>)[name] = value.trim();
    }
  }
  return env;
}

/** Names of the validated variables, read from the class-validator metadata so the list cannot drift. */
function validationTargets(): Record<string, true> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(RunnerEnvironment, '', true, false);
  return Object.fromEntries(metadata.map((m) => [m.propertyName, true as const]));
}

function describe(errors: ValidationError[]): Array<{ variable: string; messages: string[] }> {
  return (
    errors
      // Messages read "NAME must ..."; the list already leads with the name.
      .map((e) => ({
        variable: e.property,
        messages: Object.values(e.constraints ?? {}).map((m) => m.replace(`${e.property} `, '')),
      }))
      .sort((a, b) => a.variable.localeCompare(b.variable))
  );
}

/** The variables of payload encryption, for commands that need only those (`workflow-runner run`). */
const ENCRYPTION_VARIABLES = [
  'PAYLOAD_ENCRYPTION_KEYS_DIR',
  'PAYLOAD_ENCRYPTION_KEY_ID',
  'CODEC_SERVER_AUTH_TOKEN',
  'CODEC_SERVER_ALLOW_UNAUTHENTICATED',
  'CODEC_SERVER_CORS_ORIGINS',
];

/** Validates the encryption variables alone (same rules and messages as the service). */
export function validateEncryptionEnvironment(raw: Record<string, unknown>): EncryptionConfig {
  const env = pickKnown(raw);
  const errors = validateSync(env, { validationError: { target: false, value: false } }).filter((e) =>
    ENCRYPTION_VARIABLES.includes(e.property),
  );
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));
  return encryptionConfig(env);
}

export function validateEnvironment(raw: Record<string, unknown>): RunnerConfig {
  const env = pickKnown(raw);
  // No value in a message: secrets must never be printed (class-validator only adds them on $value).
  const errors = validateSync(env, { validationError: { target: false, value: false } });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));
  return buildRunnerConfig(env);
}

/** The variables of the default catalog's model functions, the vector store and the operator's catalog folder. */
export const AI_VARIABLES = [
  'OPENAI_BASE_URL',
  'OPENAI_API_KEY',
  'LLM_DEFAULT_MODEL',
  'LLM_DEFAULT_EMBEDDING_MODEL',
  'LLM_REQUEST_TIMEOUT',
  'VECTOR_STORE_DIR',
  'VECTOR_STORE_URL',
  'VECTOR_STORE_POOL_SIZE',
  'DEFAULT_CATALOG_DIR',
] as const;

/**
 * Only the AI settings, validated like the service's (the command line runs workflows without the
 * service's other variables): a bad value throws {@link ConfigValidationError} naming it.
 */
export function validateAiEnvironment(raw: Record<string, unknown>): AiConfig {
  const picked: Record<string, unknown> = {};
  for (const name of AI_VARIABLES) if (raw[name] !== undefined) picked[name] = raw[name];
  // The service's one required variable, which these settings do not depend on.
  return validateEnvironment({ ...picked, TEMPORAL_SERVICE_ADDRESS: 'localhost:7233' }).ai;
}
