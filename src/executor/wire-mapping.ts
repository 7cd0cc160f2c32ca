/** Contract (Temporal JSON) → wire messages of the query RPCs. */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { EventsPage, ExecutionStatus, ExecutionStatusView } from '../temporal/contract';
import {
  EventsPage as WireEventsPage,
  ExecutionStatus as WireExecutionStatus,
} from '../generated/ai/stigmer/workflow/runner/v1/io';
import { toWireEvent } from '../callback/progress-event';

/** The run status Temporal knows even when the workflow's own query cannot answer. */
export function statusFromDescription(description: WorkflowExecutionDescription): ExecutionStatus {
  switch (description.status.name) {
    case 'COMPLETED':
      return 'completed';
    // A terminated run reports workflow_cancelled ("terminated: <reason>", see termination.ts).
    case 'CANCELLED':
    case 'TERMINATED':
      return 'cancelled';
    case 'FAILED':
    case 'TIMED_OUT':
      return 'failed';
    default:
      return 'running';
  }
}

export function isClosed(description: WorkflowExecutionDescription): boolean {
  return description.status.name !== 'RUNNING' && description.status.name !== 'UNSPECIFIED';
}

export function toWireStatus(
  description: WorkflowExecutionDescription,
  view: ExecutionStatusView | undefined,
): WireExecutionStatus {
  // A run Temporal closed without the workflow's own say (terminate, timeout) is reported as Temporal sees it.
  const forcedEnd = ['TERMINATED', 'TIMED_OUT'].includes(description.status.name);
  // The runner-made termination event follows the workflow's last one.
  const terminated = description.status.name === 'TERMINATED' && view ? 1 : 0;
  return WireExecutionStatus.fromPartial({
    executionId: description.workflowId,
    workflowName: view?.workflowName ?? '',
    status: forcedEnd || !view ? statusFromDescription(description) : view.status,
    lastSequence: (view?.lastSequence ?? 0) + terminated,
    currentTask: view?.currentTask ? { name: view.currentTask.name, position: view.currentTask.position } : undefined,
    error: view?.error
      ? {
          type: view.error.type,
          status: view.error.status,
          title: view.error.title ?? '',
          detail: view.error.detail ?? '',
          instance: view.error.instance ?? '',
        }
      : undefined,
    runStatus: description.status.name,
    runId: description.runId,
    startTime: description.startTime,
    closeTime: description.closeTime,
    recoveredFromRunId: view?.recoveredFrom?.runId ?? '',
    recoveredAtTask: view?.recoveredFrom?.taskPosition ?? '',
  });
}

export function toWireEventsPage(page: EventsPage, fromSequence: number): WireEventsPage {
  const last = page.events.at(-1);
  return WireEventsPage.fromPartial({
    events: page.events.map(toWireEvent),
    firstSequence: page.firstSequence,
    lastSequence: page.lastSequence,
    hasMore: page.hasMore,
    nextSequence: last ? last.sequence + 1 : Math.max(fromSequence, 1),
  });
}
