/**
 * Workflow and task timeouts (`timeout: { after }` inline or a `use.timeouts` reference). The guarded work
 * runs in its own cancellation scope; when the durable timer fires first, the scope is cancelled and a
 * `timeout` (408) error is raised.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import { durationToMs } from '../../../zigflow/dsl/durations';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';

/** Resolves a `timeout` field into milliseconds (undefined when absent). */
export function timeoutMs(
  timeout: unknown,
  timeouts: Record<string, unknown> | undefined,
  instance: string,
): number | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  let definition: unknown = timeout;
  if (typeof timeout === 'string') {
    definition = timeouts?.[timeout];
    if (definition === undefined) {
      throw new WorkflowFault(dslError('configuration', `unknown timeout '${timeout}'`, { instance }));
    }
  }
  const after = (definition as { after?: unknown }).after;
  return durationToMs(after, instance);
}

const TIMED_OUT: unique symbol = Symbol('timedOut');

/** The guarded work raced against a durable timer; a race is a concurrent region (RunState.racing). */
export async function withTimeout<T>(
  race: { racing: number },
  ms: number | undefined,
  what: string,
  instance: string,
  work: () => Promise<T>,
): Promise<T> {
  if (ms === undefined) return work();
  race.racing += 1;
  const workScope = new CancellationScope();
  const timerScope = new CancellationScope();
  const workPromise = workScope.run(work);
  const timerPromise = timerScope
    .run(() => sleep(ms, { summary: `${what} timeout` }))
    .then((): typeof TIMED_OUT => TIMED_OUT)
    .catch((e: unknown): undefined => {
      if (isCancellation(e)) return undefined;
      throw e;
    });
  // Never leave a rejected promise unobserved: the race below may settle on the timer first.
  workPromise.catch(() => undefined);
  let winner: { v: T } | typeof TIMED_OUT | undefined;
  try {
    winner = await Promise.race([workPromise.then((v) => ({ v })), timerPromise]);
  } finally {
    race.racing -= 1;
    if (winner !== TIMED_OUT) timerScope.cancel();
  }
  if (winner === TIMED_OUT) {
    workScope.cancel();
    throw new WorkflowFault(dslError('timeout', `${what} timed out after ${ms} ms`, { instance }));
  }
  return (winner as { v: T }).v;
}
