/** `resolveWorkflowDefinition`: YAML of a definition registered with the runner, for `run: workflow`. */
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import type { ResolveWorkflowRequest } from './types';

export function createResolveWorkflowDefinition(deps: ActivityDeps) {
  return async function resolveWorkflowDefinition(request: ResolveWorkflowRequest): Promise<string> {
    const label = `${request.namespace}/${request.name}${request.version ? `@${request.version}` : ''}`;
    if (!deps.workflows) throw failure('configuration', `no workflow registry: cannot run workflow ${label}`);
    const yaml = await deps.workflows.resolve(request.namespace, request.name, request.version);
    if (!yaml) throw failure('configuration', `workflow ${label} is not registered with the runner`);
    return yaml;
  };
}
