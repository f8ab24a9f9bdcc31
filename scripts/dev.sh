#!/usr/bin/env bash
# Starts a single-validator development chain: installs prerequisites, builds
# the example contracts and the node (release), then runs `bayledger dev`.
# Extra arguments are passed to `bayledger dev` (e.g. --home DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-contracts.sh
cargo build --release --bin bayledger
exec target/release/bayledger dev "$@"
