/**
 * Finds the runs a dead replica touched after a point in time: the runs whose events it may have emitted
 * without ever listing them in the delivery ledger. Visibility lists the runner's runs on the task queue
 * that are open or closed since then; for each, the tail of its history (read newest first, no replay)
 * tells whether a workflow task completed by that replica's worker identity falls in the window.
 * One visibility page per 1,000 runs and usually one history page per run: this runs once per dead
 * replica, never on the happy path.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { WORKFLOW_TYPE } from './contract';

const WORKFLOW_TASK_COMPLETED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
/** History events read per page, newest first. */
const TAIL_PAGE = 100;
/** Runs whose tails are read at once. */
const CONCURRENT_TAILS = 8;

export class RecoveryScanner {
  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly taskQueue: string,
  ) {}

  /** Workflow ids of runs where `identity` completed a workflow task at or after `sinceMs` (server time). */
  async touchedBy(identity: string, sinceMs: number): Promise<string[]> {
    const since = new Date(sinceMs).toISOString();
    const query =
      `TaskQueue = '${this.taskQueue}' AND WorkflowType = '${WORKFLOW_TYPE}' ` +
      `AND (ExecutionStatus = 'Running' OR CloseTime >= '${since}')`;
    const touched = new Set<string>();
    let batch: Array<{ workflowId: string; runId: string }> = [];
    const flush = async (): Promise<void> => {
      const found = await Promise.all(batch.map((run) => this.touched(run.workflowId, run.runId, identity, sinceMs)));
      batch.forEach((run, i) => found[i] && touched.add(run.workflowId));
      batch = [];
    };
    for await (const info of this.client.workflow.list({ query })) {
      batch.push({ workflowId: info.workflowId, runId: info.runId });
      if (batch.length >= CONCURRENT_TAILS) await flush();
    }
    await flush();
    return [...touched];
  }

  private async touched(workflowId: string, runId: string, identity: string, sinceMs: number): Promise<boolean> {
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await this.client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace: this.namespace,
        execution: { workflowId, runId },
        maximumPageSize: TAIL_PAGE,
        nextPageToken,
      });
      for (const event of page.history?.events ?? []) {
        if (tsToMs(event.eventTime) < sinceMs) return false;
        if (
          event.eventType === WORKFLOW_TASK_COMPLETED &&
          event.workflowTaskCompletedEventAttributes?.identity === identity
        )
          return true;
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return false;
  }
}
