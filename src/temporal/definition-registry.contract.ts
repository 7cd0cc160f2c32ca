/**
 * The Temporal contract of the workflow definition registry: one long-lived workflow per Temporal namespace
 * and task queue holds every definition registered with the runner, so all replicas share it without a
 * database. Pure types and constants only (imported inside the workflow sandbox).
 */

/** Workflow type of the registry (on the runner's task queue; id {@link registryWorkflowId}). */
export const REGISTRY_WORKFLOW_TYPE = 'definitionRegistry';
/** Workflow type of the restart loop of a `schedule.after` definition; id {@link afterLoopId}. */
export const AFTER_LOOP_WORKFLOW_TYPE = 'definitionAfterLoop';

export const UPDATE_REGISTER = 'register';
export const UPDATE_REMOVE = 'remove';
export const QUERY_LIST = 'list';
export const QUERY_RESOLVE = 'resolve';

/**
 * Upper bound of all registered YAML together, in UTF-8 bytes: the registry carries its whole map through
 * continue-as-new as one payload, and Temporal refuses payloads over 2 MB.
 */
export const MAX_REGISTRY_BYTES = 1_500_000;

export interface DefinitionRef {
  namespace: string;
  name: string;
  /** Omitted: the latest (highest) version. */
  version?: string;
}

export interface DefinitionKey {
  namespace: string;
  name: string;
  version: string;
}

export interface DefinitionSummary extends DefinitionKey {
  /** Registry sequence number of the registration that stored this text (grows with every change). */
  sequence: number;
  bytes: number;
}

export interface DefinitionEntry extends DefinitionSummary {
  yaml: string;
}

export interface RegisterRequest extends DefinitionKey {
  yaml: string;
}

export interface RegisterOutcome {
  /** False when the same text was already registered under this identity (nothing changed). */
  changed: boolean;
  entry: DefinitionSummary;
  /** The latest version of this namespace/name after the change (drives its schedule). */
  latest: DefinitionEntry;
}

export interface RemoveOutcome {
  removed: DefinitionKey[];
  /** The latest remaining version of this namespace/name, if any. */
  latest?: DefinitionEntry;
  /** Registry sequence number after the removal. */
  sequence: number;
}

/** What the registry carries across continue-as-new. */
export interface RegistryState {
  entries: DefinitionEntry[];
  sequence: number;
}

export interface AfterLoopArgs {
  namespace: string;
  name: string;
  /** Runs started so far by this loop (child ids count on from it across continue-as-new). */
  runs?: number;
}

/**
 * Workflow id of the registry of the runner on `taskQueue`. The queue is part of the id: a registry started
 * by the runner of another queue (or by an older deployment on a renamed queue) would otherwise be served by
 * no worker, and every update would wait forever.
 */
export function registryWorkflowId(taskQueue: string): string {
  return `workflow-runner-definitions/${taskQueue}`;
}

/** Id of the Temporal Schedule of an `every`/`cron` definition. */
export function scheduleId(namespace: string, name: string): string {
  return `wf-schedule:${namespace}/${name}`;
}

/** Workflow id of the restart loop of a `schedule.after` definition. */
export function afterLoopId(namespace: string, name: string): string {
  return `wf-after:${namespace}/${name}`;
}

export function definitionLabel(key: DefinitionRef): string {
  return `${key.namespace}/${key.name}${key.version ? `@${key.version}` : ''}`;
}
