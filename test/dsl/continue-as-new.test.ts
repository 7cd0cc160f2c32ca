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
    const { result, events } = await runner.run(
      workflow('can', `
do:
  - init:
      set: { sum: 0 }
  - loop:
      for: { in: '\${ [range(0; 1000)] }' }
      do:
        - add:
            set: { sum: '\${ .sum + $item }' }
  - after:
      set: { total: '\${ .sum }' }
`),
      {},
      // A small threshold forces several continue-as-new boundaries in a short test.
      { metadata: { 'runner.continueAsNewAfterEvents': '40' } },
    );
    expect(result).toMatchObject({ status: 'completed', output: { total: 499500 } });
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(events.filter((e) => e.eventType === 'workflow_started')).toHaveLength(1);
    expect(events.filter((e) => e.taskName === 'add' && e.eventType === 'task_completed')).toHaveLength(1000);
    expect(events.filter((e) => e.taskName === 'init' && e.eventType === 'task_completed')).toHaveLength(1);
  });

  it('a for over 100,000 items completes', async () => {
    const { result } = await runner.run(workflow('big', `
do:
  - loop:
      for: { in: '\${ [range(0; 100000)] }' }
      do:
        - count:
            set: { n: '\${ (.n // 0) + 1 }' }
`));
    expect(result).toMatchObject({ status: 'completed', output: { n: 100000 } });
  }, 600_000);
});
