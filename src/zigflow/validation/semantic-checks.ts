/**
 * Checks the schema cannot express: `then` targets in scope, unique task names per list, references to
 * `use.functions` / `errors` / `retries` / `authentications` / `timeouts`, the `evaluate` block, and
 * (through expression-checks) every runtime expression.
 */
import { catalogCallProblems, type CatalogCheckOptions } from './catalog-checks';
import { callProblems } from './call-checks';
import type { McpStdioPolicy } from '../dsl/calls';
import { expressionProblems } from './expression-checks';
import { endlessCycles, unreachableTasks } from './flow-checks';
import { DraftProblem, listNames, ValidationProblem } from './problems';
import { joinPointer } from '../dsl/pointers';
import { isObject, TaskSite } from '../dsl/task-walker';

const FLOW_DIRECTIVES = new Set(['continue', 'exit', 'end']);
/** `call` values the runner implements itself; anything else must be a `use.functions` entry or a catalog function. */
export const BUILT_IN_CALLS = new Set(['http', 'grpc', 'openapi', 'asyncapi', 'a2a', 'mcp']);
const KNOWN_TOP_LEVEL = new Set(['document', 'input', 'use', 'do', 'timeout', 'output', 'schedule', 'evaluate']);

export interface SemanticResult {
  errors: ValidationProblem[];
  warnings: DraftProblem[];
}

export function semanticProblems(
  document: Record<string, unknown>,
  sites: TaskSite[],
  options: CatalogCheckOptions & { mcpStdio?: McpStdioPolicy } = {},
): SemanticResult {
  const use = isObject(document.use) ? document.use : {};
  const errors: ValidationProblem[] = [
    ...duplicateNames(sites),
    ...thenTargets(sites),
    ...references(document, use, sites, options),
    ...evaluateBlock(document.evaluate),
    ...endlessCycles(sites),
    ...endpointSchemes(document, sites),
    ...expressionProblems(document, sites),
    ...callProblems(sites, options.mcpStdio),
  ];
  const warnings: DraftProblem[] = Object.keys(document)
    .filter((k) => !KNOWN_TOP_LEVEL.has(k))
    .map((k) => ({
      kind: 'semantic' as const,
      pointer: joinPointer('', k),
      message: `unknown top-level property '${k}' is ignored`,
      atKey: true,
    }));
  warnings.push(...unreachableTasks(sites));
  return { errors, warnings };
}

function problem(pointer: string, message: string): ValidationProblem {
  return { kind: 'semantic', pointer, message };
}

function duplicateNames(sites: TaskSite[]): ValidationProblem[] {
  const firstByScope = new Map<string, string>();
  const out: ValidationProblem[] = [];
  for (const site of sites) {
    if (site.listPointer === undefined) continue;
    const key = `${site.listPointer}\u0000${site.name}`;
    const first = firstByScope.get(key);
    if (first === undefined) firstByScope.set(key, site.pointer);
    else
      out.push(
        problem(
          site.pointer,
          `duplicate task name '${site.name}' in the same list (first at ${first}): task names must be unique in their list`,
        ),
      );
  }
  return out;
}

function thenTargets(sites: TaskSite[]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const firstPointerByName = new Map<string, string>();
  for (const s of sites)
    if (s.listPointer !== undefined && !firstPointerByName.has(s.name)) firstPointerByName.set(s.name, s.pointer);
  const scopes = new Map<string[], Set<string>>();
  const check = (site: TaskSite, target: unknown, pointer: string) => {
    if (typeof target !== 'string' || FLOW_DIRECTIVES.has(target)) return;
    let scope = scopes.get(site.siblings);
    if (!scope) scopes.set(site.siblings, (scope = new Set(site.siblings)));
    if (scope.has(target)) return;
    const elsewhere = firstPointerByName.get(target);
    const hint = elsewhere
      ? `: '${target}' is in another list (${elsewhere}) and 'then' may only name a task of its own list`
      : `: expected a task of the same list (${listNames(site.siblings)}) or continue, exit, end`;
    out.push(problem(pointer, `then target '${target}' names no task in the same scope${hint}`));
  };
  for (const site of sites) {
    if (site.listPointer === undefined || !isObject(site.task)) continue;
    check(site, site.task.then, joinPointer(site.pointer, 'then'));
    if (site.kind === 'switch' && Array.isArray(site.task.switch)) {
      site.task.switch.forEach((entry, index) => {
        if (!isObject(entry)) return;
        for (const [caseName, body] of Object.entries(entry)) {
          if (isObject(body)) check(site, body.then, joinPointer(site.pointer, 'switch', index, caseName, 'then'));
        }
      });
    }
  }
  return out;
}

function names(use: Record<string, unknown>, section: string): Set<string> {
  const value = use[section];
  return new Set(isObject(value) ? Object.keys(value) : []);
}

function references(
  document: Record<string, unknown>,
  use: Record<string, unknown>,
  sites: TaskSite[],
  options: CatalogCheckOptions,
): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const functions = names(use, 'functions');
  const catalogs = names(use, 'catalogs');
  const errors = names(use, 'errors');
  const retries = names(use, 'retries');
  for (const site of sites) {
    const task = site.task;
    if (!isObject(task)) continue;
    if (site.kind === 'call' && typeof task.call === 'string') {
      const cataloged = catalogCallProblems(task, site.pointer, catalogs, options);
      out.push(...(cataloged ?? callReference(task.call, joinPointer(site.pointer, 'call'), functions)));
    }
    if (
      site.kind === 'raise' &&
      isObject(task.raise) &&
      typeof task.raise.error === 'string' &&
      !errors.has(task.raise.error)
    ) {
      out.push(
        problem(joinPointer(site.pointer, 'raise', 'error'), missing('error', task.raise.error, 'use.errors', errors)),
      );
    }
    if (
      site.kind === 'try' &&
      isObject(task.catch) &&
      typeof task.catch.retry === 'string' &&
      !retries.has(task.catch.retry)
    ) {
      out.push(
        problem(
          joinPointer(site.pointer, 'catch', 'retry'),
          missing('retry policy', task.catch.retry, 'use.retries', retries),
        ),
      );
    }
  }
  out.push(...deepReferences(document, names(use, 'authentications'), names(use, 'timeouts')));
  return out;
}

function callReference(call: string, pointer: string, functions: Set<string>): ValidationProblem[] {
  if (BUILT_IN_CALLS.has(call) || functions.has(call)) return [];
  const builtIns = [...BUILT_IN_CALLS].join(', ');
  const declared =
    functions.size > 0 ? `, or one of use.functions (${listNames(functions)})` : ' (use.functions declares none)';
  return [problem(pointer, `unknown function '${call}': expected a built-in call (${builtIns})${declared}`)];
}

function missing(what: string, name: string, section: string, known: Set<string>): string {
  const list = known.size > 0 ? `: defined are ${listNames(known)}` : `, which defines none`;
  return `${what} '${name}' is not defined in ${section}${list}`;
}

/**
 * `authentication: { use: name }` and `timeout: name` may appear in many places (endpoints, catalogs,
 * tasks, the workflow); scan the whole document except the definitions themselves.
 */
function deepReferences(
  document: Record<string, unknown>,
  auths: Set<string>,
  timeouts: Set<string>,
): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const stack: { value: unknown; pointer: string }[] = [{ value: document, pointer: '' }];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop()!;
    if (pointer === '/use/authentications' || pointer === '/use/timeouts' || pointer.endsWith('/schema/document'))
      continue;
    if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, pointer: joinPointer(pointer, i) }));
    if (!isObject(value)) continue;
    for (const [key, child] of Object.entries(value)) {
      const at = joinPointer(pointer, key);
      if (key === 'authentication' && isObject(child) && typeof child.use === 'string' && !auths.has(child.use)) {
        out.push(problem(joinPointer(at, 'use'), missing('authentication', child.use, 'use.authentications', auths)));
      } else if (key === 'timeout' && typeof child === 'string' && !timeouts.has(child)) {
        out.push(problem(at, missing('timeout', child, 'use.timeouts', timeouts)));
      }
      stack.push({ value: child, pointer: at });
    }
  }
  return out;
}

function evaluateBlock(evaluate: unknown): ValidationProblem[] {
  if (evaluate === undefined) return [];
  if (!isObject(evaluate))
    return [problem('/evaluate', `evaluate must be a map with 'mode' (strict or loose) and 'language' (jq)`)];
  const out: ValidationProblem[] = [];
  if (evaluate.mode !== undefined && evaluate.mode !== 'strict' && evaluate.mode !== 'loose') {
    out.push(
      problem('/evaluate/mode', `evaluate.mode must be 'strict' or 'loose', got ${JSON.stringify(evaluate.mode)}`),
    );
  }
  if (evaluate.language !== undefined && evaluate.language !== 'jq') {
    out.push(
      problem(
        '/evaluate/language',
        `evaluate.language ${JSON.stringify(evaluate.language)} is not supported: this runner evaluates jq`,
      ),
    );
  }
  return out;
}

/** Schemes an endpoint may use: the runner's calls and resources speak HTTP only. */
const ENDPOINT_SCHEMES = new Set(['http', 'https']);
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * Literal endpoint URIs (`endpoint: <uri>` or `endpoint: { uri }`, anywhere but inside inline JSON schemas and
 * the `with` arguments of a `use.functions` call, which are the function's own data) must be http or https:
 * `file:`, `ftp:`, `gopher:` and the like are refused here rather than failing at run time as a network error.
 * Runtime expressions are checked when the activity resolves them.
 */
function endpointSchemes(document: Record<string, unknown>, sites: TaskSite[]): ValidationProblem[] {
  const functionArguments = new Set(
    sites
      .filter(
        (s) =>
          s.kind === 'call' && isObject(s.task) && typeof s.task.call === 'string' && !BUILT_IN_CALLS.has(s.task.call),
      )
      .map((s) => joinPointer(s.pointer, 'with')),
  );
  const out: ValidationProblem[] = [];
  const check = (uri: unknown, pointer: string) => {
    if (typeof uri !== 'string' || uri.trimStart().startsWith('${')) return;
    const scheme = SCHEME.exec(uri.trim())?.[1].toLowerCase();
    if (scheme !== undefined && !ENDPOINT_SCHEMES.has(scheme))
      out.push(
        problem(pointer, `endpoint scheme '${scheme}:' is not allowed: the runner calls http and https URIs only`),
      );
  };
  const stack: { value: unknown; pointer: string }[] = [{ value: document, pointer: '' }];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop()!;
    if (pointer.endsWith('/schema/document') || functionArguments.has(pointer)) continue;
    if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, pointer: joinPointer(pointer, i) }));
    if (!isObject(value)) continue;
    for (const [key, child] of Object.entries(value)) {
      const at = joinPointer(pointer, key);
      if (key === 'endpoint') {
        if (isObject(child)) check(child.uri, joinPointer(at, 'uri'));
        else check(child, at);
      }
      stack.push({ value: child, pointer: at });
    }
  }
  return out;
}
