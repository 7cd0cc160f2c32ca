/**
 * Maps a workflow document's `schedule` (DSL 1.0 `every`, `cron`, `after`) onto what Temporal can run.
 * Pure: the executor turns the plan into a Temporal Schedule (create or update) when a document is registered.
 *
 * - `every` and `cron` become one Temporal Schedule (interval and cron entries are unioned, as the DSL lists them
 *   side by side). Overlap policy SKIP: a durable-engine user expects a slow run not to pile up copies of itself.
 * - `after` ("wait this long after the previous run completes, then start again") has no Temporal Schedule form,
 *   whose times are wall-clock based; the plan says so and carries the delay for the executor to restart on
 *   completion.
 * - `on` (event-triggered start) is refused: events reach runs through `listen`, not schedules.
 */
import type { ScheduleSpec } from '@temporalio/client';
import { dslError, WorkflowFault } from '../zigflow/dsl/errors';
import { durationToMs } from '../zigflow/dsl/durations';

/** Missed times older than this after an outage are dropped rather than run in a burst. */
export const SCHEDULE_CATCHUP_WINDOW_MS = 60_000;

export type SchedulePlan =
  | { kind: 'none' }
  | {
      kind: 'temporal';
      spec: ScheduleSpec;
      policies: { overlap: 'SKIP'; catchupWindow: number };
    }
  | { kind: 'afterCompletion'; delayMs: number };

/** `cron` fields Temporal accepts: 5 to 7 space-separated fields, or an `@` descriptor (`@daily`, `@every 5m`). */
const CRON_FIELDS = /^\S+(\s+\S+){4,6}$/;

export function schedulePlan(schedule: unknown): SchedulePlan {
  if (schedule === undefined || schedule === null) return { kind: 'none' };
  if (typeof schedule !== 'object' || Array.isArray(schedule))
    throw configuration('schedule must be an object', '/schedule');
  const { every, cron, after, on } = schedule as Record<string, unknown>;
  if (on !== undefined) {
    throw configuration('schedule.on (event-triggered start) is not supported; use a listen task', '/schedule/on');
  }
  if (after !== undefined) {
    if (every !== undefined || cron !== undefined) {
      throw configuration('schedule.after cannot be combined with every or cron', '/schedule/after');
    }
    return { kind: 'afterCompletion', delayMs: positiveMs(after, '/schedule/after') };
  }
  const spec: ScheduleSpec = {};
  if (every !== undefined) spec.intervals = [{ every: positiveMs(every, '/schedule/every') }];
  if (cron !== undefined) spec.cronExpressions = [cronExpression(cron)];
  if (spec.intervals === undefined && spec.cronExpressions === undefined) return { kind: 'none' };
  return { kind: 'temporal', spec, policies: { overlap: 'SKIP', catchupWindow: SCHEDULE_CATCHUP_WINDOW_MS } };
}

function positiveMs(value: unknown, instance: string): number {
  const ms = durationToMs(value, instance);
  if (ms <= 0) throw configuration('a schedule duration must be longer than zero', instance);
  return ms;
}

function cronExpression(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.startsWith('@') ? text.length > 1 : CRON_FIELDS.test(text)) return text;
  const preview = JSON.stringify(value)?.slice(0, 80) ?? String(value);
  throw configuration(
    `invalid cron expression ${preview}: expected 5 to 7 fields or an @ descriptor`,
    '/schedule/cron',
  );
}

function configuration(message: string, instance: string): WorkflowFault {
  return new WorkflowFault(dslError('configuration', message, { instance }));
}
