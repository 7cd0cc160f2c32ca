import { validateEnvironment } from '../config/validate-environment';
import type { RunnerTracing } from '../tracing/tracing';
import type { CliIo } from './cli-io';
import { EXIT, type ExitCode } from './exit-codes';

type Bootstrap = (options?: { tracing?: RunnerTracing }) => Promise<unknown>;

/**
 * Starts the service (src/main.ts `bootstrap()`) and resolves once it is up; the process then lives
 * until the service's own SIGTERM handling closes it.
 */
export async function serveCommand(io: CliIo, version = 'unknown'): Promise<ExitCode> {
  const tracing = await startTracingFirst(io, version);
  // Loaded lazily: validate/graph/run must not pay for (or depend on) the whole Nest application.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const main = require('../main') as { bootstrap?: Bootstrap };
  if (typeof main.bootstrap !== 'function') {
    io.err('serve: src/main.ts exports no bootstrap()\n');
    return EXIT.ENVIRONMENT;
  }
  await main.bootstrap({ tracing });
  return EXIT.OK;
}

/**
 * Tracing (OTEL_* variables) starts before the application is loaded: its gRPC instrumentation patches
 * @grpc/grpc-js when that is first required. A bad environment is left to the application to report.
 */
async function startTracingFirst(io: CliIo, version: string): Promise<RunnerTracing | undefined> {
  let enabled = false;
  let config;
  try {
    config = validateEnvironment(io.env).tracing;
    enabled = config.enabled;
  } catch {
    return undefined;
  }
  if (!enabled) return undefined;
  const { startTracing } = await import('../tracing/tracing');
  return startTracing(config, version);
}
