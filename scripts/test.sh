#!/usr/bin/env bash
# The README's test command (`npm test`): the whole suite, unit and integration.
# Integration tests need the Temporal CLI; test/support/global-setup.js starts one dev server for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
# On a fresh checkout, install the locked dependencies first.
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ -z "${TEMPORAL_CLI_PATH:-}" ]; then
  TEMPORAL_CLI_PATH="$(bash scripts/install-temporal-cli.sh)"
  export TEMPORAL_CLI_PATH
fi
exec npx jest --ci "$@"
