/**
 * Runs workflow test files: loads each file and the workflow it names (problems as `FILE:line:column
 * pointer message`), runs every test on the session's time-skipping server, and checks its expectations,
 * its calls without a mock and the call counts its mocks expect.
 */
import { dirname, relative, resolve } from 'node:path';
import type { RunReport } from '../temporal/run-outcome';
import { DEFAULT_CATALOG, parseCatalogReference } from '../zigflow/dsl/default-catalog';
import { loadWorkflow, type LoadOptions, type ValidationProblem, type WorkflowDocument } from '../zigflow/loader';
import { checkExpectations } from './expectations';
import type { RecordedCall } from './mock-activities';
import { loadTestFile, type TestCase, type TestFile } from './test-file';
import type { TestSession } from './test-session';

export interface TestResult {
  name: string;
  /** Line of the test in its file. */
  line?: number;
  passed: boolean;
  failures: string[];
  durationMs: number;
  report?: RunReport;
  calls: RecordedCall[];
}

export interface FileResult {
  file: string;
  workflow?: string;
  /** Problems of the test file or its workflow: the file's tests did not run. */
  problems: string[];
  tests: TestResult[];
}

export interface TestRunnerDeps {
  readText(path: string): Promise<string>;
  /** The session, started on first use (a run whose files are all invalid starts no server). */
  session(): Promise<TestSession>;
  now(): number;
  /** Display form of a path (relative to the working directory). */
  display(path: string): string;
  /** `name:version` of the operator's default-catalog functions (DEFAULT_CATALOG_DIR), as `run` knows them. */
  defaultCatalog?: ReadonlySet<string>;
}

export function formatProblem(file: string, p: Pick<ValidationProblem, 'line' | 'column' | 'pointer' | 'message'>) {
  const where = p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${where} ${p.pointer === '' ? '/' : p.pointer} ${p.message}`;
}

export async function runTestFile(path: string, deps: TestRunnerDeps, filter?: string): Promise<FileResult> {
  const file = deps.display(path);
  const loaded = loadTestFile(await deps.readText(path));
  if (!loaded.ok) return { file, problems: loaded.problems.map((p) => formatProblem(file, p)), tests: [] };
  const workflowPath = resolve(dirname(path), loaded.file.workflow);
  const workflow = deps.display(workflowPath);
  const prepared = await prepare(path, file, loaded.file, workflowPath, deps);
  if ('problems' in prepared) return { file, workflow, problems: prepared.problems, tests: [] };
  const tests: TestResult[] = [];
  for (const test of loaded.file.tests) {
    if (filter && !test.name.includes(filter)) continue;
    tests.push(await runTest(test, prepared.document, deps));
  }
  return { file, workflow, problems: [], tests };
}

/** The validated workflow, and the text of every `run: workflow` definition the mocks name. */
async function prepare(
  path: string,
  file: string,
  testFile: TestFile,
  workflowPath: string,
  deps: TestRunnerDeps,
): Promise<{ document: WorkflowDocument } | { problems: string[] }> {
  const at = (pointer: string, message: string) =>
    formatProblem(file, { ...testFile.locate(pointer), pointer, message });
  const text = await deps.readText(workflowPath).catch(() => undefined);
  if (text === undefined) return { problems: [at('/workflow', `cannot read the workflow file ${workflowPath}`)] };
  const result = loadWorkflow(text, loadOptions(testFile, deps));
  if (!result.ok) return { problems: result.problems.map((p) => formatProblem(deps.display(workflowPath), p)) };
  const problems: string[] = [];
  for (const test of testFile.tests) {
    for (const mock of test.mocks.filter((m) => m.kind === 'workflow')) {
      for (const [i, answer] of mock.answers.entries()) {
        if (typeof answer.file !== 'string' || answer.text !== undefined) continue;
        const child = resolve(dirname(path), answer.file);
        const childText = await deps.readText(child).catch(() => undefined);
        const pointer = `${mock.pointer}/respond${mock.answers.length > 1 ? `/${i}` : ''}/file`;
        if (childText === undefined) problems.push(at(pointer, `cannot read the workflow file ${child}`));
        else answer.text = childText;
      }
    }
  }
  return problems.length > 0 ? { problems } : { document: result.workflow };
}

/**
 * The default catalog the workflow is validated against: the operator's functions, and the `@default`
 * functions the test file's `mocks.functions` stand in for (they exist for the test as a catalog's would).
 */
function loadOptions(testFile: TestFile, deps: TestRunnerDeps): Pick<LoadOptions, 'defaultCatalog'> {
  const keys = new Set(deps.defaultCatalog ?? []);
  for (const test of testFile.tests) {
    for (const call of Object.keys(test.functions)) {
      const ref = parseCatalogReference(call);
      if (ref?.catalog === DEFAULT_CATALOG) keys.add(ref.key);
    }
  }
  return keys.size > 0 ? { defaultCatalog: keys } : {};
}

async function runTest(test: TestCase, document: WorkflowDocument, deps: TestRunnerDeps): Promise<TestResult> {
  // The server's start (first test only) is not the test's time.
  const session = await deps.session();
  const started = deps.now();
  const run = await session.run(document, test);
  const failures = checkExpectations(test.expect, run.report);
  for (const call of run.calls.unmocked()) {
    const detail = call.detail ? ` ${call.detail}` : '';
    failures.push(`no mock for ${call.summary}${detail}${call.position ? ` at task ${call.position}` : ''}`);
  }
  for (const { entry, used } of run.calls.countMismatches()) {
    const where = entry.line !== undefined ? `line ${entry.line} (${entry.pointer})` : entry.pointer;
    failures.push(`the mock at ${where} answered ${used} call${used === 1 ? '' : 's'}, expected ${entry.calls}`);
  }
  if (run.running.length > 0 && run.report.error?.title === 'Workflow timed out') {
    failures.push(
      `the run did not finish within its timeout of workflow time; still running: ${run.running.join(', ')}`,
    );
  }
  for (const type of run.undelivered) failures.push(`event ${type} was not delivered: the run had already ended`);
  return {
    name: test.name,
    line: test.line,
    passed: failures.length === 0,
    failures: [...new Set(failures)],
    durationMs: deps.now() - started,
    report: run.report,
    calls: run.calls.calls,
  };
}

export function relativeDisplay(cwd: string): (path: string) => string {
  return (path) => {
    const rel = relative(cwd, path);
    return rel.startsWith('..') || rel === '' ? path : rel;
  };
}
