import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

describe('wait and timeouts', () => {
  it('waits for ISO, inline and expression durations and passes the input through', async () => {
    const { result } = await runner.run(
      workflow(
        'wait',
        `
do:
  - iso: { wait: PT0.1S }
  - inline: { wait: { milliseconds: 50 } }
  - expr: { wait: '\${ .d }' }
`,
      ),
      { d: 'PT0.05S' },
    );
    expect(result).toMatchObject({ status: 'completed', output: { d: 'PT0.05S' } });
  });

  it('a task timeout raises timeout (408) at the task', async () => {
    const { result } = await runner.run(
      workflow(
        'tasktimeout',
        `
use:
  timeouts:
    short: { after: { milliseconds: 200 } }
do:
  - slow:
      timeout: short
      wait: PT1M
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout',
      status: 408,
      instance: '/do/0/slow',
    });
  });

  it('a task timeout can be caught by try', async () => {
    const { result } = await runner.run(
      workflow(
        'catchtimeout',
        `
do:
  - guarded:
      try:
        - slow:
            timeout: { after: PT0.2S }
            wait: PT1M
      catch:
        errors: { with: { status: 408 } }
        do:
          - fallback: { set: { timedOut: true } }
`,
      ),
    );
    expect(result).toMatchObject({ status: 'completed', output: { timedOut: true } });
  });

  it('a workflow timeout faults the run', async () => {
    const { result, events } = await runner.run(
      workflow(
        'wftimeout',
        `
timeout:
  after: { milliseconds: 300 }
do:
  - slow: { wait: PT1M }
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.status).toBe(408);
    expect(events.at(-1)?.eventType).toBe('workflow_failed');
  });
});
