import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

describe('data flow', () => {
  it('applies workflow input.from, task input.from/output.as, export.as and workflow output.as', async () => {
    const { result } = await runner.run(
      workflow(
        'flow',
        `
input:
  from: \${ .order }
do:
  - price:
      input:
        from: .items
      set:
        total: \${ map(.price) | add }
        first: \${ $input[0].name }
      output:
        as: '{ total: .total, first: .first, wasInput: $input | length }'
      export:
        as: '$context + { total: .total }'
  - label:
      set:
        label: \${ "total=\\($context.total)" }
output:
  as: '{ label: .label, ctx: $context }'
`,
      ),
      {
        order: {
          items: [
            { name: 'a', price: 2 },
            { name: 'b', price: 3 },
          ],
        },
      },
    );
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ label: 'total=5', ctx: { total: 5 } });
  });

  it('passes non-object outputs between tasks', async () => {
    const { result } = await runner.run(
      workflow(
        'scalar',
        `
do:
  - one:
      set: \${ 41 }
  - two:
      set: \${ . + 1 }
`,
      ),
    );
    expect(result.output).toBe(42);
  });

  it('faults with a validation error when the workflow input does not match its schema', async () => {
    const { result } = await runner.run(
      workflow(
        'schema',
        `
input:
  schema:
    format: json
    document:
      type: object
      required: [name]
      properties:
        name: { type: string }
do:
  - greet:
      set: { hello: '\${ .name }' }
`,
      ),
      { name: 7 },
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.type).toBe('https://serverlessworkflow.io/spec/1.0.0/errors/validation');
    expect(result.error?.detail).toContain('/name');
  });

  it('validates task output and export against their schemas', async () => {
    const yaml = workflow(
      'outschema',
      `
do:
  - make:
      set: { n: '\${ .n }' }
      output:
        schema:
          document: { type: object, properties: { n: { type: integer, maximum: 10 } } }
`,
    );
    expect((await runner.run(yaml, { n: 3 })).result).toMatchObject({ status: 'completed', output: { n: 3 } });
    const bad = (await runner.run(yaml, { n: 30 })).result;
    expect(bad.status).toBe('faulted');
    expect(bad.error).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/validation',
      instance: '/do/0/make',
    });
  });

  it('exposes $task, $workflow and $runtime', async () => {
    const { result, workflowId } = await runner.run(
      workflow(
        'args',
        `
do:
  - inspect:
      set:
        task: \${ $task.name }
        ref: \${ $task.reference }
        id: \${ $workflow.id }
        runtime: \${ $runtime.name }
        started: \${ $workflow.startedAt.epoch.seconds > 0 }
`,
      ),
    );
    expect(result.output).toEqual({
      task: 'inspect',
      ref: '/do/0/inspect',
      id: workflowId,
      runtime: 'workflow-runner',
      started: true,
    });
  });

  it('evaluates ${ } fragments inside strings in loose mode only', async () => {
    const body = (mode: string) => `
evaluate:
  mode: ${mode}
do:
  - greet:
      set:
        text: 'Hello \${ .name }!'
`;
    expect((await runner.run(workflow('loose', body('loose')), { name: 'Ada' })).result.output).toEqual({
      text: 'Hello Ada!',
    });
    expect((await runner.run(workflow('strict', body('strict')), { name: 'Ada' })).result.output).toEqual({
      text: 'Hello ${ .name }!',
    });
  });

  it('refuses $secrets in pure-data tasks', async () => {
    const { result } = await runner.run(
      workflow(
        'nosecret',
        `
do:
  - leak:
      set:
        s: \${ $secrets.token }
`,
      ),
    );
    expect(result.status).toBe('faulted');
    expect(result.error?.detail).toContain('$secrets');
  });
});
