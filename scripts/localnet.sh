#!/usr/bin/env bash
# A local 4-validator Bayledger network of background processes on 127.0.0.1.
#
#   scripts/localnet.sh up      create the homes if missing (bayledger testnet), start every node
#   scripts/localnet.sh status  print each node's height (bayledger status --node)
#   scripts/localnet.sh down    SIGTERM every node and wait for it to exit
#
# LOCALNET_DIR (default /tmp/bayledger-localnet) holds node homes, node.pid and node.log per node.
# BAYLEDGER_BIN picks the binary (default: target/debug/bayledger, built if missing).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${LOCALNET_DIR:-/tmp/bayledger-localnet}"
BIN="${BAYLEDGER_BIN:-$ROOT/target/debug/bayledger}"

nodes() { find "$DIR" -maxdepth 1 -type d -name 'node*' | sort -V; }

alive() { [ -f "$1/node.pid" ] && kill -0 "$(cat "$1/node.pid")" 2>/dev/null; }

grpc_addr() { sed -n 's/^grpc_addr = "\(.*\)"/\1/p' "$1/config/config.toml" | head -n1; }

up() {
    if [ ! -x "$BIN" ]; then
        (cd "$ROOT" && cargo build -p bayledger-node)
    fi
    if [ ! -d "$DIR/node0" ]; then
        "$BIN" testnet --validators 4 --out "$DIR"
    fi
    for home in $(nodes); do
        if alive "$home"; then
            echo "$(basename "$home"): already running (pid $(cat "$home/node.pid"))"
            continue
        fi
        nohup "$BIN" start --home "$home" >>"$home/node.log" 2>&1 &
        echo $! >"$home/node.pid"
        echo "$(basename "$home"): started (pid $!, log $home/node.log)"
    done
}

status() {
    for home in $(nodes); do
        local name addr height
        name="$(basename "$home")"
        addr="$(grpc_addr "$home")"
        if ! alive "$home"; then
            echo "$name: stopped"
            continue
        fi
        height="$("$BIN" status --node "http://$addr" -o json 2>/dev/null |
            sed -n 's/.*"latest_height": *\([0-9]*\).*/\1/p' | head -n1)"
        echo "$name: height ${height:-unknown} (grpc $addr, pid $(cat "$home/node.pid"))"
    done
}

down() {
    for home in $(nodes); do
        if alive "$home"; then
            local pid
            pid="$(cat "$home/node.pid")"
            kill -TERM "$pid"
            for _ in $(seq 1 100); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            echo "$(basename "$home"): stopped"
        fi
        rm -f "$home/node.pid"
    done
}

case "${1:-}" in
    up) up ;;
    status) status ;;
    down) down ;;
    *) echo "usage: $0 up|status|down" >&2; exit 2 ;;
esac
