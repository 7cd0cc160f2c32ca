import { isWorkflowFault } from '../zigflow/dsl/errors';
import { SCHEDULE_CATCHUP_WINDOW_MS, schedulePlan } from './schedule-spec';

/** The fault a bad schedule raises, as `type instance: detail`. */
function faultOf(schedule: unknown): string {
  try {
    schedulePlan(schedule);
  } catch (e) {
    if (isWorkflowFault(e)) return `${e.error.type.split('/').pop()} ${e.error.instance}: ${e.error.detail}`;
    throw e;
  }
  throw new Error('expected a fault');
}

describe('schedulePlan', () => {
  it('returns none when the document has no schedule', () => {
    expect(schedulePlan(undefined)).toEqual({ kind: 'none' });
    expect(schedulePlan({})).toEqual({ kind: 'none' });
  });

  it('maps every (inline and ISO 8601) to a Temporal interval with overlap SKIP', () => {
    const policies = { overlap: 'SKIP', catchupWindow: SCHEDULE_CATCHUP_WINDOW_MS };
    expect(schedulePlan({ every: { minutes: 5 } })).toEqual({
      kind: 'temporal',
      spec: { intervals: [{ every: 300_000 }] },
      policies,
    });
    expect(schedulePlan({ every: 'PT1H30M' })).toEqual({
      kind: 'temporal',
      spec: { intervals: [{ every: 5_400_000 }] },
      policies,
    });
  });

  it('maps cron (fields or @ descriptor) and unions it with every', () => {
    expect(schedulePlan({ cron: '0 0 * * *' })).toMatchObject({ spec: { cronExpressions: ['0 0 * * *'] } });
    expect(schedulePlan({ cron: '@daily' })).toMatchObject({ spec: { cronExpressions: ['@daily'] } });
    expect(schedulePlan({ cron: ' 0 12 * * MON-FRI ', every: { hours: 6 } })).toMatchObject({
      spec: { cronExpressions: ['0 12 * * MON-FRI'], intervals: [{ every: 21_600_000 }] },
    });
  });

  it('maps after to a restart-on-completion delay', () => {
    expect(schedulePlan({ after: { seconds: 30 } })).toEqual({ kind: 'afterCompletion', delayMs: 30_000 });
  });

  it('rejects bad schedules with a configuration error at the schedule pointer', () => {
    expect(faultOf('daily')).toBe('configuration /schedule: schedule must be an object');
    expect(faultOf({ cron: '0 0 *' })).toMatch(/^configuration \/schedule\/cron: invalid cron expression "0 0 \*"/);
    expect(faultOf({ cron: 5 })).toMatch(/^configuration \/schedule\/cron: invalid cron/);
    expect(faultOf({ every: { minutes: 0 } })).toBe(
      'configuration /schedule/every: a schedule duration must be longer than zero',
    );
    expect(faultOf({ every: 'soon' })).toMatch(/^configuration \/schedule\/every: invalid duration/);
    expect(faultOf({ after: { seconds: 1 }, cron: '@hourly' })).toBe(
      'configuration /schedule/after: schedule.after cannot be combined with every or cron',
    );
    expect(faultOf({ on: { one: { with: { type: 'x' } } } })).toMatch(/^configuration \/schedule\/on: /);
  });
});
