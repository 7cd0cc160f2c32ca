/**
 * Schema validation with messages an author understands. ajv reports a bad task as dozens of errors
 * (one per `oneOf` branch of `task`, each failing for a different reason); instead each task is
 * validated against the one definition its kind key selects (and, for `call`, the one branch its `call`
 * value selects), and what is left of `oneOf`/`type` noise is collapsed into the most specific error.
 */
import type { ErrorObject } from 'ajv';
import { describeSchemaError, preview, typeName, valueAt } from './schema-messages';
import { SchemaValidator } from './schema-validator';
import { DraftProblem } from './problems';
import { joinPointer } from '../dsl/pointers';
import { isObject, TASK_KINDS, TaskSite } from '../dsl/task-walker';

/** The `callTask` oneOf branch for each built-in `call` value; anything else is a function call (6). */
const CALL_BRANCHES: Record<string, number> = { asyncapi: 0, grpc: 1, http: 2, openapi: 3, a2a: 4, mcp: 5 };
const FUNCTION_CALL_BRANCH = 6;

export interface LocatedError extends ErrorObject {
  /** Absolute JSON pointer of the offending value. */
  pointer: string;
}

export function schemaProblems(document: unknown, validator: SchemaValidator, sites: TaskSite[]): DraftProblem[] {
  // The document pass does not look into tasks; each task is then checked against its own kind, so a
  // bad task costs its own errors rather than a dozen failing oneOf branches.
  const outside = validator.validate(document).map((e) => ({ ...e, pointer: e.instancePath }));
  const problems = describeCollapsed(outside, document);
  for (const site of sites) problems.push(...taskProblems(site, validator, document));
  return problems;
}

function taskProblems(site: TaskSite, validator: SchemaValidator, document: unknown): DraftProblem[] {
  const kindList = TASK_KINDS.join(', ');
  if (!isObject(site.task)) {
    return [
      {
        kind: 'schema',
        pointer: site.pointer,
        message: `task '${site.name}' must be a map holding one of ${kindList}, got ${typeName(site.task)}`,
      },
    ];
  }
  if (site.kinds.length === 0) {
    return [
      {
        kind: 'schema',
        pointer: site.pointer,
        message: `unknown task kind at ${site.pointer}: expected one of ${kindList}`,
      },
    ];
  }
  if (site.kinds.length > 1) {
    return [
      {
        kind: 'schema',
        pointer: site.pointer,
        message: `task '${site.name}' has more than one kind (${site.kinds.join(', ')}): a task does exactly one of ${kindList}`,
      },
    ];
  }
  const definition = site.kind === 'call' ? callDefinition(site.task.call) : `${site.kind}Task`;
  const errors = validator
    .validateDefinition(definition, site.task)
    .map((e) => ({ ...e, pointer: site.pointer + e.instancePath }));
  return describeCollapsed(errors, document);
}

/** ajv errors (with absolute pointers) → the fewest, most specific problems; also used for test files. */
export function describeCollapsed(errors: LocatedError[], document: unknown): DraftProblem[] {
  const oneOfPointers = new Set(
    errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.pointer),
  );
  return describeAll(collapse(errors), document, oneOfPointers);
}

function callDefinition(call: unknown): string {
  const branch = typeof call === 'string' && call in CALL_BRANCHES ? CALL_BRANCHES[call] : FUNCTION_CALL_BRANCH;
  return `callTask/oneOf/${branch}`;
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'not']);
const ALTERNATIVES = new Set(['type', 'const', 'enum']);

function within(path: string, base: string): boolean {
  return path === base || path.startsWith(base + '/');
}

/**
 * Keeps the most specific errors: a failed `oneOf` is dropped when a more specific error explains it;
 * `type`/`const` mismatches of the other branches are dropped when a branch of the right type failed for
 * a deeper reason; an "unevaluated property" is dropped when that property has its own error.
 */
export function collapse(errors: LocatedError[]): LocatedError[] {
  const specific = (e: LocatedError) => !COMBINATORS.has(e.keyword) && !ALTERNATIVES.has(e.keyword);
  return errors.filter((e) => {
    if (COMBINATORS.has(e.keyword))
      return !errors.some((o) => o !== e && !COMBINATORS.has(o.keyword) && within(o.pointer, e.pointer));
    if (ALTERNATIVES.has(e.keyword)) {
      // An error inside the value (a list item of the wrong type, say) means a branch of the right type failed.
      return !errors.some(
        (o) =>
          (specific(o) && within(o.pointer, e.pointer)) ||
          (!COMBINATORS.has(o.keyword) && o.pointer.startsWith(e.pointer + '/')),
      );
    }
    if (e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties') {
      const child = joinPointer(e.pointer, String(e.params.unevaluatedProperty ?? e.params.additionalProperty));
      return !errors.some((o) => o !== e && within(o.pointer, child));
    }
    return true;
  });
}

/**
 * One message per error, except: the alternatives reported at one pointer (type/const/enum of several
 * branches) merge into one, and so do the `required` errors of the branches of a failed `oneOf`.
 */
function describeAll(errors: LocatedError[], document: unknown, oneOfPointers: Set<string>): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const alternatives = new Map<string, LocatedError[]>();
  const branchRequired = new Map<string, LocatedError[]>();
  for (const e of errors) {
    const group = ALTERNATIVES.has(e.keyword)
      ? alternatives
      : e.keyword === 'required' && oneOfPointers.has(e.pointer)
        ? branchRequired
        : undefined;
    if (group) group.set(e.pointer, [...(group.get(e.pointer) ?? []), e]);
    else problems.push({ kind: 'schema', ...describeSchemaError(e, document) });
  }
  for (const [pointer, list] of alternatives) {
    problems.push({ kind: 'schema', pointer, message: describeAlternatives(list, valueAt(document, pointer)) });
  }
  for (const [pointer, list] of branchRequired) {
    const branches = new Map<unknown, LocatedError[]>();
    for (const e of list) branches.set(e.parentSchema, [...(branches.get(e.parentSchema) ?? []), e]);
    if (branches.size < 2) {
      problems.push(...list.map((e) => ({ kind: 'schema' as const, ...describeSchemaError(e, document) })));
      continue;
    }
    const forms = [...branches.values()].map((b) => {
      const title = (b[0].parentSchema as { title?: string } | undefined)?.title ?? 'one form';
      return `${title} needs ${b.map((e) => `'${String(e.params.missingProperty)}'`).join(' and ')}`;
    });
    problems.push({ kind: 'schema', pointer, message: `matches none of its allowed forms: ${forms.join('; ')}` });
  }
  return problems;
}

function describeAlternatives(list: LocatedError[], value: unknown): string {
  const expected = new Set<string>();
  for (const e of list) {
    if (e.keyword === 'type') for (const t of [e.params.type].flat()) expected.add(String(t));
    if (e.keyword === 'const') expected.add(JSON.stringify(e.params.allowedValue));
    if (e.keyword === 'enum') for (const v of e.params.allowedValues as unknown[]) expected.add(JSON.stringify(v));
  }
  // `then: 3` fails both `type: string` and the enum of flow directives; "string" already says it.
  const shown = expected.has('string') ? [...expected].filter((x) => !x.startsWith('"')) : [...expected];
  return `expected ${shown.join(' or ')}, got ${preview(value)}`;
}
