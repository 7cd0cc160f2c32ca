import type { WorkflowProgressEvent } from '../temporal/contract';

/** One progress event as a stderr line: `[seq] type  task (position)  message`. */
export function formatEvent(e: WorkflowProgressEvent): string {
  const task = e.taskName ? `  ${e.taskName} (${e.taskPosition ?? '?'})` : '';
  const attempt = e.attempt && e.attempt > 1 ? ` attempt ${e.attempt}` : '';
  const error = e.error ? `  ${e.error.title ?? e.error.type}${e.error.detail ? `: ${e.error.detail}` : ''}` : '';
  const message = e.message && !error ? `  ${e.message}` : '';
  return `[${String(e.sequence).padStart(3)}] ${e.eventType.padEnd(19)}${task}${attempt}${message}${error}`;
}
