#!/usr/bin/env bash
# Rebuilds the programs of testdata/emscripten/<emcc version>/ with a current
# emcc from a Debian chroot (chroot.sh: forky = 6.0.5, trixie = 3.1.69), and
# records their expected output from their own glue under the chroot's node.
# The 3.1.6 programs (build.sh) stay as they are.
#
#   testdata/emscripten/chroot.sh setup forky           # once
#   testdata/emscripten/build-current.sh forky [program...]
#   BUILD=0 testdata/emscripten/build-current.sh forky     # record only
#   RECORD=0 testdata/emscripten/build-current.sh forky    # build only
#
# Each program is one source of src/ built one way; its cases and fixtures
# are those of the 3.1.6 program named in the table (or its own, for new
# sources). The glue is kept only in the chroot's
# /tmp/emscripten-glue/<emcc version>.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "${1:-}" != --inside ]; then
    suite="${1:-forky}"
    shift || true
    exec "$here/chroot.sh" run "$suite" testdata/emscripten/build-current.sh --inside "$@"
fi
shift
cd "$here"
version="$(emcc --version | sed -n '1s/.* \([0-9][0-9.]*\) .*/\1/p')"
# Without a version the programs would be written into testdata/emscripten/
# itself, over the 3.1.6 ones.
if [ -z "$version" ]; then
    echo "build-current.sh: no version in the first line of emcc --version: $(emcc --version | head -n 1)" >&2
    exit 1
fi
out="$here/$version"
export GLUE=/tmp/emscripten-glue/$version
mkdir -p "$out" "$GLUE"

want=("$@")
# shellcheck source=testdata/selected.sh
. "$here/../selected.sh"

# build PROGRAM CASES-FROM COMPILER SOURCE FLAGS...
build() {
    local prog="$1" cases="$2" cc="$3" src="$4"
    shift 4
    selected "$prog" || return 0
    [ "${BUILD:-1}" = 1 ] || return 0
    echo "$version/$prog"
    mkdir -p "$out/$prog"
    local exit_runtime=(-sEXIT_RUNTIME=1)
    case " $* " in *STANDALONE_WASM*) exit_runtime=() ;; esac
    "$cc" "src/$src" -o "$GLUE/$prog.js" --pre-js src/pre.js "${exit_runtime[@]}" "$@"
    cp "$GLUE/$prog.wasm" "$out/$prog/$prog.wasm"
    if [ -d "$cases" ]; then
        cp "$cases"/*.case "$out/$prog/"
        [ -d "$cases/fixture" ] && rm -rf "$out/$prog/fixture" && cp -r "$cases/fixture" "$out/$prog/"
    fi
    return 0
}

# Every source at -O0 and -O2, as glue and standalone builds.
for opt in O0 O2; do
    build hello-glue-$opt        hello-glue-O0 emcc hello.c -$opt
    build hello-standalone-$opt  hello-glue-O0 emcc hello.c -$opt -sSTANDALONE_WASM
    build args-$opt              args          emcc args.c -$opt
    build args-standalone-$opt   args          emcc args.c -$opt -sSTANDALONE_WASM
    build files-$opt             files         emcc files.c -$opt -sNODERAWFS=1
    build files-standalone-$opt  files         emcc files.c -$opt -sSTANDALONE_WASM
    build dup-$opt               dup           emcc dup.c -$opt -sNODERAWFS=1
    build sjlj-$opt              sjlj          emcc sjlj.c -$opt
    build exceptions-$opt        exceptions    em++ exceptions.cpp -$opt -fexceptions
    build memgrow-$opt           memgrow       emcc memgrow.c -$opt -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=256MB
    build memgrow-standalone-$opt memgrow      emcc memgrow.c -$opt -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=256MB -sSTANDALONE_WASM
    build time-$opt              time          emcc time.c -$opt
    # 3.1.69's -sNODERAWFS glue passes symlinkat a pointer for a path and
    # dies, so it cannot be the reference: syscalls.c is for emcc 4 on.
    [ "${version%%.*}" -ge 4 ] || continue
    build syscalls-$opt          src/cases/syscalls      emcc syscalls.c -$opt -sNODERAWFS=1
    build syscalls-standalone-$opt src/cases/syscalls    emcc syscalls.c -$opt -sSTANDALONE_WASM
done
# Memory made by the host (the glue, here) and imported as env.memory.
build hello-imported-memory  hello-glue-O0 emcc hello.c -O2 -sIMPORTED_MEMORY
build args-imported-memory   args          emcc args.c -O2 -sIMPORTED_MEMORY -sALLOW_MEMORY_GROWTH
# Native Wasm exceptions in the standard (exnref) encoding, with wasm
# longjmp too; the legacy encoding, emcc's default, only as a module that
# must be refused with advice (no cases: wasmer 7.4 cannot compile it).
# (emcc 3.1.x has only the legacy encoding.)
if [ "${version%%.*}" -ge 4 ]; then
    build exceptions-wasm    exceptions    em++ exceptions.cpp -O2 -fwasm-exceptions -sWASM_LEGACY_EXCEPTIONS=0
    build exceptions-wasm-O0 exceptions    em++ exceptions.cpp -O0 -fwasm-exceptions -sWASM_LEGACY_EXCEPTIONS=0
    build sjlj-wasm          sjlj          emcc sjlj.c -O2 -sSUPPORT_LONGJMP=wasm -sWASM_LEGACY_EXCEPTIONS=0
fi
build exceptions-wasm-legacy -             em++ exceptions.cpp -O2 -fwasm-exceptions
# i64 split into two i32s at the boundary, WASI imports included.
build files-nobigint         files         emcc files.c -O2 -sNODERAWFS=1 -sWASM_BIGINT=0
build time-nobigint          time          emcc time.c -O2 -sWASM_BIGINT=0
build exceptions-nobigint    exceptions    em++ exceptions.cpp -O2 -fexceptions -sWASM_BIGINT=0
[ "${version%%.*}" -lt 4 ] || build syscalls-nobigint src/cases/syscalls emcc syscalls.c -O2 -sNODERAWFS=1 -sWASM_BIGINT=0

[ "${RECORD:-1}" = 1 ] || exit 0
NODE_FLAGS="" python3 record.py --root "$version" "${want[@]}"
