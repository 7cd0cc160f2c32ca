import type { EventsPage, WorkflowProgressEvent } from '../temporal/contract';
import { mayNeedTerminationEvent, terminationEvent, withTerminationEvent } from './termination-event';

const event = (sequence: number, eventType: WorkflowProgressEvent['eventType']): WorkflowProgressEvent => ({
  executionId: 'e1',
  eventId: `e1:${sequence}`,
  sequence,
  eventType,
  status: 'running',
  workflowName: 'w',
  timestamp: '2026-01-01T00:00:00.000Z',
});

const page = (events: WorkflowProgressEvent[], lastSequence: number, hasMore = false): EventsPage => ({
  events,
  firstSequence: 1,
  lastSequence,
  hasMore,
});

describe('termination event', () => {
  const terminated = terminationEvent('e1', 4, 'orders', {
    reason: 'stuck',
    time: new Date('2026-01-02T03:04:05.678Z'),
  });

  it('follows the last event with the next sequence, as workflow_cancelled', () => {
    expect(terminated).toEqual({
      executionId: 'e1',
      eventId: 'e1:5',
      sequence: 5,
      eventType: 'workflow_cancelled',
      status: 'cancelled',
      workflowName: 'orders',
      message: 'terminated: stuck',
      timestamp: '2026-01-02T03:04:05.678Z',
    });
  });

  it('is looked for only where a page reaches a run end the workflow did not report itself', () => {
    expect(mayNeedTerminationEvent(page([event(3, 'task_started'), event(4, 'task_started')], 4))).toBe(true);
    expect(mayNeedTerminationEvent(page([], 4))).toBe(true);
    expect(mayNeedTerminationEvent(page([event(4, 'workflow_failed')], 4))).toBe(false);
    expect(mayNeedTerminationEvent(page([event(3, 'task_started')], 4, true))).toBe(false);
  });

  it('is added within the page bounds, or announced through lastSequence and hasMore', () => {
    const base = page([event(3, 'task_started'), event(4, 'task_started')], 4);
    expect(withTerminationEvent(base, terminated, 1, 100).events.map((e) => e.sequence)).toEqual([3, 4, 5]);
    expect(withTerminationEvent(base, terminated, 1, 2)).toMatchObject({ lastSequence: 5, hasMore: true });
    expect(withTerminationEvent(page([], 4), terminated, 6, 100)).toMatchObject({ events: [], lastSequence: 5 });
  });
});
