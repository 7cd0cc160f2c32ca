import { Writable } from 'node:stream';
import { createRootLogger, executionLogger, REDACTED } from './logging';
import { wantsPrettyLogs } from './observability.options';

function capture(): { stream: Writable; lines: () => Record<string, any>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('logging', () => {
  it('writes JSON lines at the configured level', () => {
    const out = capture();
    const log = createRootLogger({ logLevel: 'warn', pretty: false, metricsPort: false, logDestination: out.stream });
    log.info('hidden');
    log.warn({ executionId: 'e1' }, 'shown');
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'shown', executionId: 'e1', service: 'workflow-runner' });
    expect(typeof lines[0].time).toBe('string');
  });

  it('redacts authorization, API keys and secret environment values at any usual depth', () => {
    const out = capture();
    const log = createRootLogger({ logLevel: 'info', pretty: false, metricsPort: false, logDestination: out.stream });
    log.info(
      {
        authorization: 'Bearer top-secret-1',
        metadata: { authorization: 'Bearer top-secret-2' },
        config: { stigmerServiceApiKey: 'top-secret-3', nested: { apiKey: 'top-secret-4' } },
        req: { headers: { authorization: 'Bearer top-secret-5' } },
        input: { environment: [{ name: 'TOKEN', value: 'top-secret-6', secret: true }] },
      },
      'call',
    );
    const raw = JSON.stringify(out.lines());
    expect(raw).not.toMatch(/top-secret/);
    const [line] = out.lines();
    expect(line.authorization).toBe(REDACTED);
    expect(line.metadata.authorization).toBe(REDACTED);
    expect(line.config.nested.apiKey).toBe(REDACTED);
    expect(line.input.environment[0]).toMatchObject({ name: 'TOKEN', value: REDACTED });
  });

  it('puts the execution id (and task) on every line of a run logger', () => {
    const out = capture();
    const root = createRootLogger({ logLevel: 'info', pretty: false, metricsPort: false, logDestination: out.stream });
    const run = executionLogger(root, 'exec-42');
    run.info('one');
    executionLogger(run, 'exec-42', { name: 'checkStock', position: '/do/1/checkStock' }).info('two');
    expect(out.lines()).toEqual([
      expect.objectContaining({ executionId: 'exec-42', msg: 'one' }),
      expect.objectContaining({
        executionId: 'exec-42',
        task: 'checkStock',
        taskPosition: '/do/1/checkStock',
        msg: 'two',
      }),
    ]);
  });

  it.each([
    ['development', false, true],
    ['production', true, false],
    [undefined, true, true],
    [undefined, false, false],
    ['test', undefined, false],
  ])('NODE_ENV=%s tty=%s → pretty=%s', (env, tty, expected) => {
    expect(wantsPrettyLogs(env, tty)).toBe(expected);
  });
});
