#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 600 s each).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${secs}s"
  cargo +nightly fuzz run -s none "$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10
done
