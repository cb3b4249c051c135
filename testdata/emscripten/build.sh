#!/usr/bin/env bash
# Rebuilds testdata/emscripten/<program>/<program>.wasm from src/, and the
# JavaScript glue that record.sh runs under node to record expected output
# (into $GLUE, default /tmp/emscripten-glue; the glue is not checked in).
# Installs nothing. Toolchain setup (Debian bookworm, as root), done once:
#
#   apt-get update
#   apt-get install -y --no-install-recommends emscripten wabt
#
# Debian's emcc 3.1.6 needs NODE_PATH to find Debian's acorn (set below), and
# its glue needs `node --no-experimental-fetch` under Node 20 (record.sh).
#
# Usage: testdata/emscripten/build.sh [program...]   (default: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
GLUE="${GLUE:-/tmp/emscripten-glue}"
mkdir -p "$GLUE"

want=("$@")
# shellcheck source=testdata/selected.sh
. "$here/../selected.sh"

# build PROGRAM COMPILER SOURCE FLAGS...: <program>/<program>.wasm + $GLUE/<program>.js
build() {
    local prog="$1" cc="$2" src="$3"
    shift 3
    selected "$prog" || return 0
    echo "$prog"
    mkdir -p "$prog"
    # Glue builds flush stdio and run atexit handlers at exit only with
    # EXIT_RUNTIME, as a native program does; standalone builds always do.
    local exit_runtime=(-sEXIT_RUNTIME=1)
    case " $* " in *STANDALONE_WASM*) exit_runtime=() ;; esac
    "$cc" "src/$src" -o "$GLUE/$prog.js" --pre-js src/pre.js "${exit_runtime[@]}" "$@"
    cp "$GLUE/$prog.wasm" "$prog/$prog.wasm"
}

build hello-glue-O0       emcc hello.c -O0
build hello-glue-O2       emcc hello.c -O2
build hello-standalone-O0 emcc hello.c -O0 -sSTANDALONE_WASM
build hello-standalone-O2 emcc hello.c -O2 -sSTANDALONE_WASM
build args                emcc args.c -O2
build args-standalone     emcc args.c -O2 -sSTANDALONE_WASM
build files               emcc files.c -O2 -sNODERAWFS=1
build files-O0            emcc files.c -O0 -sNODERAWFS=1
build sjlj                emcc sjlj.c -O2
build sjlj-O0             emcc sjlj.c -O0
build exceptions          em++ exceptions.cpp -O2 -fexceptions
build exceptions-O0       em++ exceptions.cpp -O0 -fexceptions
build memgrow             emcc memgrow.c -O2 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=256MB
build memgrow-standalone  emcc memgrow.c -O2 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=256MB -sSTANDALONE_WASM
build time                emcc time.c -O2
build dup                 emcc dup.c -O2 -sNODERAWFS=1

if selected invoke; then
    echo invoke
    mkdir -p invoke
    wat2wasm src/invoke.wat -o invoke/invoke.wasm
fi
# The same guest with the stack helpers Emscripten >= 3.1.57 exports.
if selected invoke-new-names; then
    echo invoke-new-names
    mkdir -p invoke-new-names
    sed -e 's/"stackSave"/"emscripten_stack_get_current"/' \
        -e 's/"stackRestore"/"_emscripten_stack_restore"/' \
        -e 's/"stackAlloc"/"_emscripten_stack_alloc"/' src/invoke.wat > "$GLUE/invoke-new-names.wat"
    wat2wasm "$GLUE/invoke-new-names.wat" -o invoke-new-names/invoke-new-names.wasm
fi

if command -v wasm-validate >/dev/null; then
    for f in */*.wasm; do wasm-validate "$f"; done
fi
