/**
 * The step accounting that workflow code slices activations by (evaluator.meter, read by
 * src/temporal/workflows/interpreter/run-guard.ts). Where a run yields depends on these numbers, and a
 * replay must yield where the recorded run did: a change to how src/jq charges steps moves the yields of
 * runs in flight. If this spec fails after a jq change, that change needs a new `time-slices` patch id
 * (or a deliberate decision, recorded in the commit, that no run in flight can be affected).
 */
import { ExpressionEvaluator } from './expressions';

const PINNED: [string, number][] = [
  ['.a + 1', 0],
  ['"k" + ($index | tostring)', 3],
  ['{x: 1, y: [1, 2, 3]} | .y | length', 5],
  ['[range(0; 400)]', 400],
  ['[range(0; 3000)] | map(. * 2) | add', 6001],
  ['[range(0; 50)] | add', 100],
  ['reduce range(0; 100) as $i (0; . + $i)', 200],
  ['[range(0; 100) | tostring] | join(",")', 679],
];

describe('the evaluator meter', () => {
  it.each(PINNED)('charges %s the pinned number of jq steps', (text, steps) => {
    const evaluator = new ExpressionEvaluator({ now: () => 0 });
    evaluator.run(text, { a: 1 }, { index: 3 });
    expect(evaluator.meter).toEqual({ steps, evaluations: 1 });
  });

  it('counts the work of failed evaluations too', () => {
    const evaluator = new ExpressionEvaluator({ now: () => 0 });
    expect(() => evaluator.run('[range(0; 10)] | error("x")', null, {})).toThrow();
    expect(evaluator.meter.evaluations).toBe(1);
    expect(evaluator.meter.steps).toBeGreaterThanOrEqual(10);
  });
});
