#!/usr/bin/env bash
# Rebuilds every testdata/wasi-threads/<lang>/<program>/<program>.wasm and
# records each case's expected output from the NATIVE build of the same
# source: the reference for threads, where no JavaScript or WASI runtime is
# the toolchain's own. CI never runs this.
#
#   rust/*: rustc for wasm32-wasip1-threads (rustup target add
#           wasm32-wasip1-threads); natively with `-C panic=abort`, as a
#           wasm32 panic aborts.
#   c/*:    clang 21 with wasi-libc built for wasm32-wasip1-threads, in the
#           forky chroot (testdata/emscripten/chroot.sh setup forky, then
#           c/sysroot.sh); linked as wasi-sdk documents for threads (the
#           memory imported and exported, shared, with a maximum);
#           natively with the host's cc -pthread.
#
# Usage: testdata/wasi-threads/build.sh [program...]   (default: all)
# Programs whose output cannot come from a native build (stress) have no
# .case files; their tests assert what they print.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
want=("$@")
# shellcheck source=testdata/selected.sh
. "$here/../selected.sh"

# record DIR NATIVE: runs NATIVE with each DIR/*.case's arguments and
# writes the case's .stdout and .exit.
record() {
    local d="$1" native="$2" c status
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
}

for d in "$here"/rust/*/; do
    prog="$(basename "$d")"
    selected "$prog" || continue
    echo "rust/$prog"
    (cd "$d" && rustc --edition 2021 --target wasm32-wasip1-threads -O -C strip=debuginfo main.rs -o "$prog.wasm")
    ls "$d"/*.case >/dev/null 2>&1 || continue
    native="$(mktemp -d)/$prog"
    (cd "$d" && rustc --edition 2021 -O -C panic=abort main.rs -o "$native")
    record "$d" "$native"
done

builtins=/usr/lib/llvm-21/lib/clang/21/lib/wasi/libclang_rt.builtins-wasm32.a
for d in "$here"/c/*/; do
    prog="$(basename "$d")"
    selected "$prog" || continue
    echo "c/$prog"
    # The repository is mounted at the chroot's working directory. Debian
    # ships compiler-rt for wasm32-wasip1 only: it is named explicitly.
    "$here/../emscripten/chroot.sh" run forky sh -c 'cd "testdata/wasi-threads/c/$1" && clang-21 \
        --target=wasm32-wasip1-threads --sysroot=/opt/wasi-threads-sysroot -pthread -O2 -Wall \
        -nodefaultlibs -Wl,--import-memory,--export-memory,--max-memory=67108864 \
        main.c -lc "$2" -o "$1.wasm"' sh "$prog" "$builtins"
    ls "$d"/*.case >/dev/null 2>&1 || continue
    native="$(mktemp -d)/$prog"
    cc -O2 -pthread -Wall "$d/main.c" -o "$native"
    record "$d" "$native"
done
