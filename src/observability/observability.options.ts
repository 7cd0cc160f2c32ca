import type { DestinationStream } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Settings of logging and metrics, resolved from the typed configuration. */
export interface ObservabilityOptions {
  logLevel: LogLevel;
  /** Human-readable logs (development or a TTY) instead of JSON lines. */
  pretty: boolean;
  /** Port of the separate Prometheus HTTP server (`/metrics`); 0 picks a free port, `false` turns it off. */
  metricsPort: number | false;
  /** Interface the metrics server binds to. */
  metricsHost?: string;
  /** Install the Temporal runtime with buffered metrics and the pino logger (default true). */
  temporalRuntime?: boolean;
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
}

/** Pretty logs when NODE_ENV=development or stdout is a terminal, JSON otherwise (containers, CI). */
export function wantsPrettyLogs(nodeEnv: string | undefined, isTty: boolean | undefined): boolean {
  if (nodeEnv === 'production') return false;
  return nodeEnv === 'development' || isTty === true;
}
