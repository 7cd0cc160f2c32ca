import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine, USAGE } from './args';
import { type CliIo, processIo } from './cli-io';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { graphCommand } from './graph.command';
import { validateCommand } from './validate.command';

function version(): string {
  for (const dir of [join(__dirname, '..', '..'), join(__dirname, '..', '..', '..')]) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout (src/cli vs dist/src/cli)
    }
  }
  return 'unknown';
}

/**
 * The `workflow-runner` command line. Returns the exit code instead of exiting, so `serve` can keep
 * the process alive and tests can call it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  try {
    const command = parseCommandLine(argv);
    switch (command.name) {
      case 'help':
        io.out(USAGE);
        return EXIT.OK;
      case 'version':
        io.out(`workflow-runner ${version()}\n`);
        return EXIT.OK;
      case 'validate':
        return await validateCommand(io, command.file, command.json);
      case 'graph':
        return await graphCommand(io, command);
      case 'schema':
        return (await import('./schema.command')).schemaCommand(io, command.test);
      // Loaded on use: the Temporal SDK (and for serve, Nest) would slow every other command down.
      case 'run':
        return await (await import('./run.command')).runCommand(io, command);
      case 'serve':
        return await (await import('./serve.command')).serveCommand(io, version());
      case 'test':
        return await (await import('./test.command')).testCommand(io, command);
      case 'definitions':
        return await (await import('./definitions.command')).definitionsCommand(io, command);
      case 'terminate':
      case 'recover':
        return await (await import('./operation.command')).operationCommand(io, command);
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`workflow-runner: ${err.message}\n`);
      if (err.exitCode === EXIT.USAGE) io.err('run `workflow-runner --help` for usage\n');
      return err.exitCode;
    }
    io.err(`workflow-runner: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.ENVIRONMENT;
  }
}
