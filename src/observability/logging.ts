import pino, { type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { ObservabilityOptions } from './observability.options';

/**
 * Fields that carry credentials wherever they appear: the Stigmer API key (Bearer metadata), HTTP
 * authorization headers, and secret values of execution environments. pino's redact paths match
 * one level per `*`, so each key is listed at the depths where it occurs in practice.
 */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'apiKey',
  'api_key',
  'stigmerServiceApiKey',
  'STIGMER_SERVICE_API_KEY',
  'OPENAI_API_KEY',
  // May hold the database password.
  'vectorStoreUrl',
  'VECTOR_STORE_URL',
  'secret',
  'secrets',
  'password',
  'token',
  'sealed',
];

export const REDACT_PATHS: string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'metadata.authorization',
  '*.metadata.authorization',
  // Secret environment entries of an execution input: the value is redacted, the name kept.
  'environment[*].value',
  '*.environment[*].value',
];

export const REDACTED = '[REDACTED]';

export function pinoOptions(options: Pick<ObservabilityOptions, 'logLevel'>): LoggerOptions {
  return {
    level: options.logLevel,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    base: { service: 'workflow-runner' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** The root logger: JSON lines to stdout, or pino-pretty in development (synchronous, no worker thread). */
export function createRootLogger(options: ObservabilityOptions): Logger {
  const destination =
    options.logDestination ??
    (options.pretty
      ? pretty({ sync: true, colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l' })
      : undefined);
  return destination ? pino(pinoOptions(options), destination) : pino(pinoOptions(options));
}

/**
 * A child logger for everything about one run: every line it writes carries `executionId`
 * (and the task when given), so one run's lines can be filtered out of a busy worker's output.
 */
export function executionLogger(
  parent: Logger,
  executionId: string,
  task?: { name: string; position?: string },
): Logger {
  return parent.child(task ? { executionId, task: task.name, taskPosition: task.position } : { executionId });
}
