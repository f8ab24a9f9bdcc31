#!/usr/bin/env bash
# Installs what building Bayledger needs on a fresh Debian machine, idempotently:
# Debian's RocksDB (linked instead of compiling its C++), libclang (bindgen),
# the wasm32v1-none Rust target for contracts, and Chromium (the explorer's
# browser tests drive it headless over the DevTools protocol).
set -euo pipefail

packages=(librocksdb-dev libclang-dev pkg-config chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32v1-none; then
  echo "setup: adding the wasm32v1-none target"
  rustup target add wasm32v1-none
fi
