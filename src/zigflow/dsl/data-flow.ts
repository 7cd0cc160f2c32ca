/**
 * The spec's data-flow steps (DSL 1.0 "Data Flow"): validate and transform the workflow input, each task's
 * input, output and export, and the workflow output. Schema failures raise `validation` errors; expression
 * failures raise `expression` errors. Which runtime arguments each step sees follows the spec's table.
 */
import type { ExpressionEvaluator, Variables } from './expressions';
import type { ExportDefinition, InputDefinition, OutputDefinition } from './model';
import { validateAgainstSchema } from './schema';

/** Steps 1-2 (workflow) and 3-4 (task): validate the raw input, then transform it with `input.from`. */
export function transformInput(
  evaluator: ExpressionEvaluator,
  definition: InputDefinition | undefined,
  raw: unknown,
  vars: Variables,
  instance?: string,
): unknown {
  if (!definition) return raw;
  validateAgainstSchema(definition.schema, raw, 'input', instance);
  if (definition.from === undefined) return raw;
  return evaluator.evaluateField(definition.from, raw, vars, instance);
}

/** Steps 5-6 (task) and 10-11 (workflow): transform the raw output with `output.as`, then validate it. */
export function transformOutput(
  evaluator: ExpressionEvaluator,
  definition: OutputDefinition | undefined,
  raw: unknown,
  vars: Variables,
  instance?: string,
): unknown {
  if (!definition) return raw;
  const output = definition.as === undefined ? raw : evaluator.evaluateField(definition.as, raw, vars, instance);
  validateAgainstSchema(definition.schema, output, 'output', instance);
  return output;
}

/**
 * Steps 7-8: `export.as` computes the new workflow context from the transformed output (`$context` is the
 * current one); the result is validated by `export.schema`. Without `export.as` the context is unchanged.
 */
export function exportContext(
  evaluator: ExpressionEvaluator,
  definition: ExportDefinition | undefined,
  output: unknown,
  context: unknown,
  vars: Variables,
  instance?: string,
): unknown {
  if (!definition || definition.as === undefined) return context;
  const next = evaluator.evaluateField(definition.as, output, vars, instance);
  validateAgainstSchema(definition.schema, next, 'exported context', instance);
  return next;
}
