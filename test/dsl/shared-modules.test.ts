/**
 * The worker shares the runner's workflow modules (interpreter, jq engine and its program cache) between all
 * workflows of its reusable V8 context (see SHARED_WORKFLOW_MODULES), and progress events leave once per
 * activation. Many runs interleaved on one worker must still stay apart: each gets its own outputs, its own
 * `$workflow`, and its own gap-free progress sequence, whether it was started with the validated document
 * or validated by the workflow itself.
 */
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

// Same expression texts in every run (one cached jq program each), different inputs and waits, so the
// activations of different runs interleave on the worker.
const YAML = workflow(
  'shared',
  `
do:
  - first:
      set:
        seed: \${ .seed }
        double: \${ .seed * 2 }
        id: \${ $workflow.id }
  - nap:
      wait: { milliseconds: 15 }
  - loop:
      for: { each: n, in: '\${ [range(.seed % 4 + 1)] }' }
      do:
        - add:
            set:
              seed: \${ .seed }
              double: \${ .double + $n }
              id: \${ .id }
  - last:
      set:
        seed: \${ .seed }
        result: \${ .double }
        id: \${ .id }
`,
);

describe('runs interleaved on one worker stay isolated', () => {
  it('gives every run its own outputs, $workflow and gap-free progress sequence', async () => {
    const seeds = Array.from({ length: 24 }, (_, i) => i + 1);
    const handles = await Promise.all(seeds.map((seed) => runner.start(YAML, { seed }, { validated: seed % 2 === 0 })));
    const outcomes = await Promise.all(handles.map((h) => runner.outcome(h)));
    outcomes.forEach((outcome, i) => {
      const seed = seeds[i];
      const loops = (seed % 4) + 1;
      const expected = seed * 2 + (loops * (loops - 1)) / 2;
      expect(outcome.result).toMatchObject({
        status: 'completed',
        output: { seed, result: expected, id: outcome.workflowId },
      });
      const sequences = outcome.events.map((e) => e.sequence).sort((a, b) => a - b);
      expect(sequences).toEqual(sequences.map((_, k) => k + 1));
      expect(outcome.events.every((e) => e.executionId === outcome.workflowId)).toBe(true);
      expect(outcome.events.filter((e) => e.eventType === 'task_completed' && e.taskName === 'add')).toHaveLength(
        loops,
      );
      expect(outcome.events.map((e) => e.eventType)).toEqual(
        expect.arrayContaining(['workflow_started', 'workflow_validating', 'workflow_validated', 'workflow_completed']),
      );
    });
  });
});
