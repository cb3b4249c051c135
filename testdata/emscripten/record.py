#!/usr/bin/env python3
"""Records the expected output of every testdata/emscripten case from
Emscripten's own JavaScript glue under node (the reference runtime).

Run build.sh first: it leaves the glue in $GLUE (default /tmp/emscripten-glue).
Programs whose glue is checked in beside them (minified-*, build-minified.sh)
run from that glue, under the forky chroot's node 24:
`chroot.sh run forky python3 testdata/emscripten/record.py minified-hello-O3 ...`.
For each <program>/<case>.case (format: testdata/README.md) this copies the
fixtures to fresh temp dirs, replaces a guest mount path in the arguments by
its host copy (glue builds use -sNODERAWFS, so the guest sees host paths),
runs `node --no-experimental-fetch <program>.js ARGS` with TZ=UTC and the
case's environment (src/pre.js copies it into the guest's), and writes
<case>.stdout and <case>.exit. The WAT guests `invoke*` run under
src/invoke_runner.js instead.

Where the reference differs from a native process by design, the recorded
exit code is the native one, and this script says so (see README.md):
an Emscripten `abort()` or an uncaught C++ exception makes node exit with 1
after printing "Aborted(...)" or "exiting due to exception"; natively both
are SIGABRT, and wasmer-imports reports them as a trap, exit 134.

Usage: record.py [--check] [--root VERSION] [program...]
(--root: the programs of testdata/emscripten/VERSION, built by build-current.sh)
"""
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.abspath(__file__))
HERE = SRC  # the folder of programs: testdata/emscripten, or --root VERSION under it
GLUE = os.environ.get("GLUE", "/tmp/emscripten-glue")
TRAP_EXIT = 134
# Debian 12's node 20 needs this for 3.1.6's glue; current glue runs on node 24 without.
NODE_FLAGS = os.environ.get("NODE_FLAGS", "--no-experimental-fetch").split()


def parse(path):
    args, env, dirs = [], {}, []
    for line in open(path):
        t = line.strip()
        if not t or t.startswith("#"):
            continue
        key, _, value = line.lstrip().rstrip("\n").partition(" ")
        if key == "arg":
            args.append(value)
        elif key == "env":
            n, _, v = value.partition("=")
            env[n] = v
        elif key == "dir":
            h, _, g = value.partition("::")
            dirs.append((h, g))
        else:
            raise SystemExit(f"{path}: unknown key {key}")
    return args, env, dirs


def record(prog, case, check):
    pdir = os.path.join(HERE, prog)
    args, env, dirs = parse(os.path.join(pdir, case + ".case"))
    temps = []
    try:
        for host, guest in dirs:
            t = tempfile.mkdtemp()
            temps.append(t)
            dst = os.path.join(t, "mnt")
            shutil.copytree(os.path.join(pdir, host), dst)
            args = [dst + a[len(guest):] if a == guest or a.startswith(guest + "/") else a for a in args]
        if prog.startswith("invoke"):
            cmd = ["node", os.path.join(SRC, "src", "invoke_runner.js"), os.path.join(pdir, prog + ".wasm")]
        elif os.path.exists(os.path.join(pdir, prog + ".js")):
            # minified-*: the checked-in glue, run as built (no --pre-js).
            cmd = ["node", os.path.join(pdir, prog + ".js")]
        else:
            cmd = ["node", *NODE_FLAGS, os.path.join(GLUE, prog + ".js")]
        run_env = dict(env)
        # UTC unless the case names a zone (localtime's cases do).
        run_env.setdefault("TZ", "UTC")
        run_env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
        cwd = tempfile.mkdtemp()
        temps.append(cwd)
        p = subprocess.run(cmd + args, env=run_env, cwd=cwd, capture_output=True, timeout=60)
    finally:
        for t in temps:
            shutil.rmtree(t, ignore_errors=True)
    code = p.returncode
    # A standalone build's abort is a bare `unreachable` trap under its glue.
    # From emcc 4, an uncaught C++ exception is an unhandled promise rejection.
    trapped = (b"Aborted(", b"exiting due to exception", b"RuntimeError: unreachable", b"ERR_UNHANDLED_REJECTION", b"new CppException(", b"WebAssembly.Exception")
    if code == 1 and any(t in p.stderr for t in trapped):
        print(f"{prog}/{case}: node exit 1 after abort; recording {TRAP_EXIT} (see README.md)")
        code = TRAP_EXIT
    files = {case + ".stdout": p.stdout, case + ".exit": f"{code}\n".encode()}
    changed = False
    for name, data in files.items():
        path = os.path.join(pdir, name)
        old = open(path, "rb").read() if os.path.exists(path) else None
        if old != data:
            changed = True
            if check:
                print(f"would change: {prog}/{name}")
            else:
                open(path, "wb").write(data)
    if p.stderr:
        # The last lines only: node prints a trap with a line of the (minified) glue.
        tail = [l[:200] for l in p.stderr.decode(errors="replace").splitlines()[-3:]]
        sys.stderr.write(f"{prog}/{case} stderr: " + "\n  ".join(tail) + "\n")
    return changed


# Programs whose glue lives elsewhere and that their own script records.
OWN_SCRIPT = {"localtime": "build-localtime.sh", "npm": "npm/record.py"}


def main():
    global HERE
    argv = sys.argv[1:]
    if "--root" in argv:
        i = argv.index("--root")
        HERE = os.path.join(SRC, argv[i + 1])
        del argv[i : i + 2]
    check = "--check" in argv
    want = [a for a in argv if a != "--check"]
    changed = False
    for prog in sorted(os.listdir(HERE)):
        pdir = os.path.join(HERE, prog)
        if not os.path.isdir(pdir) or prog == "src" or (want and prog not in want):
            continue
        if prog in OWN_SCRIPT and not want:
            print(f"{prog}: skipped, recorded by {OWN_SCRIPT[prog]}")
            continue
        for f in sorted(os.listdir(pdir)):
            if f.endswith(".case"):
                changed |= record(prog, f[:-5], check)
    sys.exit(1 if check and changed else 0)


if __name__ == "__main__":
    main()
