#!/usr/bin/env bash
# Builds every contract under contracts/system/* and contracts/examples/* for wasm32v1-none (ADR 0006) with
# the size-optimised `contract` profile, copies each module to
# ${BAYLEDGER_CONTRACTS_DIR:-<workspace>/target/contracts}/<crate_name>.wasm, checks that it
# carries the required ABI exports, and prints its size and SHA3-256. It also builds the test
# variant hash_registry_v2.wasm (hash-registry with its `v2` feature, for upgrade tests).
#
# The system contracts (contracts/system/*) are deployed at genesis, so every member must
# deploy byte-identical modules: the node embeds the copies checked in under
# contracts/bundle/wasm/ (with checksums.txt). `--update-artifacts` refreshes those copies
# from this build; the test `system_contract_artifacts_match_sources` fails while they differ.
# Paths are remapped so the bytes do not depend on where the checkout or cargo's home is.
set -euo pipefail

UPDATE_ARTIFACTS=0
case "${1:-}" in
    "") ;;
    --update-artifacts) UPDATE_ARTIFACTS=1 ;;
    *) echo "usage: $0 [--update-artifacts]" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET=wasm32v1-none
PROFILE=contract
cd "$ROOT"

OUT_DIR="${BAYLEDGER_CONTRACTS_DIR:-$ROOT/target/contracts}"
CARGO_TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
ARTIFACTS="$ROOT/contracts/bundle/wasm"
export CARGO_TARGET_WASM32V1_NONE_RUSTFLAGS="--remap-path-prefix=$ROOT=/bayledger --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"

# Install the target once (rustup reads rust-toolchain.toml from $ROOT).
if ! rustup target list --installed | grep -qx "$TARGET"; then
    echo "installing rust target $TARGET"
    rustup target add "$TARGET"
fi

# Prints "<bytes> <sha3-256 hex>" of a wasm file, after checking its ABI exports.
inspect_wasm() {
    python3 - "$1" <<'PY'
import hashlib, sys

path = sys.argv[1]
data = open(path, "rb").read()
if data[:8] != b"\0asm\1\0\0\0":
    sys.exit(f"{path}: not a wasm 1.0 module")

def leb(buf, i):
    value = shift = 0
    while True:
        b = buf[i]; i += 1
        value |= (b & 0x7F) << shift; shift += 7
        if b < 0x80:
            return value, i

exports, i = set(), 8
while i < len(data):
    section, i = data[i], i + 1
    size, i = leb(data, i)
    if section == 7:  # export section
        count, j = leb(data, i)
        for _ in range(count):
            n, j = leb(data, j)
            exports.add(data[j:j + n].decode()); j += n + 1  # name, kind byte
            _, j = leb(data, j)  # index
    i += size

missing = {"memory", "bayledger_abi_v1", "bl_alloc", "call"} - exports
if missing:
    sys.exit(f"{path}: missing required exports: {', '.join(sorted(missing))}")
print(len(data), hashlib.sha3_256(data).hexdigest())
PY
}

mkdir -p "$OUT_DIR"
built=0
system_sums=()
for manifest in "$ROOT"/contracts/system/*/Cargo.toml "$ROOT"/contracts/examples/*/Cargo.toml; do
    [[ -f "$manifest" ]] || continue
    pkg="$(sed -n 's/^name[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$manifest" | head -n 1)"
    [[ -n "$pkg" ]] || { echo "error: no package name in $manifest" >&2; exit 1; }
    name="${pkg//-/_}"

    cargo build --profile "$PROFILE" --target "$TARGET" -p "$pkg"

    src="$CARGO_TARGET/$TARGET/$PROFILE/$name.wasm"
    [[ -f "$src" ]] || { echo "error: $pkg produced no $src (is it a cdylib?)" >&2; exit 1; }
    # The marker export name must be in the binary; the parser below checks it is an export.
    grep -aq bayledger_abi_v1 "$src" || { echo "error: $src lacks bayledger_abi_v1" >&2; exit 1; }
    info="$(inspect_wasm "$src")"
    read -r size sha3 <<<"$info"
    cp "$src" "$OUT_DIR/$name.wasm"
    printf '%-24s %8d bytes  sha3-256 %s  -> %s\n' "$name" "$size" "$sha3" "$OUT_DIR/$name.wasm"
    if [[ $UPDATE_ARTIFACTS -eq 1 && "$manifest" == "$ROOT"/contracts/system/* ]]; then
        mkdir -p "$ARTIFACTS"
        cp "$src" "$ARTIFACTS/$name.wasm"
        system_sums+=("$sha3  $name.wasm")
    fi
    built=$((built + 1))
done

# Test variants (never deployed at genesis, never checked in): hash-registry with the `v2`
# feature, the new code of the in-place upgrade tests (it also answers a `version` query).
variant_pkg=hash-registry
variant_name=hash_registry_v2
cargo build --profile "$PROFILE" --target "$TARGET" -p "$variant_pkg" --features v2
src="$CARGO_TARGET/$TARGET/$PROFILE/${variant_pkg//-/_}.wasm"
read -r size sha3 <<<"$(inspect_wasm "$src")"
cp "$src" "$OUT_DIR/$variant_name.wasm"
printf '%-24s %8d bytes  sha3-256 %s  -> %s\n' "$variant_name" "$size" "$sha3" "$OUT_DIR/$variant_name.wasm"

[[ $built -gt 0 ]] || { echo "error: no contracts found under contracts/system/ or contracts/examples/" >&2; exit 1; }
echo "built $built contract(s) into $OUT_DIR"
if [[ $UPDATE_ARTIFACTS -eq 1 ]]; then
    printf '%s\n' "${system_sums[@]}" | sort -k2 >"$ARTIFACTS/checksums.txt"
    echo "updated the checked-in system contracts in $ARTIFACTS (sha3-256 in checksums.txt)"
fi
