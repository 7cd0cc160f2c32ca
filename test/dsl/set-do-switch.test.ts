import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { order, workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

describe('set, do, switch and flow directives', () => {
  it('runs set tasks in sequence with expressions and literals', async () => {
    const { result } = await runner.run(
      workflow(
        'seq',
        `
do:
  - first:
      set:
        shape: circle
        colors: \${ .colors + ["red"] }
  - second:
      set:
        all: \${ . }
        count: \${ .colors | length }
`,
      ),
      { colors: ['blue'] },
    );
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ all: { shape: 'circle', colors: ['blue', 'red'] }, count: 2 });
    expect(result.tasks).toEqual([
      { name: 'first', position: '/do/0/first', status: 'completed' },
      { name: 'second', position: '/do/1/second', status: 'completed' },
    ]);
  });

  it('follows then: task names, exit and end', async () => {
    const { result } = await runner.run(
      workflow(
        'flow',
        `
do:
  - a:
      set: { trail: [a] }
      then: c
  - b:
      set: { trail: '\${ .trail + ["b"] }' }
      then: end
  - c:
      do:
        - c1:
            set: { trail: '\${ .trail + ["c1"] }' }
            then: exit
        - c2:
            set: { trail: '\${ .trail + ["c2"] }' }
      then: b
`,
      ),
    );
    expect(result.output).toEqual({ trail: ['a', 'c1', 'b'] });
    expect(order(result.tasks)).toEqual(['a', 'c', 'c1', 'b']);
  });

  it('switch picks the first matching case, else the default, else the task then', async () => {
    const yaml = workflow(
      'switch',
      `
do:
  - pick:
      switch:
        - big:
            when: .n > 10
            then: setBig
        - other:
            then: setSmall
  - setBig:
      set: { size: big }
      then: end
  - setSmall:
      set: { size: small }
`,
    );
    expect((await runner.run(yaml, { n: 20 })).result.output).toEqual({ size: 'big' });
    expect((await runner.run(yaml, { n: 1 })).result.output).toEqual({ size: 'small' });
  });

  it('skips a task whose if is false and reports task_skipped', async () => {
    const { result, events } = await runner.run(
      workflow(
        'if',
        `
do:
  - maybe:
      if: \${ .go }
      set: { ran: true }
  - after:
      set: { done: true, before: '\${ . }' }
`,
      ),
      { go: false },
    );
    expect(result.output).toEqual({ done: true, before: { go: false } });
    expect(events.filter((e) => e.eventType === 'task_skipped').map((e) => e.taskPosition)).toEqual(['/do/0/maybe']);
  });

  it('emits the pipeline of progress events with gapless sequences and stable ids', async () => {
    const { events, workflowId } = await runner.run(
      workflow(
        'events',
        `
do:
  - only:
      set: { x: 1 }
`,
      ),
    );
    expect(events.map((e) => e.eventType)).toEqual([
      'workflow_started',
      'workflow_validating',
      'workflow_validated',
      'task_started',
      'task_completed',
      'workflow_completed',
    ]);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[3]).toMatchObject({
      taskName: 'only',
      taskPosition: '/do/0/only',
      eventId: `${workflowId}:4`,
      workflowName: 'events',
    });
    expect(events[4].outputSummary).toBe('{"x":1}');
  });

  it('fails validation with every problem before running anything', async () => {
    const { result, events } = await runner.run(
      workflow(
        'bad',
        `
do:
  - a:
      set: { x: 1 }
      then: nowhere
  - b:
      unknownKind: {}
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.type).toBe('https://serverlessworkflow.io/spec/1.0.0/errors/validation');
    expect(events.map((e) => e.eventType)).toEqual(['workflow_started', 'workflow_validating', 'workflow_failed']);
    expect(events[2].message).toContain('/do/0/a/then');
    expect(result.tasks).toEqual([]);
  });

  it('raises an expression error with the task pointer when jq fails at runtime', async () => {
    const { result } = await runner.run(
      workflow(
        'exprerr',
        `
do:
  - boom:
      set:
        x: \${ .a + 1 }
`,
      ),
      { a: 'text' },
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression',
      status: 400,
      instance: '/do/0/boom',
    });
  });
});
