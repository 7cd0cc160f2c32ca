import { isWorkflowFault } from './errors';
import { ExpressionEvaluator, isDeferred, strictExpressionText } from './expressions';

const now = () => 1_700_000_000;
const vars = { context: {}, input: null, task: {}, workflow: {}, runtime: {} };

function faultOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isWorkflowFault(e)) return e.error;
    throw e;
  }
  throw new Error('expected a fault');
}

describe('ExpressionEvaluator', () => {
  const strict = new ExpressionEvaluator({ now });
  const loose = new ExpressionEvaluator({ now, mode: 'loose' });

  it('recognises ${ } expressions in strict mode only', () => {
    expect(strictExpressionText('${ .a }')).toBe(' .a ');
    expect(strictExpressionText('plain')).toBeUndefined();
    expect(strict.isExpression('${ .a }')).toBe(true);
    expect(strict.isExpression('x ${ .a }')).toBe(false);
    expect(loose.isExpression('x ${ .a }')).toBe(true);
  });

  it('evaluates templates recursively, leaving literals alone', () => {
    const out = strict.evaluateTemplate(
      { a: '${ .x + 1 }', b: ['${ .y }', 'lit', 3], c: { d: '.x' } },
      { x: 1, y: 'why' },
      vars,
    );
    expect(out).toEqual({ a: 2, b: ['why', 'lit', 3], c: { d: '.x' } });
  });

  it('interpolates fragments in loose mode', () => {
    expect(loose.evaluateTemplate('id=${ .id }/${ .o }', { id: 7, o: { k: 1 } }, vars)).toBe('id=7/{"k":1}');
  });

  it('accepts bare jq in fields that are expressions by definition', () => {
    expect(strict.evaluateField('.a.b', { a: { b: 2 } }, vars)).toBe(2);
    expect(strict.evaluateField('${ .a.b }', { a: { b: 2 } }, vars)).toBe(2);
    expect(strict.evaluateField({ k: '${ .a.b }' }, { a: { b: 2 } }, vars)).toEqual({ k: 2 });
  });

  it('binds runtime arguments as $variables', () => {
    expect(strict.evaluateField('$context.n + $item', null, { ...vars, context: { n: 1 }, item: 2 })).toBe(3);
  });

  it('requires booleans from conditions', () => {
    expect(strict.evaluateCondition('.a > 1', { a: 2 }, vars)).toBe(true);
    expect(faultOf(() => strict.evaluateCondition('.a', { a: 2 }, vars, '/do/0/x'))).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression',
      instance: '/do/0/x',
    });
  });

  it('turns jq errors into expression errors with the instance', () => {
    expect(faultOf(() => strict.evaluateField('.a +', {}, vars, '/do/1/y'))).toMatchObject({
      status: 400,
      instance: '/do/1/y',
    });
    expect(faultOf(() => strict.evaluateField('error("x")', {}, vars))).toMatchObject({
      type: expect.stringContaining('/expression'),
    });
  });

  it('refuses $secrets unless bound, and defers it on request', () => {
    expect(faultOf(() => strict.evaluateField('$secrets.a', {}, vars)).detail).toContain('$secrets');
    const deferred = strict.evaluateTemplate({ p: '${ $secrets.a }', q: '${ 1 }' }, {}, vars, {
      deferSecrets: true,
    }) as Record<string, unknown>;
    expect(isDeferred(deferred.p)).toBe(true);
    expect(deferred.q).toBe(1);
    expect(strict.evaluateField('$secrets.a', {}, { ...vars, secrets: { a: 'x' } })).toBe('x');
  });

  it('uses the injected clock and environment', () => {
    const withEnv = new ExpressionEvaluator({ now, env: { A: 'b' } });
    expect(withEnv.evaluateField('now', null, vars)).toBe(1_700_000_000);
    expect(withEnv.evaluateField('$ENV.A', null, vars)).toBe('b');
  });
});
