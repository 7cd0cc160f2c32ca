import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

const child = workflow(
  'child',
  `
do:
  - double:
      set: { doubled: '\${ .n * 2 }' }
`,
);

let enabled: TestRunner;
let disabled: TestRunner;
beforeAll(async () => {
  enabled = await startTestRunner({
    activities: {
      process: { shellEnabled: true, scriptEnabled: true, timeoutMs: 5000 },
      workflows: { resolve: (ns, name) => (ns === 'test' && name === 'child' ? child : undefined) },
    },
  });
  disabled = await startTestRunner();
});
afterAll(async () => {
  await enabled?.shutdown();
  await disabled?.shutdown();
});

describe('run', () => {
  it('runs a registered workflow as a child workflow and outputs its result', async () => {
    const { result } = await enabled.run(
      workflow(
        'parent',
        `
do:
  - sub:
      run:
        workflow:
          namespace: test
          name: child
          version: '1.0.0'
          input: { n: '\${ .value }' }
`,
      ),
      { value: 21 },
    );
    expect(result).toMatchObject({ status: 'completed', output: { doubled: 42 } });
  });

  it('an unknown child workflow is a configuration error', async () => {
    const { result } = await enabled.run(
      workflow(
        'parent2',
        `
do:
  - sub:
      run:
        workflow: { namespace: test, name: nope, version: '1.0.0' }
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.type).toBe('https://serverlessworkflow.io/spec/1.0.0/errors/configuration');
  });

  it('runs shell commands with arguments and environment, returning what return asks', async () => {
    const { result } = await enabled.run(
      workflow(
        'shell',
        `
do:
  - echo:
      run:
        shell:
          command: 'echo "$GREETING"'
          environment: { GREETING: '\${ .greeting }' }
        return: all
`,
      ),
      { greeting: 'hi there' },
    );
    expect(result.output).toEqual({ code: 0, stdout: 'hi there', stderr: '' });
  });

  it('runs a js script', async () => {
    const { result } = await enabled.run(
      workflow(
        'script',
        `
do:
  - js:
      run:
        script:
          language: js
          code: 'process.stdout.write(String(6 * 7))'
`,
      ),
    );
    expect(result.output).toBe('42');
  });

  it('refuses shell when the runner does not enable it, and container without a runtime', async () => {
    const shell = await disabled.run(
      workflow(
        'noshell',
        `
do:
  - echo:
      run:
        shell: { command: 'echo no' }
`,
      ),
    );
    expect(shell.result.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration',
      instance: '/do/0/echo',
    });
    const container = await disabled.run(
      workflow(
        'nocontainer',
        `
do:
  - box:
      run:
        container: { image: alpine }
`,
      ),
    );
    expect(container.result.error?.detail).toContain('container runtime');
  });
});
