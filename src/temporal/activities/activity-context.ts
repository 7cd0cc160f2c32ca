/**
 * What an activity reads from Temporal's activity context: heartbeats for the long-running activities and
 * the id of the workflow that scheduled it. Outside an activity (unit tests call the functions directly)
 * there is no context: nothing heartbeats and there is no workflow id.
 */
import { Context } from '@temporalio/activity';

/**
 * How often a running activity heartbeats. Well below the heartbeat timeout that workflow code sets
 * (ACTIVITY_HEARTBEAT_TIMEOUT in workflows/interpreter/activity-calls.ts); the SDK throttles what it actually sends to the
 * server to 80% of that timeout, so a short interval costs no extra RPCs.
 */
export const HEARTBEAT_INTERVAL_MS = 5_000;

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The workflow id (= execution id) of the run that scheduled the current activity, if any. */
export function currentWorkflowId(): string | undefined {
  return currentContext()?.info.workflowExecution?.workflowId;
}

/**
 * Fires when Temporal cancels the current activity (the workflow cancelled it, its timeout passed, the
 * worker is shutting down); never fires outside an activity. Cancellation reaches an activity through its
 * heartbeats, which is why every activity that waits on the outside world runs under {@link withHeartbeat}.
 */
export function cancellationSignal(): AbortSignal | undefined {
  return currentContext()?.cancellationSignal;
}

/** The activity id and attempt-independent identity of the current activity, if any. */
export function currentActivityIdentity(): { workflowId: string; runId: string; activityId: string } | undefined {
  const info = currentContext()?.info;
  if (!info?.workflowExecution) return undefined;
  return { ...info.workflowExecution, activityId: info.activityId };
}

/**
 * Wraps an activity so that it heartbeats while it waits (HTTP, gRPC, a child process): if the worker dies
 * mid-call, the server notices within the heartbeat timeout and retries the activity on another worker,
 * instead of waiting for the start-to-close timeout.
 *
 * The first heartbeat comes one interval after the start, not at the start: the server's heartbeat timeout
 * runs from the activity's start until a first heartbeat arrives, so a dead worker is noticed just as soon.
 * One at the start never reached the server for a short call (the SDK holds heartbeats back for its
 * throttle interval and drops them when the activity ends first) but cost the worker a pass through the
 * SDK's heartbeat pipeline into the Temporal core on every call.
 */
export function withHeartbeat<A extends unknown[], R>(
  activity: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const context = currentContext();
    if (!context || context.info.isLocal) return activity(...args);
    const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
    try {
      return await activity(...args);
    } finally {
      clearInterval(timer);
    }
  };
}
