/**
 * Workflow and task timeouts (`timeout: { after }` inline or a `use.timeouts` reference), resolved to
 * milliseconds; steps.ts `race` runs the guarded work against the timer.
 */
import { durationToMs } from '../../../zigflow/dsl/durations';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';

/** Resolves a `timeout` field into milliseconds (undefined when absent). */
export function timeoutMs(
  timeout: unknown,
  timeouts: Record<string, unknown> | undefined,
  instance: string,
): number | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  let definition: unknown = timeout;
  if (typeof timeout === 'string') {
    definition = timeouts?.[timeout];
    if (definition === undefined) {
      throw new WorkflowFault(dslError('configuration', `unknown timeout '${timeout}'`, { instance }));
    }
  }
  const after = (definition as { after?: unknown }).after;
  return durationToMs(after, instance);
}
