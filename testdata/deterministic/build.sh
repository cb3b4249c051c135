#!/usr/bin/env bash
# Rebuilds the determinism guest. Needs Debian's clang + wasi-libc:
#   apt-get install --no-install-recommends clang lld wasi-libc libclang-rt-dev-wasm32
# No expected output is recorded: the test runs it twice and compares.
set -euo pipefail
cd "$(dirname "$0")"
clang --target=wasm32-wasi -O2 -s clockrand.c -o clockrand.wasm
