/**
 * Straight-line programs (runtime.ts `Direct`, built by the compiler) are evaluated without continuations; `stream` still runs
 * the continuation form. Both must give the same value, or fail with the same error, for the same input.
 */
import fc from 'fast-check';
import { Engine, JqError, type Program } from './index';

const jq = new Engine();
const compile = (text: string) => jq.compile(text);

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof JqError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

function continuationForm(program: Program, input: unknown, variables: Record<string, unknown>): unknown {
  const out: unknown[] = [];
  (program as unknown as { stream(i: unknown, o: object, sink: (v: unknown) => void): void }).stream(
    input,
    { variables },
    (v) => out.push(v),
  );
  expect(out).toHaveLength(1);
  return out[0];
}

function isDirect(program: Program): boolean {
  return (program as unknown as { direct: unknown }).direct !== null;
}

const VARS = { n: 3, s: 'x', o: { k: [1, 2] }, nil: null };

describe('straight-line jq programs', () => {
  it.each([
    '.',
    '.a',
    '.a.b',
    '.a + 1',
    '.counter + (.counter + 1) * 2',
    '.label + "-even"',
    '.a % 2 == 0',
    '- .a',
    '.a and .b',
    '.a or $n',
    '$o.k',
    '"\\(.a)-\\(.b)"',
    '.a | .b',
    '.a.b - .c',
    '1 + 2 * 3',
  ])('%s is evaluated directly, as its continuation form', (text) => {
    const program = compile(text);
    expect(isDirect(program)).toBe(true);
    for (const input of [
      { a: 1, b: 2, c: 3, counter: 4, label: 'l' },
      { a: { b: 5 }, c: 1 },
      { a: 'str', b: true },
      null,
      [1],
      'text',
    ]) {
      const direct = outcome(() => program.evaluate(input, { variables: VARS })[0]);
      const cps = outcome(() => continuationForm(program, input, VARS));
      expect(direct).toEqual(cps);
    }
  });

  it.each(['.[]', '.a, .b', '.a?', '[.a]', 'map(. + 1)', 'if . then 1 else 2 end', '.a // 1', 'try .a catch 0'])(
    '%s keeps the continuation form',
    (text) => {
      expect(isDirect(compile(text))).toBe(false);
    },
  );

  it('agrees with the continuation form on generated arithmetic, string and field programs', () => {
    const leaf = fc.constantFrom('.a', '.b', '.a.x', '$n', '$s', '1', '"t"', 'null', 'true', '.');
    const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '>=', 'and', 'or'), tie('e'))
          .map(([l, op, r]) => `(${l} ${op} ${r})`),
        tie('e').map((x) => `"<\\(${x})>"`),
        tie('e').map((x) => `(${x} | .a)`),
      ),
    })).e as fc.Arbitrary<string>;
    const input = fc.oneof(
      fc.record({
        a: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.record({ x: fc.integer() })),
        b: fc.oneof(fc.integer(), fc.boolean()),
      }),
      fc.constant(null),
      fc.integer(),
    );
    fc.assert(
      fc.property(expr, input, (text, value) => {
        const program = compile(text);
        const direct = outcome(() => program.evaluate(value, { variables: VARS })[0]);
        const cps = outcome(() => continuationForm(program, value, VARS));
        expect(direct).toEqual(cps);
      }),
      { numRuns: 2000 },
    );
  });
});
