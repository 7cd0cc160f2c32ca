import { unpackProgressBatch, type ProgressTuple } from './progress-batch';

describe('progress batches', () => {
  it('rebuild each event with its id, workflow name and only the fields the tuple has', () => {
    const error = { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500 };
    const events: ProgressTuple[] = [
      [
        7,
        'task_completed',
        'completed',
        '2026-01-01T00:00:00.000Z',
        'flow',
        'step',
        '/do/0/step',
        'set',
        undefined,
        undefined,
        undefined,
        '{"a":1}',
      ],
      [
        8,
        'task_retrying',
        'retrying',
        '2026-01-01T00:00:01.000Z',
        'flow',
        'try',
        '/do/1/try',
        'try',
        'retrying in 5 ms',
        2,
        error,
        undefined,
      ],
    ];
    expect(unpackProgressBatch({ executionId: 'exec-1', events })).toEqual([
      {
        executionId: 'exec-1',
        eventId: 'exec-1:7',
        sequence: 7,
        eventType: 'task_completed',
        status: 'completed',
        workflowName: 'flow',
        timestamp: '2026-01-01T00:00:00.000Z',
        taskName: 'step',
        taskPosition: '/do/0/step',
        taskKind: 'set',
        outputSummary: '{"a":1}',
      },
      {
        executionId: 'exec-1',
        eventId: 'exec-1:8',
        sequence: 8,
        eventType: 'task_retrying',
        status: 'retrying',
        workflowName: 'flow',
        timestamp: '2026-01-01T00:00:01.000Z',
        taskName: 'try',
        taskPosition: '/do/1/try',
        taskKind: 'try',
        message: 'retrying in 5 ms',
        attempt: 2,
        error,
      },
    ]);
    expect(Object.keys(unpackProgressBatch({ executionId: 'e', events: [events[0]] })[0])).not.toContain('message');
  });
});
