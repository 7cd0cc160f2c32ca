/**
 * Reads an execution's progress events back from Temporal: the workflow's `events` query (answered by
 * replay for closed runs), walking back through earlier runs after continue-as-new. The one read both
 * get_events and the progress delivery (filling what it no longer holds in memory) use. A terminated run
 * runs no more code, so its last event is derived from its close event in history (termination-event.ts):
 * every reader, on every replica, sees the same event with the same id.
 */
import type { Client } from '@temporalio/client';
import {
  QUERY_EVENTS,
  QUERY_STATUS,
  type EventsPage,
  type ExecutionStatusView,
  type WorkflowProgressEvent,
} from './contract';
import { earlierRunIds } from './execution-events';
import { mayNeedTerminationEvent, readTermination, terminationEvent, withTerminationEvent } from './termination-event';

interface EventsQuery {
  fromSequence: number;
  limit: number;
}

export class EventReader {
  constructor(private readonly client: Client) {}

  /**
   * One page of events from `fromSequence`. After continue-as-new the latest run holds only later events,
   * so earlier ones are read from the previous runs, newest first, until one holds `fromSequence`.
   * Rejects with the SDK's WorkflowNotFoundError for an unknown workflow id.
   */
  async events(workflowId: string, fromSequence: number, limit: number): Promise<EventsPage> {
    const latest = await this.runPage(workflowId, undefined, { fromSequence, limit });
    if (fromSequence >= latest.firstSequence || latest.firstSequence <= 1) return latest;
    for (const runId of await earlierRunIds(this.client, workflowId)) {
      const page = await this.runPage(workflowId, runId, { fromSequence, limit });
      if (fromSequence >= page.firstSequence || page.firstSequence <= 1) {
        // Later runs still hold events past this page.
        return {
          ...page,
          lastSequence: latest.lastSequence,
          hasMore: page.hasMore || page.lastSequence < latest.lastSequence,
        };
      }
    }
    return latest;
  }

  /** The termination event of a closed run (undefined when it was not terminated). */
  async terminationEventOf(
    workflowId: string,
    runId: string,
    page?: EventsPage,
  ): Promise<WorkflowProgressEvent | undefined> {
    const termination = await readTermination(this.client, workflowId, runId);
    if (!termination) return undefined;
    const known = page?.events.at(-1);
    const view = known ? undefined : await this.status(workflowId, runId);
    return terminationEvent(
      workflowId,
      page?.lastSequence ?? view!.lastSequence,
      known?.workflowName ?? view!.workflowName,
      termination,
    );
  }

  /** Sequence of a closed run's last event, its termination event included. */
  async lastSequenceOf(workflowId: string, runId: string): Promise<number> {
    const view = await this.status(workflowId, runId);
    const termination = await readTermination(this.client, workflowId, runId);
    return view.lastSequence + (termination ? 1 : 0);
  }

  /** One run's page; a terminated run's page ends with its termination event. */
  private async runPage(workflowId: string, runId: string | undefined, arg: EventsQuery): Promise<EventsPage> {
    const handle = this.client.workflow.getHandle(workflowId, runId);
    const page = await handle.query<EventsPage, [EventsQuery]>(QUERY_EVENTS, arg);
    if (!mayNeedTerminationEvent(page)) return page;
    const description = await handle.describe();
    if (description.status.name !== 'TERMINATED') return page;
    const event = await this.terminationEventOf(workflowId, description.runId, page);
    return event ? withTerminationEvent(page, event, arg.fromSequence, arg.limit) : page;
  }

  private status(workflowId: string, runId: string): Promise<ExecutionStatusView> {
    return this.client.workflow.getHandle(workflowId, runId).query<ExecutionStatusView>(QUERY_STATUS);
  }
}
