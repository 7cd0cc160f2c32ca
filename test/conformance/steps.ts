/**
 * The step vocabulary of the conformance kit. Each scenario's steps are compiled into a plan (the
 * workflow to run, its input, and the checks to make on the outcome) before anything runs, so a step
 * the harness does not understand fails the scenario up front with a clear message instead of being
 * silently skipped.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { WorkflowErrorData } from '../../src/temporal/contract';
import type { CtkScenario, CtkStep } from './feature-loader';

/** What a run produced, reduced to what the kit's steps can observe. */
export interface RunOutcome {
  status: 'completed' | 'faulted' | 'cancelled';
  output?: unknown;
  error?: WorkflowErrorData;
  /** Names of the tasks that ran, in the order they started. */
  taskOrder: string[];
}

export interface Check {
  /** The step as written in the feature, for failure messages. */
  step: string;
  /** Returns a failure reason, or undefined when the outcome satisfies the step. */
  verify(outcome: RunOutcome): string | undefined;
}

export interface ScenarioPlan {
  definition: string;
  input?: Record<string, unknown>;
  checks: Check[];
}

export class StepError extends Error {}

interface StepDefinition {
  pattern: RegExp;
  apply(match: RegExpMatchArray, step: CtkStep, plan: PlanDraft): void;
}

interface PlanDraft {
  definition?: string;
  input?: Record<string, unknown>;
  executed: boolean;
  checks: Check[];
}

/** Names of the properties in `'a', 'b.c'` (single or double quotes). */
function quotedList(list: string): string[] {
  return [...list.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]);
}

function docYaml(step: CtkStep): unknown {
  if (!step.docString) throw new StepError(`step "${step.text}" needs a YAML doc string`);
  try {
    return parseYaml(step.docString.content);
  } catch (error) {
    throw new StepError(`doc string of "${step.text}" is not valid YAML: ${(error as Error).message}`);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

/** Reads a dotted path (`request.headers`); `found` is false when any segment is missing. */
export function readPath(value: unknown, dotted: string): { found: boolean; value?: unknown } {
  let current = value;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) {
      return { found: false };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

/** Output crosses Temporal as JSON; compare JSON values so `undefined` fields and key order do not matter. */
function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function describeEnd(outcome: RunOutcome): string {
  if (outcome.status === 'faulted') return `faulted with ${show(outcome.error)}`;
  if (outcome.status === 'cancelled') return 'was cancelled';
  return `completed with output ${show(outcome.output)}`;
}

function expectStatus(outcome: RunOutcome, wanted: RunOutcome['status']): string | undefined {
  return outcome.status === wanted
    ? undefined
    : `expected the workflow to ${wanted === 'faulted' ? 'fault' : 'complete'}, but it ${describeEnd(outcome)}`;
}

function addCheck(plan: PlanDraft, step: CtkStep, verify: Check['verify']): void {
  if (!plan.executed) throw new StepError(`"${step.text}" comes before "When the workflow is executed"`);
  plan.checks.push({ step: `${step.keyword}${step.text.replace(/:$/, '')}`, verify });
}

/** Checks on task order: "X should run first", "X should run last", "X should run after Y". */
const orderSteps: StepDefinition[] = [
  {
    pattern: /^(\S+) should run (first|last)$/,
    apply: ([, task, where], step, plan) =>
      addCheck(plan, step, ({ taskOrder }) => {
        const actual = where === 'first' ? taskOrder[0] : taskOrder[taskOrder.length - 1];
        return actual === task ? undefined : `expected ${task} to run ${where}, tasks ran as [${taskOrder.join(', ')}]`;
      }),
  },
  {
    pattern: /^(\S+) should run after (\S+)$/,
    apply: ([, later, earlier], step, plan) =>
      addCheck(plan, step, ({ taskOrder }) => {
        const at = taskOrder.indexOf(later);
        const before = taskOrder.indexOf(earlier);
        if (at < 0 || before < 0 || at <= before) {
          return `expected ${later} to run after ${earlier}, tasks ran as [${taskOrder.join(', ')}]`;
        }
        return undefined;
      }),
  },
];

/** Checks on the workflow output's properties. */
const outputSteps: StepDefinition[] = [
  {
    pattern: /^the workflow output should have properties? (.+)$/,
    apply: ([, list], step, plan) => {
      const names = quotedList(list);
      if (names.length === 0) throw new StepError(`no quoted property names in "${step.text}"`);
      addCheck(plan, step, ({ output }) => {
        const missing = names.filter((name) => !readPath(output, name).found);
        return missing.length === 0 ? undefined : `output lacks ${missing.join(', ')}: ${show(output)}`;
      });
    },
  },
  {
    pattern: /^the workflow output should have an? '([^']+)' property with value:?$/,
    apply: ([, name], step, plan) => {
      const expected = docYaml(step);
      addCheck(plan, step, ({ output }) => {
        const { found, value } = readPath(output, name);
        if (!found) return `output lacks ${name}: ${show(output)}`;
        return isDeepStrictEqual(asJson(value), asJson(expected))
          ? undefined
          : `${name} is ${show(value)}, expected ${show(expected)}`;
      });
    },
  },
  {
    pattern: /^the workflow output should have an? '([^']+)' property containing (\d+) items?$/,
    apply: ([, name, count], step, plan) =>
      addCheck(plan, step, ({ output }) => {
        const { found, value } = readPath(output, name);
        if (!found) return `output lacks ${name}: ${show(output)}`;
        if (!Array.isArray(value)) return `${name} is not an array: ${show(value)}`;
        return value.length === Number(count)
          ? undefined
          : `${name} has ${value.length} items, expected ${count}: ${show(value)}`;
      }),
  },
];

/** Checks on how the run ended. */
const endSteps: StepDefinition[] = [
  {
    pattern: /^the workflow should complete$/,
    apply: (_m, step, plan) => addCheck(plan, step, (outcome) => expectStatus(outcome, 'completed')),
  },
  {
    pattern: /^the workflow should complete with output:?$/,
    apply: (_m, step, plan) => {
      const expected = docYaml(step);
      addCheck(plan, step, (outcome) => {
        const wrongEnd = expectStatus(outcome, 'completed');
        if (wrongEnd) return wrongEnd;
        return isDeepStrictEqual(asJson(outcome.output), asJson(expected))
          ? undefined
          : `output is ${show(outcome.output)}, expected ${show(expected)}`;
      });
    },
  },
  {
    pattern: /^the workflow should fault$/,
    apply: (_m, step, plan) => addCheck(plan, step, (outcome) => expectStatus(outcome, 'faulted')),
  },
  {
    pattern: /^the workflow should fault with error:?$/,
    apply: (_m, step, plan) => {
      const expected = docYaml(step);
      if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
        throw new StepError(`the expected error of "${step.text}" must be a YAML mapping`);
      }
      addCheck(plan, step, (outcome) => {
        const wrongEnd = expectStatus(outcome, 'faulted');
        if (wrongEnd) return wrongEnd;
        // Partial match: the kit names the fields it cares about; the runner may add more (detail...).
        const actual = (outcome.error ?? {}) as unknown as Record<string, unknown>;
        const wrong = Object.entries(expected).filter(
          ([key, value]) => !isDeepStrictEqual(asJson(actual[key]), asJson(value)),
        );
        return wrong.length === 0
          ? undefined
          : `error differs on ${wrong.map(([k]) => k).join(', ')}: got ${show(outcome.error)}, expected ${show(expected)}`;
      });
    },
  },
];

/** Steps that build the run: definition, input, execution. */
const setupSteps: StepDefinition[] = [
  {
    pattern: /^(?:given )?a workflow with definition:?$/i,
    apply: (_m, step, plan) => {
      if (!step.docString) throw new StepError(`step "${step.text}" needs a YAML doc string`);
      docYaml(step); // fail early on YAML the harness itself cannot read
      plan.definition = step.docString.content;
    },
  },
  {
    pattern: /^(?:given )?the workflow input is:?$/i,
    apply: (_m, step, plan) => {
      const input = docYaml(step);
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw new StepError(`the workflow input of "${step.text}" must be a YAML mapping`);
      }
      plan.input = input as Record<string, unknown>;
    },
  },
  {
    pattern: /^the workflow is executed$/,
    apply: (_m, step, plan) => {
      if (plan.definition === undefined) throw new StepError(`"${step.text}" comes before the workflow definition`);
      plan.executed = true;
    },
  },
];

export const STEP_DEFINITIONS: readonly StepDefinition[] = [...setupSteps, ...endSteps, ...outputSteps, ...orderSteps];

/** Compiles a scenario's steps into a plan; throws StepError naming the first step it cannot use. */
export function planScenario(scenario: Pick<CtkScenario, 'steps'>): ScenarioPlan {
  const draft: PlanDraft = { executed: false, checks: [] };
  for (const step of scenario.steps) {
    const text = step.text.trim();
    const definition = STEP_DEFINITIONS.find((candidate) => candidate.pattern.test(text));
    if (!definition) {
      throw new StepError(
        `unknown step at line ${step.line}: "${step.keyword}${text}" (the harness has no definition for it)`,
      );
    }
    definition.apply(text.match(definition.pattern) as RegExpMatchArray, { ...step, text }, draft);
  }
  if (draft.definition === undefined) throw new StepError('the scenario defines no workflow');
  if (!draft.executed) throw new StepError('the scenario never executes the workflow');
  if (draft.checks.length === 0) throw new StepError('the scenario checks nothing');
  return { definition: draft.definition, input: draft.input, checks: draft.checks };
}

/** Every failed check of a plan against an outcome, as `step: reason` lines. */
export function verifyOutcome(plan: ScenarioPlan, outcome: RunOutcome): string[] {
  return plan.checks.flatMap((check) => {
    const reason = check.verify(outcome);
    return reason === undefined ? [] : [`${check.step.trim()}: ${reason}`];
  });
}
