#!/usr/bin/env bash
# Rebuilds every testdata/assemblyscript/<program>/<program>.wasm (and its
# generated ESM bindings <program>.js, the reference runner's glue) with
# AssemblyScript 0.28. CI never runs this.
#
# Setup, once (Node 20 + npm; see shared/TOOLCHAINS.md):
#
#   cd testdata/assemblyscript && npm ci      # assemblyscript 0.28.x, pinned by package-lock.json
#   apt-get install -y --no-install-recommends wabt   # optional: wasm-validate
#
# Usage: testdata/assemblyscript/build.sh [program...]   (default: all)
# Afterwards re-record the expected output: node testdata/assemblyscript/record.mjs
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
[ -x node_modules/.bin/asc ] || { echo "run 'npm ci' in $here first" >&2; exit 1; }

# Flags per program. Every program gets the ESM bindings (the reference
# runtime) and -O; top-level code that prints needs --exportStart _start
# (a start section runs before the bindings have the memory). `invoke`
# keeps a start section on purpose, `importmemory` imports its memory.
flags() {
    case "$1" in
        invoke) echo "" ;;
        importmemory) echo "--exportStart _start --importMemory --initialMemory 1 --maximumMemory 64" ;;
        *) echo "--exportStart _start" ;;
    esac
}

want=("$@")
for d in */; do
    prog="${d%/}"
    [ -f "$prog/$prog.ts" ] || continue
    if [ ${#want[@]} -gt 0 ] && [[ ! " ${want[*]} " == *" $prog "* ]]; then continue; fi
    echo "$prog"
    # From inside the program directory, so abort messages name just "<prog>.ts".
    (cd "$prog" && ../node_modules/.bin/asc "$prog.ts" -o "$prog.wasm" -O --bindings esm $(flags "$prog") \
        && rm -f "$prog.d.ts")
done

if command -v wasm-validate >/dev/null; then
    for f in */*.wasm; do wasm-validate --enable-all "$f"; done
fi
