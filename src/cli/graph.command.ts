import { renderMermaid } from '../zigflow/graph';
import type { CliIo } from './cli-io';
import { EXIT, type ExitCode } from './exit-codes';
import { formatProblem, loadWorkflowFile } from './validate.command';

export async function graphCommand(io: CliIo, file: string): Promise<ExitCode> {
  const result = await loadWorkflowFile(file, io);
  if (!result.ok) {
    for (const p of result.problems) io.err(`${formatProblem(file, p)}\n`);
    io.err(`${file}: cannot draw an invalid workflow\n`);
    return EXIT.FAILED;
  }
  const text = renderMermaid(result.workflow);
  io.out(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT.OK;
}
