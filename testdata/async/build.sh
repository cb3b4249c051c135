#!/usr/bin/env bash
# Rebuilds every module in testdata/async from source, Asyncify-transforms
# them, and (last step) re-records the expected output with record.py.
# Installs nothing. Toolchains (Debian bookworm, as root), done once:
#
#   apt-get update
#   apt-get install -y --no-install-recommends clang lld wasi-libc libclang-rt-dev-wasm32 wabt binaryen emscripten
#   rustup target add wasm32-wasip1
#   python3 -m venv testdata/.venv && testdata/.venv/bin/pip install wasmtime   # record.py
#   (cd testdata/wasi/assemblyscript && npm ci)     # binaryen 131 (npm `binaryen`, pinned there)
#
# Versions used for the checked-in files:
#   C:           Debian clang 14.0.6 + wasi-libc (git 2022-05-10), `--target=wasm32-wasi -O2 -s`
#                (clang 14 runs binaryen's wasm-opt on the output by itself when it is on PATH)
#   Rust:        rustc 1.95.0 stable, wasm32-wasip1, `-O -C strip=debuginfo`
#   Asyncify:    binaryen 108 (Debian `binaryen` 108-1): `wasm-opt --asyncify -O`
#   multi-memory Asyncify: binaryen 131 (npm binaryen 131.0.0-nightly.20260721, run by
#                node from testdata/wasi/assemblyscript/node_modules): binaryen 108 has no
#                multi-memory support (see README.md)
#   Emscripten:  Debian emcc 3.1.6 (3.1.6~dfsg-5), `-O2` (sleep: `-sASYNCIFY`), glue build
#   Reference:   wasmtime 50.0.1 (Python package), node 20.20 (node:wasi, Emscripten glue)
#
# The Emscripten glue goes to $GLUE (default /tmp/async-emscripten-glue); it is
# not checked in. record.py runs it.
#
# Usage: testdata/async/build.sh [--no-record]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # Debian emcc needs Debian's acorn
GLUE="${GLUE:-/tmp/async-emscripten-glue}"
BINARYEN131="$here/../wasi/assemblyscript/node_modules/binaryen/bin/wasm-opt"

# Only these imports may suspend: Asyncify instruments just the code that can
# reach them.
IMPORTS=wasi_snapshot_preview1.poll_oneoff,wasi_snapshot_preview1.sched_yield,wasi_snapshot_preview1.fd_read

# --- plain WASI modules ------------------------------------------------------
# c/sleep exports malloc/free; c/stdin exports asyncify_malloc_buffer and
# asyncify_free_buffer (from the source) and malloc/free; c/yield and all rust
# programs export none of them.
c_flags_sleep=(-Wl,--export=malloc -Wl,--export=free)
c_flags_yield=()
c_flags_stdin=(-Wl,--export=malloc -Wl,--export=free)
for prog in sleep yield stdin; do
    echo "c/$prog"
    flags="c_flags_${prog}[@]"
    (cd "wasi/c/$prog" && clang --target=wasm32-wasi -O2 -s -Wall "${!flags}" main.c -o "$prog.wasm")
    echo "rust/$prog"
    (cd "wasi/rust/$prog" && rustc --edition 2021 --target wasm32-wasip1 -O -C strip=debuginfo \
        main.rs -o "$prog.wasm")
done

# --- Asyncify (binaryen 108, single memory) ----------------------------------
for lang in c rust; do
    for prog in sleep yield stdin; do
        echo "$lang/$prog.asyncify"
        mkdir -p "wasi/$lang/$prog.asyncify"
        wasm-opt "wasi/$lang/$prog/$prog.wasm" --asyncify -O \
            "--pass-arg=asyncify-imports@$IMPORTS" \
            -o "wasi/$lang/$prog.asyncify/$prog.asyncify.wasm"
    done
done

# --- Asyncify in a secondary memory (binaryen 131) ---------------------------
# asyncify-in-secondary-memory adds a 1-page memory `asyncify_memory` (min=max=1)
# for the Asyncify data and does not export it; export_memory.py exports it as
# `asyncify_memory`. c/sleep.asyncify-mm-noexport is binaryen's output as is.
mm() {  # mm LANG PROG OUTDIR
    node "$BINARYEN131" "wasi/$1/$2/$2.wasm" --enable-multimemory --asyncify -O \
        --pass-arg=asyncify-in-secondary-memory "--pass-arg=asyncify-imports@$IMPORTS" \
        -o "$GLUE/$3.wasm"
}
mkdir -p "$GLUE"
if [ -f "$BINARYEN131" ]; then
    for lp in c/sleep c/yield rust/yield; do
        lang="${lp%/*}" prog="${lp#*/}"
        echo "$lang/$prog.asyncify-mm"
        mkdir -p "wasi/$lang/$prog.asyncify-mm"
        mm "$lang" "$prog" "$lang-$prog-mm"
        python3 export_memory.py "$GLUE/$lang-$prog-mm.wasm" \
            "wasi/$lang/$prog.asyncify-mm/$prog.asyncify-mm.wasm" asyncify_memory 1
    done
    echo "c/sleep.asyncify-mm-noexport"
    mkdir -p wasi/c/sleep.asyncify-mm-noexport
    cp "$GLUE/c-sleep-mm.wasm" wasi/c/sleep.asyncify-mm-noexport/sleep.asyncify-mm-noexport.wasm
else
    echo "SKIP *.asyncify-mm: $BINARYEN131 missing (npm ci in testdata/wasi/assemblyscript)" >&2
fi

# --- Emscripten -sASYNCIFY ---------------------------------------------------
echo "emscripten/sleep"
mkdir -p emscripten/sleep
emcc emscripten/src/sleep.c -o "$GLUE/sleep.js" --pre-js ../emscripten/src/pre.js \
    -sEXIT_RUNTIME=1 -O2 -sASYNCIFY
cp "$GLUE/sleep.wasm" emscripten/sleep/sleep.wasm
# Not Asyncify-transformed: only a host running it on coroutines can suspend it.
echo "emscripten/stdin"
mkdir -p emscripten/stdin
emcc emscripten/src/stdin.c -o "$GLUE/stdin.js" --pre-js ../emscripten/src/pre.js \
    -sEXIT_RUNTIME=1 -O2
cp "$GLUE/stdin.wasm" emscripten/stdin/stdin.wasm

for f in wasi/*/*/*.wasm emscripten/*/*.wasm; do
    wasm-validate --enable-multi-memory "$f"
done

if [ "${1:-}" != "--no-record" ]; then
    "$here/../.venv/bin/python" "$here/record.py"
fi
