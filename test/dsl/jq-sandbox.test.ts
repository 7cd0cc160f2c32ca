/**
 * The jq engine inside the real Temporal workflow sandbox (bundled by webpack, deterministic globals, modules
 * shared and frozen by the reusable V8 context), regular expressions with repetition on re2js included.
 */
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

it('evaluates jq programs in workflow code, with now from workflow time and env from the run', async () => {
  const { result } = await runner.run(
    workflow(
      'jq',
      `
do:
  - compute:
      set:
        sum: \${ reduce .xs[] as $x (0; . + $x) }
        grouped: \${ .xs | group_by(. % 2) }
        text: \${ "n=\\(.xs | length)" }
        paths: \${ [paths] | length }
        upper: \${ .name | ascii_upcase }
        nowIsNumber: \${ now | type }
        region: \${ $ENV.REGION }
        sorted: \${ .xs | sort | reverse }
        digits: \${ "a1 b22 c333" | [scan("[a-z]([0-9]+)")] | map(.[0]) }
        noBacktracking: \${ ("a" * 10000 + "b") | test("^(a+)+$") }
`,
    ),
    { xs: [3, 1, 2], name: 'ada' },
    { environment: [{ name: 'REGION', value: 'eu-1' }] },
  );
  expect(result).toMatchObject({
    status: 'completed',
    output: {
      sum: 6,
      grouped: [[2], [3, 1]],
      text: 'n=3',
      upper: 'ADA',
      nowIsNumber: 'number',
      region: 'eu-1',
      sorted: [3, 2, 1],
      digits: ['1', '22', '333'],
      noBacktracking: false,
    },
  });
});
