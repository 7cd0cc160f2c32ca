/**
 * Client side of the definition registry workflow (src/temporal/workflows/definition-registry.ts): registration and
 * removal as Temporal Updates (update-with-start, so the first registration creates the registry), reads as
 * queries. It is also the WorkflowRegistry the `resolveWorkflowDefinition` activity reads for `run: workflow`.
 * Every replica talks to the same workflow id, so they all share one registry without a database.
 */
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { WorkflowRegistry } from './activities/deps';
import {
  QUERY_LIST,
  QUERY_RESOLVE,
  REGISTRY_WORKFLOW_TYPE,
  UPDATE_REGISTER,
  UPDATE_REMOVE,
  registryWorkflowId,
  type DefinitionEntry,
  type DefinitionRef,
  type DefinitionSummary,
  type RegisterOutcome,
  type RegisterRequest,
  type RemoveOutcome,
} from './definition-registry.contract';

/** The registry refused a change (its update validator): the message names the field. */
export class RegistryRefusal extends Error {
  override readonly name = 'RegistryRefusal';
}

export class DefinitionRegistryClient implements WorkflowRegistry {
  /** The registry workflow's id (one per task queue). */
  readonly workflowId: string;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {
    this.workflowId = registryWorkflowId(taskQueue);
  }

  async register(request: RegisterRequest): Promise<RegisterOutcome> {
    return this.update<RegisterOutcome>(UPDATE_REGISTER, request);
  }

  async remove(ref: DefinitionRef): Promise<RemoveOutcome> {
    return this.update<RemoveOutcome>(UPDATE_REMOVE, ref);
  }

  async list(filter: { namespace?: string; name?: string } = {}): Promise<DefinitionSummary[]> {
    return (await this.query<DefinitionSummary[]>(QUERY_LIST, filter)) ?? [];
  }

  async entry(ref: DefinitionRef): Promise<DefinitionEntry | undefined> {
    return (await this.query<DefinitionEntry | null>(QUERY_RESOLVE, ref)) ?? undefined;
  }

  /** WorkflowRegistry: the YAML of `namespace/name@version`; the highest version when omitted or `latest` (the DSL's default). */
  async resolve(namespace: string, name: string, version?: string): Promise<string | undefined> {
    return (await this.entry({ namespace, name, version: version && version !== 'latest' ? version : undefined }))
      ?.yaml;
  }

  private async update<R>(update: string, arg: unknown): Promise<R> {
    const start = new WithStartWorkflowOperation(REGISTRY_WORKFLOW_TYPE, {
      workflowId: this.workflowId,
      taskQueue: this.taskQueue,
      args: [],
      // Every replica sends to the one running registry; the first change ever starts it.
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    try {
      return await this.client.workflow.executeUpdateWithStart<Workflow, R, [unknown]>(update, {
        args: [arg],
        startWorkflowOperation: start,
      });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new RegistryRefusal(err.cause?.message ?? err.message);
      throw err;
    }
  }

  /** A registry that was never started holds nothing. */
  private async query<R>(query: string, arg: unknown): Promise<R | undefined> {
    try {
      return await this.client.workflow.getHandle(this.workflowId).query<R, [unknown]>(query, arg);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }
}
