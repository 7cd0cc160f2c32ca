/**
 * Catch filters and retry policies of `try` (DSL 1.0 "Retry"). Delays are computed deterministically:
 * jitter draws from the workflow's seeded random source, which Temporal replays identically.
 */
import type { WorkflowErrorData } from '../../contract';
import { durationToMs } from '../../../zigflow/dsl/durations';
import { dslError, sameErrorType, WorkflowFault } from '../../../zigflow/dsl/errors';
import type { RetryPolicyDefinition } from '../../../zigflow/dsl/model';
import { taskVariables, type TaskCall } from './run-state';

export interface RetryPolicy {
  when?: unknown;
  exceptWhen?: unknown;
  delayMs: number;
  backoff: 'constant' | 'linear' | 'exponential';
  maxAttempts?: number;
  maxAttemptDurationMs?: number;
  maxDurationMs?: number;
  jitter?: { fromMs: number; toMs: number };
}

/** `errors.with`: every given property must match (type URIs compare across the legacy/1.0.0 forms). */
export function matchesErrorFilter(filter: Record<string, unknown> | undefined, error: WorkflowErrorData): boolean {
  if (!filter) return true;
  for (const [key, expected] of Object.entries(filter)) {
    if (expected === undefined || expected === null) continue;
    if (key === 'type') {
      if (typeof expected !== 'string' || !sameErrorType(expected, error.type)) return false;
    } else if (key === 'details' || key === 'detail') {
      if (error.detail !== expected) return false;
    } else if ((error as unknown as Record<string, unknown>)[key] !== expected) {
      return false;
    }
  }
  return true;
}

export function resolveRetryPolicy(
  retry: RetryPolicyDefinition | string | undefined,
  retries: Readonly<Record<string, RetryPolicyDefinition>> | undefined,
  instance: string,
): RetryPolicy | undefined {
  if (retry === undefined || retry === null) return undefined;
  const definition = typeof retry === 'string' ? retries?.[retry] : retry;
  if (!definition || typeof definition !== 'object') {
    throw new WorkflowFault(dslError('configuration', `unknown retry policy '${String(retry)}'`, { instance }));
  }
  const backoffKey =
    definition.backoff && typeof definition.backoff === 'object' ? Object.keys(definition.backoff)[0] : undefined;
  const policy: RetryPolicy = {
    when: definition.when,
    exceptWhen: definition.exceptWhen,
    delayMs: definition.delay === undefined ? 0 : durationToMs(definition.delay, instance),
    backoff: backoffKey === 'linear' || backoffKey === 'exponential' ? backoffKey : 'constant',
  };
  const limit = definition.limit ?? {};
  if (typeof limit.attempt?.count === 'number') policy.maxAttempts = limit.attempt.count;
  if (limit.attempt?.duration !== undefined)
    policy.maxAttemptDurationMs = durationToMs(limit.attempt.duration, instance);
  if (limit.duration !== undefined) policy.maxDurationMs = durationToMs(limit.duration, instance);
  if (definition.jitter) {
    policy.jitter = {
      fromMs: durationToMs(definition.jitter.from ?? 0, instance),
      toMs: durationToMs(definition.jitter.to ?? 0, instance),
    };
  }
  return policy;
}

/** Delay before retry number `attempt` (1 = first retry). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  let delay = policy.delayMs;
  if (policy.backoff === 'linear') delay = policy.delayMs * attempt;
  if (policy.backoff === 'exponential') delay = policy.delayMs * 2 ** (attempt - 1);
  if (policy.jitter && policy.jitter.toMs > policy.jitter.fromMs) {
    // Math.random is Temporal's seeded, replay-safe source inside workflow code.
    delay += policy.jitter.fromMs + Math.floor(Math.random() * (policy.jitter.toMs - policy.jitter.fromMs));
  }
  return Math.max(1, Math.round(delay));
}

/**
 * Whether another attempt is allowed: `limit.attempt.count` counts retries after the first attempt,
 * `limit.duration` bounds the time spent retrying, `when`/`exceptWhen` see the error as `$<as>`.
 */
export function retryAllowed(
  call: TaskCall,
  policy: RetryPolicy,
  attempt: number,
  elapsedMs: number,
  _error: WorkflowErrorData,
  scope: Record<string, unknown>,
): boolean {
  if (policy.maxAttempts !== undefined && attempt > policy.maxAttempts) return false;
  if (policy.maxDurationMs !== undefined && elapsedMs + retryDelayBound(policy, attempt) > policy.maxDurationMs)
    return false;
  const vars = taskVariables({ ...call, scope });
  const { evaluator } = call.rs;
  if (policy.when !== undefined && !evaluator.evaluateCondition(policy.when, call.input, vars, call.position))
    return false;
  if (
    policy.exceptWhen !== undefined &&
    evaluator.evaluateCondition(policy.exceptWhen, call.input, vars, call.position)
  ) {
    return false;
  }
  return true;
}

/** Delay without jitter, so the limit check draws no random number. */
function retryDelayBound(policy: RetryPolicy, attempt: number): number {
  return retryDelayMs({ ...policy, jitter: undefined }, attempt);
}
