#!/usr/bin/env python3
"""Records the expected output of the npm programs' cases from each
package's OWN node launcher.

    python3 testdata/emscripten/npm/record.py [--check] [--packages DIR] [package...]

For each package (wabt, clang-format, 7z-wasm) it gets the published
tarball (`npm pack <name>@<version>` into a temporary directory, or
DIR/<package>/package when --packages is given: an extracted tarball, with
`npm install --omit=dev` run in it for 7z-wasm's launcher), checks that
every file committed here is byte for byte the package's, then runs each
`<case>.case` as the package's users run the program: the launcher under
node, with TZ=UTC, in a fresh copy of the case's fixture (its `dir
fixture::/` is the working directory), the case's arguments and stdin
(/dev/null without one). It writes `<case>.stdout` (exact bytes) and
`<case>.exit`. `--check` writes nothing and exits 1 if a file would
change. Case keys used by the test runner only (`glue`, `js`, `env`) are
not passed to node: the launchers run the glue themselves, EM_ASM runs in
node, and the glue gives the program its own environment (see README.md).

Needs node 20 (no `navigator` object): the glue derives the guest's LANG
from `navigator.language` when there is one, and 7-Zip prints it.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# package dir here -> (npm spec, committed files that are the package's
# own, launcher for a case's `glue`, needs `npm install` for its launcher)
PACKAGES = {
    "wabt": (
        "wabt@1.0.39",
        ["LICENSE", "bin/wat2wasm", "bin/wasm2wat", "bin/wasm-objdump", "bin/wasm-interp"],
        lambda glue: glue,
        False,
    ),
    "clang-format": (
        "@wasm-fmt/clang-format@23.1.0",
        ["LICENSE", "clang-format-cli.cjs", "clang-format-cli.wasm"],
        lambda glue: glue,
        False,
    ),
    "7z-wasm": (
        "7z-wasm@1.2.0",
        ["License.txt", "unRarLicense.txt", "7zz.umd.js", "7zz.wasm"],
        lambda glue: "bin/cli",
        True,
    ),
}


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fetch(name, spec, install, work):
    """The extracted package directory of `spec`, downloaded into `work`."""
    d = os.path.join(work, name)
    os.makedirs(d)
    tgz = subprocess.run(["npm", "pack", "--silent", spec], cwd=d, check=True,
                         capture_output=True, text=True).stdout.split()[-1]
    subprocess.run(["tar", "xzf", tgz], cwd=d, check=True)
    pkg = os.path.join(d, "package")
    if install:
        subprocess.run(["npm", "install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"],
                       cwd=pkg, check=True, capture_output=True)
    return pkg


def parse(path):
    keys = {"arg": [], "dir": [], "stdin": None, "glue": None}
    for line in open(path, encoding="utf-8"):
        t = line.lstrip().rstrip("\n")
        if not t or t.startswith("#"):
            continue
        key, _, value = t.partition(" ")
        if key == "arg":
            keys["arg"].append(value)
        elif key == "dir":
            keys["dir"].append(value.split("::", 1))
        elif key in ("stdin", "glue"):
            keys[key] = value
        elif key not in ("env", "js"):
            sys.exit(f"{path}: unknown key {key}")
    return keys


def run_case(pkgdir, prog, launcher, case):
    c = parse(os.path.join(prog, case + ".case"))
    if [g for _, g in c["dir"]] != ["/"]:
        sys.exit(f"{case}: record.py supports one `dir X::/` (the working directory)")
    with tempfile.TemporaryDirectory() as t:
        cwd = os.path.join(t, "cwd")
        shutil.copytree(os.path.join(prog, c["dir"][0][0]), cwd)
        stdin = open(os.path.join(prog, c["stdin"]), "rb") if c["stdin"] else subprocess.DEVNULL
        env = {"PATH": os.environ["PATH"], "TZ": "UTC"}
        cmd = ["node", os.path.join(pkgdir, launcher(c["glue"]))] + c["arg"]
        p = subprocess.run(cmd, cwd=cwd, stdin=stdin, capture_output=True, env=env)
    lines = p.stderr.decode(errors="replace").split()
    if p.returncode == 255 and lines and lines[-1].isdigit():
        # 7-Zip's launcher catches what callMain throws, prints it and exits
        # 255; a bare number is an uncaught C++ exception (the thrown
        # object's address). A native process aborts: recorded as 134,
        # what wasmer-imports reports for the trap (README.md).
        print(f"  {case}: uncaught C++ exception under node (exit 255): recorded as 134")
        return p.stdout, 134
    return p.stdout, p.returncode


def write(path, data, check, changed):
    old = open(path, "rb").read() if os.path.exists(path) else None
    if old == data:
        return
    changed.append(path)
    if not check:
        with open(path, "wb") as f:
            f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--packages", help="DIR/<package>/package: extracted tarballs to use instead of npm pack")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    lang = subprocess.run(["node", "-e", "console.log(globalThis.navigator?.language ?? 'C')"],
                          capture_output=True, text=True, check=True).stdout.strip()
    if lang != "C":
        sys.exit(f"node has navigator.language {lang!r}: the glue would set LANG from it; use node 20")
    changed = []
    with tempfile.TemporaryDirectory() as work:
        for name in a.names or PACKAGES:
            spec, files, launcher, install = PACKAGES[name]
            pkgdir = (os.path.join(a.packages, name, "package") if a.packages
                      else fetch(name, spec, install, work))
            prog = os.path.join(HERE, name)
            for f in files:
                if sha(os.path.join(prog, f)) != sha(os.path.join(pkgdir, f)):
                    sys.exit(f"{name}/{f} is not {spec}'s {f}")
            for case in sorted(f[:-5] for f in os.listdir(prog) if f.endswith(".case")):
                out, code = run_case(pkgdir, prog, launcher, case)
                write(os.path.join(prog, case + ".stdout"), out, a.check, changed)
                write(os.path.join(prog, case + ".exit"), f"{code}\n".encode(), a.check, changed)
                print(f"{name}/{case}: exit {code}, {len(out)} bytes")
    for p in changed:
        print(("would change " if a.check else "wrote ") + os.path.relpath(p, HERE))
    sys.exit(1 if a.check and changed else 0)


if __name__ == "__main__":
    main()
