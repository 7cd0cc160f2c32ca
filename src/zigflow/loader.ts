/**
 * Workflow YAML text → a validated workflow document, or every problem it has, each with a JSON
 * pointer and (when it maps to the source) line:column.
 *
 * Pure: no Nest, no I/O, no Node built-ins. It runs in the CLI, in the service and inside a Temporal
 * local activity. Stages: limits → YAML → depth → DSL version → JSON schema → semantic checks; the
 * semantic stage runs on schema-invalid documents too, so an author sees all problems in one pass.
 * This file is the loader's public entry; the stages live in validation/.
 */
import type { CatalogCheckOptions } from './validation/catalog-checks';
import { canonicalErrorConditions } from './validation/error-conditions';
import type { McpStdioPolicy } from './dsl/calls';
import { checkSize, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, findTooDeep, scanDepth } from './validation/limits';
import { DraftProblem, sortProblems, ValidationProblem } from './validation/problems';
import { schemaProblems } from './validation/schema-problems';
import { schemaValidator } from './validation/schema-validator';
import { semanticProblems } from './validation/semantic-checks';
import { SourceMap } from './validation/source-map';
import { isObject, walkTasks } from './dsl/task-walker';
import { SUPPORTED_DSL_VERSIONS, WorkflowDocument } from './dsl/model';
import { parseYamlSource } from './validation/yaml-source';

export { formatProblem, type ValidationProblem } from './validation/problems';
export type { WorkflowDocument } from './dsl/model';

export type LoadResult =
  | { ok: true; workflow: WorkflowDocument; warnings: ValidationProblem[] }
  | { ok: false; problems: ValidationProblem[] };

export interface LoadOptions extends CatalogCheckOptions {
  /** Largest accepted document, in UTF-8 bytes (default 1 MiB). */
  maxBytes?: number;
  /** Deepest accepted nesting of maps and lists (default 64). */
  maxDepth?: number;
  /**
   * The runner's `call: mcp` stdio policy. Given, a stdio transport while disabled (or a literal command
   * outside the allow-list) is a problem; left out, stdio is checked when the call runs.
   */
  mcpStdio?: McpStdioPolicy;
}

export function loadWorkflow(yamlText: string, options: LoadOptions = {}): LoadResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (typeof yamlText !== 'string')
    return fail([{ kind: 'yaml', pointer: '', message: `expected YAML text, got ${typeof yamlText}` }]);
  const tooBig = checkSize(yamlText, maxBytes);
  if (tooBig) return fail([tooBig]);
  // The text scan only guards the parser's stack, so it allows slack; the exact check below names the pointer.
  const deepAt = scanDepth(yamlText, Math.max(2 * maxDepth, maxDepth + 16));
  if (deepAt !== undefined) return fail([depthProblem('', maxDepth)], undefined, deepAt, yamlText);
  const parsed = parseYamlSource(yamlText);
  if (!parsed.ok) return fail(parsed.problems);
  return validateDocument(parsed.value, parsed.sourceMap, maxDepth, options);
}

/**
 * Validates an already parsed document (e.g. JSON from the API): depth limit, version, schema and
 * semantic checks. Positions come from `sourceMap` when given.
 */
export function validateDocument(
  document: unknown,
  sourceMap?: SourceMap,
  maxDepth = DEFAULT_MAX_DEPTH,
  options: Pick<LoadOptions, 'mcpStdio' | 'defaultCatalog'> = {},
): LoadResult {
  // Later stages recurse over the document; the depth limit keeps them far from the stack's end.
  const tooDeep = findTooDeep(document, maxDepth);
  if (tooDeep !== undefined) return fail([depthProblem(tooDeep, maxDepth)], sourceMap);
  if (!isObject(document)) {
    return fail(
      [
        {
          kind: 'schema',
          pointer: '',
          message: `a workflow must be a YAML mapping with 'document' and 'do', got ${describe(document)}`,
        },
      ],
      sourceMap,
    );
  }
  const sites = walkTasks(document);
  const problems: ValidationProblem[] = [];
  const versionProblem = checkVersion(document);
  if (versionProblem) problems.push(versionProblem);
  const schema = schemaProblems(document, schemaValidator(), sites);
  // The version check already explains a bad `document.dsl`; the schema's pattern error would repeat it.
  problems.push(...(versionProblem ? schema.filter((p) => p.pointer !== '/document/dsl') : schema));
  const semantic = semanticProblems(document, sites, options);
  problems.push(...semantic.errors);
  if (problems.length > 0) return fail(problems, sourceMap);
  const workflow = canonicalErrorConditions(document, sites);
  if (!isValidated(workflow)) {
    return fail([{ kind: 'schema', pointer: '', message: "a workflow needs 'document' and 'do'" }], sourceMap);
  }
  return { ok: true, workflow, warnings: locate(semantic.warnings, sourceMap) };
}

/**
 * The step from checked JSON to the model: with no schema or semantic problem left, the document is the
 * model's WorkflowDocument (the schema requires what this looks at and checked everything else).
 */
function isValidated(document: Record<string, unknown>): document is Record<string, unknown> & WorkflowDocument {
  return isObject(document.document) && Array.isArray(document.do);
}

function checkVersion(document: Record<string, unknown>): ValidationProblem | undefined {
  const header = document.document;
  if (!isObject(header) || typeof header.dsl !== 'string') return undefined;
  if (SUPPORTED_DSL_VERSIONS.includes(header.dsl)) return undefined;
  return {
    kind: 'schema',
    pointer: '/document/dsl',
    message: `unsupported DSL version '${header.dsl}': this runner accepts ${SUPPORTED_DSL_VERSIONS.join(', ')}`,
  };
}

function depthProblem(pointer: string, maxDepth: number): ValidationProblem {
  return { kind: 'limits', pointer, message: `document nesting is deeper than the limit of ${maxDepth} levels` };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/** More problems than this are summarised: a hostile document must not produce a hostile report. */
export const MAX_PROBLEMS = 200;

function locate(problems: DraftProblem[], sourceMap?: SourceMap): ValidationProblem[] {
  const located = problems.map(({ atKey, valueOffset, ...p }) =>
    p.line !== undefined || !sourceMap ? p : { ...p, ...sourceMap.locate(p.pointer, atKey, valueOffset) },
  );
  const sorted = sortProblems(located);
  if (sorted.length <= MAX_PROBLEMS) return sorted;
  const rest = sorted.length - MAX_PROBLEMS;
  return [
    ...sorted.slice(0, MAX_PROBLEMS),
    {
      kind: sorted[MAX_PROBLEMS].kind,
      pointer: '',
      message: `… and ${rest} more problems (only the first ${MAX_PROBLEMS} are listed)`,
    },
  ];
}

function fail(problems: ValidationProblem[], sourceMap?: SourceMap, offset?: number, text?: string): LoadResult {
  let located = locate(problems, sourceMap);
  if (offset !== undefined && text !== undefined) {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    located = located.map((p) => ({ ...p, line, column: offset - before.lastIndexOf('\n') }));
  }
  return { ok: false, problems: located };
}
