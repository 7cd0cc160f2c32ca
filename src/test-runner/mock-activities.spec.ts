import { answerError, MockRouter, TestCalls } from './mock-activities';
import type { MockEntry } from './test-file';

const mock = (kind: string, match: Record<string, unknown>, answers: Record<string, unknown>[], i = 0): MockEntry => ({
  kind,
  pointer: `/tests/0/mocks/${kind}/${i}`,
  match,
  answers,
});

const view = (fields: Record<string, unknown>) => ({ summary: 'call', fields });

describe('TestCalls', () => {
  it('answers from the first matching mock; a sequence answers in order and its last answer repeats', () => {
    const calls = new TestCalls(
      [
        mock('http', { method: 'post', url: 'https://a.test/*', body: { sku: 'x' } }, [
          { status: 503 },
          { status: 200 },
        ]),
        mock('http', { url: 'https://a.test/*' }, [{ status: 404 }], 1),
      ],
      false,
    );
    const post = view({ method: 'POST', url: 'https://a.test/reserve', body: { sku: 'x', quantity: 2 } });
    expect(calls.take('http', post, '/do/0/a')).toEqual({ status: 503 });
    expect(calls.take('http', post, '/do/0/a')).toEqual({ status: 200 });
    expect(calls.take('http', post, '/do/0/a')).toEqual({ status: 200 });
    expect(calls.take('http', view({ method: 'GET', url: 'https://a.test/reserve' }), '/do/1/b')).toEqual({
      status: 404,
    });
    expect(calls.take('http', view({ method: 'GET', url: 'https://b.test/' }), '/do/2/c')).toBeUndefined();
    expect(calls.take('grpc', post, '/do/0/a')).toBeUndefined();
    expect(calls.calls.map((c) => c.mock)).toEqual([
      '/tests/0/mocks/http/0',
      '/tests/0/mocks/http/0',
      '/tests/0/mocks/http/0',
      '/tests/0/mocks/http/1',
    ]);
  });

  it('matches headers by name in any case, and `task` by position or name', () => {
    const calls = new TestCalls(
      [mock('http', { task: 'notify', headers: { Authorization: 'Bearer *' } }, [{ status: 204 }])],
      false,
    );
    const withAuth = view({ headers: { authorization: 'Bearer t0ken' } });
    expect(calls.take('http', withAuth, '/do/1/other')).toBeUndefined();
    expect(calls.take('http', view({ headers: { authorization: 'Basic x' } }), '/do/0/notify')).toBeUndefined();
    expect(calls.take('http', withAuth, '/do/0/notify')).toEqual({ status: 204 });
  });

  it('reports mocks whose expected call count was not met', () => {
    const once = { ...mock('run', { process: 'shell' }, [{ stdout: 'ok' }]), calls: 1 };
    const calls = new TestCalls([once], false);
    expect(calls.countMismatches()).toEqual([{ entry: once, used: 0 }]);
    calls.take('run', view({ process: 'shell' }), '/do/0/a');
    expect(calls.countMismatches()).toEqual([]);
  });
});

describe('MockRouter', () => {
  it('finds a run by its execution id, and a child run by its parent id prefix', () => {
    const router = new MockRouter();
    const a = new TestCalls([], false);
    const b = new TestCalls([], false);
    router.register('wrtest-1', a);
    const unregister = router.register('wrtest-12', b);
    expect(router.lookup('wrtest-1')).toBe(a);
    expect(router.lookup('wrtest-1-child-uuid')).toBe(a);
    expect(router.lookup('wrtest-12-child-uuid')).toBe(b);
    expect(router.lookup('other')).toBeUndefined();
    unregister();
    expect(router.lookup('wrtest-12')).toBeUndefined();
  });
});

describe('answerError', () => {
  it('builds the DSL error of a kind, or takes a custom type as written', () => {
    expect(answerError({ type: 'timeout' }, '/do/0/a')).toEqual({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout',
      status: 408,
      title: 'Timeout Error',
      detail: 'mocked error',
      instance: '/do/0/a',
    });
    expect(
      answerError({ type: 'https://example.com/errors/quota', status: 429, detail: 'slow down' }, '/do/1/b'),
    ).toEqual({ type: 'https://example.com/errors/quota', status: 429, detail: 'slow down', instance: '/do/1/b' });
  });
});
