/**
 * How workflow code reaches the runner's activities: by name, with a per-task summary so the Temporal UI
 * reads like the workflow (`callHttp /do/1/getPet`). DSL errors from activities are non-retryable at the
 * Temporal level; the DSL's own `retry` policies decide whether to try again.
 */
import { scheduleActivity, scheduleLocalActivity, type RetryPolicy } from '@temporalio/workflow';
import type { RunnerActivities, DeferredScope, ValidateWorkflowResult } from '../../activities/types';
import { DSL_ERROR_FAILURE_TYPE } from '../../contract';
import { taskVariables, type TaskCall } from './run-state';
import { isDeferred } from '../../../zigflow/dsl/expressions';

export type ActivityName = Exclude<keyof RunnerActivities, 'validateWorkflow' | 'yieldPoint'>;

/**
 * Activities that heartbeat while they wait (activities/activity-context.ts, every 5 s). With a heartbeat
 * timeout, a call in flight on a worker that died is retried after this long instead of after the
 * 10-minute start-to-close timeout. Activity options are not part of Temporal's determinism check (only
 * the activity type and id are), so recorded histories replay unchanged.
 */
const HEARTBEATING: ReadonlySet<ActivityName> = new Set<ActivityName>([
  'callHttp',
  'callOpenApi',
  'callGrpc',
  'callMcp',
  'callA2a',
  'callAsyncApi',
  'emitEvent',
  'runShell',
  'runScript',
  'runContainer',
  'fetchSchemas',
  'fetchCatalogFunction',
  'llmChat',
  'llmEmbed',
  'vectorUpsert',
  'vectorQuery',
  'agentListTools',
  'agentCallTool',
]);
export const ACTIVITY_HEARTBEAT_TIMEOUT = '30 seconds';

/**
 * Model requests meet rate limits (429) and overloaded servers (5xx): more attempts, spaced wider. A
 * provider's `retry-after` overrides the interval (the activity's failure carries it as `nextRetryDelay`).
 */
const MODEL_RETRY: RetryPolicy = {
  maximumAttempts: 6,
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: [DSL_ERROR_FAILURE_TYPE],
};
/** Every other activity's retry policy: DSL errors are left to the DSL's own `retry`. */
export const DEFAULT_RETRY: RetryPolicy = {
  maximumAttempts: 3,
  initialInterval: '1s',
  nonRetryableErrorTypes: [DSL_ERROR_FAILURE_TYPE],
};
const RETRY: Partial<Record<ActivityName, RetryPolicy>> = {
  llmChat: MODEL_RETRY,
  llmEmbed: MODEL_RETRY,
  vectorUpsert: MODEL_RETRY,
  vectorQuery: MODEL_RETRY,
};

/**
 * A subscription consumes for as long as its `consume` bounds say (CALL_ASYNCAPI_MAX_CONSUME without
 * `for`), so its activity gets a day; heartbeats still notice a dead worker within 30 s.
 */
const START_TO_CLOSE: Partial<Record<ActivityName, '24 hours'>> = { callAsyncApi: '24 hours' };

export type ActivityResult<K extends ActivityName> = Awaited<ReturnType<RunnerActivities[K]>>;

/**
 * Schedules one of the runner's activities; interpreter code waits for it through steps.ts `activity`.
 * `local`: as a local activity (call: http, openapi, grpc under WORKFLOW_LOCAL_CALLS or a task's
 * `metadata.localActivity`): the worker that runs the workflow task runs the call and records its result
 * as a marker when the workflow task completes, without an activity task on the server.
 */
export function scheduleRunnerActivity<K extends ActivityName>(
  name: K,
  request: Parameters<RunnerActivities[K]>[0],
  summary: string,
  local = false,
): Promise<ActivityResult<K>> {
  const retry = RETRY[name] ?? DEFAULT_RETRY;
  const startToCloseTimeout = START_TO_CLOSE[name] ?? '10 minutes';
  if (local) {
    // No heartbeat timeout: a local activity lives in the workflow task, whose own timeout notices a dead
    // worker (the next worker runs the workflow task again, and with it the call).
    return scheduleLocalActivity<ActivityResult<K>>(name, [request], {
      startToCloseTimeout,
      retry,
      localRetryThreshold: LOCAL_RETRY_THRESHOLD,
      summary,
    });
  }
  return scheduleActivity<ActivityResult<K>>(name, [request], {
    startToCloseTimeout,
    heartbeatTimeout: HEARTBEATING.has(name) ? ACTIVITY_HEARTBEAT_TIMEOUT : undefined,
    retry,
    summary,
  });
}

/**
 * Retries of a local activity that back off longer than this wait on a durable timer instead of inside the
 * workflow task (the SDK's default is a minute; the calls this mode is for are short).
 */
export const LOCAL_RETRY_THRESHOLD = '10 seconds';

export async function validateDocument(yamlText: string): Promise<ValidateWorkflowResult> {
  return scheduleLocalActivity('validateWorkflow', [yamlText], {
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 3 },
  });
}

/**
 * The runtime arguments an activity needs to finish `$secrets` expressions. Definitions are dropped: they
 * are large and already in history with the workflow input.
 */
export function deferredScope(call: TaskCall, args: unknown, evaluatesExpressions = false): DeferredScope {
  // Without expressions left for the activity, it needs only the task input (URI templates): the runtime
  // arguments, secrets and environment would only make every activity's input (and history) larger.
  // `evaluatesExpressions`: the activity evaluates expressions of its own (an AsyncAPI subscription's filter).
  if (!evaluatesExpressions && !containsDeferred(args))
    return { input: call.input, variables: {}, sealedSecrets: {}, env: {}, mode: call.rs.evaluator.mode };
  const vars = taskVariables(call);
  const { definition: _t, ...task } = call.taskDescriptor;
  const { definition: _w, ...workflow } = call.rs.workflowDescriptor;
  return {
    input: call.input,
    variables: { ...vars, task, workflow },
    sealedSecrets: call.rs.sealedSecrets,
    env: call.rs.env,
    mode: call.rs.evaluator.mode,
  };
}

function containsDeferred(value: unknown): boolean {
  if (isDeferred(value)) return true;
  if (Array.isArray(value)) return value.some(containsDeferred);
  if (value && typeof value === 'object') return Object.values(value).some(containsDeferred);
  return false;
}

/**
 * Ends the current activation without a server round trip (a local activity completes inside the same
 * workflow task), unlike a timer whose firing can take up to a second on the server.
 */
export async function yieldPoint(): Promise<void> {
  await scheduleLocalActivity('yieldPoint', [], { startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 5 } });
}
