// Secondary WASI runner used by record.py for comparison only (node:wasi is
// not a sandbox and deviates from the spec in places; wasmtime is recorded).
// Usage: node --no-warnings node_wasi.mjs '<json spec>'
//   spec: {wasm, args, env, preopens: {guest: host}, stdin, stdout, stderr}
// Prints the exit code on stdout (or "trap" and exits 70).
import { WASI } from 'node:wasi';
import fs from 'node:fs';

const spec = JSON.parse(process.argv[2]);
const stdin = fs.openSync(spec.stdin, 'r');
const stdout = fs.openSync(spec.stdout, 'w');
const stderr = fs.openSync(spec.stderr, 'w');
const wasi = new WASI({
  version: 'preview1',
  args: spec.args,
  env: spec.env,
  preopens: spec.preopens,
  stdin, stdout, stderr,
  returnOnExit: true,
});
const module = await WebAssembly.compile(fs.readFileSync(spec.wasm));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
let code;
try {
  code = wasi.start(instance);
} catch (e) {
  fs.writeSync(stderr, `trap: ${e}\n`);
  console.log('trap');
  process.exit(70);
}
for (const fd of [stdin, stdout, stderr]) fs.closeSync(fd);
console.log(String(code ?? 0));
