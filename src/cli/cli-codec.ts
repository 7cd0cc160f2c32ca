import type { DataConverter } from '@temporalio/common';
import { runnerDataConverter } from '../codec/data-converter';
import { ConfigValidationError, validateEncryptionEnvironment } from '../config/validate-environment';
import type { CliIo } from './cli-io';
import { CliError, EXIT } from './exit-codes';

/**
 * The service's payload encryption (PAYLOAD_ENCRYPTION_KEYS_DIR) for the CLI's Temporal clients and workers:
 * a run on a shared Temporal is encrypted too, and queries of encrypted runs can be read.
 */
export function cliDataConverter(io: CliIo): DataConverter | undefined {
  try {
    return runnerDataConverter(validateEncryptionEnvironment(io.env).keyRing);
  } catch (err) {
    if (err instanceof ConfigValidationError) throw new CliError(err.message, EXIT.ENVIRONMENT);
    throw err;
  }
}
