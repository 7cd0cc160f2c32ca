#!/usr/bin/env bash
# `npm run demo`: the README's first quick-start command. On a fresh machine it installs what is
# missing (npm ci, the Temporal CLI), then runs src/cli/demo.ts: an embedded Temporal dev server with
# its Web UI, a local progress sink printing events, the runner service, and the example order workflow
# through the runner's execute RPC; then it shuts everything down.
#   npm run demo                  # bounded: stops after the run (or after --timeout seconds, default 300)
#   npm run demo -- --keep        # keep everything running (Web UI stays up) until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then
  echo "installing dependencies (npm ci)..."
  npm ci --no-audit --no-fund
fi
TEMPORAL_CLI_PATH="$(bash scripts/install-temporal-cli.sh)"
export TEMPORAL_CLI_PATH
# SWC (shipped with @temporalio/worker) transpiles the TypeScript sources far faster than tsc.
if node -e "require.resolve('@swc/core')" >/dev/null 2>&1; then export TS_NODE_SWC=true; fi
exec node -r ts-node/register/transpile-only src/cli/demo.ts "$@"
