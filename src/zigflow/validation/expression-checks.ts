/**
 * Every runtime expression of a document is compiled at load time, so an expression that does not
 * parse, or that would make the workflow non-deterministic, is refused before anything runs.
 *
 * Which strings are expressions: any `${ ... }` string (strict mode, the default), plus the fields that
 * are expressions by definition and may be written as bare jq (task `if`, `input.from`, `output.as`,
 * `export.as`, `for.in`, `while`, switch `when`, catch/retry `when`/`exceptWhen`, listen `until`,
 * correlate `from`, a `set` written as one string).
 */
import { compileExpression as compile, JqError } from './jq-compiler';
import { DraftProblem, listNames, ValidationProblem } from './problems';
import { joinPointer, splitPointer } from '../dsl/pointers';
import { isObject, TaskSite } from '../dsl/task-walker';

const STRICT = /^\s*\$\{([\s\S]*)\}\s*$/;
const SECRETS = /\$secrets\b/;
const SCHEMA_RESOURCE_AUTH = /\/schema\/resource\/endpoint\/authentication(\/|$)/;

/**
 * Host-dependent builtins the runner provides deterministically: `now` reads workflow time, `env`/`$ENV`
 * the execution's own non-secret environment entries (recorded with the run, see docs/dsl.md), so both
 * replay to the same values; `$__loc__` is the expression's own source location.
 */
const ALLOWED_HOST_DEPENDENCIES = new Set(['now', 'env', '$ENV', '$__loc__']);

const HOST_DEPENDENCY_REASONS: Record<string, string> = {
  input: 'reads the next input of the host process; an expression only sees its own input',
  inputs: 'reads the remaining inputs of the host process; an expression only sees its own input',
  debug: "writes to the worker's stderr: a side effect outside the workflow",
  stderr: "writes to the worker's stderr: a side effect outside the workflow",
  input_filename: 'names a host file; a workflow has none',
  input_line_number: 'reads the host input position; a workflow has none',
  halt: 'stops the host process',
  halt_error: 'stops the host process',
  $__prog_args: "reads the jq command line's arguments; a workflow has none",
  localtime: "depends on the worker's time zone (use gmtime)",
  mktime: "depends on the worker's time zone",
  strflocaltime: "depends on the worker's time zone (use strftime)",
};

interface Field {
  pointer: string;
  text: string;
  /** Expression by definition: bare jq is allowed. */
  definitional: boolean;
  site?: TaskSite;
}

export function expressionProblems(document: Record<string, unknown>, sites: TaskSite[]): ValidationProblem[] {
  const byPointer = new Map(sites.map((s) => [s.pointer, s]));
  const declared = declaredSecrets(document);
  const out: ValidationProblem[] = [];
  for (const field of expressionFields(document, byPointer)) {
    out.push(...checkField(field));
    if (declared) out.push(...undeclaredSecrets(field, declared));
  }
  return out;
}

/** `use.secrets`, when the document declares it: then every secret an expression reads must be listed. */
function declaredSecrets(document: Record<string, unknown>): Set<string> | undefined {
  const secrets = isObject(document.use) ? document.use.secrets : undefined;
  return Array.isArray(secrets) ? new Set(secrets.filter((s): s is string => typeof s === 'string')) : undefined;
}

const SECRET_NAME = /\$secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*"((?:[^"\\]|\\.)*)"\s*\])/g;
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;

function undeclaredSecrets(field: Field, declared: Set<string>): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  // Names inside string literals are text, except the `$secrets["name"]` form itself.
  const text = field.text.replace(STRING_LITERAL, (literal, offset: number, all: string) =>
    /\[\s*$/.test(all.slice(0, offset)) ? literal : '""',
  );
  for (const match of text.matchAll(SECRET_NAME)) {
    const name = match[1] ?? match[2];
    if (name === undefined || declared.has(name)) continue;
    const list = declared.size > 0 ? `declared are ${listNames(declared)}` : 'it declares none';
    out.push({
      kind: 'semantic',
      pointer: field.pointer,
      message: `secret '${name}' is not declared in use.secrets (${list})`,
    });
  }
  return out;
}

function checkField(field: Field): DraftProblem[] {
  const strict = STRICT.exec(field.text);
  const jq = strict ? strict[1] : field.text;
  const jqStart = strict ? field.text.indexOf('${') + 2 : 0;
  const out: DraftProblem[] = [];
  if (SECRETS.test(jq) && !secretsAllowed(field)) {
    out.push({
      kind: 'semantic',
      pointer: field.pointer,
      message:
        '$secrets may only be read in call or run task arguments (`with`, `run`), use.authentications and the authentication of a schema resource endpoint, where the runner resolves secrets inside the activity; here the secret would be copied into workflow history',
    });
  }
  const constant = constantNonBoolean(field, jq);
  if (constant) out.push({ kind: 'semantic', pointer: field.pointer, message: constant });
  try {
    const program = compile(jq);
    for (const dependency of program.hostDependencies) {
      if (ALLOWED_HOST_DEPENDENCIES.has(dependency)) continue;
      const reason =
        HOST_DEPENDENCY_REASONS[dependency] ?? 'depends on the host, so a replay could compute a different result';
      out.push({
        kind: 'semantic',
        pointer: field.pointer,
        message: `expression uses '${dependency}', which is not allowed in a workflow: it ${reason}`,
      });
    }
  } catch (error) {
    const at = error instanceof JqError ? error.position?.offset : undefined;
    out.push({
      kind: 'semantic',
      pointer: field.pointer,
      message: parseMessage(jq, error),
      valueOffset: at === undefined ? undefined : jqStart + at,
    });
  }
  return out;
}

/** Fields whose expression decides a condition: their result must be a boolean. */
const CONDITIONS = new Set(['if', 'when', 'exceptWhen', 'while']);

/**
 * A condition written as a literal that is not a boolean (`when: 3`, `if: '"yes"'`) can never be
 * true or false; refuse it at load time rather than fail the run when the task is reached.
 */
function constantNonBoolean(field: Field, jq: string): string | undefined {
  const key = field.pointer.slice(field.pointer.lastIndexOf('/') + 1);
  if (!CONDITIONS.has(key) || !field.definitional) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(jq);
  } catch {
    return undefined;
  }
  if (typeof value === 'boolean' || value === null) return undefined;
  const shown = Array.isArray(value)
    ? 'an array'
    : typeof value === 'object'
      ? 'an object'
      : `the ${typeof value} ${JSON.stringify(value)}`;
  return `'${key}' must evaluate to a boolean, but \`${jq.trim()}\` is always ${shown}`;
}

function parseMessage(jq: string, error: unknown): string {
  const shown = jq.trim().length > 60 ? jq.trim().slice(0, 60) + '…' : jq.trim();
  if (error instanceof JqError) {
    // JqError messages already end with the position inside the expression ("at line 1, column 7").
    return `expression \`${shown}\` ${error.code === 'parse' ? 'does not parse' : 'does not compile'}: ${error.message}`;
  }
  return `expression \`${shown}\` does not parse: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * call `with` (and its endpoint/authentication), run `run`, authentication definitions, and the
 * authentication of schema resources (fetched by an activity before the first task).
 */
function secretsAllowed(field: Field): boolean {
  if (field.pointer.startsWith('/use/authentications/')) return true;
  if (SCHEMA_RESOURCE_AUTH.test(field.pointer)) return true;
  const site = field.site;
  if (!site) return false;
  const rel = splitPointer(field.pointer.slice(site.pointer.length));
  return (site.kind === 'call' && rel[0] === 'with') || (site.kind === 'run' && rel[0] === 'run');
}

/** Skipped subtrees: data, not expressions (JSON schemas, the document header, secret names). */
function isData(tokens: string[]): boolean {
  const last = tokens[tokens.length - 1];
  return (
    tokens[0] === 'document' ||
    (tokens[0] === 'use' && tokens[1] === 'secrets') ||
    (last === 'document' && tokens[tokens.length - 2] === 'schema')
  );
}

function expressionFields(document: Record<string, unknown>, sites: Map<string, TaskSite>): Field[] {
  const fields: Field[] = [];
  // Tokens travel with each entry (rather than re-splitting the pointer) and are only built for
  // containers and strings: documents hold thousands of values.
  const stack: { value: unknown; pointer: string; tokens: string[]; site?: TaskSite }[] = [
    { value: document, pointer: '', tokens: [] },
  ];
  while (stack.length > 0) {
    const { value, pointer, tokens, site: outer } = stack.pop()!;
    if (value === null || (typeof value !== 'object' && typeof value !== 'string')) continue;
    const site = sites.get(pointer) ?? outer;
    if (isData(tokens)) continue;
    if (typeof value === 'string') {
      const definitional = isDefinitional(tokens, site);
      // In loose mode plain strings may be evaluated too, but only `${ }` and definitional fields are
      // known to be jq at load time, so those are what is checked in both modes.
      if (definitional || STRICT.test(value)) fields.push({ pointer, text: value, definitional, site });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : isObject(value)
        ? Object.entries(value)
        : [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      stack.push({ value: child, pointer: joinPointer(pointer, key), tokens: [...tokens, String(key)], site });
    }
  }
  return fields;
}

/** Whether the string at `tokens` is an expression by definition (bare jq allowed). */
function isDefinitional(tokens: string[], site: TaskSite | undefined): boolean {
  const base = site ? splitPointer(site.pointer).length : 0;
  const rel = tokens.slice(base);
  const path = rel.join('/');
  if (!site) {
    if (tokens[0] === 'use' && tokens[1] === 'retries')
      return ['when', 'exceptWhen'].includes(tokens[3]) && tokens.length === 4;
    return path === 'input/from' || path === 'output/as';
  }
  if (['if', 'input/from', 'output/as', 'export/as'].includes(path)) return true;
  switch (site.kind) {
    case 'for':
      return path === 'for/in' || path === 'while';
    case 'set':
      return path === 'set';
    case 'switch':
      return rel.length === 4 && rel[0] === 'switch' && rel[3] === 'when';
    case 'try':
      return ['catch/when', 'catch/exceptWhen', 'catch/retry/when', 'catch/retry/exceptWhen'].includes(path);
    case 'listen':
      return path === 'listen/until' || (rel.includes('correlate') && rel[rel.length - 1] === 'from');
    default:
      return false;
  }
}
