/**
 * `run`: `workflow` runs a registered definition as a Temporal child workflow (awaited by default);
 * `shell`, `script` and `container` run in activities that are disabled unless the runner enables them.
 */
import { executeChild, ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import { WORKFLOW_TYPE, type WorkflowExecuteInput, type WorkflowRunResult } from '../../contract';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import { callActivity, deferredScope } from '../interpreter/activity-calls';
import { namedAuthentication } from './call';
import { taskVariables, type TaskCall, type TaskResult } from '../interpreter/run-state';

export async function runRun(call: TaskCall): Promise<TaskResult> {
  const run = (call.task.run ?? {}) as Record<string, unknown>;
  const awaitResult = run.await !== false;
  if (run.workflow) return runWorkflow(call, run.workflow as Record<string, unknown>, awaitResult);
  const kind = (['shell', 'script', 'container'] as const).find((k) => run[k] !== undefined);
  if (!kind) throw new WorkflowFault(dslError('configuration', "'run' needs workflow, shell, script or container"));
  const args = call.rs.evaluator.evaluateTemplate(
    { ...withSourceAuthentication(call, run[kind] as Record<string, unknown>), return: run.return ?? 'stdout' },
    call.input,
    taskVariables(call),
    { instance: call.position, deferSecrets: true },
  ) as Record<string, unknown>;
  const request = { position: call.position, args, scope: deferredScope(call, args) };
  const name = kind === 'shell' ? 'runShell' : kind === 'script' ? 'runScript' : 'runContainer';
  const output = await callActivity(call.rs, name, request, `${call.position} ${kind}`);
  return { output: awaitResult ? output : call.input };
}

/** `script.source.endpoint.authentication: { use: name }` resolved like a call's. */
function withSourceAuthentication(call: TaskCall, process: Record<string, unknown>): Record<string, unknown> {
  const source = process.source as { endpoint?: unknown } | undefined;
  const endpoint = source?.endpoint as Record<string, unknown> | undefined;
  if (!endpoint || typeof endpoint !== 'object' || endpoint.authentication === undefined) return process;
  return {
    ...process,
    source: {
      ...source,
      endpoint: { ...endpoint, authentication: namedAuthentication(call, endpoint.authentication) },
    },
  };
}

async function runWorkflow(call: TaskCall, spec: Record<string, unknown>, awaitResult: boolean): Promise<TaskResult> {
  const { rs } = call;
  const ref = {
    namespace: String(spec.namespace ?? 'default'),
    name: String(spec.name ?? ''),
    version: spec.version as string | undefined,
  };
  const workflowYaml = await callActivity(rs, 'resolveWorkflowDefinition', ref, `${call.position} resolve ${ref.name}`);
  const input = rs.evaluator.evaluateTemplate(spec.input ?? {}, call.input, taskVariables(call), {
    instance: call.position,
  });
  const childId = `${rs.executionId}-${ref.name}-${uuid4()}`;
  const childInput: WorkflowExecuteInput = {
    executionId: childId,
    workflowYaml,
    input: (input ?? {}) as Record<string, unknown>,
    environment: rs.originalInput.environment,
    metadata: { ...rs.originalInput.metadata, parentExecutionId: rs.executionId },
  };
  const options = { workflowId: childId, args: [childInput] as [WorkflowExecuteInput] };
  if (!awaitResult) {
    await startChild(WORKFLOW_TYPE, { ...options, parentClosePolicy: ParentClosePolicy.ABANDON });
    return { output: call.input };
  }
  const result = (await executeChild(WORKFLOW_TYPE, options)) as WorkflowRunResult;
  return { output: result.output ?? null };
}
