/**
 * A sample of the hostile corpus run through a real worker: each run ends workflow_failed with a
 * validation error that names the problem's pointer, and a good execution started alongside every batch
 * completes on the same worker (the worker stays healthy). The loader-level test covers every case; this
 * one proves the errors reach the run's outcome and progress events.
 */
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { doc, hostileCorpus } from './corpus';

jest.setTimeout(300_000);

const VALIDATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/validation';
/** Every seventh case (about 40), spread over all generators. Documents over the payload limit are left out. */
const SAMPLE = hostileCorpus().filter((c, i) => i % 7 === 0 && c.text.length < 512 * 1024);

describe('hostile documents through a real worker', () => {
  let runner: TestRunner;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    runner = await startTestRunner();
  });

  afterAll(async () => {
    await runner?.shutdown();
    process.off('unhandledRejection', onRejection);
  });

  it('fails each run with a validation error naming the problem, while good runs complete', async () => {
    const batches: (typeof SAMPLE)[] = [];
    for (let i = 0; i < SAMPLE.length; i += 10) batches.push(SAMPLE.slice(i, i + 10));
    const failures: string[] = [];
    for (const batch of batches) {
      const good = runner.start(doc([{ answer: { set: { value: 7 } } }]));
      const outcomes = await Promise.all(batch.map((c) => runner.run(c.text)));
      outcomes.forEach(({ result, events }, i) => {
        const hostile = batch[i];
        const pointer = typeof hostile.expect.pointer === 'string' ? hostile.expect.pointer || '/' : undefined;
        const detail = result.error?.detail ?? '';
        const last = events[events.length - 1];
        const ok =
          result.status === 'faulted' &&
          result.error?.type === VALIDATION &&
          detail.startsWith('invalid workflow document') &&
          (pointer === undefined || detail.includes(`${pointer}`)) &&
          last?.eventType === 'workflow_failed';
        if (!ok) failures.push(`${hostile.id}: ${result.status} ${JSON.stringify(result.error).slice(0, 300)}`);
      });
      await expect(runner.outcome(await good)).resolves.toMatchObject({
        result: { status: 'completed', output: { value: 7 } },
      });
    }
    expect(failures).toEqual([]);
    expect(SAMPLE.length).toBeGreaterThanOrEqual(35);
    expect(rejections).toEqual([]);
  });
});
