/**
 * Validation of calls to cataloged functions (`name:version@catalog`): a catalog other than `default` must be
 * declared in `use.catalogs`; a `default` function must be one the runner has (built in, or from the
 * operator's folder), unless the document declares its own catalog named `default` (spec: that overrides
 * the runtime's). A built-in function's `with` may hold only its documented arguments and must hold the
 * ones it needs, so a typo (`maxToken`) is reported before the run instead of being ignored.
 */
import { builtInFunction, builtInFunctionKeys, DEFAULT_CATALOG, parseCatalogReference } from '../dsl/default-catalog';
import { joinPointer } from '../dsl/pointers';
import { isObject } from '../dsl/task-walker';
import { listNames, type ValidationProblem } from './problems';

export interface CatalogCheckOptions {
  /** `name:version` of the operator's default-catalog functions (beyond the built-in ones). */
  defaultCatalog?: ReadonlySet<string>;
}

/** Problems of `call` at `taskPointer`, or undefined when `call` is not a catalog reference. */
export function catalogCallProblems(
  task: Record<string, unknown>,
  taskPointer: string,
  declared: Set<string>,
  options: CatalogCheckOptions,
): ValidationProblem[] | undefined {
  const call = String(task.call);
  const reference = parseCatalogReference(call);
  if (!reference) return undefined;
  const pointer = joinPointer(taskPointer, 'call');
  if (reference.catalog !== DEFAULT_CATALOG) {
    if (declared.has(reference.catalog)) return [];
    return [
      problem(pointer, `call '${call}' names catalog '${reference.catalog}', which is not declared in use.catalogs`),
    ];
  }
  if (declared.has(DEFAULT_CATALOG)) return [];
  const builtIn = builtInFunction(reference.key);
  if (builtIn) return argumentProblems(reference.key, task.with, joinPointer(taskPointer, 'with'), builtIn);
  if (options.defaultCatalog?.has(reference.key)) return [];
  const available = [...builtInFunctionKeys(), ...[...(options.defaultCatalog ?? [])].sort()];
  return [
    problem(
      pointer,
      `call '${call}': the runner's default catalog has no function '${reference.key}' (it has ${listNames(available)})`,
    ),
  ];
}

function argumentProblems(
  key: string,
  args: unknown,
  pointer: string,
  fn: NonNullable<ReturnType<typeof builtInFunction>>,
): ValidationProblem[] {
  if (args === undefined) {
    return fn.requires.length === 0 ? [] : [problem(pointer, `${key}@default needs 'with' ${needs(fn.requires)}`)];
  }
  if (!isObject(args)) return [];
  const out: ValidationProblem[] = [];
  const known = new Set(fn.arguments);
  for (const name of Object.keys(args)) {
    if (!known.has(name)) {
      out.push(
        problem(
          joinPointer(pointer, name),
          `unknown argument '${name}' of ${key}@default (known: ${listNames(known)})`,
        ),
      );
    }
  }
  const missing = fn.requires.filter((group) => !group.some((name) => args[name] !== undefined));
  if (missing.length > 0) out.push(problem(pointer, `${key}@default needs ${needs(missing)} in 'with'`));
  return out;
}

function needs(groups: ReadonlyArray<readonly string[]>): string {
  return groups.map((g) => g.map((n) => `'${n}'`).join(' or ')).join(' and ');
}

function problem(pointer: string, message: string): ValidationProblem {
  return { kind: 'semantic', pointer, message };
}
