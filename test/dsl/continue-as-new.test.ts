import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

describe('continue-as-new', () => {
  it('resumes a top-level for at the same iteration with the same data and sequence numbers', async () => {
    const handle = await runner.start(
      workflow(
        'can',
        `
do:
  - init:
      set: { sum: 0 }
  - loop:
      for: { in: '\${ [range(0; 900)] }' }
      do:
        - add:
            set: { sum: '\${ .sum + $item }' }
  - after:
      set: { total: '\${ .sum }' }
`,
      ),
      {},
      // A small threshold forces several continue-as-new boundaries in a short test; 902 tasks stay within
      // the progress bound (1,000 tasks without a durable wait), so every event is reported.
      { metadata: { 'runner.continueAsNewAfterEvents': '40' } },
    );
    const { result, events } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: { total: 404550 } });
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(events.filter((e) => e.eventType === 'workflow_started')).toHaveLength(1);
    expect(events.filter((e) => e.taskName === 'add' && e.eventType === 'task_completed')).toHaveLength(900);
    expect(events.filter((e) => e.taskName === 'init' && e.eventType === 'task_completed')).toHaveLength(1);
  });

  it('hands over inside nested do/for levels and resumes every level where it stood', async () => {
    const handle = await runner.start(
      workflow(
        'can-nested',
        `
do:
  - init:
      set: { sum: 0, log: [] }
  - outer:
      for: { each: i, in: '\${ [range(0; 4)] }' }
      do:
        - group:
            do:
              - inner:
                  for: { each: j, in: '\${ [range(0; 5)] }' }
                  do:
                    - tick:
                        wait: { milliseconds: 1 }
                    - add:
                        set: { sum: '\${ .sum + $i * 10 + $j }', log: '\${ .log + [[$i, $j]] }' }
  - after:
      set: { total: '\${ .sum }', log: '\${ .log }' }
`,
      ),
      {},
      // Every wait adds history events; a small threshold forces hand-overs deep inside the loops.
      { metadata: { 'runner.continueAsNewAfterEvents': '40' } },
    );
    const { result, events } = await runner.outcome(handle);
    const expectedLog = [0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3, 4].map((j) => [i, j]));
    expect(result).toMatchObject({ status: 'completed', output: { total: 340, log: expectedLog } });
    const sequences = events.map((e) => e.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(events.filter((e) => e.taskName === 'add' && e.eventType === 'task_completed')).toHaveLength(20);
    expect(events.filter((e) => e.taskName === 'init' && e.eventType === 'task_completed')).toHaveLength(1);

    // The first run continued-as-new with cursors below the top level (a nested list or loop).
    const first = runner.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const history = await first.fetchHistory();
    const last = history.events?.[history.events.length - 1];
    const attributes = last?.workflowExecutionContinuedAsNewEventAttributes;
    expect(attributes).toBeTruthy();
    const payload = attributes?.input?.payloads?.[1];
    const resume = JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8')) as {
      cursors: { position: string; index: number }[];
    };
    expect(resume.cursors[0].position).toBe('/do');
    expect(resume.cursors.length).toBeGreaterThan(2);
    expect(resume.cursors.map((c) => c.position)).toContain('/do/1/outer');
  });

  it('a for over 100,000 items completes', async () => {
    const { result } = await runner.run(
      workflow(
        'big',
        `
do:
  - loop:
      for: { in: '\${ [range(0; 100000)] }' }
      do:
        - count:
            set: { n: '\${ (.n // 0) + 1 }' }
`,
      ),
    );
    expect(result).toMatchObject({ status: 'completed', output: { n: 100000 } });
  }, 600_000);
});
