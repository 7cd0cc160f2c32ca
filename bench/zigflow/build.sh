#!/usr/bin/env bash
# Builds the Zigflow binary that `npm run bench -- --peer-zigflow PATH` runs beside the runner.
#
#   bench/zigflow/build.sh ZIGFLOW_GIT_DIR SCHEMA_GIT_DIR [OUT_DIR]
#
# ZIGFLOW_GIT_DIR and SCHEMA_GIT_DIR are git repositories (bare snapshots work) of zigflow/zigflow and
# zigflow/schema. The Go module proxy serves Zigflow's dependencies but not the zigflow modules themselves,
# so the schema module comes from its own clone through a `replace` directive. Everything is
# cloned into OUT_DIR (default: a folder beside this repository, never inside it); the binary is
# OUT_DIR/zigflow-v0.14.0. About 2 to 5 minutes on 2 cores, most of it downloading and compiling modules.
set -euo pipefail

ZIGFLOW_TAG=v0.14.0
SCHEMA_COMMIT=e6df5b7

if [ $# -lt 2 ]; then
  echo "usage: $0 ZIGFLOW_GIT_DIR SCHEMA_GIT_DIR [OUT_DIR]" >&2
  exit 2
fi
zigflow_src=$(cd "$1" && pwd)
schema_src=$(cd "$2" && pwd)
repo_root=$(cd "$(dirname "$0")/../.." && pwd)
out=${3:-"$(dirname "$repo_root")/.scratch-zigflow"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
case "$out/" in
  "$repo_root"/*) echo "OUT_DIR must be outside the repository ($repo_root)" >&2; exit 2 ;;
esac
command -v go >/dev/null || { echo "go is not on PATH" >&2; exit 2; }

rm -rf "$out/zigflow" "$out/schema"
git clone --quiet "$zigflow_src" "$out/zigflow"
git clone --quiet "$schema_src" "$out/schema"
git -C "$out/zigflow" checkout --quiet "$ZIGFLOW_TAG"
git -C "$out/schema" checkout --quiet "$SCHEMA_COMMIT"

cd "$out/zigflow"
go mod edit -replace "github.com/zigflow/schema=$out/schema"
go build -o "$out/zigflow-$ZIGFLOW_TAG" .
echo "$out/zigflow-$ZIGFLOW_TAG"
