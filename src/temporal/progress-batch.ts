/**
 * How progress events cross from the workflow thread to the worker's main thread: the events of one
 * activation as one batch of tuples. Every sink call is copied between threads (structured clone), and
 * copying objects copies their keys too: as tuples, a batch of a hundred task events copies about half as
 * much. The main thread rebuilds the {@link WorkflowProgressEvent}s (`unpackProgressBatch`). Sandbox-safe.
 */
import type { ProgressEventType, WorkflowErrorData, WorkflowProgressEvent } from './contract';

/**
 * [sequence, eventType, status, timestamp, workflowName, taskName, taskPosition, taskKind, message, attempt,
 * error, outputSummary, callKind]: absent fields are undefined (callKind last, so shorter tuples still read).
 */
export type ProgressTuple = [
  number,
  ProgressEventType,
  WorkflowProgressEvent['status'],
  string,
  string,
  string | undefined,
  string | undefined,
  string | undefined,
  string | undefined,
  number | undefined,
  WorkflowErrorData | undefined,
  string | undefined,
  (string | undefined)?,
];

export interface ProgressBatch {
  executionId: string;
  events: ProgressTuple[];
}

/** The event a tuple stands for. */
export function unpackProgressEvent(executionId: string, t: ProgressTuple): WorkflowProgressEvent {
  const event: WorkflowProgressEvent = {
    executionId,
    eventId: `${executionId}:${t[0]}`,
    sequence: t[0],
    eventType: t[1],
    status: t[2],
    workflowName: t[4],
    timestamp: t[3],
  };
  if (t[5] !== undefined) event.taskName = t[5];
  if (t[6] !== undefined) event.taskPosition = t[6];
  if (t[7] !== undefined) event.taskKind = t[7];
  if (t[8] !== undefined) event.message = t[8];
  if (t[9] !== undefined) event.attempt = t[9];
  if (t[10] !== undefined) event.error = t[10];
  if (t[11] !== undefined) event.outputSummary = t[11];
  if (t[12] !== undefined) event.callKind = t[12];
  return event;
}

export function unpackProgressBatch(batch: ProgressBatch): WorkflowProgressEvent[] {
  return batch.events.map((t) => unpackProgressEvent(batch.executionId, t));
}

/** Progress goes out of workflow code through a Temporal sink: not in history, not called on replay. */
// A type alias, not an interface: only a type literal satisfies the SDK's index-signature `Sinks` constraint.
export type ProgressSinks = {
  progress: {
    /**
     * The events one activation produced, in sequence order (one sink call per activation, not per event),
     * packed as tuples (progress-batch.ts).
     */
    emitBatch(batch: ProgressBatch): void;
  };
};
