/**
 * `run`: `workflow` runs a registered definition as a Temporal child workflow (awaited by default);
 * `shell`, `script` and `container` run in activities that are disabled unless the runner enables them.
 */
import { executeChild, ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import { WORKFLOW_TYPE, type WorkflowExecuteInput, type WorkflowRunResult } from '../../contract';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import {
  isJsonObject,
  type JsonObject,
  type ProcessDefinition,
  type RunDefinition,
  type RunTask,
  type WorkflowProcess,
} from '../../../zigflow/dsl/model';
import { deferredScope } from '../interpreter/activity-calls';
import { announceWait, noteDurableWait } from '../interpreter/run-guard';
import { activity, runSteps, type Steps } from '../interpreter/steps';
import { namedAuthentication } from './call';
import { taskVariables, type MaybePromise, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runRun(call: TaskCall, task: RunTask): MaybePromise<TaskResult> {
  return runSteps(call.rs, runTaskSteps(call, task));
}

const PROCESS_KINDS = ['shell', 'script', 'container'] as const;

function* runTaskSteps(call: TaskCall, task: RunTask): Steps<TaskResult> {
  const run: RunDefinition = task.run ?? {};
  const awaitResult = run.await !== false;
  if (run.workflow) return runSteps(call.rs, childWorkflowSteps(call, run.workflow, awaitResult));
  const kind = PROCESS_KINDS.find((k) => run[k] !== undefined);
  const process = kind && run[kind];
  if (!kind || !process) {
    throw new WorkflowFault(dslError('configuration', "'run' needs workflow, shell, script or container"));
  }
  const args = call.rs.evaluator.evaluateTemplate(
    { ...withSourceAuthentication(call, process), return: run.return ?? 'stdout' },
    call.input,
    taskVariables(call),
    { instance: call.position, deferSecrets: true },
  );
  // A template of an object evaluates to an object.
  const request = { position: call.position, args: isJsonObject(args) ? args : {}, scope: deferredScope(call, args) };
  const name = kind === 'shell' ? 'runShell' : kind === 'script' ? 'runScript' : 'runContainer';
  const output: unknown = yield activity(call.rs, name, request, `${call.position} ${kind}`);
  return { output: awaitResult ? output : call.input };
}

/** `script.source.endpoint.authentication: { use: name }` resolved like a call's. */
function withSourceAuthentication(call: TaskCall, process: ProcessDefinition): JsonObject {
  const source = process.source;
  const endpoint = source?.endpoint;
  if (!source || !isJsonObject(endpoint) || endpoint.authentication === undefined) return process;
  return {
    ...process,
    source: {
      ...source,
      endpoint: { ...endpoint, authentication: namedAuthentication(call, endpoint.authentication) },
    },
  };
}

function* childWorkflowSteps(call: TaskCall, spec: WorkflowProcess, awaitResult: boolean): Steps<TaskResult> {
  const { rs } = call;
  const ref = {
    namespace: String(spec.namespace ?? 'default'),
    name: String(spec.name ?? ''),
    version: spec.version,
  };
  const workflowYaml: string = yield activity(
    rs,
    'resolveWorkflowDefinition',
    ref,
    `${call.position} resolve ${ref.name}`,
  );
  const input = rs.evaluator.evaluateTemplate(spec.input ?? {}, call.input, taskVariables(call), {
    instance: call.position,
  });
  const childId = `${rs.executionId}-${ref.name}-${uuid4()}`;
  const childInput: WorkflowExecuteInput = {
    executionId: childId,
    workflowYaml,
    // A template of an object evaluates to an object.
    input: isJsonObject(input) ? input : {},
    environment: rs.originalInput.environment,
    metadata: { ...rs.originalInput.metadata, parentExecutionId: rs.executionId },
    limits: rs.originalInput.limits,
  };
  const args: [WorkflowExecuteInput] = [childInput];
  const options = { workflowId: childId, args };
  if (!awaitResult) {
    yield startChild(WORKFLOW_TYPE, { ...options, parentClosePolicy: ParentClosePolicy.ABANDON });
    return { output: call.input };
  }
  announceWait(rs);
  let result: WorkflowRunResult;
  try {
    result = yield executeChild(WORKFLOW_TYPE, options);
  } finally {
    noteDurableWait(rs);
  }
  return { output: result.output ?? null };
}
