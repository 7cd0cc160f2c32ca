import type { CliIo } from './cli-io';
import { EXIT, type ExitCode } from './exit-codes';

type Bootstrap = () => Promise<unknown>;

/**
 * Starts the service (src/main.ts `bootstrap()`) and resolves once it is up; the process then lives
 * until the service's own SIGTERM handling closes it.
 */
export async function serveCommand(io: CliIo): Promise<ExitCode> {
  // Loaded lazily: validate/graph/run must not pay for (or depend on) the whole Nest application.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const main = require('../main') as { bootstrap?: Bootstrap };
  if (typeof main.bootstrap !== 'function') {
    io.err('serve: src/main.ts exports no bootstrap()\n');
    return EXIT.ENVIRONMENT;
  }
  await main.bootstrap();
  return EXIT.OK;
}
