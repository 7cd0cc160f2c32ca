import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { order, workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

describe('for', () => {
  it('binds each/at, feeds each iteration the previous output', async () => {
    const { result } = await runner.run(
      workflow(
        'for',
        `
do:
  - loop:
      for:
        each: color
        in: .colors
        at: i
      do:
        - mark:
            set:
              seen: \${ (.seen // []) + [ "\\($i):\\($color)" ] }
`,
      ),
      { colors: ['red', 'green'] },
    );
    expect(result.output).toEqual({ seen: ['0:red', '1:green'] });
    expect(result.tasks.map((t) => t.position)).toEqual(['/do/0/loop', '/do/0/loop/do/0/mark', '/do/0/loop/do/0/mark']);
  });

  it('stops when while no longer holds and uses the default item/index names', async () => {
    const { result } = await runner.run(
      workflow(
        'while',
        `
do:
  - loop:
      for:
        in: \${ [range(0; 10)] }
      while: \${ (.sum // 0) < 6 }
      do:
        - add:
            set:
              sum: \${ (.sum // 0) + $item }
              last: \${ $index }
`,
      ),
    );
    expect(result.output).toEqual({ sum: 6, last: 3 });
  });

  // Open Workflow Specification, next version: `for.in` given as an inline array of objects. Expressions
  // inside the items are evaluated once, against the task input, like any template.
  it('iterates an inline array of objects', async () => {
    const { result } = await runner.run(
      workflow(
        'for-inline',
        `
do:
  - loop:
      for:
        each: step
        in:
          - { name: fetch, retries: 1 }
          - { name: '\${ .last }', retries: 2 }
      do:
        - add:
            set:
              names: \${ (.names // []) + [ $step.name ] }
              retries: \${ (.retries // 0) + $step.retries }
`,
      ),
      { last: 'store' },
    );
    expect(result.output).toEqual({ names: ['fetch', 'store'], retries: 3 });
  });

  it('an empty collection outputs the input', async () => {
    const { result } = await runner.run(
      workflow(
        'empty',
        `
do:
  - loop:
      for: { in: .none }
      do:
        - never: { set: { x: 1 } }
`,
      ),
      { keep: true },
    );
    expect(result.output).toEqual({ keep: true });
  });
});

describe('fork', () => {
  it('runs branches concurrently and outputs them in declaration order', async () => {
    const { result } = await runner.run(
      workflow(
        'fork',
        `
do:
  - split:
      fork:
        branches:
          - slow:
              do:
                - nap: { wait: PT0.2S }
                - s: { set: { b: slow } }
          - fast:
              set: { b: fast }
`,
      ),
    );
    expect(result.output).toEqual([{ b: 'slow' }, { b: 'fast' }]);
    // `fast` completes while `slow` is still waiting.
    expect(order(result.tasks)).toEqual(['split', 'slow', 'nap', 'fast', 's']);
  });

  it('with compete, the first finished branch wins and the others are cancelled', async () => {
    const { result } = await runner.run(
      workflow(
        'compete',
        `
do:
  - race:
      fork:
        compete: true
        branches:
          - slow:
              do:
                - nap: { wait: PT30S }
                - s: { set: { winner: slow } }
          - fast:
              set: { winner: fast }
`,
      ),
    );
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ winner: 'fast' });
    expect(result.tasks.find((t) => t.name === 'nap')?.status).toBe('cancelled');
  });

  it('a failing branch faults the fork', async () => {
    const { result } = await runner.run(
      workflow(
        'forkfail',
        `
do:
  - split:
      fork:
        branches:
          - ok: { wait: PT30S }
          - bad:
              raise:
                error: { type: https://example.com/boom, status: 500 }
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://example.com/boom',
      instance: '/do/0/split/fork/branches/1/bad',
    });
  });
});
