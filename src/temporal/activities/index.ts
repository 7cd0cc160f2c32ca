/**
 * The runner's activities, created from their dependencies (`createActivities(deps)`): this is how Nest
 * services and the CLI reach activities without Nest entering the workflow sandbox.
 */
import { withHeartbeat } from './activity-context';
import { createCallA2a } from './call-a2a';
import { createCallAsyncApi } from './call-asyncapi';
import { createCallGrpc } from './call-grpc';
import { createCallHttp } from './call-http';
import { createCallMcp } from './call-mcp';
import { createCallOpenApi } from './call-openapi';
import type { ActivityDeps } from './deps';
import { createFetchSchemas } from './fetch-schemas';
import { createEmitEvent } from './emit-event';
import { createResolveWorkflowDefinition } from './resolve-workflow';
import { createRunProcesses } from './run-process';
import type { RunnerActivities } from './types';
import type { McpStdioPolicy } from '../../zigflow/dsl/calls';
import { createValidateWorkflow, ValidationCache } from './validate-workflow';

export type { ActivityDeps } from './deps';
export type { RunnerActivities } from './types';

/** The worker's `call: mcp` stdio settings as the loader's policy, so validation refuses what the call would. */
export function mcpStdioPolicy(deps: ActivityDeps): McpStdioPolicy {
  return { enabled: deps.mcp?.stdioEnabled === true, commands: deps.mcp?.stdioCommands ?? [] };
}

/** Every activity that waits on the outside world heartbeats while it waits (see withHeartbeat). */
export function createActivities(deps: ActivityDeps = {}): RunnerActivities {
  const processes = createRunProcesses(deps);
  return {
    validateWorkflow: createValidateWorkflow(new ValidationCache(64, { mcpStdio: mcpStdioPolicy(deps) })),
    yieldPoint: async () => undefined,
    callHttp: withHeartbeat(createCallHttp(deps)),
    callOpenApi: withHeartbeat(createCallOpenApi(deps)),
    callGrpc: withHeartbeat(createCallGrpc(deps)),
    callMcp: withHeartbeat(createCallMcp(deps)),
    callA2a: withHeartbeat(createCallA2a(deps)),
    callAsyncApi: withHeartbeat(createCallAsyncApi(deps)),
    emitEvent: withHeartbeat(createEmitEvent(deps)),
    runShell: withHeartbeat(processes.runShell),
    runScript: withHeartbeat(processes.runScript),
    runContainer: withHeartbeat(processes.runContainer),
    resolveWorkflowDefinition: createResolveWorkflowDefinition(deps),
    fetchSchemas: withHeartbeat(createFetchSchemas(deps)),
  };
}
