/**
 * Error-type literals in catch and retry conditions. A `when`/`exceptWhen` expression such as
 * `${ $error.type == "https://open-workflow-specification.org/spec/1.0.0/errors/communication" }` compares
 * strings, so the equivalence of the old and new standard error URIs (dsl/errors.ts) cannot hold inside jq.
 * The loader therefore rewrites every spelling of a standard type in those conditions into the form the
 * runner raises, once, before the document reaches the interpreter: the rewritten document is what the run
 * records (workflow input or the validation activity's result), so replays see the same text.
 */
import { canonicalErrorTypesIn } from '../dsl/errors';
import { isObject, type TaskSite } from '../dsl/task-walker';

const CONDITIONS = ['when', 'exceptWhen'] as const;

/** Paths (lists of keys) of every catch/retry condition string in the document. */
function conditionPaths(document: Record<string, unknown>, sites: TaskSite[]): string[][] {
  const paths: string[][] = [];
  const add = (holder: unknown, base: string[]) => {
    if (!isObject(holder)) return;
    for (const key of CONDITIONS) if (typeof holder[key] === 'string') paths.push([...base, key]);
  };
  for (const site of sites) {
    if (site.kind !== 'try' || !isObject(site.task) || !isObject(site.task.catch)) continue;
    const base = [...pointerKeys(site.pointer), 'catch'];
    add(site.task.catch, base);
    add(site.task.catch.retry, [...base, 'retry']);
  }
  const retries = isObject(document.use) ? document.use.retries : undefined;
  if (isObject(retries)) for (const name of Object.keys(retries)) add(retries[name], ['use', 'retries', name]);
  return paths;
}

function pointerKeys(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function read(root: unknown, path: string[]): unknown {
  let node: unknown = root;
  for (const key of path) node = (node as Record<string, unknown> | unknown[] | undefined)?.[key as never];
  return node;
}

/**
 * The document with standard error types in catch/retry conditions written the way the runner raises them.
 * Returns the same object when there is nothing to rewrite (the common case), a rewritten copy otherwise.
 */
export function canonicalErrorConditions(
  document: Record<string, unknown>,
  sites: TaskSite[],
): Record<string, unknown> {
  const changes = conditionPaths(document, sites)
    .map((path) => ({ path, text: read(document, path) as string }))
    .map((c) => ({ ...c, rewritten: canonicalErrorTypesIn(c.text) }))
    .filter((c) => c.rewritten !== c.text);
  if (changes.length === 0) return document;
  const copy = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
  for (const { path, rewritten } of changes) {
    const holder = read(copy, path.slice(0, -1)) as Record<string, unknown>;
    holder[path[path.length - 1]] = rewritten;
  }
  return copy;
}
