/**
 * How every run of the runner starts (the contract's workflow type on the runner's queue, one input), as
 * plain functions so the executor and the `workflow-runner definitions` command build scheduled starts
 * the same way.
 */
import type { WorkflowExecuteInput as WireExecuteInput } from '../generated/ai/stigmer/workflow/runner/v1/io';
import { SLICE_UNITS_PER_MS, WORKFLOW_TYPE, type RunLimits, type WorkflowExecuteInput } from '../temporal/contract';
import { withValidatedDocument, type startValidator } from '../temporal/start-input';
import { type ExecuteLimits, parseExecuteInput } from './execute-request';

export interface RunStart {
  workflowType: string;
  taskQueue: string;
  args: [WorkflowExecuteInput];
}

export interface RunStartDeps {
  taskQueue: string;
  limits: ExecuteLimits;
  validate: ReturnType<typeof startValidator>;
  /** The configured bounds on pure-data work, carried by every run this starter starts. */
  runLimits?: RunLimits;
}

/** The run limits of the configuration (WORKFLOW_MAX_TASKS_WITHOUT_WAIT, WORKFLOW_SLICE, WORKFLOW_LOCAL_CALLS). */
export function runLimitsOf(runtime: {
  maxTasksWithoutWait: number;
  sliceMs: number;
  localCalls?: boolean;
}): RunLimits {
  const limits: RunLimits = {
    maxTasksWithoutWait: runtime.maxTasksWithoutWait,
    sliceUnits: runtime.sliceMs * SLICE_UNITS_PER_MS,
  };
  // Only when on: the start inputs of runners that leave it off stay as they were.
  if (runtime.localCalls) limits.localCalls = true;
  return limits;
}

/** Stands in for the execution id while a scheduled run's input is checked (the id is left empty after). */
const SCHEDULED_ID_PLACEHOLDER = 'scheduled';

export function runStartOf(input: WorkflowExecuteInput, deps: RunStartDeps): RunStart {
  // A valid document rides along validated, so the run skips its own validation step. The limits travel
  // in the input: workflow code cannot read the configuration, and a replay must see the run's own values.
  const started = withValidatedDocument(input, deps.validate);
  return {
    workflowType: WORKFLOW_TYPE,
    taskQueue: deps.taskQueue,
    args: [deps.runLimits && !started.limits ? { ...started, limits: deps.runLimits } : started],
  };
}

/**
 * The start of a run that a Temporal Schedule makes: the input is checked like execute's, but its execution
 * id is left empty because Temporal appends the scheduled time to the workflow id it starts (the workflow
 * then takes its workflow id as execution id).
 */
export function scheduledRunStart(
  workflowYaml: string,
  metadata: Record<string, string>,
  deps: RunStartDeps,
): RunStart {
  const wire: WireExecuteInput = {
    executionId: SCHEDULED_ID_PLACEHOLDER,
    workflowYaml,
    inputJson: '',
    environment: [],
    metadata,
  };
  return runStartOf({ ...parseExecuteInput(wire, deps.limits), executionId: '' }, deps);
}
