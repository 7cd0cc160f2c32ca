import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { startFakeHttp, type FakeHttp } from './fake-http';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
let http: FakeHttp;
beforeAll(async () => {
  http = await startFakeHttp();
  runner = await startTestRunner();
});
afterAll(async () => {
  await runner?.shutdown();
  await http?.close();
});

describe('raise', () => {
  it('raises inline and use.errors errors with the task pointer as instance', async () => {
    const { result } = await runner.run(
      workflow(
        'raise',
        `
use:
  errors:
    notFound:
      type: https://example.com/not-found
      status: 404
      title: Not Found
      detail: \${ "no \\(.id)" }
do:
  - fail:
      raise:
        error: notFound
`,
      ),
      { id: 'x1' },
    );
    expect(result).toMatchObject({
      status: 'faulted',
      error: {
        type: 'https://example.com/not-found',
        status: 404,
        title: 'Not Found',
        detail: 'no x1',
        instance: '/do/0/fail',
      },
    });
    expect(result.tasks).toEqual([{ name: 'fail', position: '/do/0/fail', status: 'failed' }]);
  });
});

describe('try/catch', () => {
  const tryYaml = (filter: string, extra = '') =>
    workflow(
      'try',
      `
do:
  - guarded:
      try:
        - fail:
            raise:
              error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime, status: 500, title: Boom }
      catch:
        errors:
          with: ${filter}
        as: oops
${extra}
        do:
          - handle:
              set:
                caught: \${ $oops.title }
                at: \${ $oops.instance }
`,
    );

  it('catches matching errors (legacy type URIs too) and runs catch.do with $<as>', async () => {
    const { result } = await runner.run(
      tryYaml('{ type: "https://serverlessworkflow.io/dsl/errors/types/runtime", status: 500 }'),
    );
    expect(result).toMatchObject({ status: 'completed', output: { caught: 'Boom', at: '/do/0/guarded/try/0/fail' } });
  });

  it('lets non-matching errors through', async () => {
    const { result } = await runner.run(tryYaml('{ status: 404 }'));
    expect(result.status).toBe('faulted');
    expect(result.error?.instance).toBe('/do/0/guarded/try/0/fail');
  });

  it('honours when and exceptWhen', async () => {
    expect((await runner.run(tryYaml('{ status: 500 }', '        when: ${ $oops.status == 500 }'))).result.status).toBe(
      'completed',
    );
    expect(
      (await runner.run(tryYaml('{ status: 500 }', '        exceptWhen: ${ $oops.status == 500 }'))).result.status,
    ).toBe('faulted');
  });

  it('retries with durable timers, reports task_retrying, then succeeds', async () => {
    const { result, events } = await runner.run(
      workflow(
        'retry',
        `
do:
  - fetch:
      try:
        - get:
            call: http
            with:
              method: get
              endpoint: ${http.url}/flaky/retry1/2
      catch:
        errors:
          with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/communication }
        retry:
          delay: { milliseconds: 50 }
          backoff: { exponential: {} }
          limit: { attempt: { count: 5 } }
          jitter: { from: { milliseconds: 1 }, to: { milliseconds: 20 } }
`,
      ),
    );
    expect(result).toMatchObject({ status: 'completed', output: { attempt: 3 } });
    const retrying = events.filter((e) => e.eventType === 'task_retrying');
    expect(retrying.map((e) => e.attempt)).toEqual([2, 3]);
    expect(retrying[0].error?.status).toBe(503);
  });

  it('re-raises once retries are exhausted (use.retries reference)', async () => {
    const { result, events } = await runner.run(
      workflow(
        'exhaust',
        `
use:
  retries:
    twice:
      delay: { milliseconds: 10 }
      limit: { attempt: { count: 2 } }
do:
  - fetch:
      try:
        - get:
            call: http
            with:
              method: get
              endpoint: ${http.url}/flaky/exhaust1/10
      catch:
        retry: twice
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 503, instance: '/do/0/fetch/try/0/get' });
    expect(events.filter((e) => e.eventType === 'task_retrying')).toHaveLength(2);
  });

  it('without catch.do a caught error makes the try output its input', async () => {
    const { result } = await runner.run(
      workflow(
        'swallow',
        `
do:
  - guarded:
      try:
        - fail: { raise: { error: { type: https://example.com/x, status: 400 } } }
      catch: {}
`,
      ),
      { kept: 1 },
    );
    expect(result).toMatchObject({ status: 'completed', output: { kept: 1 } });
  });
});
