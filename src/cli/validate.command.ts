import { loadWorkflow, type LoadResult, type ValidationProblem } from '../zigflow/loader';
import { cliLoadOptions } from './cli-ai';
import { type CliIo, readTextFile } from './cli-io';
import { EXIT, type ExitCode } from './exit-codes';

/** One problem as compilers print them, so editors and CI annotate the line: `FILE:line:column pointer message`. */
export function formatProblem(file: string, p: ValidationProblem): string {
  const where = p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${where} ${p.pointer === '' ? '/' : p.pointer} ${p.message}`;
}

/** Loads a file as the runner would, the operator's default-catalog functions (DEFAULT_CATALOG_DIR) included. */
export async function loadWorkflowFile(file: string, io?: CliIo): Promise<LoadResult> {
  return loadWorkflow(await readTextFile(file, 'workflow file'), io ? cliLoadOptions(io) : {});
}

export async function validateCommand(io: CliIo, file: string, json: boolean): Promise<ExitCode> {
  const result = await loadWorkflowFile(file, io);
  const problems = result.ok ? [] : result.problems;
  const warnings = result.ok ? result.warnings : [];
  if (json) {
    io.out(`${JSON.stringify({ file, valid: result.ok, problems, warnings }, null, 2)}\n`);
    return result.ok ? EXIT.OK : EXIT.FAILED;
  }
  for (const w of warnings) io.err(`${formatProblem(file, w)} (warning)\n`);
  if (result.ok) {
    io.out(`${file}: valid\n`);
    return EXIT.OK;
  }
  for (const p of problems) io.out(`${formatProblem(file, p)}\n`);
  io.err(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  return EXIT.FAILED;
}
