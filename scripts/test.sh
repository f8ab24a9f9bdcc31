#!/usr/bin/env bash
# Runs every Bayledger test: installs prerequisites, builds the example
# contracts to WASM, then runs the whole workspace's tests (the node binary
# is built by cargo for the process tests).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-contracts.sh

if cargo nextest --version >/dev/null 2>&1; then
  cargo test --workspace --doc
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
