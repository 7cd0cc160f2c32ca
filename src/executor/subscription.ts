/**
 * The subscribe stream: replays what the caller missed, then follows the run until it closes. Events
 * always come from the run's own `events` query, so the stream has no gaps and no duplicates; progress
 * seen on this worker only wakes the poll early.
 */
import type { EventsPage, WorkflowProgressEvent } from '../temporal/contract';
import { MAX_EVENTS_PAGE } from './execute-request';

export interface SubscriptionSource {
  events(executionId: string, fromSequence: number, limit: number): Promise<EventsPage>;
  isClosed(executionId: string): Promise<boolean>;
  onLocalProgress(listener: (event: WorkflowProgressEvent) => void): () => void;
}

/** Longest wait between two polls of a run that is quiet (or runs on another worker). */
export const POLL_INTERVAL_MS = 1000;

export async function* followExecution(
  source: SubscriptionSource,
  executionId: string,
  fromSequence: number,
  signal: AbortSignal,
  pollIntervalMs = POLL_INTERVAL_MS,
): AsyncGenerator<WorkflowProgressEvent> {
  let next = Math.max(1, fromSequence);
  let cue = false;
  const stopListening = source.onLocalProgress((event) => {
    if (event.executionId === executionId) cue = true;
  });
  try {
    while (!signal.aborted) {
      cue = false;
      // Closed is read before the page: once the run is closed, that page holds its last events.
      const closed = await source.isClosed(executionId);
      let page: EventsPage;
      do {
        page = await source.events(executionId, next, MAX_EVENTS_PAGE);
        for (const event of page.events) {
          if (event.sequence < next) continue;
          yield event;
          next = event.sequence + 1;
        }
      } while (page.hasMore && page.events.length > 0 && !signal.aborted);
      if (closed) return;
      if (!cue) await waitForCue(() => cue, signal, pollIntervalMs);
    }
  } finally {
    stopListening();
  }
}

/** Resolves when `ready()` turns true, the signal aborts, or after `maxMs`. */
function waitForCue(ready: () => boolean, signal: AbortSignal, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const step = Math.min(50, maxMs);
    const started = Date.now();
    const timer = setInterval(() => {
      if (ready() || signal.aborted || Date.now() - started >= maxMs) done();
    }, step);
    const done = (): void => {
      clearInterval(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
  });
}
