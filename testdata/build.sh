#!/usr/bin/env bash
# Rebuilds every testdata/wasi/<lang>/<program>/<program>.wasm from its source.
# Installs nothing. Toolchain setup (Debian bookworm, as root), done once:
#
#   apt-get update
#   apt-get install -y --no-install-recommends clang lld wasi-libc libclang-rt-dev-wasm32 wabt
#   rustup target add wasm32-wasip1
#   python3 -m venv testdata/.venv && testdata/.venv/bin/pip install wasmtime   # for record.py
#
# Usage: testdata/build.sh [program...]      (default: all programs)
# Afterwards run testdata/record.py to re-record the expected outputs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/wasi"

want=("$@")
selected() {
    [ ${#want[@]} -eq 0 ] && return 0
    local w
    for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done
    return 1
}

for d in rust/*/; do
    prog="$(basename "$d")"
    selected "$prog" || continue
    echo "rust/$prog"
    # Run from inside the program dir so the embedded source path is just main.rs.
    (cd "$d" && rustc --edition 2021 --target wasm32-wasip1 -O -C strip=debuginfo \
        main.rs -o "$prog.wasm")
done

for d in c/*/; do
    prog="$(basename "$d")"
    selected "$prog" || continue
    echo "c/$prog"
    (cd "$d" && clang --target=wasm32-wasi -O2 -s -Wall main.c -o "$prog.wasm")
done

if command -v wasm-validate >/dev/null; then
    for f in */*/*.wasm; do wasm-validate "$f"; done
fi
