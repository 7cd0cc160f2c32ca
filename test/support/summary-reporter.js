'use strict';
/**
 * Prints one plain closing line, `tests: N passed, M failed[, K skipped]`, after Jest's own summary,
 * so CI (which reads that line) sees the totals. Failed suites that never ran a test count as one failure each.
 *
 * When TEST_SUMMARY_FILE is set (scripts/test.sh runs the suite as two Jest runs), the totals go to that
 * file as JSON and the line printed here is labelled `part:`; the script prints the one `tests:` line
 * for the whole suite after the last run.
 */
const fs = require('fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const suiteErrors = results.testResults.filter(
      (r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0),
    ).length;
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + suiteErrors;
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    const file = process.env.TEST_SUMMARY_FILE;
    if (file) {
      fs.writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
      process.stdout.write(`\npart: ${passed} passed, ${failed} failed${tail}\n`);
      return;
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${tail}\n`);
  }
}
module.exports = SummaryReporter;
