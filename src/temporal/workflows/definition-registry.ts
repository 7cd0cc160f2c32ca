/**
 * `definitionRegistry`: the durable map namespace/name/version → workflow YAML that `run: workflow` and the
 * runner's schedules read. One execution per task queue (id registryWorkflowId(queue)); changes arrive
 * as Updates (each one recorded in history, so every replica sees the same order), reads are queries.
 *
 * The YAML is validated by the caller before it is sent (the DSL validator compiles its schema with code
 * generation, which the sandbox refuses); the update validator checks only shape and size, and a refused
 * update never enters history. The map continues-as-new when Temporal suggests it or after
 * UPDATES_PER_RUN changes, carrying every entry in one payload (hence MAX_REGISTRY_BYTES).
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  MAX_REGISTRY_BYTES,
  QUERY_LIST,
  QUERY_RESOLVE,
  UPDATE_REGISTER,
  UPDATE_REMOVE,
  type DefinitionEntry,
  type DefinitionKey,
  type DefinitionRef,
  type DefinitionSummary,
  type RegisterOutcome,
  type RegisterRequest,
  type RegistryState,
  type RemoveOutcome,
} from '../definition-registry.contract';
import { compareVersions } from '../../zigflow/dsl/versions';

export const registerUpdate = defineUpdate<RegisterOutcome, [RegisterRequest]>(UPDATE_REGISTER);
export const removeUpdate = defineUpdate<RemoveOutcome, [DefinitionRef]>(UPDATE_REMOVE);
export const listQuery = defineQuery<DefinitionSummary[], [{ namespace?: string; name?: string }?]>(QUERY_LIST);
export const resolveQuery = defineQuery<DefinitionEntry | null, [DefinitionRef]>(QUERY_RESOLVE);

/** Changes per run before continue-as-new (each update adds a handful of history events). */
const UPDATES_PER_RUN = 500;
/** The DSL schema's patterns for `document.namespace`/`name`; versions: semver text (bounded). */
const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+-]{0,127}$/;

export async function definitionRegistry(state?: RegistryState): Promise<void> {
  const registry = new Registry(state);
  let updates = 0;
  setHandler(
    registerUpdate,
    (request) => {
      updates += 1;
      return registry.register(request);
    },
    { validator: (request) => registry.checkRegister(request) },
  );
  setHandler(
    removeUpdate,
    (ref) => {
      updates += 1;
      return registry.remove(ref);
    },
    { validator: (ref) => checkRef(ref) },
  );
  setHandler(listQuery, (filter) => registry.list(filter ?? {}));
  setHandler(resolveQuery, (ref) => registry.resolve(ref) ?? null);
  await condition(() => updates >= UPDATES_PER_RUN || workflowInfo().continueAsNewSuggested);
  // Handlers are synchronous today; waiting keeps an update from being lost if one ever awaits.
  await condition(allHandlersFinished);
  await continueAsNew<typeof definitionRegistry>(registry.snapshot());
}

/** Pure map logic (no Temporal calls), so ordering and idempotence are plain to read. */
class Registry {
  private readonly entries = new Map<string, DefinitionEntry>();
  private sequence: number;
  private bytes = 0;

  constructor(state?: RegistryState) {
    this.sequence = state?.sequence ?? 0;
    for (const entry of state?.entries ?? []) {
      this.entries.set(keyOf(entry), entry);
      this.bytes += entry.bytes;
    }
  }

  checkRegister(request: RegisterRequest): void {
    checkRef(request, true);
    if (typeof request.yaml !== 'string' || request.yaml.trim() === '') throw new Error('yaml: is required');
    const previous = this.entries.get(keyOf(request));
    const total = this.bytes - (previous?.bytes ?? 0) + utf8Bytes(request.yaml);
    if (total > MAX_REGISTRY_BYTES) {
      throw new Error(
        `yaml: the registry would hold ${total} bytes of definitions; the limit is ${MAX_REGISTRY_BYTES}`,
      );
    }
  }

  register(request: RegisterRequest): RegisterOutcome {
    const key = keyOf(request);
    const previous = this.entries.get(key);
    let entry = previous;
    const changed = previous?.yaml !== request.yaml;
    if (changed) {
      this.sequence += 1;
      const bytes = utf8Bytes(request.yaml);
      entry = {
        namespace: request.namespace,
        name: request.name,
        version: request.version,
        yaml: request.yaml,
        sequence: this.sequence,
        bytes,
      };
      this.bytes += bytes - (previous?.bytes ?? 0);
      this.entries.set(key, entry);
    }
    return {
      changed,
      entry: summary(entry as DefinitionEntry),
      latest: this.resolve({ namespace: request.namespace, name: request.name }) as DefinitionEntry,
    };
  }

  remove(ref: DefinitionRef): RemoveOutcome {
    const removed: DefinitionKey[] = [];
    for (const entry of this.versionsOf(ref)) {
      if (ref.version !== undefined && entry.version !== ref.version) continue;
      this.entries.delete(keyOf(entry));
      this.bytes -= entry.bytes;
      removed.push({ namespace: entry.namespace, name: entry.name, version: entry.version });
    }
    if (removed.length > 0) this.sequence += 1;
    return { removed, latest: this.resolve({ namespace: ref.namespace, name: ref.name }), sequence: this.sequence };
  }

  /** The named version, or the latest one when `version` is omitted. */
  resolve(ref: DefinitionRef): DefinitionEntry | undefined {
    if (ref.version) return this.entries.get(keyOf(ref as DefinitionKey));
    const versions = this.versionsOf(ref);
    return versions[versions.length - 1];
  }

  list(filter: { namespace?: string; name?: string }): DefinitionSummary[] {
    return this.sorted()
      .filter(
        (e) => (!filter.namespace || e.namespace === filter.namespace) && (!filter.name || e.name === filter.name),
      )
      .map(summary);
  }

  snapshot(): RegistryState {
    return { entries: this.sorted(), sequence: this.sequence };
  }

  /** Versions of one namespace/name, oldest first. */
  private versionsOf(ref: DefinitionRef): DefinitionEntry[] {
    return this.sorted().filter((e) => e.namespace === ref.namespace && e.name === ref.name);
  }

  /** Every entry in one deterministic order: namespace, name, then version per compareVersions. */
  private sorted(): DefinitionEntry[] {
    return [...this.entries.values()].sort(
      (a, b) =>
        compareText(a.namespace, b.namespace) || compareText(a.name, b.name) || compareVersions(a.version, b.version),
    );
  }
}

function checkRef(ref: DefinitionRef, versionRequired = false): void {
  if (!ref || typeof ref !== 'object') throw new Error('a definition reference {namespace, name, version} is required');
  if (typeof ref.namespace !== 'string' || !NAME.test(ref.namespace))
    throw new Error('namespace: must be a DSL name (letters, digits, -)');
  if (typeof ref.name !== 'string' || !NAME.test(ref.name))
    throw new Error('name: must be a DSL name (letters, digits, -)');
  if (ref.version === undefined && !versionRequired) return;
  if (typeof ref.version !== 'string' || !VERSION.test(ref.version))
    throw new Error('version: must be a version such as 1.0.0');
}

function keyOf(key: DefinitionKey): string {
  return `${key.namespace}/${key.name}/${key.version}`;
}

function summary(entry: DefinitionEntry): DefinitionSummary {
  return {
    namespace: entry.namespace,
    name: entry.name,
    version: entry.version,
    sequence: entry.sequence,
    bytes: entry.bytes,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** UTF-8 length without Buffer (not in the sandbox). */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
