#!/usr/bin/env bash
# Runs the cross-border flows end to end and prints what each party sees.
#
#   scripts/demo.sh [FLOW]...              a fresh single-validator dev chain, removed afterwards
#   scripts/demo.sh --localnet [FLOW]...   the running `scripts/localnet.sh up` network, parties
#                                          spread over its four nodes
#
# FLOW: hash-verification | health-certificate | data-portability (default: all three).
# Installs prerequisites and builds (release) like scripts/dev.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

localnet=0
if [[ "${1:-}" == "--localnet" ]]; then
    localnet=1
    shift
fi

scripts/setup.sh
scripts/build-contracts.sh >/dev/null
cargo build --release -p bayledger-node -p bayledger-flows
BIN="$ROOT/target/release"

if [[ $localnet -eq 1 ]]; then
    DIR="${LOCALNET_DIR:-/tmp/bayledger-localnet}"
    [[ -d "$DIR/keys" ]] || { echo "no localnet at $DIR: run scripts/localnet.sh up first" >&2; exit 1; }
    nodes=()
    for home in $(find "$DIR" -maxdepth 1 -type d -name 'node*' | sort -V); do
        nodes+=(--node "http://$(sed -n 's/^grpc_addr = "\(.*\)"/\1/p' "$home/config/config.toml" | head -n1)")
    done
    BAYLEDGER_PASSPHRASE="${BAYLEDGER_PASSPHRASE:-testnet}" \
        exec "$BIN/bayledger-flows" "${nodes[@]}" --keystore "$DIR/keys" --committee committee "$@"
fi

home="$(mktemp -d)"
port=$((20000 + RANDOM % 10000))
"$BIN/bayledger" dev --home "$home" --grpc-addr "127.0.0.1:$port" --http-addr "127.0.0.1:$((port + 1))" \
    >"$home/dev.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$home"' EXIT
for _ in $(seq 1 120); do
    "$BIN/bayledger" status --node "http://127.0.0.1:$port" >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || { cat "$home/dev.log" >&2; exit 1; }
    sleep 0.5
done
"$BIN/bayledger" status --node "http://127.0.0.1:$port" >/dev/null || { cat "$home/dev.log" >&2; exit 1; }
echo "dev chain at http://127.0.0.1:$port (log $home/dev.log)"
BAYLEDGER_PASSPHRASE=dev "$BIN/bayledger-flows" --node "http://127.0.0.1:$port" \
    --keystore "$home/keys" --committee dev "$@"
