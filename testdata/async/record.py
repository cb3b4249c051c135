#!/usr/bin/env python3
"""Record the expected output of every testdata/async case.

WASI programs (wasi/<lang>/<program>/, plain and Asyncify-transformed): run
under the `wasmtime` Python package without suspending (the reference, as
../record.py does; its case format and runner are reused) and write
<case>.stdout and <case>.exit. Then, as checks that change nothing:

* plain modules also run under node:wasi (../node_wasi.mjs);
* Asyncify modules (`<program>.asyncify*`) also run *suspending at every
  poll_oneoff / sched_yield / fd_read* under node:wasi with node_asyncify.mjs
  (Node 20 has no multi-memory, so not the `-mm` modules), and the `yield`
  ones (sched_yield only, multi-memory included) also under wasmtime with
  the driver below. Both must print the recorded output, and must really
  have suspended; the number of suspends and the unwind-buffer source used
  (memory / asyncify_malloc_buffer / malloc / grow) are printed;
* an Asyncify module must print what its plain program prints
  (`c/sleep.asyncify` vs `c/sleep`), and rust what c prints.

Emscripten programs (emscripten/<program>/): run Emscripten's own glue
($GLUE/<program>.js, from build.sh) under `node --no-experimental-fetch` with
TZ=UTC, as ../emscripten/record.py does.

Usage (needs testdata/.venv, see ../build.sh):
    testdata/.venv/bin/python testdata/async/record.py [--check] [--no-node] [FILTER...]
FILTER matches `<lang>`, `<program>`, `<lang>/<program>` or `<lang>/<program>/<case>`
(lang `emscripten` for the Emscripten programs).
--check   write nothing; exit 1 if any recorded file would change.
"""

import argparse
import importlib.util
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
_spec = importlib.util.spec_from_file_location("wasi_record", HERE.parent / "record.py")
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

NODE_ASYNCIFY = HERE / "node_asyncify.mjs"
GLUE = Path(os.environ.get("GLUE", "/tmp/async-emscripten-glue"))
SUSPENDING = ("poll_oneoff", "sched_yield", "fd_read")
BUF_SIZE = 16384
ASYNCIFY_FUNCS = ("asyncify_start_unwind", "asyncify_stop_unwind", "asyncify_start_rewind",
                  "asyncify_stop_rewind", "asyncify_get_state")


def run_wasmtime_suspending(wasm, case, progdir):
    """Like base.run_wasmtime, but sched_yield unwinds the guest after doing
    its work, and the driver rewinds it at once (the same protocol and
    buffer-source order as node_asyncify.mjs).
    Returns (stdout, exit code, stderr, suspends, buffer source)."""
    eng = base.engine()
    module = wasmtime.Module.from_file(eng, str(wasm))
    with tempfile.TemporaryDirectory(prefix="async-case-") as tmp:
        preopens, stdin = base.prepare(progdir, case, tmp)
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        store = wasmtime.Store(eng)
        store.set_epoch_deadline(1)
        linker = wasmtime.Linker(eng)
        linker.define_wasi()
        linker.allow_shadowing = True
        cfg = wasmtime.WasiConfig()
        cfg.argv = [wasm.name] + case["args"]
        cfg.env = [[k, v] for k, v in case["env"]]
        for host, guest in preopens:
            cfg.preopen_dir(host, guest)
        cfg.stdin_file = stdin
        cfg.stdout_file = str(out)
        cfg.stderr_file = str(err)
        store.set_wasi(cfg)

        st = {"suspends": 0, "saved": None, "buf": None, "source": None, "grow": None}
        ex = {}

        def allocate(c):
            mems = [n for n, v in ex.items() if isinstance(v, wasmtime.Memory)]
            if "asyncify_memory" in mems:
                m = ex["asyncify_memory"]
                st["source"] = "memory"
                return (m, 0, m.data_len(c), None)
            if len(mems) > 1:
                raise base.CaseError(f"{wasm.name}: several memories, no `asyncify_memory` export")
            if "asyncify_malloc_buffer" in ex:
                st["source"] = "asyncify_malloc_buffer"
                p = ex["asyncify_malloc_buffer"](c, BUF_SIZE)
                return (ex["memory"], p, BUF_SIZE, lambda c: ex["asyncify_free_buffer"](c, p, BUF_SIZE))
            if "malloc" in ex and "free" in ex:
                st["source"] = "malloc"
                p = ex["malloc"](c, BUF_SIZE)
                return (ex["memory"], p, BUF_SIZE, lambda c: ex["free"](c, p))
            st["source"] = "grow"
            if st["grow"] is None:
                m = ex["memory"]
                st["grow"] = (m, m.grow(c, 1) * 65536, 65536, None)
            return st["grow"]

        def wrap(name):
            # sched_yield is done here: a WASI function that the linker defined
            # finds no `memory` export when the host calls it ("missing required
            # memory export"), so only modules whose one suspending import is
            # sched_yield run here (see wasmtime_can_suspend).
            assert name == "sched_yield"
            real = lambda c: 0

            def f(c, *args):
                if ex["asyncify_get_state"](c) == 2:  # rewinding: finish the call
                    ex["asyncify_stop_rewind"](c)
                    mem, ptr, size, free = st["buf"]
                    if free:
                        free(c)
                    st["buf"] = None
                    r, st["saved"] = st["saved"], None
                    return r
                st["saved"] = real(c, *args)
                st["suspends"] += 1
                mem, ptr, size, free = st["buf"] = allocate(c)
                mem.write(c, (ptr + 8).to_bytes(4, "little") + (ptr + size).to_bytes(4, "little"), ptr)
                ex["asyncify_start_unwind"](c, ptr)
                return 0

            ty = wasmtime.FuncType([], [wasmtime.ValType.i32()])
            linker.define_func("wasi_snapshot_preview1", name, ty, f, access_caller=True)

        for imp in module.imports:
            if imp.module == "wasi_snapshot_preview1" and imp.name in SUSPENDING:
                wrap(imp.name)
        instance = linker.instantiate(store, module)
        ex.update(instance.exports(store))
        missing = [f for f in ASYNCIFY_FUNCS if f not in ex]
        if missing:
            raise base.CaseError(f"{wasm.name}: not an Asyncify module (no {', '.join(missing)})")
        timer = threading.Timer(base.TIMEOUT, eng.increment_epoch)
        timer.start()
        try:
            while True:
                ex["_start"](store)
                if ex["asyncify_get_state"](store) != 1:
                    break
                ex["asyncify_stop_unwind"](store)  # the guest is suspended here
                ex["asyncify_start_rewind"](store, st["buf"][1])
            code = 0
        except wasmtime.ExitTrap as e:
            code = e.code
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            raise base.CaseError(f"{wasm.name}: trapped while suspending under wasmtime: {e}") from None
        finally:
            timer.cancel()
        del store, instance, ex
        return out.read_bytes(), code, err.read_bytes(), st["suspends"], st["source"]


def wasmtime_can_suspend(wasm):
    """True if the module's only suspending import is sched_yield."""
    module = wasmtime.Module.from_file(base.engine(), str(wasm))
    names = {i.name for i in module.imports if i.module == "wasi_snapshot_preview1"}
    return names & set(SUSPENDING) == {"sched_yield"}


def run_node_asyncify(wasm, case, progdir):
    """node_asyncify.mjs: returns (stdout, exit code or None, stderr, suspends, source)."""
    with tempfile.TemporaryDirectory(prefix="async-case-node-") as tmp:
        preopens, stdin = base.prepare(progdir, case, tmp)
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        spec = {"wasm": str(wasm), "args": [wasm.name] + case["args"], "env": dict(case["env"]),
                "preopens": {g: h for h, g in preopens}, "stdin": stdin,
                "stdout": str(out), "stderr": str(err)}
        p = subprocess.run(["node", "--no-warnings", str(NODE_ASYNCIFY), json.dumps(spec)],
                           capture_output=True, timeout=base.TIMEOUT)
        words = p.stdout.decode().split()
        code = int(words[0]) if words and words[0].isdigit() else None
        kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        return (out.read_bytes(), code, err.read_bytes() + p.stderr,
                int(kv.get("suspends", 0)), kv.get("buffer"))


def multi_memory(wasm):
    return wasm.parent.name.endswith("-mm") or "-mm-" in wasm.parent.name


def record_emscripten(progdir, case):
    prog = progdir.name
    glue = GLUE / f"{prog}.js"
    if not glue.is_file():
        raise base.CaseError(f"{glue} missing (run build.sh)")
    env = {k: v for k, v in case["env"]}
    env["TZ"] = "UTC"
    env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
    with tempfile.TemporaryDirectory() as cwd:
        _, stdin = base.prepare(progdir, case, cwd)
        with open(stdin, "rb") as f:
            p = subprocess.run(["node", "--no-experimental-fetch", str(glue)] + case["args"],
                               env=env, cwd=cwd, stdin=f, capture_output=True, timeout=60)
    return p.stdout, p.returncode, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--no-node", action="store_true")
    ap.add_argument("filters", nargs="*")
    opts = ap.parse_args()
    use_node = not opts.no_node and shutil.which("node") is not None

    changed, errors, disagree, results = [], [], [], {}

    def write(path, data):
        if not path.exists() or path.read_bytes() != data:
            changed.append(str(path.relative_to(HERE)))
            if not opts.check:
                path.write_bytes(data)

    def compare(label, what, got, want):
        if got != want:
            disagree.append(f"{label} ({what})")
            print(f"  {what} DISAGREES: exit {got[1]} vs recorded {want[1]}")
            if got[0] != want[0]:
                base.show_diff(label, want[0], got[0], "recorded", what)

    progdirs = sorted(HERE.glob("wasi/*/*/")) + sorted(HERE.glob("emscripten/*/"))
    for progdir in progdirs:
        if not any(progdir.glob("*.case")):
            continue
        is_em = progdir.parent.name == "emscripten"
        lang, prog = ("emscripten", progdir.name) if is_em else (progdir.parent.name, progdir.name)
        wasm = progdir / f"{prog}.wasm"
        for case_file in sorted(progdir.glob("*.case")):
            cname = case_file.stem
            if not base.selected(opts.filters, lang, prog, cname):
                continue
            label = f"{lang}/{prog}/{cname}"
            try:
                case = base.parse_case(case_file)
                if not wasm.is_file():
                    raise base.CaseError(f"{wasm} missing (run build.sh)")
                if is_em:
                    out, code, err = record_emscripten(progdir, case)
                else:
                    out, code, err = base.run_wasmtime(wasm, case, progdir)
                if code is None:
                    raise base.CaseError("wasmtime refused the exit status")
            except base.CaseError as e:
                errors.append(f"{label}: {e}")
                print(f"ERROR {label}: {e}")
                continue
            results[(lang, prog, cname)] = (out, code)
            print(f"{label}: exit={code}" + (f" stderr={err[:200]!r}" if err else ""))
            write(progdir / f"{cname}.stdout", out)
            write(progdir / f"{cname}.exit", f"{code}\n".encode())
            if is_em:
                continue
            if ".asyncify" in prog and wasmtime_can_suspend(wasm):
                try:
                    o, c, e, n, src = run_wasmtime_suspending(wasm, case, progdir)
                    print(f"  wasmtime suspending: suspends={n} buffer={src}")
                    compare(label, "wasmtime suspending", (o, c), (out, code))
                    if n == 0:
                        errors.append(f"{label}: never suspended under wasmtime")
                except base.CaseError as e:
                    errors.append(f"{label}: {e}")
                    print(f"ERROR {label}: {e}")
            if not use_node:
                continue
            if multi_memory(wasm):
                print("  node: skipped (Node 20 / V8 11.3 cannot compile a module with 2 memories)")
            elif ".asyncify" in prog:
                o, c, e, n, src = run_node_asyncify(wasm, case, progdir)
                print(f"  node suspending: suspends={n} buffer={src}")
                compare(label, "node:wasi suspending", (o, c), (out, code))
                if n == 0:
                    errors.append(f"{label}: never suspended under node")
                if e:
                    print(f"  node stderr: {e[:300]!r}")
            else:
                o, c, e = base.run_node(wasm, case, progdir)
                compare(label, "node:wasi", (o, c), (out, code))

    # An Asyncify module prints what its plain program prints; rust what c prints.
    for (lang, prog, cname), res in sorted(results.items()):
        plain = prog.split(".asyncify")[0]
        if plain != prog and (lang, plain, cname) in results and results[(lang, plain, cname)] != res:
            disagree.append(f"{lang}/{prog}/{cname} vs {lang}/{plain}/{cname}")
            print(f"{lang}/{prog}/{cname} DISAGREES with {lang}/{plain}/{cname}")
        if lang == "rust" and ("c", prog, cname) in results and results[("c", prog, cname)] != res:
            disagree.append(f"rust vs c {prog}/{cname}")
            print(f"rust vs c DISAGREE on {prog}/{cname}")

    print()
    print(f"{len(results)} cases run")
    verb = "would change" if opts.check else "updated"
    print(f"{len(changed)} recorded files {verb}" + "".join(f"\n  {c}" for c in changed))
    print(f"{len(disagree)} disagreements" + "".join(f"\n  {d}" for d in disagree))
    for e in errors:
        print(f"ERROR: {e}")
    if errors or disagree or (opts.check and changed):
        sys.exit(1)


if __name__ == "__main__":
    main()
