#!/usr/bin/env bash
# Builds the `bayledger` container image from this checkout's own release
# binary, with no base image and no registry: the image is FROM scratch and
# holds the binary, the shared libraries it links (found with ldd, e.g.
# Debian's librocksdb) and the example contracts.
#
#   scripts/docker-image.sh [TAG]      (default tag: bayledger:local)
#
# BAYLEDGER_BIN=<path> packs that binary as it is instead of building the
# release binary (the container scenario test packs the debug binary cargo
# already built for it); the example contracts are then copied if present.
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-bayledger:local}"

if [ -n "${BAYLEDGER_BIN:-}" ]; then
  bin="$BAYLEDGER_BIN"
else
  scripts/setup.sh
  scripts/build-contracts.sh >/dev/null
  cargo build --release --bin bayledger
  bin="${CARGO_TARGET_DIR:-target}/release/bayledger"
fi

ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/contracts" "$ctx/rootfs/tmp" "$ctx/rootfs/data"
cp "$bin" "$ctx/rootfs/bin/bayledger"
cp target/contracts/*.wasm "$ctx/rootfs/contracts/" 2>/dev/null || [ -n "${BAYLEDGER_BIN:-}" ]
# Every shared library the binary needs, at the same path, plus the loader.
ldd "$bin" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
  mkdir -p "$ctx/rootfs$(dirname "$lib")"
  cp -L "$lib" "$ctx/rootfs$lib"
done
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
ENV HOME=/data PATH=/bin
EXPOSE 26656 9090 8080
ENTRYPOINT ["/bin/bayledger"]
CMD ["start", "--home", "/data"]
DOCKERFILE
docker build -q -t "$tag" "$ctx" >/dev/null
echo "built $tag ($(docker image inspect -f '{{.Size}}' "$tag") bytes)"
