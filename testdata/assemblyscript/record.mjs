// Records the expected output of every case with the reference runner
// (run.mjs: the generated ESM bindings under node):
//
//   node testdata/assemblyscript/record.mjs [--check] [program[/case]...]
//
// For each <program>/<case>.case (arguments, testdata/README.md format) and
// its optional <case>.options (`trace off|console|stdout|stderr`, `invoke NAME`),
// writes <case>.stdout, <case>.stderr and <case>.exit. `--check` writes
// nothing and exits 1 if a file would change. console.time durations
// differ from run to run, so they are compared masked (see README.md).
import { readdirSync, readFileSync, writeFileSync, existsSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const check = argv[0] === "--check" ? (argv.shift(), true) : false;
const want = argv;

export function maskDurations(text) {
  return text.replace(/^(.*: )\d+(\.\d+)?(ms|s)$/gm, "$1<duration>");
}

let changed = 0, total = 0;
for (const prog of readdirSync(here).sort()) {
  const dir = join(here, prog);
  if (prog === "node_modules" || !statSync(dir).isDirectory()) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".case")).sort()) {
    const name = file.slice(0, -5);
    if (want.length && !want.includes(prog) && !want.includes(`${prog}/${name}`)) continue;
    const args = [];
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const t = line.trimStart();
      if (!t || t.startsWith("#")) continue;
      const [key, ...rest] = t.split(" ");
      if (key !== "arg") throw new Error(`${prog}/${file}: only arg lines are used here, got ${key}`);
      args.push(rest.join(" "));
    }
    const opts = [];
    let invoke = null;
    const optFile = join(dir, `${name}.options`);
    if (existsSync(optFile)) {
      for (const line of readFileSync(optFile, "utf8").split("\n")) {
        const t = line.trim();
        if (!t || t.startsWith("#")) continue;
        const [key, value] = t.split(/ +/);
        if (key === "trace") opts.push("--trace", value);
        else if (key === "invoke") invoke = value;
        else throw new Error(`${prog}/${name}.options: unknown key ${key}`);
      }
    }
    if (invoke !== null) opts.push("--invoke", invoke, ...args);
    else if (args.length) throw new Error(`${prog}/${name}: arguments need an invoke option`);
    const r = spawnSync(process.execPath, ["--no-warnings", join(here, "run.mjs"), `${prog}/${prog}.js`, ...opts], {
      cwd: here,
      encoding: "buffer",
    });
    const out = { stdout: r.stdout, stderr: r.stderr, exit: Buffer.from(`${r.status}\n`) };
    total++;
    for (const [ext, bytes] of Object.entries(out)) {
      const path = join(dir, `${name}.${ext}`);
      const old = existsSync(path) ? readFileSync(path) : null;
      const same = old !== null && maskDurations(old.toString()) === maskDurations(bytes.toString());
      if (same) continue;
      changed++;
      console.log(`${check ? "would change" : "wrote"} ${prog}/${name}.${ext}`);
      if (!check) writeFileSync(path, bytes);
    }
  }
}
console.log(`${total} cases, ${changed} files ${check ? "differ" : "written"}`);
if (check && changed) process.exit(1);
