#!/usr/bin/env bash
# Rebuilds the minified-* programs: release builds (-O3, -Oz) with
# JavaScript output, whose import and export names emcc minifies, so only
# the glue (<program>.js, checked in: it is the input) names them. Built
# with emcc 6.0.5 in the forky chroot (chroot.sh; `chroot.sh setup forky`
# once). Sources in src/minified_*. Re-record with record.py afterwards
# (it runs the checked-in glue under the chroot's node).
#
# Usage: testdata/emscripten/build-minified.sh [program...]   (default: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

want=("$@")
# shellcheck source=testdata/selected.sh
. "$here/../selected.sh"

# build PROGRAM COMPILER SOURCE FLAGS...: <program>/<program>.js (+ .wasm)
build() {
    local prog="$1" cc="$2" src="$3"
    shift 3
    selected "$prog" || return 0
    echo "$prog"
    mkdir -p "$prog"
    rm -f "$prog/$prog.js" "$prog/$prog.wasm"
    # The repository is mounted at the chroot's working directory.
    ./chroot.sh run forky sh -c 'cd testdata/emscripten && "$@"' sh \
        "$cc" "src/$src" -o "$prog/$prog.js" "$@"
}

build minified-hello-O3 emcc minified_hello.c -O3
build minified-hello-Oz emcc minified_hello.c -Oz
build minified-words-O3 em++ minified_words.cpp -O3
build minified-words-Oz em++ minified_words.cpp -Oz
build minified-single emcc minified_hello.c -O3 -sSINGLE_FILE
build minified-emasm emcc minified_emasm.c -O3
# testdata/async's stdin reader, minified: run on coroutines by
# cli/tests/asyncify.rs (no cases of its own here).
build minified-stdin emcc ../../async/emscripten/src/stdin.c -O3
# testdata/async's -sASYNCIFY sleeper, minified (its asyncify_* exports too):
# run through run_async by cli/tests/asyncify.rs, and by the CLI from its glue.
build minified-sleep emcc ../../async/emscripten/src/sleep.c -O3 -sASYNCIFY
