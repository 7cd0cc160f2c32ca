import { toWireEvent } from '../callback/progress-event';
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
      [
        9,
        'task_started',
        'running',
        '2026-01-01T00:00:02.000Z',
        'flow',
        'ask',
        '/do/2/ask',
        'call',
        undefined,
        undefined,
        undefined,
        undefined,
        'mcp',
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
      {
        executionId: 'exec-1',
        eventId: 'exec-1:9',
        sequence: 9,
        eventType: 'task_started',
        status: 'running',
        workflowName: 'flow',
        timestamp: '2026-01-01T00:00:02.000Z',
        taskName: 'ask',
        taskPosition: '/do/2/ask',
        taskKind: 'call',
        callKind: 'mcp',
      },
    ]);
    expect(Object.keys(unpackProgressBatch({ executionId: 'e', events: [events[0]] })[0])).not.toContain('message');
  });
});

describe('model usage on progress events', () => {
  it('travels as the fourteenth tuple element and maps onto the wire message', () => {
    const usage = { model: 'gpt-4o-mini', inputTokens: 120, outputTokens: 30, turns: 3, toolCalls: 2 };
    const tuple: ProgressTuple = [
      3,
      'task_completed',
      'completed',
      '2026-01-01T00:00:00.000Z',
      'flow',
      'ask',
      '/do/0/ask',
      'call',
      undefined,
      undefined,
      undefined,
      '{}',
      undefined,
      usage,
    ];
    const [event] = unpackProgressBatch({ executionId: 'e', events: [tuple] });
    expect(event.modelUsage).toEqual(usage);
    expect(toWireEvent(event).modelUsage).toEqual(usage);
    expect(toWireEvent({ ...event, modelUsage: { model: 'm', inputTokens: 1, outputTokens: 0 } }).modelUsage).toEqual({
      model: 'm',
      inputTokens: 1,
      outputTokens: 0,
      turns: 0,
      toolCalls: 0,
    });
    expect(toWireEvent({ ...event, modelUsage: undefined }).modelUsage).toBeUndefined();
  });
});
