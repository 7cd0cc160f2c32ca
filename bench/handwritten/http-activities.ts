/**
 * The runner's own `callHttp` activity as hand-written workflows call it: same activity, same options
 * as the interpreter gives it, but the request is built directly in code.
 */
import { proxyActivities } from '@temporalio/workflow';
import {
  DSL_ERROR_FAILURE_TYPE,
  type HttpCallRequest,
  type RunnerActivities,
} from '../../src/temporal/activities/types';

// The interpreter's activity options (src/temporal/workflows/interpreter/activity-calls.ts): an HTTP error status is a
// non-retryable DSL error at the Temporal level, so the workflow's own retry loop decides.
const { callHttp } = proxyActivities<Pick<RunnerActivities, 'callHttp'>>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3, initialInterval: '1s', nonRetryableErrorTypes: [DSL_ERROR_FAILURE_TYPE] },
});

export function httpGet(position: string, endpoint: string, input: unknown): Promise<unknown> {
  const request: HttpCallRequest = {
    position,
    args: { method: 'get', endpoint },
    scope: { input, variables: {}, sealedSecrets: {}, env: {} },
  };
  return callHttp(request);
}
