// Reference runner: runs an AssemblyScript program through its generated ESM
// bindings (`asc --bindings esm`) under node, the way the bindings behave,
// with the mappings to wasmer-imports' contract listed in README.md:
//
//   node run.mjs PROG.js [--trace off|console|stdout|stderr] [--invoke NAME [ARGS...]]
//
// * abort: the bindings throw `Error("<msg> in <file>:<line>:<col>")`; an
//   uncaught one would make node print a stack and exit 1. Here the
//   message goes to stderr on a line of its own and the exit code is 255.
// * trace: the bindings call `console.log(message, ...args)`. `console`
//   leaves that call alone (what a user of the bindings sees); otherwise a
//   trace is dropped (`off`, the default) or written to stdout/stderr as
//   `trace: <message> <a0>,<a1>...`, every value formatted exactly as
//   console.log formats it.
// * --invoke: imports the bindings (which run `_start`, or the start
//   section, first), calls the export with the arguments as numbers and
//   prints `String(result)` unless it returned undefined.
// * an imported memory (`--importMemory`) is created from the module's
//   declared limits, as the bindings' caller is expected to.
// * any other error thrown by the program (a trap): its text on stderr,
//   exit 134.
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { pathToFileURL } from "node:url";

const argv = process.argv.slice(2);
const bindings = argv.shift();
let traceMode = "off";
let invoke = null;
let invokeArgs = [];
while (argv.length) {
  const a = argv.shift();
  if (a === "--trace") traceMode = argv.shift();
  else if (a === "--invoke") { invoke = argv.shift(); invokeArgs = argv.splice(0); }
  else throw new Error(`unknown option ${a}`);
}
if (!["off", "console", "stdout", "stderr"].includes(traceMode)) throw new Error(`bad --trace ${traceMode}`);

// The memory imports of a wasm binary, with their limits.
function memoryImports(bytes) {
  let at = 8;
  const leb = () => {
    let result = 0, shift = 0, b;
    do { b = bytes[at++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  };
  const name = () => { const n = leb(); const s = Buffer.from(bytes.subarray(at, at + n)).toString(); at += n; return s; };
  const limits = () => { const flags = bytes[at++]; const min = leb(); const max = flags & 1 ? leb() : undefined; return { min, max, shared: !!(flags & 2) }; };
  const out = [];
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        const module = name(), field = name(), kind = bytes[at++];
        if (kind === 0) leb();
        else if (kind === 1) { at++; limits(); }
        else if (kind === 2) out.push({ module, field, ...limits() });
        else if (kind === 3) at += 2;
        else if (kind === 4) { at++; leb(); }
      }
    }
    at = end;
  }
  return out;
}

let inTrace = false;
const realInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = function (module, imports) {
  const env = imports.env;
  const wasmPath = new URL(bindings.replace(/\.js$/, ".wasm"), pathToFileURL(process.cwd() + "/"));
  for (const m of memoryImports(readFileSync(wasmPath))) {
    const desc = { initial: m.min, shared: m.shared };
    if (m.max !== undefined) desc.maximum = m.max;
    imports[m.module][m.field] = new WebAssembly.Memory(desc);
  }
  if (Object.hasOwn(env, "trace")) {
    const trace = env.trace;
    env.trace = function (...a) {
      inTrace = true;
      try { return trace.apply(this, a); } finally { inTrace = false; }
    };
  }
  if (Object.hasOwn(env, "abort")) {
    const abort = env.abort;
    env.abort = function (...a) {
      try { return abort.apply(this, a); } catch (e) { e.asAbort = true; throw e; }
    };
  }
  return realInstantiate.call(this, module, imports);
};

const log = console.log;
console.log = function (...a) {
  if (!inTrace || traceMode === "console") return log.apply(console, a);
  if (traceMode === "off") return;
  const [message, ...values] = a;
  const show = (v) => (typeof v === "string" ? v : inspect(v));
  let line = `trace: ${show(message)}`;
  if (values.length) line += " " + values.map(show).join(",");
  (traceMode === "stdout" ? process.stdout : process.stderr).write(line + "\n");
};

function fail(e) {
  if (e && e.asAbort) {
    process.stderr.write(e.message + "\n");
    process.exitCode = 255;
  } else {
    process.stderr.write(String(e) + "\n");
    process.exitCode = 134;
  }
}

try {
  const mod = await import(pathToFileURL(bindings).href);
  if (invoke !== null) {
    if (typeof mod[invoke] !== "function") throw new Error(`no exported function ${invoke}`);
    const result = mod[invoke](...invokeArgs.map(Number));
    if (result !== undefined) process.stdout.write(String(result) + "\n");
  }
} catch (e) {
  fail(e);
}
