/**
 * The runner settings a local run (`run`, `test`) takes from the environment, as the service does: today
 * `WORKFLOW_LOCAL_CALLS`, so an author can try a workflow with its calls as local activities before the
 * runner they deploy to turns it on.
 */
import { parseBoolean } from '../config/parse';
import type { RunLimits } from '../temporal/contract';
import { CliError, EXIT } from './exit-codes';

/** The start input's `limits` for a local run; undefined when nothing is set (the run's defaults apply). */
export function cliRunLimits(env: Record<string, string | undefined>): RunLimits | undefined {
  const text = env.WORKFLOW_LOCAL_CALLS;
  if (text === undefined || text.trim() === '') return undefined;
  const localCalls = parseBoolean(text);
  if (localCalls === undefined)
    throw new CliError(`WORKFLOW_LOCAL_CALLS must be true or false, got ${JSON.stringify(text)}`, EXIT.USAGE);
  // Only when on, as the service does: a start input without it keeps the default (regular activities).
  return localCalls ? { localCalls: true } : undefined;
}
