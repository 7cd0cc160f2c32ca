/**
 * Documents that used to run forever or fail opaquely, refused clearly through a real worker: a `then` cycle
 * with no exit (a validation error naming the cycle's pointers) and endpoints whose scheme the runner does not
 * call (a validation error for a literal URI, a configuration error when an expression produces it). Each run
 * must end, with that exact error type, within 10 s of wall time.
 */
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { doc } from './corpus';

const ERRORS = 'https://serverlessworkflow.io/spec/1.0.0/errors';
const WALL_LIMIT_MS = 10_000;

describe('hostile documents refused with a clear error', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startTestRunner();
  });

  afterAll(async () => {
    await runner?.shutdown();
  });

  async function timedRun(yaml: string) {
    const started = Date.now();
    const outcome = await runner.run(yaml);
    return { ...outcome, ms: Date.now() - started };
  }

  it('refuses a then cycle with no exit at validation, naming both tasks', async () => {
    const { result, events, ms } = await timedRun(
      doc([{ a: { set: { x: 1 }, then: 'b' } }, { b: { set: { x: 2 }, then: 'a' } }]),
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: `${ERRORS}/validation`, status: 400 });
    expect(result.error?.detail).toContain("tasks 'a' (/do/0/a), 'b' (/do/1/b) form a 'then' cycle with no exit");
    expect(events.filter((e) => e.eventType === 'task_started')).toEqual([]);
    expect(events[events.length - 1].eventType).toBe('workflow_failed');
    expect(ms).toBeLessThan(WALL_LIMIT_MS);
  });

  it('refuses a literal file: endpoint at validation', async () => {
    const { result, ms } = await timedRun(
      doc([{ read: { call: 'http', with: { method: 'get', endpoint: 'file:///etc/passwd' } } }]),
    );
    expect(result.error).toMatchObject({ type: `${ERRORS}/validation` });
    expect(result.error?.detail).toContain('/do/0/read/with/endpoint');
    expect(result.error?.detail).toContain("endpoint scheme 'file:' is not allowed");
    expect(ms).toBeLessThan(WALL_LIMIT_MS);
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/x', 'gopher://127.0.0.1:70/1'])(
    'refuses %s built by an expression with a configuration error at run time',
    async (uri) => {
      const { result, events, ms } = await timedRun(
        doc([{ read: { call: 'http', with: { method: 'get', endpoint: `\${ "${uri}" }` } } }]),
      );
      expect(result.status).toBe('faulted');
      expect(result.error).toMatchObject({
        type: `${ERRORS}/configuration`,
        status: 400,
        instance: '/do/0/read',
        detail: `endpoint scheme '${new URL(uri).protocol}' is not allowed: the runner calls http and https URIs only`,
      });
      expect(events.find((e) => e.eventType === 'task_failed')?.taskPosition).toBe('/do/0/read');
      expect(ms).toBeLessThan(WALL_LIMIT_MS);
    },
  );
});
