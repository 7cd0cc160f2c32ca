/**
 * Workflow and task timeouts (`timeout: { after }` inline or a `use.timeouts` reference), resolved to
 * milliseconds; steps.ts `race` runs the guarded work against the timer.
 */
import { durationToMs } from '../../../zigflow/dsl/durations';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import type { TimeoutDefinition } from '../../../zigflow/dsl/model';

/** Resolves a `timeout` field (inline or a `use.timeouts` name) into milliseconds (undefined when absent). */
export function timeoutMs(
  timeout: TimeoutDefinition | string | undefined,
  timeouts: Readonly<Record<string, TimeoutDefinition>> | undefined,
  instance: string,
): number | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  const definition = typeof timeout === 'string' ? timeouts?.[timeout] : timeout;
  if (definition === undefined) {
    throw new WorkflowFault(dslError('configuration', `unknown timeout '${String(timeout)}'`, { instance }));
  }
  return durationToMs(definition.after, instance);
}
