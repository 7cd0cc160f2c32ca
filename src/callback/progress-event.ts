/** Progress events: the seed's NewProgressEvent helper and the mapping onto the wire message. */
import type {
  ExecutionStatus,
  ProgressEventType,
  WorkflowErrorData,
  WorkflowProgressEvent,
} from '../temporal/contract';
import { WorkflowProgressEvent as WireProgressEvent } from '../generated/ai/stigmer/workflow/runner/v1/io';

/** The id receivers deduplicate on: stable across retries and replays. */
export function progressEventId(executionId: string, sequence: number): string {
  return `${executionId}:${sequence}`;
}

export interface ProgressEventExtras {
  taskName?: string;
  taskPosition?: string;
  attempt?: number;
  error?: WorkflowErrorData;
  outputSummary?: string;
  /** Defaults to now. */
  timestamp?: Date;
}

/** Builds a progress event like the seed's `NewProgressEvent(executionID, type, workflowName, status, message, sequence)`. */
export function newProgressEvent(
  executionId: string,
  eventType: ProgressEventType,
  workflowName: string,
  status: WorkflowProgressEvent['status'] | ExecutionStatus,
  message: string,
  sequence: number,
  extras: ProgressEventExtras = {},
): WorkflowProgressEvent {
  const { timestamp, ...rest } = extras;
  return {
    executionId,
    eventId: progressEventId(executionId, sequence),
    sequence,
    eventType,
    status,
    workflowName,
    message,
    timestamp: (timestamp ?? new Date()).toISOString(),
    ...rest,
  };
}

/** Contract event (JSON, as Temporal carries it) → wire message (the generated type, every field set). */
export function toWireEvent(event: WorkflowProgressEvent): WireProgressEvent {
  const timestamp = new Date(event.timestamp);
  return WireProgressEvent.fromPartial({
    executionId: event.executionId,
    eventId: event.eventId,
    sequence: event.sequence,
    eventType: event.eventType,
    status: event.status,
    workflowName: event.workflowName,
    taskName: event.taskName ?? '',
    taskPosition: event.taskPosition ?? '',
    message: event.message ?? '',
    timestamp: Number.isNaN(timestamp.getTime()) ? undefined : timestamp,
    attempt: event.attempt ?? 0,
    error: event.error
      ? {
          type: event.error.type,
          status: event.error.status,
          title: event.error.title ?? '',
          detail: event.error.detail ?? '',
          instance: event.error.instance ?? '',
        }
      : undefined,
    outputSummary: event.outputSummary ?? '',
    modelUsage: event.modelUsage
      ? {
          model: event.modelUsage.model,
          inputTokens: event.modelUsage.inputTokens,
          outputTokens: event.modelUsage.outputTokens,
          turns: event.modelUsage.turns ?? 0,
          toolCalls: event.modelUsage.toolCalls ?? 0,
        }
      : undefined,
  });
}
