#!/usr/bin/env bash
# Rebuilds every testdata/wasi-threads/rust/<program>/<program>.wasm and
# records each case's expected output from the NATIVE build of the same
# source (`-C panic=abort`, as a wasm32 panic aborts): the reference for
# threads, where no JavaScript or WASI runtime is the toolchain's own.
# Needs: rustup target add wasm32-wasip1-threads. CI never runs this.
# Programs whose output cannot come from a native build (stress) have no
# .case files; their tests assert what they print.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for d in "$here"/rust/*/; do
    prog="$(basename "$d")"
    echo "rust/$prog"
    (cd "$d" && rustc --edition 2021 --target wasm32-wasip1-threads -O -C strip=debuginfo main.rs -o "$prog.wasm")
    ls "$d"/*.case >/dev/null 2>&1 || continue
    native="$(mktemp -d)/$prog"
    (cd "$d" && rustc --edition 2021 -O -C panic=abort main.rs -o "$native")
    for c in "$d"/*.case; do
        args=()
        while IFS= read -r line; do
            case "$line" in "arg "*) args+=("${line#arg }") ;; esac
        done < "$c"
        set +e
        "$native" "${args[@]}" > "${c%.case}.stdout" 2>/dev/null
        status=$?
        set -e
        # A native abort is SIGABRT (134 from the shell); so is the
        # runner's status for a trap.
        echo "$status" > "${c%.case}.exit"
    done
done
