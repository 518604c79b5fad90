#!/usr/bin/env bash
# Builds the newsprint wheel into python/dist/: the command line (release build of the
# workspace's binary, which run() and merge() call) and the native core (this folder's
# crate). Needs maturin (`pip install maturin`). Extra arguments go to `maturin build`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
cargo build --release --manifest-path "$root/Cargo.toml" --bin newsprint
rm -rf "$here/dist"
mkdir -p "$here/newsprint.data/scripts"
# Symbols stripped from the copy (a third of the wheel), as maturin --strip does the core's.
if command -v strip >/dev/null; then
    strip -o "$here/newsprint.data/scripts/newsprint" "$CARGO_TARGET_DIR/release/newsprint"
else
    cp "$CARGO_TARGET_DIR/release/newsprint" "$here/newsprint.data/scripts/newsprint"
fi
# `--compatibility linux`: a wheel for this platform's glibc, not audited for manylinux.
maturin=(maturin)
command -v maturin >/dev/null || maturin=(python3 -m maturin)
"${maturin[@]}" build --release --manifest-path "$here/Cargo.toml" --out "$here/dist" \
    --compatibility linux --strip "$@"
