/**
 * The runner's own `callHttp` activity as hand-written workflows call it: same activity, same options
 * as the interpreter gives it (the heartbeat timeout that lets a dead worker's call be retried in 30 s, a
 * summary naming the call for the Temporal UI), but the request is built directly in code.
 */
import { scheduleActivity, scheduleLocalActivity } from '@temporalio/workflow';
import type { HttpCallRequest } from '../../src/temporal/activities/types';
import {
  ACTIVITY_HEARTBEAT_TIMEOUT,
  DEFAULT_RETRY,
  LOCAL_RETRY_THRESHOLD,
} from '../../src/temporal/workflows/interpreter/activity-calls';

// The interpreter's activity options (src/temporal/workflows/interpreter/activity-calls.ts): an HTTP error
// status is a non-retryable DSL error at the Temporal level, so the workflow's own retry loop decides.
// `local`: a local activity with the options the interpreter gives one under WORKFLOW_LOCAL_CALLS.
export function httpGet(position: string, endpoint: string, input: unknown, local = false): Promise<unknown> {
  const request: HttpCallRequest = {
    position,
    args: { method: 'get', endpoint },
    scope: { input, variables: {}, sealedSecrets: {}, env: {} },
  };
  const summary = `${position} http`;
  if (local) {
    return scheduleLocalActivity('callHttp', [request], {
      startToCloseTimeout: '10 minutes',
      retry: DEFAULT_RETRY,
      localRetryThreshold: LOCAL_RETRY_THRESHOLD,
      summary,
    });
  }
  return scheduleActivity('callHttp', [request], {
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
    retry: DEFAULT_RETRY,
    summary,
  });
}
