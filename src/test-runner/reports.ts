/**
 * What `workflow-runner test` prints: a readable summary, one JSON document, or JUnit XML for CI.
 */
import junit from 'junit-report-builder';
import type { FileResult } from './test-runner';

export interface Totals {
  passed: number;
  failed: number;
  /** Files whose tests could not run (a bad test file or workflow). */
  broken: number;
}

export function totals(files: readonly FileResult[]): Totals {
  const tests = files.flatMap((f) => f.tests);
  return {
    passed: tests.filter((t) => t.passed).length,
    failed: tests.filter((t) => !t.passed).length,
    broken: files.filter((f) => f.problems.length > 0).length,
  };
}

export function allPassed(files: readonly FileResult[]): boolean {
  const t = totals(files);
  return t.failed === 0 && t.broken === 0 && t.passed > 0;
}

export function textReport(files: readonly FileResult[], elapsedMs: number): string {
  const lines: string[] = [];
  for (const f of files) {
    const ok = f.problems.length === 0 && f.tests.every((t) => t.passed);
    lines.push(`${ok ? 'PASS' : 'FAIL'} ${f.file}${f.workflow ? ` (${f.workflow})` : ''}`);
    for (const p of f.problems) lines.push(`  ${p}`);
    for (const t of f.tests) {
      lines.push(`  ${t.passed ? '✓' : '✗'} ${t.name} (${t.durationMs} ms)`);
      for (const failure of t.failures) lines.push(`      ${failure}`);
    }
  }
  const t = totals(files);
  const broken = t.broken > 0 ? `; ${t.broken} file${t.broken === 1 ? '' : 's'} could not run` : '';
  const count = t.passed + t.failed;
  lines.push(
    `${count} test${count === 1 ? '' : 's'}: ${t.passed} passed, ${t.failed} failed${broken} (${(elapsedMs / 1000).toFixed(1)} s)`,
  );
  return `${lines.join('\n')}\n`;
}

export function jsonReport(files: readonly FileResult[]): string {
  return `${JSON.stringify({ ...totals(files), files }, null, 2)}\n`;
}

/** JUnit XML: one suite per test file; a file that could not run is one test case with an error. */
export function junitReport(files: readonly FileResult[]): string {
  const builder = junit.newBuilder();
  for (const f of files) {
    const suite = builder.testSuite().name(f.file);
    if (f.problems.length > 0) {
      suite
        .testCase()
        .className(f.file)
        .name('test file')
        .file(f.file)
        .error(f.problems[0], 'InvalidTestFile', f.problems.join('\n'));
    }
    for (const t of f.tests) {
      const c = suite
        .testCase()
        .className(f.file)
        .name(t.name)
        .file(f.file)
        .time(t.durationMs / 1000);
      if (!t.passed) c.failure(t.failures.join('\n'), 'WorkflowTestFailure');
    }
  }
  return builder.build();
}
