#!/usr/bin/env python3
"""Prints criterion's latest results as Markdown tables, one per group,
with each benchmark's median and its ratio to the group's baselines.

Usage: scripts/bench_table.py [TARGET_DIR]   (default: target)

Criterion keeps every benchmark's estimates in
TARGET/criterion/<group>/<bench>/new/estimates.json; the group and bench
names are in the benchmark.json beside them. A benchmark whose name starts
with "baseline:" is a baseline; every other row gets a column per baseline
(its median divided by that baseline's), and, when the group has both an
empty-host-call and a native baseline, a column against their sum: the
floor a host call doing that native work cannot go below.
"""
import json
import sys
from pathlib import Path


def load(target):
    groups = {}
    for est in sorted(Path(target, "criterion").glob("**/new/estimates.json")):
        meta = json.loads((est.parent / "benchmark.json").read_text())
        median = json.loads(est.read_text())["median"]["point_estimate"]
        groups.setdefault(meta["group_id"], {})[meta["function_id"]] = median
    return groups


def fmt(ns):
    return f"{ns:,.1f}" if ns < 10_000 else f"{ns:,.0f}"


def table(name, rows):
    baselines = {k: v for k, v in rows.items() if k.startswith("baseline:")}
    call = next((v for k, v in baselines.items() if "host call" in k), None)
    natives = {k: v for k, v in baselines.items() if "host call" not in k}
    floors = {k: call + v for k, v in natives.items()} if call is not None else {}
    head = ["benchmark", "median (ns)"] + [f"/ {k[len('baseline: '):]}" for k in baselines]
    head += [f"/ (host call + {k[len('baseline: '):]})" for k in floors]
    out = [f"### {name}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for k, v in rows.items():
        cells = [k, fmt(v)]
        if not k.startswith("baseline:"):
            cells += [f"{v / b:.2f}x" for b in baselines.values()]
            cells += [f"{v / f:.2f}x" for f in floors.values()]
        else:
            cells += [""] * (len(baselines) + len(floors))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


# Groups in the order BENCHMARKS.md discusses them; others follow by name.
ORDER = ["fd_write 1x16B", "fd_write 1x1KiB", "fd_write 4x1KiB", "fd_write 16x64B", "fd_write 1x64KiB",
         "fd_read", "clock_time_get", "random_get", "path_open", "fd_readdir", "gojs", "assemblyscript",
         "setup", "cli"]


def rank(group):
    return next((i for i, p in enumerate(ORDER) if group.startswith(p)), len(ORDER)), group


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else "target"
    groups = load(target)
    if not groups:
        sys.exit(f"no criterion results under {target}/criterion: run cargo bench first")
    tables = []
    for g in sorted(groups, key=rank):
        rows = groups[g]
        # Measured rows first, then the baselines.
        ordered = dict(sorted(rows.items(), key=lambda kv: kv[0].startswith("baseline:")))
        tables.append(table(g, ordered))
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
