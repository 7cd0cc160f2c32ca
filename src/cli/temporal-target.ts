import { startDevServer, type DevServer } from '../temporal/dev-server';
import type { CliIo } from './cli-io';
import { CliError, EXIT } from './exit-codes';

/** The Temporal a CLI run uses: the configured one, or an embedded dev server it owns and stops. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * TEMPORAL_SERVICE_ADDRESS when set (TEMPORAL_NAMESPACE optional), else `temporal server start-dev`
 * on free ports, headless: a one-off run needs no Web UI.
 */
export async function resolveTemporal(io: CliIo): Promise<TemporalTarget> {
  const address = io.env.TEMPORAL_SERVICE_ADDRESS?.trim();
  const namespace = io.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  if (address) return { address, namespace, embedded: false, close: async () => undefined };
  io.err('TEMPORAL_SERVICE_ADDRESS is not set: starting an embedded Temporal dev server...\n');
  let server: DevServer;
  try {
    server = await startDevServer({ headless: true, namespace });
  } catch (err) {
    throw new CliError(`cannot start the embedded Temporal dev server: ${(err as Error).message}`, EXIT.ENVIRONMENT);
  }
  io.err(`embedded Temporal dev server at ${server.address}\n`);
  return { address: server.address, namespace, embedded: true, close: () => server.stop() };
}
