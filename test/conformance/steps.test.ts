/**
 * The harness's own parts, checked without Temporal: the feature loader over the real kit, the step
 * vocabulary (including its refusal of unknown steps) and the HTTP fakes over real sockets.
 */
import { FakeEndpoints } from './fake-endpoints';
import { conformanceKits, defaultCtkDir, listFeatureFiles, loadScenarios, parseFeature } from './feature-loader';
import { outcomeOf, summarize, taskOrderOf } from './outcome';
import { planScenario, readPath, StepError, verifyOutcome, type RunOutcome } from './steps';

const DEFINITION = 'document:\n  dsl: 1.0.3\n  namespace: t\n  name: t\n  version: 1.0.0\ndo: []\n';

function feature(body: string): string {
  return `Feature: F\n  Scenario: S\n    Given a workflow with definition:\n      """yaml\n${DEFINITION.trimEnd().replace(/^/gm, '      ')}\n      """\n    When the workflow is executed\n${body}`;
}

function planOf(body: string) {
  return planScenario(parseFeature(feature(body), 'f.feature')[0]);
}

const completed = (output: unknown, taskOrder: string[] = []): RunOutcome => ({
  status: 'completed',
  output,
  taskOrder,
});

describe('feature loader', () => {
  it('reads every scenario of the kit with its workflow definition', () => {
    const scenarios = loadScenarios(defaultCtkDir());
    expect(listFeatureFiles(defaultCtkDir()).length).toBeGreaterThanOrEqual(11);
    expect(scenarios.length).toBeGreaterThanOrEqual(21);
    for (const scenario of scenarios) {
      expect(scenario.steps[0].text).toBe('a workflow with definition:');
      expect(scenario.steps[0].docString?.content).toContain('document:');
    }
  });

  it('expands backgrounds and outlines and keeps keywords and lines', () => {
    const source = [
      'Feature: Outline',
      '  Background:',
      '    Given a workflow with definition:',
      '      """yaml',
      '      do: []',
      '      """',
      '  Scenario Outline: colour <c>',
      '    When the workflow is executed',
      '    And <c> should run first',
      '    Examples:',
      '      | c   |',
      '      | red |',
      '      | blue |',
    ].join('\n');
    const scenarios = parseFeature(source, 'outline.feature');
    expect(scenarios.map((s) => s.name)).toEqual(['colour red', 'colour blue']);
    expect(scenarios[1].steps.map((s) => `${s.keyword}${s.text}`)).toEqual([
      'Given a workflow with definition:',
      'When the workflow is executed',
      'And blue should run first',
    ]);
    expect(scenarios[1].steps[2].line).toBe(9);
  });

  it('runs both published kits unless CTK_DIR names one', () => {
    const both = conformanceKits({});
    expect(both.map((k) => k.name)).toEqual(['serverless-workflow', 'open-workflow-specification']);
    expect(both[1].dir).toMatch(/shared\/conformance\/open-workflow-specification\/ctk\/features$/);
    expect(conformanceKits({ OWS_CTK_DIR: '/kits/ows' })[1].dir).toBe('/kits/ows');
    expect(conformanceKits({ SW_CTK_DIR: '/kits/sw' })[0].dir).toBe('/kits/sw');
    expect(conformanceKits({ CTK_DIR: '/kits/one' })).toEqual([{ name: 'CTK_DIR', dir: '/kits/one' }]);
    for (const kit of both) expect(loadScenarios(kit.dir).length).toBeGreaterThanOrEqual(21);
  });

  it('says where it looked when the kit is missing', () => {
    expect(() => listFeatureFiles('/nonexistent/ctk')).toThrow(
      'conformance kit not found at /nonexistent/ctk (set CTK_DIR',
    );
  });

  it('names the file of a feature that is not Gherkin', () => {
    expect(() => parseFeature('Feature: x\n  Scenario: y\n    Given a\n  Nonsense here', 'bad.feature')).toThrow(
      /bad\.feature/,
    );
  });
});

describe('step vocabulary', () => {
  it('understands every step of the kit', () => {
    for (const scenario of loadScenarios(defaultCtkDir())) {
      expect(() => planScenario(scenario)).not.toThrow();
    }
  });

  it('fails a scenario on an unknown step, naming it', () => {
    expect(() => planOf('    Then the workflow should be purple\n')).toThrow(StepError);
    expect(() => planOf('    Then the workflow should be purple\n')).toThrow(
      /unknown step at line \d+: "Then the workflow should be purple"/,
    );
  });

  it('refuses checks before the workflow runs, and scenarios that check nothing', () => {
    const early = 'Feature: F\n  Scenario: S\n    Then the workflow should complete\n';
    expect(() => planScenario(parseFeature(early, 'f.feature')[0])).toThrow(
      /comes before "When the workflow is executed"/,
    );
    expect(() => planOf('')).toThrow(/checks nothing/);
  });

  it('reads the input doc string and keeps the definition as written', () => {
    const scenario = parseFeature(feature('    Then the workflow should complete\n'), 'f.feature')[0];
    scenario.steps.splice(1, 0, {
      keyword: 'And ',
      text: 'given the workflow input is:',
      line: 8,
      docString: { content: 'petId: 1' },
    });
    const plan = planScenario(scenario);
    expect(plan.definition).toBe(DEFINITION.trimEnd());
    expect(plan.input).toEqual({ petId: 1 });
    scenario.steps[1].docString = { content: '[1, 2]' };
    expect(() => planScenario(scenario)).toThrow(/must be a YAML mapping/);
  });

  it('checks completion and exact output', () => {
    const plan = planOf(
      '    Then the workflow should complete with output:\n      """yaml\n      colors: [ red, green ]\n      """\n',
    );
    expect(verifyOutcome(plan, completed({ colors: ['red', 'green'] }))).toEqual([]);
    expect(verifyOutcome(plan, completed({ colors: ['red'] }))[0]).toMatch(
      /output is \{"colors":\["red"\]\}, expected/,
    );
    const faulted: RunOutcome = { status: 'faulted', error: { type: 'x', status: 500 }, taskOrder: [] };
    expect(verifyOutcome(plan, faulted)[0]).toMatch(/expected the workflow to complete, but it faulted/);
  });

  it('checks a fault partially against the expected error fields', () => {
    const plan = planOf(
      '    Then the workflow should fault with error:\n      """yaml\n      status: 400\n      instance: /do/0/a\n      """\n',
    );
    const fault = (instance: string): RunOutcome => ({
      status: 'faulted',
      error: { type: 't', status: 400, title: 'T', instance },
      taskOrder: [],
    });
    expect(verifyOutcome(plan, fault('/do/0/a'))).toEqual([]);
    expect(verifyOutcome(plan, fault('/do/1/b'))[0]).toMatch(/error differs on instance/);
    expect(verifyOutcome(plan, completed({}))[0]).toMatch(/expected the workflow to fault, but it completed/);
  });

  it('checks output properties, property values and item counts', () => {
    const plan = planOf(
      [
        "    And the workflow output should have properties 'request', 'request.method'",
        "    And the workflow output should have a 'data' property with value:",
        '      """yaml',
        '      greetings: Hello!',
        '      """',
        "    And the workflow output should have a 'colors' property containing 1 items",
        '',
      ].join('\n'),
    );
    expect(
      verifyOutcome(plan, completed({ request: { method: 'get' }, data: { greetings: 'Hello!' }, colors: ['red'] })),
    ).toEqual([]);
    const reasons = verifyOutcome(plan, completed({ request: {}, data: { greetings: 'Hi' }, colors: ['red', 'blue'] }));
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/output lacks request\.method/);
    expect(reasons[1]).toMatch(/data is \{"greetings":"Hi"\}/);
    expect(reasons[2]).toMatch(/colors has 2 items, expected 1/);
  });

  it('checks task order', () => {
    const plan = planOf('    And a should run first\n    And b should run after a\n    And c should run last\n');
    expect(verifyOutcome(plan, completed({}, ['a', 'b', 'c']))).toEqual([]);
    const reasons = verifyOutcome(plan, completed({}, ['b', 'a']));
    expect(reasons).toEqual([
      'And a should run first: expected a to run first, tasks ran as [b, a]',
      'And b should run after a: expected b to run after a, tasks ran as [b, a]',
      'And c should run last: expected c to run last, tasks ran as [b, a]',
    ]);
  });

  it('reads dotted paths, telling a missing key from a null value', () => {
    expect(readPath({ a: { b: null } }, 'a.b')).toEqual({ found: true, value: null });
    expect(readPath({ a: { b: 1 } }, 'a.c')).toEqual({ found: false });
    expect(readPath([5], '0')).toEqual({ found: true, value: 5 });
  });
});

describe('run outcome', () => {
  const started = (sequence: number, taskName: string) =>
    ({
      executionId: 'e',
      eventId: `e:${sequence}`,
      sequence,
      eventType: 'task_started',
      status: 'running',
      workflowName: 'w',
      taskName,
      timestamp: '',
    }) as const;

  it('orders tasks by the result list, without skipped tasks', () => {
    const result = {
      status: 'completed' as const,
      tasks: [
        { name: 'a', position: '/do/0/a', status: 'completed' as const },
        { name: 'b', position: '/do/1/b', status: 'skipped' as const },
        { name: 'c', position: '/do/2/c', status: 'completed' as const },
      ],
    };
    expect(taskOrderOf(result, [started(9, 'z')])).toEqual(['a', 'c']);
  });

  it('falls back to task_started events in sequence order', () => {
    const outcome = outcomeOf({ status: 'faulted', error: { type: 't', status: 500 }, tasks: [] }, [
      started(3, 'b'),
      started(2, 'a'),
    ]);
    expect(outcome).toEqual({
      status: 'faulted',
      output: undefined,
      error: { type: 't', status: 500 },
      taskOrder: ['a', 'b'],
    });
  });

  it('prints the total and one line per failure', () => {
    const text = summarize([
      { file: 'a.feature', scenario: 'A', passed: true },
      { file: 'b.feature', scenario: 'B', passed: false, reason: 'boom' },
    ]);
    expect(text).toBe(
      'ctk conformance: 1 passed, 1 failed\n  a.feature: 1/1\n  b.feature: 0/1\n  FAIL b.feature / B: boom',
    );
  });
});

describe('fake endpoints', () => {
  let fakes: FakeEndpoints;
  beforeAll(async () => {
    fakes = await FakeEndpoints.start();
  });
  afterAll(async () => fakes.stop());

  const get = async (url: string, headers: Record<string, string> = {}) => fetch(fakes.rewriteUrl(url), { headers });

  it('serves the Petstore routes the kit calls', async () => {
    const byStatus = (await (
      await get('https://petstore.swagger.io/v2/pet/findByStatus?status=available')
    ).json()) as Record<string, unknown>[];
    expect(byStatus.length).toBeGreaterThan(0);
    for (const p of byStatus)
      expect(p).toMatchObject({ id: expect.any(Number), name: expect.any(String), status: 'available' });
    const one = await get('https://petstore.swagger.io/v2/pet/2');
    expect(one.headers.get('content-type')).toBe('application/json');
    expect(await one.json()).toMatchObject({ id: 2, name: 'Garfield' });
    expect((await get('https://petstore.swagger.io/v2/pet/getPetByName/Milou')).status).toBe(404);
    const swagger = (await (await get('https://petstore.swagger.io/v2/swagger.json')).json()) as {
      host: string;
      paths: object;
    };
    expect(swagger.host).toBe('petstore.swagger.io');
    expect(JSON.stringify(swagger.paths)).toContain('findPetsByStatus');
  });

  it('echoes a posted pet', async () => {
    const res = await fetch(fakes.rewriteUrl('https://petstore.swagger.io/v2/pet'), {
      method: 'POST',
      body: JSON.stringify({ name: 'Rex', status: 'sold' }),
    });
    expect(await res.json()).toMatchObject({ id: 5, name: 'Rex', status: 'sold' });
  });

  it('accepts only matching Basic credentials on httpbin', async () => {
    const url = 'https://httpbin.org/basic-auth/u/p';
    expect((await get(url)).status).toBe(401);
    expect((await get(url, { authorization: `Basic ${Buffer.from('u:wrong').toString('base64')}` })).status).toBe(401);
    const ok = await get(url, { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    expect(await ok.json()).toEqual({ authenticated: true, user: 'u' });
    expect(fakes.requests.at(-1)).toMatchObject({ host: 'httpbin.org', method: 'GET', url: '/basic-auth/u/p' });
  });

  it('leaves hosts without a fake alone and records them', () => {
    expect(fakes.rewriteUrl('https://example.org/x')).toBe('https://example.org/x');
    expect(fakes.unfakedUrls).toContain('https://example.org/x');
    expect(fakes.rewriteUrl('https://petstore.swagger.io/v2/pet/1?x=1')).toBe(
      `${fakes.originOf('petstore.swagger.io')}/v2/pet/1?x=1`,
    );
  });
});
