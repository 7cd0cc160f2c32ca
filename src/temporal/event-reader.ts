/**
 * Reads an execution's progress events back from Temporal: the workflow's `events` query (answered by
 * replay for closed runs), walking back through earlier runs after continue-as-new. The one read both
 * get_events and the progress delivery (filling what it no longer holds in memory) use.
 */
import type { Client } from '@temporalio/client';
import { QUERY_EVENTS, type EventsPage } from './contract';
import { earlierRunIds } from './execution-events';

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
    const latest = await this.query(workflowId, undefined, { fromSequence, limit });
    if (fromSequence >= latest.firstSequence || latest.firstSequence <= 1) return latest;
    for (const runId of await earlierRunIds(this.client, workflowId)) {
      const page = await this.query(workflowId, runId, { fromSequence, limit });
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

  private query(workflowId: string, runId: string | undefined, arg: EventsQuery): Promise<EventsPage> {
    return this.client.workflow.getHandle(workflowId, runId).query<EventsPage, [EventsQuery]>(QUERY_EVENTS, arg);
  }
}
