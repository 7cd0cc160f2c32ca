/**
 * Registration, removal and listing of workflow definitions, with each namespace/name's schedule kept in
 * step with its latest version. Shared by the runner's gRPC API (DefinitionsService) and the
 * `workflow-runner definitions` command, so a definition registered either way gets the same schedule.
 * Plain class: the registry client and the schedule syncer come in as parameters.
 */
import { status } from '@grpc/grpc-js';
import { ApiError, invalidArgument } from '../executor/rpc-errors';
import { RegistryRefusal, type DefinitionRegistryClient } from '../temporal/definition-registry.client';
import { definitionLabel, type DefinitionKey, type DefinitionSummary } from '../temporal/definition-registry.contract';
import type { LoadOptions } from '../zigflow/loader';
import { registeredPlan, type ParsedDefinition } from './definition-document';
import type { DefinitionSchedules, ScheduleLog, SyncResult } from './definition-schedules';

export interface RegisterResult extends DefinitionKey, SyncResult {
  changed: boolean;
}

export interface RemoveResult extends SyncResult {
  removed: DefinitionKey[];
}

export interface ListedDefinition extends DefinitionSummary {
  latest: boolean;
}

export interface CatalogDeps {
  registry: DefinitionRegistryClient;
  schedules: DefinitionSchedules;
  loadOptions: LoadOptions;
  log: ScheduleLog;
}

export class DefinitionCatalog {
  constructor(private readonly deps: CatalogDeps) {}

  /** Stores an already parsed (valid) definition, then syncs the schedule of its namespace/name. */
  async register({ key, yaml, plan }: ParsedDefinition): Promise<RegisterResult> {
    const outcome = await refusalsAsInvalid(() => this.deps.registry.register({ ...key, yaml }));
    const latestPlan =
      outcome.latest.version === key.version ? plan : registeredPlan(outcome.latest.yaml, this.deps.loadOptions);
    // Unchanged text: the schedule already reflects the latest entry's sequence, so the sync is a no-op.
    const sequence = outcome.changed ? outcome.entry.sequence : outcome.latest.sequence;
    const sync = await this.deps.schedules.sync(key.namespace, key.name, outcome.latest, latestPlan, sequence);
    if (outcome.changed)
      this.deps.log.log({ definition: definitionLabel(key), ...sync, msg: 'workflow definition registered' });
    return { ...key, changed: outcome.changed, ...sync };
  }

  /** Removes one version, or every version when `version` is empty; NOT_FOUND when nothing matched. */
  async remove(ref: { namespace?: string; name?: string; version?: string }): Promise<RemoveResult> {
    if (!ref.namespace) throw invalidArgument('namespace', 'is required');
    if (!ref.name) throw invalidArgument('name', 'is required');
    const { namespace, name } = ref;
    const outcome = await refusalsAsInvalid(() =>
      this.deps.registry.remove({ namespace, name, version: ref.version || undefined }),
    );
    if (outcome.removed.length === 0)
      throw new ApiError(
        status.NOT_FOUND,
        `definition ${definitionLabel({ namespace, name, version: ref.version })} is not registered`,
      );
    const plan = outcome.latest
      ? registeredPlan(outcome.latest.yaml, this.deps.loadOptions)
      : ({ kind: 'none' } as const);
    const sync = await this.deps.schedules.sync(namespace, name, outcome.latest, plan, outcome.sequence);
    this.deps.log.log({ removed: outcome.removed.map((k) => definitionLabel(k)), msg: 'workflow definition removed' });
    return { removed: outcome.removed, ...sync };
  }

  /** Ordered by namespace, name, version (oldest first); `latest` marks what an unversioned reference gets. */
  async list(filter: { namespace?: string; name?: string } = {}): Promise<ListedDefinition[]> {
    const all = await this.deps.registry.list({
      namespace: filter.namespace || undefined,
      name: filter.name || undefined,
    });
    return all.map((d, i) => {
      const next = all[i + 1];
      return { ...d, latest: !next || next.namespace !== d.namespace || next.name !== d.name };
    });
  }
}

async function refusalsAsInvalid<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof RegistryRefusal) {
      const field = /^(\w+):/.exec(err.message)?.[1] ?? 'workflow_yaml';
      throw new ApiError(status.INVALID_ARGUMENT, err.message, field);
    }
    throw err;
  }
}
