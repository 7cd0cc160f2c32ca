/**
 * `recover`: a failed or terminated run starts again at the task that failed or was interrupted. The closed
 * run answers the `recovery` query by replay (the resumable levels still running at its end, with their
 * data and the context: src/temporal/workflows/continue-as-new.ts); a new run of the same execution id starts
 * with that resume state, the way continue-as-new hands over, so completed tasks are not run again. Its first
 * event, `workflow_recovered`, follows the old run's last one (a termination event included) without a gap
 * and names the old run; `get_status` shows the link, `get_events` reads the old run for earlier sequences.
 */
import {
  type Client,
  type WorkflowExecutionDescription,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/client';
import { QUERY_RECOVERY, WORKFLOW_TYPE, type RecoveryPoint } from '../temporal/contract';
import { failedPrecondition } from './rpc-errors';
import { statusFromDescription } from './wire-mapping';

export interface RecoverResult {
  executionId: string;
  runId: string;
  recoveredFromRunId: string;
  taskPosition: string;
  sequence: number;
}

export interface RecoveryDeps {
  client: Client;
  taskQueue: string;
  /** Last event sequence of a closed run, its termination event included. */
  lastSequenceOf(runId: string): Promise<number>;
}

const RECOVERABLE = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT']);

export async function recoverRun(
  deps: RecoveryDeps,
  latest: WorkflowExecutionDescription,
  reason: string,
): Promise<RecoverResult> {
  const executionId = latest.workflowId;
  if (!RECOVERABLE.has(latest.status.name)) {
    throw failedPrecondition(
      `cannot recover execution ${executionId}: it is ${statusFromDescription(latest)} (${latest.status.name}); only a failed or terminated run can be recovered`,
    );
  }
  const oldRun = deps.client.workflow.getHandle(executionId, latest.runId);
  const point = await oldRun.query<RecoveryPoint | null>(QUERY_RECOVERY);
  if (!point) {
    throw failedPrecondition(
      `cannot recover execution ${executionId}: its run stopped before its first task (nothing to resume); execute it again under a new id`,
    );
  }
  const lastSequence = await deps.lastSequenceOf(latest.runId);
  const resume = {
    ...point.resume,
    lastSequence,
    recovery: { fromRunId: latest.runId, taskPosition: point.taskPosition, reason: reason.trim() || undefined },
  };
  try {
    const handle = await deps.client.workflow.start(WORKFLOW_TYPE, {
      workflowId: executionId,
      taskQueue: deps.taskQueue,
      args: [point.input, resume],
      // The execution id is reused on purpose: the new run continues this execution (its events, its status).
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
    });
    return {
      executionId,
      runId: handle.firstExecutionRunId,
      recoveredFromRunId: latest.runId,
      taskPosition: point.taskPosition ?? '',
      sequence: lastSequence + 1,
    };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw failedPrecondition(`cannot recover execution ${executionId}: a new run of it is already running`);
    throw err;
  }
}
