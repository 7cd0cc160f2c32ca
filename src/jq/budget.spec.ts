import { compile, JqError } from './index';

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

describe('budget', () => {
  it('stops an endless generator (repeat) with a budget error naming the limit', () => {
    const { error, ms } = failure('repeat(1)');
    expect(error.code).toBe('budget');
    expect(error.message).toMatch(/maxSteps|maxOutputs/);
    expect(ms).toBeLessThan(5000);
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
    expect(ms).toBeLessThan(2000);
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

  // Work that grows with every step (copying a growing array, scanning a huge string) is charged by size, so the
  // default budget stops these in about a second instead of running for minutes. The bounds are generous: they
  // only tell a stopped program from a runaway one.
  it.each([
    ['until(false; . + [1])'],
    ['"" | until(false; . + "ab")'],
    ['{} | until(false; . + {(length | tostring): 1})'],
    ['[range(300000) | "x"] | join(",") | [splits(",")] | join(",")'],
    ['[range(100000)] | until(false; (tostring | fromjson | sort))'],
  ])('stops %s, whose per-step work grows, with a budget error', (program) => {
    const { error, ms } = failure(program);
    expect(error.code).toBe('budget');
    expect(error.message).toContain('maxSteps');
    expect(ms).toBeLessThan(5000);
  });

  it('keeps errors suppressed by ? and try cheap', () => {
    // some 40,000 suppressed errors; each used to cost tens of microseconds for a captured stack trace
    const { error, ms } = failure('first(repeat(1) | (to_entries?), (try error("x") catch empty))', { maxSteps: 120_000 });
    expect(error.code).toBe('budget');
    expect(ms).toBeLessThan(5000);
  });

  it('still gives the caller a stack for the errors it receives', () => {
    const { error } = failure('error("x")');
    expect(error).toBeInstanceOf(Error);
    expect(error.stack).toContain('budget.spec');
  });
});
