/**
 * `definitionAfterLoop`: the DSL's `schedule.after` ("start again this long after the previous run completes").
 * A Temporal Schedule's times are wall-clock based and cannot express it, so one loop workflow per
 * namespace/name (id `wf-after:{namespace}/{name}`) runs the definition as a child run, waits `after` on a
 * durable timer once the run has ended (completed or faulted: a failing run does not stop a schedule), and
 * starts again. Before every run it resolves the latest registered version, so a re-registered definition
 * takes effect at the next run and a removed one (or one without `schedule.after`) ends the loop.
 * Cancelling the loop (what removal does) ends it during the wait; a run already started is left to finish.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  executeChild,
  isCancellation,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { DSL_ERROR_FAILURE_TYPE, WORKFLOW_TYPE, type WorkflowExecuteInput } from '../contract';
import { afterLoopId, type AfterLoopArgs } from '../definition-registry.contract';
import type { RunnerActivities } from '../activities/types';
import { durationToMs } from '../../zigflow/dsl/durations';
import { validateDocument } from './interpreter/activity-calls';

const { resolveWorkflowDefinition } = proxyActivities<Pick<RunnerActivities, 'resolveWorkflowDefinition'>>({
  startToCloseTimeout: '1 minute',
  // The registry may be briefly unreachable; only "not registered" (a DSL error) is final.
  retry: { initialInterval: '1s', maximumInterval: '1 minute', nonRetryableErrorTypes: [DSL_ERROR_FAILURE_TYPE] },
});

/** Runs per loop execution before continue-as-new (each run adds about a dozen history events). */
const RUNS_PER_EXECUTION = 100;

export async function definitionAfterLoop(args: AfterLoopArgs): Promise<void> {
  let runs = args.runs ?? 0;
  for (let sinceStart = 0; ; sinceStart += 1) {
    if (sinceStart >= RUNS_PER_EXECUTION || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof definitionAfterLoop>({ ...args, runs });
    }
    const next = await latestAfterDefinition(args);
    if (!next) return;
    runs += 1;
    await CancellationScope.nonCancellable(() => runOnce(args, next.yaml, runs));
    try {
      await sleep(next.afterMs);
    } catch (e) {
      if (isCancellation(e)) return;
      throw e;
    }
  }
}

/** The latest registered text and its `after` delay, or undefined when the loop should end. */
async function latestAfterDefinition(args: AfterLoopArgs): Promise<{ yaml: string; afterMs: number } | undefined> {
  let yaml: string;
  try {
    yaml = await resolveWorkflowDefinition({ namespace: args.namespace, name: args.name });
  } catch (e) {
    if (
      e instanceof ActivityFailure &&
      e.cause instanceof ApplicationFailure &&
      e.cause.type === DSL_ERROR_FAILURE_TYPE
    )
      return undefined;
    throw e;
  }
  const validation = await validateDocument(yaml);
  if (!validation.ok) return undefined;
  const after = validation.workflow.schedule?.after;
  if (after === undefined) return undefined;
  return { yaml, afterMs: Math.max(1, durationToMs(after, '/schedule/after')) };
}

async function runOnce(args: AfterLoopArgs, workflowYaml: string, run: number): Promise<void> {
  // The loop's first run id keeps the ids of a loop started again after removal apart from the earlier ones.
  const executionId = `${afterLoopId(args.namespace, args.name)}/${workflowInfo().firstExecutionRunId.slice(0, 8)}-${run}`;
  const input: WorkflowExecuteInput = {
    executionId,
    workflowYaml,
    metadata: { 'runner.schedule': workflowInfo().workflowId },
  };
  try {
    await executeChild(WORKFLOW_TYPE, { workflowId: executionId, args: [input] });
  } catch (e) {
    // The run's own events and status tell how it ended; the loop only needs to know that it did.
    if (isCancellation(e)) throw e;
  }
}
