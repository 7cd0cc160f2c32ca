/**
 * The last event of a terminated run. A terminated workflow runs no more code, so this event is made on the
 * runner side, from Temporal's record of the termination: its sequence follows the run's last event, its
 * reason and time are those of the `WorkflowExecutionTerminated` history event. Every replica therefore
 * derives the same event with the same id, whether it serves `get_events`, `subscribe` or the `terminate`
 * call that reports it to the Stigmer Service.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { EventsPage, WorkflowProgressEvent } from './contract';

export const TERMINATED_MESSAGE_PREFIX = 'terminated: ';
const TERMINAL_EVENTS = new Set(['workflow_completed', 'workflow_failed', 'workflow_cancelled']);

export interface Termination {
  reason: string;
  time: Date;
}

export function terminationEvent(
  executionId: string,
  lastSequence: number,
  workflowName: string,
  termination: Termination,
): WorkflowProgressEvent {
  const sequence = lastSequence + 1;
  return {
    executionId,
    eventId: `${executionId}:${sequence}`,
    sequence,
    eventType: 'workflow_cancelled',
    status: 'cancelled',
    workflowName,
    message: `${TERMINATED_MESSAGE_PREFIX}${termination.reason || 'no reason given'}`,
    timestamp: termination.time.toISOString(),
  };
}

/** The termination record of a run (its close event), or undefined when the run was not terminated. */
export async function readTermination(
  client: Client,
  executionId: string,
  runId: string,
): Promise<Termination | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: executionId, runId },
    historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
  });
  const close = history?.events?.at(-1);
  const attributes = close?.workflowExecutionTerminatedEventAttributes;
  if (!close || !attributes) return undefined;
  const seconds = Number(close.eventTime?.seconds ?? 0);
  const nanos = close.eventTime?.nanos ?? 0;
  return { reason: attributes.reason ?? '', time: new Date(seconds * 1000 + Math.floor(nanos / 1e6)) };
}

/**
 * Whether a page may end where a termination event belongs: it reaches the run's last event and that event
 * is not one of the workflow's own terminal events.
 */
export function mayNeedTerminationEvent(page: EventsPage): boolean {
  if (page.hasMore) return false;
  const last = page.events.at(-1);
  return !last || (last.sequence === page.lastSequence && !TERMINAL_EVENTS.has(last.eventType));
}

/** The page with the termination event added (when wanted from `fromSequence` and room is left). */
export function withTerminationEvent(
  page: EventsPage,
  event: WorkflowProgressEvent,
  fromSequence: number,
  limit: number,
): EventsPage {
  if (event.sequence < fromSequence) return { ...page, lastSequence: event.sequence };
  if (page.events.length >= limit) return { ...page, lastSequence: event.sequence, hasMore: true };
  return { ...page, events: [...page.events, event], lastSequence: event.sequence };
}
