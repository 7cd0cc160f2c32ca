import { exportContext, transformInput, transformOutput } from './data-flow';
import { isWorkflowFault } from './errors';
import { ExpressionEvaluator } from './expressions';

const evaluator = new ExpressionEvaluator({ now: () => 0 });
const vars = { context: { c: 1 }, input: null, task: {}, workflow: {}, runtime: {} };

describe('data flow', () => {
  it('validates then transforms input', () => {
    const def = { schema: { document: { type: 'object', required: ['a'] } }, from: '.a' };
    expect(transformInput(evaluator, def, { a: 5 }, vars)).toBe(5);
    try {
      transformInput(evaluator, def, { b: 1 }, vars, '/do/0/t');
      throw new Error('expected a fault');
    } catch (e) {
      expect(isWorkflowFault(e) && e.error).toMatchObject({
        type: 'https://serverlessworkflow.io/spec/1.0.0/errors/validation',
        instance: '/do/0/t',
      });
    }
  });

  it('transforms then validates output', () => {
    const def = { as: '{ v: . }', schema: { document: { type: 'object', properties: { v: { type: 'number' } } } } };
    expect(transformOutput(evaluator, def, 3, vars)).toEqual({ v: 3 });
    expect(() => transformOutput(evaluator, def, 'x', vars)).toThrow(/schema/);
  });

  it('exports a new context computed from output and $context', () => {
    expect(exportContext(evaluator, { as: '$context + { o: . }' }, 9, { c: 1 }, vars)).toEqual({ c: 1, o: 9 });
    expect(exportContext(evaluator, undefined, 9, { c: 1 }, vars)).toEqual({ c: 1 });
    expect(() => exportContext(evaluator, { as: '.', schema: { document: { type: 'string' } } }, 9, {}, vars)).toThrow(
      /schema/,
    );
  });

  it('passes data through when no definition is given', () => {
    expect(transformInput(evaluator, undefined, { a: 1 }, vars)).toEqual({ a: 1 });
    expect(transformOutput(evaluator, {}, [1], vars)).toEqual([1]);
  });
});
