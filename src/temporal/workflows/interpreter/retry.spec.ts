import { matchesErrorFilter, resolveRetryPolicy, retryDelayMs } from './retry';

const error = {
  type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
  status: 503,
  title: 'HTTP 503',
  detail: 'down',
  instance: '/do/0/get',
};

describe('catch filters', () => {
  it('matches every given property, type URIs across legacy and 1.0.0 forms', () => {
    expect(matchesErrorFilter(undefined, error)).toBe(true);
    expect(
      matchesErrorFilter({ type: 'https://serverlessworkflow.io/dsl/errors/types/communication', status: 503 }, error),
    ).toBe(true);
    expect(matchesErrorFilter({ status: 404 }, error)).toBe(false);
    expect(matchesErrorFilter({ instance: '/do/0/get', title: 'HTTP 503', details: 'down' }, error)).toBe(true);
    expect(matchesErrorFilter({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout' }, error)).toBe(false);
  });
});

describe('retry policies', () => {
  it('resolves inline and referenced policies with their limits', () => {
    const policy = resolveRetryPolicy(
      'p',
      {
        p: {
          delay: 'PT1S',
          backoff: { linear: {} },
          limit: { attempt: { count: 3, duration: { seconds: 5 } }, duration: 'PT1M' },
        },
      },
      '/do/0/t',
    );
    expect(policy).toMatchObject({
      delayMs: 1000,
      backoff: 'linear',
      maxAttempts: 3,
      maxAttemptDurationMs: 5000,
      maxDurationMs: 60_000,
    });
    expect(() => resolveRetryPolicy('missing', {}, '/do/0/t')).toThrow(/unknown retry policy/);
  });

  it('computes constant, linear and exponential delays', () => {
    const base = { delayMs: 100, backoff: 'constant' as const };
    expect([1, 2, 3].map((n) => retryDelayMs(base, n))).toEqual([100, 100, 100]);
    expect([1, 2, 3].map((n) => retryDelayMs({ ...base, backoff: 'linear' }, n))).toEqual([100, 200, 300]);
    expect([1, 2, 3].map((n) => retryDelayMs({ ...base, backoff: 'exponential' }, n))).toEqual([100, 200, 400]);
  });

  it('adds jitter within [from, to)', () => {
    for (let i = 0; i < 50; i += 1) {
      const d = retryDelayMs({ delayMs: 100, backoff: 'constant', jitter: { fromMs: 10, toMs: 20 } }, 1);
      expect(d).toBeGreaterThanOrEqual(110);
      expect(d).toBeLessThan(120);
    }
  });
});
