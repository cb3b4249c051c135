#!/usr/bin/env python3
"""Record the expected output of every testdata case under the reference runtime.

For every testdata/wasi/<lang>/<program>/<case>.case this runs <program>.wasm
under the `wasmtime` Python package (the reference) and writes
<case>.stdout (exact bytes) and <case>.exit (decimal exit code + newline).
Fixture directories named by `dir` lines are copied to a fresh temp dir first.

Unless --no-node is given, every case is also run under node's `node:wasi`
and any disagreement with wasmtime is printed as a diff (informational only:
the wasmtime result is what gets recorded). Also reported: cases where the
Rust and C builds of a program disagree (expected only for `hello`).

Usage (from anywhere; needs testdata/.venv, see build.sh):
    testdata/.venv/bin/python testdata/record.py [--check] [--no-node] [FILTER...]
FILTER matches `<lang>`, `<program>`, `<lang>/<program>` or `<lang>/<program>/<case>`.
--check   write nothing; exit 1 if any recorded file would change.
"""

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import wasmtime

HERE = Path(__file__).resolve().parent
WASI_ROOT = HERE / "wasi"
NODE_RUNNER = HERE / "node_wasi.mjs"
TIMEOUT = 30.0  # seconds per run


class CaseError(Exception):
    pass


def parse_case(path):
    """Parse a .case file. See README.md for the format."""
    case = {"args": [], "env": [], "dirs": [], "stdin": None}
    text = path.read_text(encoding="utf-8")
    for lineno, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        kw, _, val = line.partition(" ")
        where = f"{path}:{lineno}"
        if kw == "arg":
            case["args"].append(val)
        elif kw == "env":
            name, eq, value = val.partition("=")
            if not eq or not name:
                raise CaseError(f"{where}: expected `env NAME=VALUE`")
            case["env"].append((name, value))
        elif kw == "dir":
            host, sep, guest = val.partition("::")
            if not sep or not host or not guest.startswith("/"):
                raise CaseError(f"{where}: expected `dir HOSTREL::/GUEST`")
            case["dirs"].append((host, guest))
        elif kw == "stdin":
            if case["stdin"] is not None or not val:
                raise CaseError(f"{where}: one `stdin FILE` at most")
            case["stdin"] = val
        else:
            raise CaseError(f"{where}: unknown directive {kw!r}")
    return case


def prepare(progdir, case, tmp):
    """Copy fixtures into tmp; return (preopens [(host, guest)], stdin path)."""
    preopens = []
    for i, (host, guest) in enumerate(case["dirs"]):
        src = progdir / host
        if not src.is_dir():
            raise CaseError(f"{progdir}: fixture dir {host!r} missing")
        dst = Path(tmp) / f"mount{i}"
        shutil.copytree(src, dst, symlinks=True)
        preopens.append((str(dst), guest))
    if case["stdin"] is not None:
        stdin = progdir / case["stdin"]
        if not stdin.is_file():
            raise CaseError(f"{progdir}: stdin file {case['stdin']!r} missing")
        stdin = str(stdin)
    else:
        stdin = os.devnull
    return preopens, stdin


_engine = None
_modules = {}


def engine():
    global _engine
    if _engine is None:
        cfg = wasmtime.Config()
        cfg.epoch_interruption = True
        _engine = wasmtime.Engine(cfg)
    return _engine


def run_wasmtime(wasm, case, progdir):
    """Returns (stdout bytes, exit code, stderr bytes)."""
    eng = engine()
    module = _modules.get(wasm)
    if module is None:
        module = _modules[wasm] = wasmtime.Module.from_file(eng, str(wasm))
    with tempfile.TemporaryDirectory(prefix="wasi-case-") as tmp:
        preopens, stdin = prepare(progdir, case, tmp)
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        store = wasmtime.Store(eng)
        store.set_epoch_deadline(1)
        linker = wasmtime.Linker(eng)
        linker.define_wasi()
        cfg = wasmtime.WasiConfig()
        cfg.argv = [wasm.name] + case["args"]
        cfg.env = [[k, v] for k, v in case["env"]]
        for host, guest in preopens:
            cfg.preopen_dir(host, guest)
        cfg.stdin_file = stdin
        cfg.stdout_file = str(out)
        cfg.stderr_file = str(err)
        store.set_wasi(cfg)
        instance = linker.instantiate(store, module)
        start = instance.exports(store)["_start"]
        timer = threading.Timer(TIMEOUT, eng.increment_epoch)
        timer.start()
        try:
            start(store)
            code = 0
        except wasmtime.ExitTrap as e:
            code = e.code
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            if "invalid exit status" in str(e):
                # wasmtime refuses proc_exit(n) for n >= 126 (a wasmtime
                # policy, not part of WASI preview1); main() falls back to
                # node for the exit code.
                code = None
            else:
                raise CaseError(f"{wasm.name}: trapped under wasmtime: {e}") from None
        finally:
            timer.cancel()
        del store, instance, start
        return out.read_bytes(), code, err.read_bytes()


def run_node(wasm, case, progdir):
    """Returns (stdout bytes, exit code or None on trap, stderr bytes)."""
    with tempfile.TemporaryDirectory(prefix="wasi-case-node-") as tmp:
        preopens, stdin = prepare(progdir, case, tmp)
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        spec = {
            "wasm": str(wasm),
            "args": [wasm.name] + case["args"],
            "env": dict(case["env"]),
            "preopens": {guest: host for host, guest in preopens},
            "stdin": stdin,
            "stdout": str(out),
            "stderr": str(err),
        }
        try:
            p = subprocess.run(
                ["node", "--no-warnings", str(NODE_RUNNER), json.dumps(spec)],
                capture_output=True, timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return b"", None, b"timeout"
        res = p.stdout.decode().strip()
        code = int(res) if res.lstrip("-").isdigit() else None
        return out.read_bytes(), code, err.read_bytes() + p.stderr


def show_diff(label, a, b, name_a, name_b):
    lines = difflib.unified_diff(
        a.decode("utf-8", "backslashreplace").splitlines(keepends=True),
        b.decode("utf-8", "backslashreplace").splitlines(keepends=True),
        fromfile=f"{label} ({name_a})", tofile=f"{label} ({name_b})",
    )
    for ln in lines:
        sys.stdout.write(ln if ln.endswith("\n") else ln + "\n\\ no newline\n")


def selected(filters, lang, prog, case):
    if not filters:
        return True
    names = {lang, prog, f"{lang}/{prog}", f"{lang}/{prog}/{case}"}
    return any(f.strip("/") in names for f in filters)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; fail on any change")
    ap.add_argument("--no-node", action="store_true", help="skip the node:wasi comparison")
    ap.add_argument("filters", nargs="*")
    opts = ap.parse_args()
    use_node = not opts.no_node and shutil.which("node") is not None

    changed, errors, node_diffs, notes, results = [], [], [], [], {}
    for progdir in sorted(WASI_ROOT.glob("*/*/")):
        lang, prog = progdir.parent.name, progdir.name
        wasm = progdir / f"{prog}.wasm"
        for case_file in sorted(progdir.glob("*.case")):
            cname = case_file.stem
            if not selected(opts.filters, lang, prog, cname):
                continue
            label = f"{lang}/{prog}/{cname}"
            try:
                case = parse_case(case_file)
                if not wasm.is_file():
                    raise CaseError(f"{wasm} missing (run build.sh)")
                out, code, err = run_wasmtime(wasm, case, progdir)
            except CaseError as e:
                errors.append(str(e))
                print(f"ERROR {label}: {e}")
                continue
            n_res = None
            if code is None:
                # proc_exit(>=126): take node's exit code if node printed
                # exactly what wasmtime had printed before it refused.
                # Without node, keep a recorded code >= 126 if stdout still matches.
                n_res = run_node(wasm, case, progdir) if use_node else None
                exit_file = progdir / f"{cname}.exit"
                stdout_file = progdir / f"{cname}.stdout"
                if n_res is not None and n_res[0] == out and n_res[1] is not None:
                    code, source = n_res[1], "node's exit code"
                elif (n_res is None and exit_file.exists() and stdout_file.exists()
                        and stdout_file.read_bytes() == out
                        and int(exit_file.read_text()) >= 126):
                    code, source = int(exit_file.read_text()), "the recorded exit code"
                else:
                    errors.append(f"{label}: wasmtime refused the exit status and node "
                                  "could not supply it")
                    print(f"ERROR {label}: wasmtime refused the exit status")
                    continue
                notes.append(f"{label}: wasmtime refuses proc_exit({code}) (only [0..126) "
                             f"allowed); used {source}")
                print(f"  NOTE: {notes[-1]}")
            results[(lang, prog, cname)] = (out, code)
            status = f"exit={code}"
            if err:
                status += f" stderr={err[:200]!r}"
            print(f"{label}: {status}")

            for path, data in ((progdir / f"{cname}.stdout", out),
                               (progdir / f"{cname}.exit", f"{code}\n".encode())):
                if not path.exists() or path.read_bytes() != data:
                    changed.append(str(path.relative_to(HERE)))
                    if not opts.check:
                        path.write_bytes(data)

            if use_node:
                n_out, n_code, n_err = n_res or run_node(wasm, case, progdir)
                if (n_out, n_code) != (out, code):
                    node_diffs.append(label)
                    print(f"  node:wasi DISAGREES: exit wasmtime={code} node={n_code}")
                    if n_err:
                        print(f"  node stderr: {n_err[:300]!r}")
                    if n_out != out:
                        show_diff(label, out, n_out, "wasmtime", "node")

    # Rust and C builds of one program should print the same thing.
    lang_diffs = []
    for (lang, prog, cname), (out, code) in sorted(results.items()):
        if lang != "rust" or prog == "hello":
            continue
        other = results.get(("c", prog, cname))
        if other is not None and other != (out, code):
            lang_diffs.append(f"{prog}/{cname}")
            print(f"rust vs c DISAGREE on {prog}/{cname}: exit {code} vs {other[1]}")
            show_diff(f"{prog}/{cname}", out, other[0], "rust", "c")

    print()
    print(f"{len(results)} cases run under wasmtime {wasmtime.__version__ if hasattr(wasmtime, '__version__') else ''}".rstrip())
    verb = "would change" if opts.check else "updated"
    print(f"{len(changed)} recorded files {verb}" + "".join(f"\n  {c}" for c in changed))
    if use_node:
        print(f"node:wasi disagrees on {len(node_diffs)} cases" + "".join(f"\n  {c}" for c in node_diffs))
    for n in notes:
        print(f"NOTE: {n}")
    if lang_diffs:
        print(f"rust vs c disagree on: {', '.join(lang_diffs)}")
    for e in errors:
        print(f"ERROR: {e}")
    if errors or (opts.check and changed):
        sys.exit(1)


if __name__ == "__main__":
    main()
