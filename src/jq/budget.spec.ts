import { Engine, JqError } from './index';

const jq = new Engine();
const compile = (text: string) => jq.compile(text);

/** Runs a program and returns the JqError it raises, with the time it took. */
function failure(program: string, budget = {}): { error: JqError; ms: number } {
  const start = Date.now();
  try {
    compile(program).evaluate(null, { budget });
  } catch (e) {
    if (e instanceof JqError) return { error: e, ms: Date.now() - start };
    throw e;
  }
  throw new Error(`expected ${program} to fail`);
}

/** The steps a program takes on `input`: the smallest maxSteps under which it completes. */
function stepsOf(program: string, input: unknown): number {
  const compiled = compile(program);
  const completes = (maxSteps: number): boolean => {
    try {
      compiled.evaluate(input, { budget: { maxSteps } });
      return true;
    } catch (e) {
      if (e instanceof JqError && e.code === 'budget') return false;
      throw e;
    }
  };
  if (completes(0)) return 0;
  let hi = 1;
  while (!completes(hi)) hi *= 2;
  let lo = hi / 2; // lo fails, hi completes
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (completes(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

describe('budget', () => {
  it('stops an endless generator (repeat) with a budget error naming the limit', () => {
    const { error, ms } = failure('repeat(1)');
    expect(error.code).toBe('budget');
    expect(error.message).toMatch(/maxSteps|maxOutputs/);
    expect(ms).toBeLessThan(30_000);
  });

  it('stops range(1e12) on the step limit', () => {
    const { error } = failure('range(1e12)', { maxSteps: 10_000 });
    expect(error.code).toBe('budget');
    expect(error.message).toContain('maxSteps (limit 10000)');
  });

  it('stops infinite recursion (def f: f; f) quickly', () => {
    const { error, ms } = failure('def f: f; f');
    expect(error.code).toBe('budget');
    expect(error.message).toContain('maxDepth');
    expect(ms).toBeLessThan(30_000);
  });

  it('limits the depth of user recursion', () => {
    const { error } = failure('def f: if . < 100000 then . + 1 | f else . end; 0 | f', { maxDepth: 100 });
    expect(error.message).toContain('maxDepth (limit 100)');
  });

  it('limits the number of outputs', () => {
    const { error } = failure('range(100)', { maxOutputs: 10 });
    expect(error.message).toContain('maxOutputs (limit 10)');
  });

  it('limits array sizes and string sizes', () => {
    expect(failure('[range(100)]', { maxArrayLength: 50 }).error.message).toContain('maxArrayLength');
    expect(failure('"ab" * 1000', { maxStringLength: 100 }).error.message).toContain('maxStringLength');
  });

  it('is not caught by try, so a runaway program cannot be silenced', () => {
    const { error } = failure('try repeat(1) catch "caught"', { maxSteps: 1000 });
    expect(error.code).toBe('budget');
  });

  it('allows recursion up to the depth limit and loops (until/while) of any length', () => {
    expect(compile('def f: if . < 450 then . + 1 | f else . end; 0 | f').evaluate(null)).toEqual([450]);
    expect(compile('0 | until(. >= 200000; . + 1)').evaluate(null)).toEqual([200000]);
    expect(compile('[0 | while(. < 100000; . + 1)] | length').evaluate(null)).toEqual([100000]);
  });

  it('lets bounded work through', () => {
    expect(compile('[limit(3; repeat(1))]').evaluate(null)).toEqual([[1, 1, 1]]);
    expect(compile('reduce range(100000) as $x (0; . + $x)').evaluate(null)).toEqual([4999950000]);
  });

  // Work that grows with every step (copying a growing array, scanning a huge string) or is large (copying a big
  // slice) is charged by size, so the default budget stops these in about a second instead of running for
  // minutes. The bounds are generous: they only tell a stopped program from a runaway one.
  it.each([
    ['until(false; . + [1])'],
    ['"" | until(false; . + "ab")'],
    ['{} | until(false; . + {(length | tostring): 1})'],
    ['[range(1000000) | "x"] | join(",") | [splits(",")] | join(",")'],
    ['[range(100000)] | until(false; (tostring | fromjson | sort))'],
    ['[range(200000)] | repeat(.[1:] | empty)'],
  ])('stops %s, whose per-step work grows or is large, with a budget error', (program) => {
    const { error, ms } = failure(program);
    expect(error.code).toBe('budget');
    expect(error.message).toContain('maxSteps');
    expect(ms).toBeLessThan(30_000);
  });

  // Sorting is charged n·log2(n) comparisons, on top of the per-element charges of reading and building arrays.
  it.each([['sort'], ['sort_by(.)'], ['group_by(.)'], ['unique_by(.)'], ['unique'], ['min'], ['max_by(.)']])(
    'charges %s n·log2(n) steps for its comparisons',
    (program) => {
      const n = 1024;
      const input = Array.from({ length: n }, (_x, k) => n - k);
      const extra = stepsOf(program, input) - stepsOf('.', input);
      expect(extra).toBeGreaterThanOrEqual(n * Math.log2(n));
      expect(extra).toBeLessThan(n * Math.log2(n) + 4 * n);
    },
  );

  it('charges an array slice by the length of the copy', () => {
    const input = Array.from({ length: 10_000 }, (_x, k) => k);
    const base = stepsOf('.[0:0]', input);
    expect(stepsOf('.[1:]', input) - base).toBeGreaterThanOrEqual(9_999);
    expect(stepsOf('.[:100]', input) - base).toBeGreaterThanOrEqual(100);
    expect(stepsOf('.[:100]', input) - base).toBeLessThan(200);
  });

  it('charges object construction one step per key copied', () => {
    const keys = Array.from({ length: 40 }, (_x, k) => `k${k}: .`).join(', ');
    expect(stepsOf(`{${keys}}`, 1) - stepsOf('{k0: .}', 1)).toBeGreaterThanOrEqual(39);
    // the cartesian product builds 2·2·2 objects of three keys, plus the partial objects on the way
    expect(stepsOf('{a: (.,.), b: (.,.), c: (.,.)}', 1) - stepsOf('{a: ., b: ., c: .}', 1)).toBeGreaterThanOrEqual(
      8 * 3 - 3,
    );
  });

  it('keeps errors suppressed by ? and try cheap', () => {
    // some 40,000 suppressed errors; each used to cost tens of microseconds for a captured stack trace
    const { error, ms } = failure('first(repeat(1) | (to_entries?), (try error("x") catch empty))', {
      maxSteps: 120_000,
    });
    expect(error.code).toBe('budget');
    expect(ms).toBeLessThan(30_000);
  });

  it('still gives the caller a stack for the errors it receives', () => {
    const { error } = failure('error("x")');
    expect(error).toBeInstanceOf(Error);
    expect(error.stack).toContain('budget.spec');
  });
});
