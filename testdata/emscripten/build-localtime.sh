#!/usr/bin/env bash
# Builds testdata/emscripten/localtime/localtime.wasm with emcc 6.0.5 (the
# forky chroot of chroot.sh; `chroot.sh setup forky` once, as root) and
# records its expected output: the glue under the chroot's node, once per
# time zone case (`env TZ=...` in localtime/<case>.case). The glue .js is
# kept in $GLUE (default /tmp/emscripten-glue-6), not checked in.
#
# Usage: testdata/emscripten/build-localtime.sh [--record-only]
set -euo pipefail

# Paths are relative to the repository's root, which is also the working
# directory of a command run in the chroot; the glue is built into a
# scratch directory there and moved to $GLUE.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
GLUE="${GLUE:-/tmp/emscripten-glue-6}"
out=testdata/emscripten/localtime
mkdir -p "$GLUE" "$out"
chroot=testdata/emscripten/chroot.sh
scratch=testdata/emscripten/.glue-localtime

if [ "${1:-}" != "--record-only" ]; then
    mkdir -p "$scratch"
    "$chroot" run forky emcc testdata/emscripten/src/localtime.c -O2 -sEXIT_RUNTIME=1 \
        --pre-js testdata/emscripten/src/pre.js -o "$scratch/localtime.js"
    cp "$scratch/localtime.wasm" "$out/localtime.wasm"
    cp "$scratch/localtime.js" "$scratch/localtime.wasm" "$GLUE/"
fi

# record CASE TZ [NODE_TZ ARG...]: $out/CASE.{case,stdout,exit}, the glue's
# output under node with TZ=NODE_TZ (default TZ) and the arguments ARG.
# The case gives the guest TZ, which is its time zone.
record() {
    local case="$1" tz="$2" node_tz="${3:-$2}" code=0
    shift 2; shift $(($# > 0 ? 1 : 0))
    mkdir -p "$scratch"
    cp "$GLUE/localtime.js" "$GLUE/localtime.wasm" "$scratch/"
    {
        if [ "$node_tz" = "$tz" ]; then
            echo "# The reference: the glue under node with this TZ."
        else
            echo "# The reference: the glue under node with TZ=$node_tz, whose rules this POSIX TZ string"
            echo "# states (node's ICU reads no POSIX rule: it would use the host's zone), since 1900."
        fi
        echo "env TZ=$tz"
        for a in "$@"; do echo "arg $a"; done
    } > "$out/$case.case"
    "$chroot" run forky env -i TZ="$node_tz" node "$scratch/localtime.js" "$@" > "$out/$case.stdout" || code=$?
    echo "$code" > "$out/$case.exit"
    echo "localtime/$case: exit $code"
}
record new-york 'America/New_York'
record posix 'EST5EDT,M3.2.0,M11.1.0' America/New_York --since-1900
record posix-kolkata '<+0530>-5:30' Asia/Kolkata --since-1900
record kolkata 'Asia/Kolkata'
record utc 'UTC'
rm -rf "$scratch"
