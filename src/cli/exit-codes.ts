/**
 * Exit codes of `workflow-runner` (documented in docs/operations.md and `--help`). Scripts branch on
 * them, so they never change meaning.
 */
export const EXIT = {
  /** validate: the workflow is valid; run: the workflow completed; graph/serve/--help: success. */
  OK: 0,
  /** validate/graph/run: the workflow has problems; run: the workflow faulted. */
  FAILED: 1,
  /** Bad command line: unknown command or option, missing file argument, malformed --input. */
  USAGE: 2,
  /** run: the workflow was cancelled (Ctrl-C or a cancel from outside). */
  CANCELLED: 3,
  /** The file cannot be read, or Temporal / the embedded server cannot be reached or started. */
  ENVIRONMENT: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as one clear line and an exit code, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
