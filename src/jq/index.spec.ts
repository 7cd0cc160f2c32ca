import { DEFAULT_BUDGET, Engine, JqError } from './index';

const jq = new Engine();
const compile = (text: string) => jq.compile(text);
const hostDependencies = (text: string) => jq.hostDependencies(text);

const run = (program: string, input: unknown = null, options = {}): unknown[] =>
  compile(program).evaluate(input, options);

describe('jq engine API', () => {
  it('evaluates the common subset', () => {
    const input = {
      a: { b: 3 },
      items: [
        { n: 1, ok: true },
        { n: 2, ok: false },
        { n: 3, ok: true },
      ],
      name: 'x',
    };
    expect(run('.a.b', input)).toEqual([3]);
    expect(run('.items | map(select(.ok) | .n)', input)).toEqual([[1, 3]]);
    expect(run('{name, total: (.items | map(.n) | add)}', input)).toEqual([{ name: 'x', total: 6 }]);
    expect(run('"\\(.name)-\\(.a.b * 2)"', input)).toEqual(['x-6']);
    expect(run('.items[] | .n', input)).toEqual([1, 2, 3]);
    expect(run('.a.b as $v | [$v, $v + 1] | .[1] > $v', input)).toEqual([true]);
    expect(run('.missing // "default"', input)).toEqual(['default']);
  });

  it('binds named variables without the $', () => {
    expect(run('$input.x + $context.y', null, { variables: { input: { x: 1 }, context: { y: 2 } } })).toEqual([3]);
  });

  it('reports unknown functions at compile time with their position', () => {
    try {
      compile('.a |\n  nosuch(1)');
      throw new Error('expected a compile error');
    } catch (e) {
      expect((e as JqError).code).toBe('compile');
      expect((e as JqError).message).toBe('nosuch/1 is not defined');
      expect((e as JqError).position).toEqual({ offset: 7, line: 2, column: 3 });
    }
  });

  it('rejects a variable that is neither bound nor supplied', () => {
    expect(() => run('$nope')).toThrow('$nope is not defined');
  });

  it.each([
    ['.n', { n: 1 }, 1],
    ['.[]?', [7, 8], 7],
    ['limit(2; .[])', [7, 8], 7],
    ['first(limit(3; .[] | try . catch 0))', [7, 8], 7],
    ['label $out | (try .[] catch 1), break $out', [7, 8], 7],
    ['label $a | label $b | .[] | ., break $b', [7, 8], 7],
    ['try (try .[] catch 1) catch 2', [7, 8], 7],
    ['(.[] as [$a] ?// $a | $a), 9', [[7], 8], 7],
    ['(.[]? // 3) | first(., .)', [7, 8], 7],
    ['reduce (label $f | .[] | ., break $f) as $x (0; . + $x), 5', [7, 8], 7],
    ['foreach .[] as $x (0; . + $x; try . catch 0)', [7, 8], 7],
    ['isempty(.[]), .[]', [7, 8], false],
  ])('first(%s) stops after the first output without surfacing the stop signal', (text, input, expected) => {
    expect(compile(text).first(input)).toEqual(expected);
  });

  it('first still reports errors raised before any output', () => {
    expect(() => compile('error("x"), 1').first(null)).toThrow(JqError);
    expect(() => compile('label $f | error("y")').first(null)).toThrow('y');
  });

  it('returns the first output or undefined', () => {
    expect(compile('.[]').first([4, 5])).toBe(4);
    expect(compile('empty').first(null)).toBeUndefined();
  });

  it('caches compiled programs by text', () => {
    expect(compile('.a | .b')).toBe(compile('.a | .b'));
  });

  it('raises error(x) as a JqError carrying x', () => {
    try {
      run('error({code: 42})');
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(JqError);
      expect((e as JqError).value).toEqual({ code: 42 });
    }
  });

  it("uses jq's runtime error messages", () => {
    expect(() => run('.a', 1)).toThrow('Cannot index number with string ("a")');
    expect(() => run('. + 1', {})).toThrow('object ({}) and number (1) cannot be added');
    expect(() => run('.[]', 3)).toThrow('Cannot iterate over number (3)');
  });

  it('reads the clock, environment, inputs and debug sink only from the host', () => {
    expect(() => run('now')).toThrow(JqError);
    expect(run('now', null, { now: () => 1700000000 })).toEqual([1700000000]);
    expect(run('now | todate', null, { now: () => 0 })).toEqual(['1970-01-01T00:00:00Z']);
    expect(run('$ENV.HOME, env.HOME')).toEqual([null, null]);
    expect(run('$ENV.HOME', null, { env: { HOME: '/h' } })).toEqual(['/h']);
    expect(run('[inputs]', null, { inputs: [1, 2] })).toEqual([[1, 2]]);
    const seen: unknown[] = [];
    expect(run('debug | . + 1', 1, { debug: (m: unknown) => seen.push(m) })).toEqual([2]);
    expect(seen).toEqual([['DEBUG:', 1]]);
    expect(run('input_filename')).toEqual([null]);
  });

  it('lists host-dependent builtins statically', () => {
    expect(hostDependencies('.a | now')).toEqual(['now']);
    expect(hostDependencies('$ENV.X, env, input, [inputs], debug, stderr, input_filename')).toEqual(
      ['$ENV', 'debug', 'env', 'input', 'input_filename', 'inputs', 'stderr'].sort(),
    );
    expect(hostDependencies('def f: .; f | halt_error')).toEqual(['halt_error']);
    expect(hostDependencies('.a + 1')).toEqual([]);
    expect(hostDependencies('debug("msg") | .')).toEqual(['debug']);
    expect(compile('now').hostDependencies).toEqual(['now']);
  });

  it('exposes the default budget', () => {
    expect(DEFAULT_BUDGET.maxSteps).toBeGreaterThan(0);
    expect(Object.isFrozen(DEFAULT_BUDGET)).toBe(true);
  });

  it('sorts with the total order of jq', () => {
    expect(run('sort', [{}, [], 'a', 1, true, false, null])).toEqual([[null, false, true, 1, 'a', [], {}]]);
  });
});

describe('errors where Error.stackTraceLimit is read-only (as in the Temporal workflow sandbox)', () => {
  const original = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')!;
  beforeEach(() => Object.defineProperty(Error, 'stackTraceLimit', { ...original, writable: false }));
  afterEach(() => Object.defineProperty(Error, 'stackTraceLimit', original));

  it('still suppresses errors with ? and reports uncaught ones as jq errors', () => {
    expect(compile('[.[] | .a?]').evaluate([1, { a: 2 }])).toEqual([[2]]);
    expect(compile('try (1 | .a) catch "fallback"').evaluate(null)).toEqual(['fallback']);
    expect(() => compile('.a').evaluate(1)).toThrow(/Cannot index number with/);
  });
});

describe('engines', () => {
  /** What Temporal does to the modules a reusable V8 context shares: Object.freeze on everything reachable. */
  function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return value;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (d && 'value' in d) deepFreeze(d.value, seen);
    }
    return Object.freeze(value);
  }

  it('keep working once frozen, as when shared by a reusable workflow context', () => {
    const frozen = deepFreeze(new Engine());
    expect(frozen.compile('[.[] | tostring] | join(",")').evaluate([1, 2])).toEqual(['1,2']);
    expect(frozen.compile('map(select(. > 1)) | add').evaluate([1, 2, 3])).toEqual([5]);
    expect(frozen.compile('builtins | length > 100').evaluate(null)).toEqual([true]);
    expect(frozen.compile('"a-b" | test("-")').evaluate(null)).toEqual([true]);
  });

  it('share nothing with each other', () => {
    const a = new Engine({ cacheSize: 1 });
    const b = new Engine();
    const x = a.compile('.x');
    expect(a.compile('.x')).toBe(x);
    expect(b.compile('.x')).not.toBe(x);
    a.compile('.y'); // a keeps one program: .x is dropped
    expect(a.compile('.x')).not.toBe(x);
  });

  it('run patterns with repetition only with a linear-time regex engine', () => {
    expect(compile('"aa" | test("^a$|b")').evaluate(null)).toEqual([false]);
    expect(() => compile('"aa" | test("a+")').evaluate(null)).toThrow(
      'a+ (at offset 0) is not a valid regex: a pattern with repetition needs a linear-time regex engine',
    );
  });
});
