#!/usr/bin/env bash
# Prints the medians (ns per call) of the last `cargo bench --bench
# fd_write_wasix` run, configuration x shape, from
# target/criterion/*/*/new/{benchmark,estimates}.json, and the ratios to ours.
set -euo pipefail
cd "$(dirname "$0")"
exec python3 - "${1:-target/criterion}" <<'PY'
import glob, json, os, sys

shapes, configs, median = [], [], {}
for bench in sorted(glob.glob(os.path.join(sys.argv[1], "*", "*", "new", "benchmark.json"))):
    meta = json.load(open(bench))
    group = meta["group_id"]
    if not group.startswith("fd_write "):
        continue
    shape, config = group[len("fd_write "):], meta["function_id"]
    est = json.load(open(os.path.join(os.path.dirname(bench), "estimates.json")))
    median[config, shape] = est["median"]["point_estimate"]
    shapes += [shape] if shape not in shapes else []
    configs += [config] if config not in configs else []

order = ["1x16B", "1x1KiB", "4x1KiB", "16x64B", "1x64KiB"]
shapes.sort(key=lambda s: order.index(s) if s in order else len(order))
configs.sort(key=lambda c: (not c.startswith("ours"), c.startswith("baseline"), "default" in c, c))
if not median:
    sys.exit("no fd_write results under " + sys.argv[1])

def row(name, cells):
    print(f"| {name} | " + " | ".join(cells) + " |")

row("median ns per call", shapes)
row("---", ["---:"] * len(shapes))
for c in configs:
    row(c, [f"{median[c, s]:,.0f}" if (c, s) in median else "-" for s in shapes])
ours = next((c for c in configs if c.startswith("ours")), None)
for c in configs:
    if c.startswith("wasix") and ours:
        row(f"{c} / ours", [f"{median[c, s] / median[ours, s]:,.1f}x"
                            if (c, s) in median and (ours, s) in median else "-" for s in shapes])
PY
