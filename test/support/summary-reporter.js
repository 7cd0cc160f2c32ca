'use strict';
/**
 * Prints one plain closing line, `tests: N passed, M failed[, K skipped]`, after Jest's own summary,
 * so CI (which reads that line) sees the totals. Failed suites that never ran a test count as one failure each.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const suiteErrors = results.testResults.filter(
      (r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0),
    ).length;
    const failed = results.numFailedTests + suiteErrors;
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed${tail}\n`);
  }
}
module.exports = SummaryReporter;
