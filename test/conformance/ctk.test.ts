/**
 * The conformance kits, run end to end: every Scenario of every `.feature` file of each kit (the Serverless
 * Workflow kit and the Open Workflow Specification kit, read from the shared copies beside the repository or
 * from CTK_DIR / SW_CTK_DIR / OWS_CTK_DIR, never copied here) becomes one test that
 * runs the scenario's workflow through the real runner (real worker, real interpreter, real activities)
 * on the real Temporal dev server, then checks the scenario's Then/And steps.
 *
 * No network here: the HTTP hosts the scenarios name (petstore.swagger.io, httpbin.org) are served by
 * local fakes (fake-endpoints.ts), and the runner's HTTP activity reaches them only because of the
 * `http.rewriteUrl` hook below. That URL rewrite is the only thing standing in for the internet.
 */
import { startTestRunner, type TestRunner } from '../support/runner-harness';
import { FakeEndpoints } from './fake-endpoints';
import { conformanceKits, loadScenarios, parseFeature, type CtkScenario } from './feature-loader';
import { outcomeOf, summarize, type ScenarioResult } from './outcome';
import { planScenario, verifyOutcome } from './steps';

const kits = conformanceKits().map((kit) => ({ ...kit, scenarios: loadScenarios(kit.dir) }));
/** Results per kit name, each summarised on its own. */
const results = new Map<string, ScenarioResult[]>(kits.map((kit) => [kit.name, []]));
const allResults = () => [...results.values()].flat();
let fakes: FakeEndpoints | undefined;
let runner: TestRunner | undefined;

beforeAll(async () => {
  fakes = await FakeEndpoints.start();
  runner = await startTestRunner({ activities: { http: { rewriteUrl: fakes.rewriteUrl } } });
}, 120_000); // bundles the workflow code once

afterAll(async () => {
  await runner?.shutdown();
  await fakes?.stop();
  for (const kit of kits) {
    const ofKit = results.get(kit.name) ?? [];
    if (ofKit.length > 0) console.log(`ctk kit ${kit.name} (${kit.dir})\n${summarize(ofKit)}`);
  }
}, 30_000);

/** A scenario that never ends is terminated and reported, instead of stalling the whole kit. */
const SCENARIO_BOUND_MS = 60_000;

async function runBounded(active: TestRunner, yaml: string, input?: Record<string, unknown>) {
  const handle = await active.start(yaml, input);
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`the workflow did not end within ${SCENARIO_BOUND_MS / 1000} s (terminated)`));
      handle.terminate('conformance scenario bound exceeded').catch(() => undefined);
    }, SCENARIO_BOUND_MS);
  });
  try {
    return await Promise.race([active.outcome(handle), overdue]);
  } finally {
    clearTimeout(timer);
  }
}

/** Plans, runs and checks one scenario; returns its failure reasons (none when it passes). */
async function runScenario(scenario: CtkScenario): Promise<string[]> {
  const plan = planScenario(scenario);
  if (!runner || !fakes) throw new Error('the runner or the fakes did not start');
  const before = fakes.unfakedUrls.length;
  const { result, events } = await runBounded(runner, plan.definition, plan.input);
  const failures = verifyOutcome(plan, outcomeOf(result, events));
  const unfaked = fakes.unfakedUrls.slice(before);
  if (failures.length > 0 && unfaked.length > 0)
    failures.push(`(the run called hosts with no local fake: ${unfaked.join(', ')})`);
  return failures;
}

it('reads every conformance kit', () => {
  for (const kit of kits) expect(kit.scenarios.length).toBeGreaterThan(0);
});

describe.each(kits.map((kit) => [kit.name, kit] as const))('%s', (kitName, kit) => {
  describe.each([...new Set(kit.scenarios.map((s) => s.file))])('%s', (file) => {
    const ofFile = kit.scenarios.filter((s) => s.file === file).map((s) => [s.name, s] as const);
    it.each(ofFile)('%s', async (name, scenario) => {
      let failures: string[];
      try {
        failures = await runScenario(scenario);
      } catch (error) {
        failures = [(error as Error).message];
      }
      results.get(kitName)?.push({ file, scenario: name, passed: failures.length === 0, reason: failures[0] });
      if (failures.length > 0)
        throw new Error(`${kitName}: ${file} / ${name} (line ${scenario.line}):\n  ${failures.join('\n  ')}`);
    });
  });
});

it('sent the HTTP calls of the kit to the local fakes and nowhere else', () => {
  expect(fakes?.unfakedUrls).toEqual([]);
  // Only meaningful when call.feature ran (a `-t` filter may have left it out).
  if (!allResults().some((r) => r.file === 'call.feature')) return;
  const seen = new Set(fakes?.requests.map((r) => `${r.method} ${r.host}${r.url}`));
  expect([...seen]).toEqual(
    expect.arrayContaining([
      'GET petstore.swagger.io/v2/pet/findByStatus?status=available',
      'GET petstore.swagger.io/v2/pet/1',
      'GET petstore.swagger.io/v2/swagger.json',
      'GET httpbin.org/basic-auth/serverless-workflow/conformance-test',
    ]),
  );
});

/**
 * The harness itself, end to end: scenarios whose expectations are deliberately wrong must fail with
 * the right reason when run on the real runner, so a passing kit means the checks really ran.
 */
describe('harness self-check (expectations that must fail)', () => {
  const doc = (name: string, tasks: string) =>
    [
      `document: { dsl: '1.0.3', namespace: selfcheck, name: ${name}, version: '1.0.0' }`,
      'do:',
      ...tasks.split('\n').map((l) => `  ${l}`),
    ]
      .join('\n')
      .replace(/^/gm, '      ');
  const scenario = (definition: string, steps: string): CtkScenario =>
    parseFeature(
      `Feature: self-check\n  Scenario: s\n    Given a workflow with definition:\n      """yaml\n${definition}\n      """\n${steps}`,
      'self-check.feature',
    )[0];
  const colors = doc(
    'colors',
    '- setRed:\n    set: { colors: \'${ .colors + ["red"] }\' }\n- setBlue:\n    set: { colors: \'${ .colors + ["blue"] }\' }',
  );

  it('reports a wrong output and a wrong task order', async () => {
    const steps = [
      '    When the workflow is executed',
      '    Then the workflow should complete with output:',
      '      """yaml',
      '      colors: [ blue, red ]',
      '      """',
      '    And setBlue should run first',
      '    And setRed should run after setBlue',
      '',
    ].join('\n');
    expect(await runScenario(scenario(colors, steps))).toEqual([
      'Then the workflow should complete with output: output is {"colors":["red","blue"]}, expected {"colors":["blue","red"]}',
      'And setBlue should run first: expected setBlue to run first, tasks ran as [setRed, setBlue]',
      'And setRed should run after setBlue: expected setRed to run after setBlue, tasks ran as [setRed, setBlue]',
    ]);
  });

  it('refuses a scenario with a step it does not know, before running anything', async () => {
    const unknown = scenario(colors, '    When the workflow is executed\n    Then the workflow should be purple\n');
    await expect(runScenario(unknown)).rejects.toThrow('unknown step at line 13: "Then the workflow should be purple"');
  });

  it('reports a fault where completion was expected, and a wrong error field', async () => {
    const raise = doc(
      'raise',
      '- fail:\n    raise:\n      error: { status: 400, type: https://example.com/errors/x, title: X }',
    );
    const [completeReason] = await runScenario(
      scenario(raise, '    When the workflow is executed\n    Then the workflow should complete\n'),
    );
    expect(completeReason).toMatch(
      /^Then the workflow should complete: expected the workflow to complete, but it faulted with .*"status":400/,
    );
    const wrongInstance =
      '    When the workflow is executed\n    Then the workflow should fault with error:\n      """yaml\n      instance: /do/1/fail\n      """\n';
    expect(await runScenario(scenario(raise, wrongInstance))).toEqual([
      expect.stringMatching(/error differs on instance: got .*"instance":"\/do\/0\/fail"/),
    ]);
  });

  it('fails a Basic authentication call when the fake refuses the credentials', async () => {
    const login = doc(
      'login',
      '- login:\n    call: http\n    with:\n      method: get\n      endpoint:\n        uri: https://httpbin.org/basic-auth/alice/right\n        authentication:\n          basic: { username: alice, password: wrong }',
    );
    const [reason] = await runScenario(
      scenario(login, '    When the workflow is executed\n    Then the workflow should complete\n'),
    );
    expect(reason).toMatch(/expected the workflow to complete, but it faulted with .*"status":401/);
    expect(fakes?.requests.at(-1)).toMatchObject({
      host: 'httpbin.org',
      url: '/basic-auth/alice/right',
      headers: { authorization: expect.stringMatching(/^Basic /) },
    });
  });
});
