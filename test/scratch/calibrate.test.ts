import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { workflow } from '../dsl/workflow-text';

jest.setTimeout(600_000);
let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner.shutdown());

const CASES: Record<string, string> = {
  jq: `
do:
  - loop:
      for: { in: '\${ [range(0; ${process.env.N_JQ ?? 400})] }' }
      do:
        - work: { set: { x: '\${ [range(0; 3000)] | map(. * 2) | add }' } }
`,
  obj: `
do:
  - loop:
      for: { in: '\${ [range(0; ${process.env.N_OBJ ?? 3000})] }' }
      do:
        - work: { set: { a: '\${ .a + 1 }', s: '\${ "k" + ($index|tostring) }', o: '\${ {x: 1, y: [1,2,3]} | .y | length }' } }
`,
  tasks: `
do:
  - loop:
      for: { in: '\${ [range(0; ${process.env.N_TASKS ?? 20000})] }' }
      do:
        - work: { set: { a: 1 } }
`,
};

it.each(Object.keys(CASES))('%s', async (name) => {
  const t0 = Date.now();
  const handle = await runner.start(workflow(`cal-${name}`, CASES[name]), {}, { validated: true });
  const out = await runner.outcome(handle);
  const ms = Date.now() - t0;
  const history = await handle.fetchHistory();
  const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes).length;
  console.log(`${name}: ${out.result.status} ${ms} ms, markers ${markers}, events ${out.events.length}`);
});
