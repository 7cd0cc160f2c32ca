/**
 * How interpreter code waits. A task that waits is written once, as a generator of steps: it `yield`s what it
 * waits for (an activity, a timer, a task list that may wait) and gets the result back, recovers with
 * try/catch around a `yield`, and returns its result. {@link runSteps} drives it, and the primitives below
 * (activity, sleep, race, attempt, concurrently) produce the waits, each in the form the run state calls for:
 *
 * - Outside concurrent regions (`RunState.racing` is 0) one chain of work runs, so the number of microtask
 *   steps it takes changes nothing: waits compose as Laters (later.ts), and a step that does not wait
 *   continues synchronously (pure data never creates a promise).
 * - Inside a concurrent region (`fork` branches, timeout races) several chains can resume in one activation,
 *   and each issues its next command after as many microtask steps as its code takes: that order is what
 *   recorded histories hold, and a different order fails their replay (TMPRL1100). There every step is the
 *   real promise step the interpreter took when those histories were recorded: steps are driven by an async
 *   function (one step per `yield`, exactly like `await`; a returned promise is adopted like an async
 *   function's), an activity is awaited through {@link callActivity}'s frame, a timer is the SDK's promise.
 *
 * These are the only places that read or change `RunState.racing`. step-order.spec.ts pins the resulting
 * steps for every shape a region can hold; test/replay replays histories recorded with them.
 */
import { CancellationScope, isCancellation, sleep as timer } from '@temporalio/workflow';
import type { RunnerActivities } from '../../activities/types';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import { scheduleRunnerActivity, type ActivityName, type ActivityResult } from './activity-calls';
import { Later } from './later';
import { announceWait, waited } from './run-guard';
import type { MaybePromise, RunState } from './run-state';

/**
 * The steps of a task: yields what it waits for (a value, a Later or a promise; a `yield` evaluates to the
 * result), returns its result or something to wait for. `any` for what a `yield` gives back: the receiving
 * variable declares its type.
 */
export type Steps<T> = Generator<unknown, MaybePromise<T>, any>;

/** Drives `steps` in the form the run state calls for (see above); synchronous while nothing waits. */
export function runSteps<T>(rs: RunState, steps: Steps<T>): MaybePromise<T> {
  return rs.racing > 0 ? stepsAsPromises(steps) : stepsAsLaters(steps, steps.next());
}

/** Steps that open a concurrent region (`fork` branches): driven as promises, `racing` raised until they end. */
export function concurrently<T>(rs: RunState, steps: Steps<T>): Promise<T> {
  rs.racing += 1;
  return stepsAsPromises(steps, () => {
    rs.racing -= 1;
  });
}

/** Whether a step waits: a promise, or a Later. */
export function isPromise<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/** `f` applied to a value now, or when it arrives (a value that waits keeps its form). */
export function andThen<T, R>(value: MaybePromise<T>, f: (v: T) => R | PromiseLike<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(f) : f(value);
}

/** Outside regions: continue synchronously through steps that do not wait, compose on the first that does. */
function stepsAsLaters<T>(steps: Steps<T>, next: IteratorResult<unknown, MaybePromise<T>>): MaybePromise<T> {
  while (!next.done) {
    const value = next.value;
    if (isPromise(value)) {
      return value.then(
        (v) => stepsAsLaters(steps, steps.next(v)),
        (e: unknown) => stepsAsLaters(steps, steps.throw(e)),
      );
    }
    next = steps.next(value);
  }
  return next.value;
}

/**
 * Inside regions: the steps as the body of an async function. `await` on each yielded value costs what the
 * same `await` in the body costs (one microtask step after the value settles, a value that does not wait
 * included), and returning a promise costs what an async function's return of it costs.
 */
async function stepsAsPromises<T>(steps: Steps<T>, done?: () => void): Promise<T> {
  try {
    let next = steps.next();
    while (!next.done) {
      let value: unknown;
      try {
        value = await next.value;
      } catch (e) {
        next = steps.throw(e);
        continue;
      }
      next = steps.next(value);
    }
    return next.value;
  } finally {
    done?.();
  }
}

/**
 * Runs an activity: a durable wait, so the runaway count and the slice start afresh when it completes
 * (run-guard.ts `waited`), and the held task events of the tasks that wait are reported before it begins.
 */
export function activity<K extends ActivityName>(
  rs: RunState,
  name: K,
  request: Parameters<RunnerActivities[K]>[0],
  summary: string,
  local = false,
): PromiseLike<ActivityResult<K>> {
  announceWait(rs);
  if (rs.racing > 0) return callActivity(rs, name, request, summary, local);
  const restart = () => {
    waited(rs);
  };
  return Later.from(scheduleRunnerActivity(name, request, summary, local)).then(
    (result) => {
      restart();
      return result;
    },
    (e: unknown) => {
      restart();
      throw e;
    },
  );
}

/** The promise form of {@link activity}: this async frame is one of the recorded steps. */
async function callActivity<K extends ActivityName>(
  rs: RunState,
  name: K,
  request: Parameters<RunnerActivities[K]>[0],
  summary: string,
  local: boolean,
): Promise<ActivityResult<K>> {
  try {
    return await scheduleRunnerActivity(name, request, summary, local);
  } finally {
    waited(rs);
  }
}

/**
 * A durable timer. The caller calls run-guard.ts `waited` once it wakes: inside a region the timer is the
 * SDK's own promise, and a wrapper doing it would add a recorded step.
 */
export function sleep(rs: RunState, ms: number, summary: string): PromiseLike<void> {
  announceWait(rs);
  const fired = timer(ms, { summary });
  return rs.racing > 0 ? fired : Later.from(fired);
}

const TIMED_OUT: unique symbol = Symbol('timedOut');

/**
 * `work` raced against a durable timer of `ms` (a task or workflow `timeout`): a concurrent region while it
 * runs, whatever the run state. The work runs in its own cancellation scope; when the timer fires first the
 * scope is cancelled and a `timeout` (408) error is raised. Without `ms`, the work alone, in this async frame.
 */
export async function race<T>(
  rs: RunState,
  ms: number | undefined,
  what: string,
  instance: string,
  work: () => MaybePromise<T>,
): Promise<T> {
  if (ms === undefined) return work();
  rs.racing += 1;
  rs.timeouts += 1;
  const workScope = new CancellationScope();
  const timerScope = new CancellationScope();
  // The scope awaits what `work` returns, a value included (its type asks for a promise).
  const workPromise = workScope.run(work as () => Promise<T>);
  const timerPromise = timerScope
    .run(() => timer(ms, { summary: `${what} timeout` }))
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
    rs.racing -= 1;
    rs.timeouts -= 1;
    if (winner !== TIMED_OUT) timerScope.cancel();
  }
  if (winner === TIMED_OUT) {
    workScope.cancel();
    throw new WorkflowFault(dslError('timeout', `${what} timed out after ${ms} ms`, { instance }));
  }
  return (winner as { v: T }).v;
}

/**
 * One attempt of a `try`, bounded by `limit.attempt.duration` when `ms` is set. Outside regions an unbounded
 * attempt is the work itself; inside, every attempt goes through {@link race}'s frame and one of its own,
 * bounded or not, as recorded histories hold.
 */
export function attempt<T>(
  rs: RunState,
  ms: number | undefined,
  what: string,
  instance: string,
  work: () => MaybePromise<T>,
): MaybePromise<T> {
  if (ms === undefined && rs.racing === 0) return work();
  return race(rs, ms, what, instance, async () => work());
}
