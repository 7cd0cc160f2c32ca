/**
 * A workflow document offered for registration → its identity, text and schedule plan, or an
 * INVALID_ARGUMENT listing every problem with line:column and JSON pointer (the loader's own problems,
 * as `execute` and `validate` report them).
 */
import { formatProblem, loadWorkflow, type LoadOptions, type ValidationProblem } from '../zigflow/loader';
import { isWorkflowFault } from '../zigflow/dsl/errors';
import type { DefinitionKey } from '../temporal/definition-registry.contract';
import { schedulePlan, type SchedulePlan } from '../temporal/schedule-spec';
import { invalidArgument } from '../executor/rpc-errors';

export interface ParsedDefinition {
  key: DefinitionKey;
  yaml: string;
  plan: SchedulePlan;
}

/** `field` names the request field (or the file) in the error. */
export function parseDefinition(
  yaml: string | undefined,
  options: LoadOptions,
  field = 'workflow_yaml',
): ParsedDefinition {
  if (!yaml || yaml.trim() === '') throw invalidArgument(field, 'is required');
  const result = loadWorkflow(yaml, options);
  if (!result.ok)
    throw invalidArgument(field, `invalid workflow document:\n${result.problems.map(formatProblem).join('\n')}`);
  const header = result.workflow.document;
  const key = { namespace: String(header.namespace), name: String(header.name), version: String(header.version) };
  return { key, yaml, plan: planOf(result.workflow.schedule, field) };
}

/** The schedule plan of already registered (hence valid) text. */
export function registeredPlan(yaml: string, options: LoadOptions): SchedulePlan {
  const result = loadWorkflow(yaml, options);
  return result.ok ? planOf(result.workflow.schedule, 'workflow_yaml') : { kind: 'none' };
}

/** The schedule plan of a valid document's `schedule`, or the problem that keeps Temporal from running it. */
export function planOrProblem(schedule: unknown): { plan: SchedulePlan } | { problem: ValidationProblem } {
  try {
    return { plan: schedulePlan(schedule) };
  } catch (err) {
    if (!isWorkflowFault(err)) throw err;
    return {
      problem: {
        kind: 'semantic',
        pointer: err.error.instance ?? '/schedule',
        message: err.error.detail ?? err.error.type,
      },
    };
  }
}

function planOf(schedule: unknown, field: string): SchedulePlan {
  const result = planOrProblem(schedule);
  if ('plan' in result) return result.plan;
  throw invalidArgument(field, `invalid workflow document:\n${formatProblem(result.problem)}`);
}
