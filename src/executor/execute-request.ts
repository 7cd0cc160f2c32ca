/**
 * Parse, don't cast: the wire messages of the command and query RPCs become the contract's types, or an
 * INVALID_ARGUMENT naming the field. Pure functions (no Temporal, no Nest) so every rule is unit-tested.
 */
import type { EnvironmentEntry, WorkflowExecuteInput } from '../temporal/contract';
import type { WorkflowExecuteInput as WireExecuteInput } from '../generated/ai/stigmer/workflow/runner/v1/io';
import { sealSecret } from '../secrets/sealing';
import { ApiError, failedPrecondition, invalidArgument } from './rpc-errors';
import { status } from '@grpc/grpc-js';

const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,254}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const MAX_ENV_ENTRIES = 500;
const MAX_METADATA_ENTRIES = 100;
const MAX_METADATA_CHARS = 4096;
export const MAX_EVENTS_PAGE = 1000;
/** Temporal refuses a start payload over 2 MB (its default blob size limit); refuse it here, naming the field. */
export const MAX_START_PAYLOAD_BYTES = 2_000_000;
export const DEFAULT_EVENTS_PAGE = 100;

export interface ExecuteLimits {
  maxWorkflowBytes: number;
  /** Seals secret entries; unset: secret entries are refused. */
  secretsKey?: Buffer;
}

export function parseExecutionId(value: string | undefined, field = 'execution_id'): string {
  if (!value) throw invalidArgument(field, 'is required');
  if (!EXECUTION_ID.test(value)) {
    throw invalidArgument(
      field,
      'must be 1-255 characters: letters, digits and . _ : @ / - (starting with a letter or digit)',
    );
  }
  return value;
}

/** A JSON object given as a Struct or as JSON text, at most one of the two. */
export function parseJsonObject(
  struct: Record<string, unknown> | undefined,
  json: string | undefined,
  structField: string,
  jsonField: string,
): Record<string, unknown> | undefined {
  if (struct !== undefined && json)
    throw invalidArgument(jsonField, `set either ${structField} or ${jsonField}, not both`);
  if (struct !== undefined) return struct;
  if (!json) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw invalidArgument(jsonField, `is not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidArgument(jsonField, 'must be a JSON object');
  return parsed as Record<string, unknown>;
}

function parseEnvironment(
  entries: WireExecuteInput['environment'] | undefined,
  secretsKey?: Buffer,
): EnvironmentEntry[] {
  const list = entries ?? [];
  if (list.length > MAX_ENV_ENTRIES) throw invalidArgument('environment', `at most ${MAX_ENV_ENTRIES} entries`);
  const seen = new Set<string>();
  return list.map((entry, i) => {
    const field = `environment[${i}].name`;
    if (!ENV_NAME.test(entry.name ?? ''))
      throw invalidArgument(field, 'must be a variable name (letters, digits, _ . -; not starting with a digit)');
    if (seen.has(entry.name)) throw invalidArgument(field, `duplicate name ${entry.name}`);
    seen.add(entry.name);
    if (!entry.secret) return { name: entry.name, value: entry.value ?? '' };
    // Sealed before the run starts: Temporal history, events and logs only ever see the sealed form.
    if (!secretsKey)
      throw failedPrecondition(`environment[${i}] is secret but the runner has no RUNNER_SECRETS_KEY to seal it`);
    return { name: entry.name, secret: true, sealed: sealSecret(entry.value ?? '', secretsKey) };
  });
}

function parseMetadata(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) return undefined;
  if (entries.length > MAX_METADATA_ENTRIES)
    throw invalidArgument('metadata', `at most ${MAX_METADATA_ENTRIES} entries`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length + value.length > MAX_METADATA_CHARS)
      throw invalidArgument(
        `metadata[${key}]`,
        `key must be non-empty and key+value at most ${MAX_METADATA_CHARS} characters`,
      );
  }
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

export function parseExecuteInput(wire: WireExecuteInput, limits: ExecuteLimits): WorkflowExecuteInput {
  const executionId = parseExecutionId(wire.executionId);
  if (!wire.workflowYaml || wire.workflowYaml.trim() === '') throw invalidArgument('workflow_yaml', 'is required');
  const bytes = Buffer.byteLength(wire.workflowYaml, 'utf8');
  if (bytes > limits.maxWorkflowBytes) {
    throw invalidArgument(
      'workflow_yaml',
      `is ${bytes} bytes; the limit is ${limits.maxWorkflowBytes} (MAX_WORKFLOW_BYTES)`,
    );
  }
  const input = parseJsonObject(wire.input, wire.inputJson, 'input', 'input_json');
  const environment = parseEnvironment(wire.environment, limits.secretsKey);
  const metadata = parseMetadata(wire.metadata);
  const result: WorkflowExecuteInput = { executionId, workflowYaml: wire.workflowYaml };
  if (input !== undefined) result.input = input;
  if (environment.length > 0) result.environment = environment;
  if (metadata) result.metadata = metadata;
  const payloadBytes = Buffer.byteLength(JSON.stringify(result), 'utf8');
  if (payloadBytes > MAX_START_PAYLOAD_BYTES) {
    const field = input !== undefined ? (wire.inputJson ? 'input_json' : 'input') : 'workflow_yaml';
    throw invalidArgument(
      field,
      `makes the start payload ${payloadBytes} bytes; Temporal accepts at most ${MAX_START_PAYLOAD_BYTES}`,
    );
  }
  return result;
}

/** A CloudEvent in structured JSON form: the attributes every consumer relies on must be present. */
export function parseCloudEvent(
  struct: Record<string, unknown> | undefined,
  json: string | undefined,
): Record<string, unknown> {
  const event = parseJsonObject(struct, json, 'event', 'event_json');
  if (!event) throw invalidArgument('event', 'is required (event or event_json)');
  for (const attribute of ['specversion', 'id', 'source', 'type']) {
    const value = event[attribute];
    if (typeof value !== 'string' || value === '')
      throw invalidArgument(`event.${attribute}`, 'is required (CloudEvents 1.0 attribute)');
  }
  return event;
}

export function parsePage(
  fromSequence: number | undefined,
  limit: number | undefined,
): { fromSequence: number; limit: number } {
  const from = fromSequence ?? 0;
  if (!Number.isInteger(from) || from < 0)
    throw invalidArgument('from_sequence', 'must be 0 or a positive sequence number');
  const size = limit ?? 0;
  if (!Number.isInteger(size) || size < 0 || size > MAX_EVENTS_PAGE)
    throw invalidArgument('limit', `must be between 1 and ${MAX_EVENTS_PAGE} (0 = ${DEFAULT_EVENTS_PAGE})`);
  return { fromSequence: Math.max(1, from), limit: size === 0 ? DEFAULT_EVENTS_PAGE : size };
}

export function isApiError(err: unknown, code?: status): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}
