/**
 * Turns what the runner reports for one run (its result and progress events) into the
 * {@link RunOutcome} the kit's steps check, and keeps the per-scenario tally the harness prints.
 */
import type { WorkflowProgressEvent, WorkflowRunResult } from '../../src/temporal/contract';
import type { RunOutcome } from './steps';

/**
 * Task order as the kit means it: tasks in the order they started. The run result lists executed tasks
 * in order; progress events are the fallback when a result carries no task list. Skipped tasks (`if`
 * false) did not run.
 */
export function taskOrderOf(result: WorkflowRunResult, events: readonly WorkflowProgressEvent[]): string[] {
  const ran = (result.tasks ?? []).filter((task) => task.status !== 'skipped').map((task) => task.name);
  if (ran.length > 0) return ran;
  return [...events]
    .filter((event) => event.eventType === 'task_started' && event.taskName !== undefined)
    .sort((a, b) => a.sequence - b.sequence)
    .map((event) => event.taskName as string);
}

export function outcomeOf(result: WorkflowRunResult, events: readonly WorkflowProgressEvent[]): RunOutcome {
  return { status: result.status, output: result.output, error: result.error, taskOrder: taskOrderOf(result, events) };
}

export interface ScenarioResult {
  file: string;
  scenario: string;
  passed: boolean;
  /** First line of the failure, for the summary table. */
  reason?: string;
}

/** The closing lines: the `ctk conformance: N passed, M failed` total, passes per feature file, then each failure. */
export function summarize(results: readonly ScenarioResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  const lines = [`ctk conformance: ${passed} passed, ${results.length - passed} failed`];
  const files = [...new Set(results.map((r) => r.file))].sort();
  for (const file of files) {
    const ofFile = results.filter((r) => r.file === file);
    lines.push(`  ${file}: ${ofFile.filter((r) => r.passed).length}/${ofFile.length}`);
  }
  for (const r of results.filter((x) => !x.passed))
    lines.push(`  FAIL ${r.file} / ${r.scenario}: ${r.reason ?? 'no reason recorded'}`);
  return lines.join('\n');
}
