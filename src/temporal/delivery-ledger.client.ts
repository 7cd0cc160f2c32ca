/**
 * Client side of the delivery ledger workflow (src/temporal/workflows/delivery-ledger.ts): checkpoints as
 * Temporal Updates (update-with-start, so the first replica of a queue creates the ledger), marks and the
 * summary as queries. Every replica of a task queue talks to the same workflow id.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import {
  DELIVERY_LEDGER_WORKFLOW_TYPE,
  QUERY_MARKS,
  QUERY_SUMMARY,
  SIGNAL_LEAVE,
  UPDATE_CHECKPOINT,
  deliveryLedgerId,
  type CheckpointRequest,
  type CheckpointResponse,
  type LedgerSummary,
} from './delivery-ledger.contract';

export class DeliveryLedgerClient {
  readonly workflowId: string;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {
    this.workflowId = deliveryLedgerId(taskQueue);
  }

  async checkpoint(request: CheckpointRequest): Promise<CheckpointResponse> {
    const start = new WithStartWorkflowOperation(DELIVERY_LEDGER_WORKFLOW_TYPE, {
      workflowId: this.workflowId,
      taskQueue: this.taskQueue,
      args: [],
      // Every replica writes to the one running ledger; the first checkpoint ever starts it.
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return this.client.workflow.executeUpdateWithStart<Workflow, CheckpointResponse, [CheckpointRequest]>(
      UPDATE_CHECKPOINT,
      { args: [request], startWorkflowOperation: start },
    );
  }

  /** The last checkpoint of a leaving replica: recorded by Temporal at once, applied when a worker runs the ledger. */
  async leave(request: CheckpointRequest): Promise<void> {
    await this.client.workflow.signalWithStart(DELIVERY_LEDGER_WORKFLOW_TYPE, {
      workflowId: this.workflowId,
      taskQueue: this.taskQueue,
      args: [],
      signal: SIGNAL_LEAVE,
      signalArgs: [request],
    });
  }

  /** Acknowledged marks of these workflow ids (those the ledger knows); empty before the ledger exists. */
  async marks(workflowIds: string[]): Promise<Map<string, number>> {
    const found = await this.query<Array<[string, number]>>(QUERY_MARKS, workflowIds);
    return new Map(found ?? []);
  }

  async summary(): Promise<LedgerSummary | undefined> {
    return this.query<LedgerSummary>(QUERY_SUMMARY);
  }

  private async query<R>(query: string, ...args: unknown[]): Promise<R | undefined> {
    try {
      return await this.client.workflow.getHandle(this.workflowId).query<R, unknown[]>(query, ...args);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }
}
