#!/usr/bin/env bash
# Sets up (once) what the C programs of testdata/wasi-threads/c need, in the
# forky chroot of testdata/emscripten/chroot.sh: clang 21 and wasm-ld from
# Debian, and wasi-libc built for wasm32-wasip1-threads (Debian's wasi-libc
# package has no threads build), installed at /opt/wasi-threads-sysroot in
# the chroot. Needs root and network, like chroot.sh.
#
#   testdata/emscripten/chroot.sh setup forky      # once
#   testdata/wasi-threads/c/sysroot.sh [WASI_LIBC_CHECKOUT]
#
# WASI_LIBC_CHECKOUT: a wasi-libc source tree to build (default: a clone of
# github.com/WebAssembly/wasi-libc at the commit below). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
chroot_sh="$here/../../emscripten/chroot.sh"
root="${CHROOT_BASE:-/opt}/forky"
# The commit these programs were built with.
commit=476bd3c24b0ee845293043f63e90fdf1c46661a2
[ -x "$root/usr/bin/apt-get" ] || { echo "no forky chroot: run '$chroot_sh setup forky' first" >&2; exit 1; }
[ -e "$root/opt/wasi-threads-sysroot/lib/wasm32-wasip1-threads/libc.a" ] && exit 0
chroot "$root" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends clang-21 lld-21 llvm-21 cmake make libclang-rt-dev-wasm32 git ca-certificates
src="$root/tmp/wasi-libc"
rm -rf "$src"
if [ -n "${1:-}" ]; then
    cp -a "$1" "$src"
else
    chroot "$root" git clone -q https://github.com/WebAssembly/wasi-libc /tmp/wasi-libc
    chroot "$root" git -C /tmp/wasi-libc checkout -q "$commit"
fi
# Debian's compiler-rt builtins stand in for the ones the build would
# download; -DBUILD_TESTS=OFF keeps it to the library.
chroot "$root" sh -c 'cd /tmp/wasi-libc && cmake -S . -B build \
    -DCMAKE_C_COMPILER=clang-21 -DCMAKE_AR=llvm-ar-21 -DCMAKE_NM=llvm-nm-21 \
    -DTARGET_TRIPLE=wasm32-wasip1-threads -DCMAKE_INSTALL_PREFIX=/opt/wasi-threads-sysroot \
    -DBUILTINS_LIB=/usr/lib/llvm-21/lib/clang/21/lib/wasi/libclang_rt.builtins-wasm32.a \
    -DBUILD_TESTS=OFF -DBUILD_SHARED=OFF && cmake --build build -j"$(nproc)" && cmake --install build'
