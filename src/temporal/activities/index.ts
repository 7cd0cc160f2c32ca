/**
 * The runner's activities, created from their dependencies (`createActivities(deps)`): this is how Nest
 * services and the CLI reach activities without Nest entering the workflow sandbox.
 */
import { createCallGrpc } from './call-grpc';
import { createCallHttp } from './call-http';
import { createCallOpenApi } from './call-openapi';
import type { ActivityDeps } from './deps';
import { createEmitEvent } from './emit-event';
import { createResolveWorkflowDefinition } from './resolve-workflow';
import { createRunProcesses } from './run-process';
import type { RunnerActivities } from './types';
import { createValidateWorkflow } from './validate-workflow';

export type { ActivityDeps } from './deps';
export type { RunnerActivities } from './types';

export function createActivities(deps: ActivityDeps = {}): RunnerActivities {
  return {
    validateWorkflow: createValidateWorkflow(),
    yieldPoint: async () => undefined,
    callHttp: createCallHttp(deps),
    callOpenApi: createCallOpenApi(deps),
    callGrpc: createCallGrpc(deps),
    emitEvent: createEmitEvent(deps),
    ...createRunProcesses(deps),
    resolveWorkflowDefinition: createResolveWorkflowDefinition(deps),
  };
}
