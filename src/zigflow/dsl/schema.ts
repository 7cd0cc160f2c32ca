/**
 * JSON Schema validation of data (workflow/task input, output and export schemas). Runs inside the workflow
 * sandbox, so it uses an interpreter-style validator (@cfworker/json-schema) that never generates code.
 */
import { Validator, type Schema } from '@cfworker/json-schema';
import { dslError, WorkflowFault } from './errors';
import type { SchemaDefinition } from './model';

/** Validates `data`; throws a `validation` fault listing the first problems. */
export function validateAgainstSchema(
  definition: SchemaDefinition | undefined,
  data: unknown,
  what: string,
  instance?: string,
): void {
  if (!definition) return;
  if (definition.format && !definition.format.toLowerCase().startsWith('json')) {
    throw new WorkflowFault(
      dslError('configuration', `${what} schema format '${definition.format}' is not supported`, { instance }),
    );
  }
  // Resources were fetched before the first task and substituted as inline documents (schema-resources.ts);
  // one still here was not fetched (a run recorded before external schemas were supported).
  if (definition.document === undefined) {
    throw new WorkflowFault(dslError('configuration', `${what} schema: its resource was not fetched`, { instance }));
  }
  const validator = new Validator(definition.document as Schema, '2020-12', false);
  const result = validator.validate(data as never);
  if (result.valid) return;
  const problems = result.errors
    .filter((e) => e.keyword !== 'properties' && e.keyword !== 'items' && e.keyword !== '$ref')
    .slice(0, 5)
    .map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error}`);
  throw new WorkflowFault(
    dslError('validation', `${what} does not match its schema: ${problems.join('; ') || 'invalid'}`, { instance }),
  );
}
