#!/usr/bin/env bash
# Runs docker-compose.yml: four validators (node0..node3) and a full node
# (node4) in containers.
#   scripts/compose.sh up       build the image, write node homes, start, wait until healthy
#   scripts/compose.sh status   each node's height
#   scripts/compose.sh down     stop and remove the containers (homes are kept)
#   scripts/compose.sh clean    down, then delete the homes
set -euo pipefail
cd "$(dirname "$0")/.."
export BAYLEDGER_TESTNET_DIR="${BAYLEDGER_TESTNET_DIR:-$PWD/.testnet}"
compose() { docker-compose -f docker-compose.yml "$@"; }

case "${1:-}" in
  up)
    scripts/docker-image.sh
    if [ ! -f "$BAYLEDGER_TESTNET_DIR/node0/config/genesis.json" ]; then
      target/release/bayledger testnet --docker --validators 4 --full-nodes 1 --out "$BAYLEDGER_TESTNET_DIR"
    fi
    compose up -d
    for n in 0 1 2 3 4; do
      for _ in $(seq 1 60); do
        state=$(docker inspect -f '{{.State.Health.Status}}' "$(compose ps -q node$n)" 2>/dev/null || true)
        [ "$state" = healthy ] && break
        sleep 1
      done
      echo "node$n: ${state:-unknown}"
    done
    ;;
  status)
    for n in 0 1 2 3 4; do
      printf 'node%s ' "$n"
      target/release/bayledger status --node "http://127.0.0.1:909$n" -o json 2>/dev/null \
        | python3 -c 'import json,sys; s=json.load(sys.stdin); print("height", s["latest_height"], s["latest_block_hash"])' \
        || echo "unreachable"
    done
    ;;
  down) compose down ;;
  clean) compose down; rm -rf "$BAYLEDGER_TESTNET_DIR" ;;
  *) echo "usage: $0 up|status|down|clean" >&2; exit 2 ;;
esac
