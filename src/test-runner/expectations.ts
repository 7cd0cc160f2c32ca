/**
 * A test's `expect` against how its run ended: status, exact or partial output, error fields, and the
 * task positions that completed, failed, were skipped or never ran. Each failure is one sentence naming
 * the first difference by JSON pointer.
 */
import type { TaskRecord, WorkflowErrorData } from '../temporal/contract';
import type { RunReport } from '../temporal/run-outcome';
import { firstDifference } from './matching';
import type { Expectation } from './test-file';

export function checkExpectations(expect: Expectation, report: RunReport): string[] {
  const status = expect.status ?? (expect.error ? 'faulted' : 'completed');
  if (report.status !== status) return [`expected the run to be ${status}, it was ${describeRun(report)}`];
  const failures: string[] = [];
  if (expect.output) {
    const diff = firstDifference(expect.output.value, report.output, { subset: false });
    if (diff) failures.push(`output: ${diff}`);
  }
  if (expect.outputIncludes) {
    const diff = firstDifference(expect.outputIncludes.value, report.output, { subset: true });
    if (diff) failures.push(`output: ${diff}`);
  }
  if (expect.error) failures.push(...errorFailures(expect.error, report.error));
  if (expect.tasks) failures.push(...taskFailures(expect.tasks, report.tasks));
  return failures;
}

export function describeRun(report: RunReport): string {
  if (!report.error) return report.status;
  const e = report.error;
  const at = e.instance ? ` at ${e.instance}` : '';
  return `${report.status}: ${e.title ?? e.type}${e.detail ? ` (${e.detail})` : ''}${at}`;
}

/** `type` may name a kind (`communication`): it then matches the spec URI ending in that kind. */
function errorFailures(expected: Record<string, unknown>, actual: WorkflowErrorData | null): string[] {
  if (!actual) return ['expected an error, the run has none'];
  const wanted = { ...expected };
  const failures: string[] = [];
  if (typeof wanted.type === 'string' && !wanted.type.includes(':')) {
    const kind = actual.type.slice(actual.type.lastIndexOf('/') + 1);
    if (kind !== wanted.type) failures.push(`error /type: expected kind ${wanted.type}, got ${actual.type}`);
    delete wanted.type;
  }
  const diff = firstDifference(wanted, actual, { subset: true });
  if (diff) failures.push(`error ${diff}`);
  return failures;
}

const WANTED_STATUS = { completed: 'completed', failed: 'failed', skipped: 'skipped' } as const;

function taskFailures(expected: NonNullable<Expectation['tasks']>, tasks: TaskRecord[]): string[] {
  const failures: string[] = [];
  const find = (ref: string) => tasks.filter((t) => (ref.startsWith('/') ? t.position === ref : t.name === ref));
  for (const [key, status] of Object.entries(WANTED_STATUS) as [keyof typeof WANTED_STATUS, TaskRecord['status']][]) {
    for (const ref of expected[key] ?? []) {
      const found = find(ref);
      if (found.length === 0) failures.push(`task ${ref}: expected ${status}, it never ran`);
      else if (!found.some((t) => t.status === status)) {
        failures.push(`task ${ref}: expected ${status}, it was ${[...new Set(found.map((t) => t.status))].join(', ')}`);
      }
    }
  }
  for (const ref of expected.notRun ?? []) {
    const found = find(ref);
    if (found.length > 0)
      failures.push(
        `task ${ref}: expected not to run, it ${found[0].status === 'running' ? 'was running' : `was ${found[0].status}`}`,
      );
  }
  return failures;
}
