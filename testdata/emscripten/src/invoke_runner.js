// Reference runner for invoke.wat: Emscripten's invoke_* semantics exactly
// as its glue generates them (tools/js_manipulation.py make_invoke, with
// WASM_BIGINT: i64 is a BigInt and an unwound i64 call returns 0n), and
// _emscripten_throw_longjmp as library.js defines it (throw Infinity).
// Usage: node invoke_runner.js invoke.wasm
const fs = require('fs');
const bytes = fs.readFileSync(process.argv[2]);
let ex;
// Either name set: before and after Emscripten 3.1.57.
const stackSave = () => (ex.stackSave || ex.emscripten_stack_get_current)();
const stackRestore = (sp) => (ex.stackRestore || ex._emscripten_stack_restore)(sp);
function makeInvoke(sig) {
  return function (index, ...args) {
    const sp = stackSave();
    try {
      return ex.__indirect_function_table.get(index)(...args);
    } catch (e) {
      stackRestore(sp);
      if (e !== e + 0) throw e;
      ex.setThrew(1, 0);
      if (sig[0] === 'j') return 0n;
    }
  };
}
const env = new Proxy({}, {
  get(_, name) {
    if (name === '_emscripten_throw_longjmp') return () => { throw Infinity; };
    if (name.startsWith('invoke_')) return makeInvoke(name.slice(7));
    return undefined;
  },
});
const wasi = {
  fd_write(fd, iovs, n, nwritten) {
    const view = new DataView(ex.memory.buffer);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const ptr = view.getUint32(iovs + 8 * i, true);
      const len = view.getUint32(iovs + 8 * i + 4, true);
      fs.writeSync(fd, new Uint8Array(ex.memory.buffer, ptr, len));
      total += len;
    }
    view.setUint32(nwritten, total, true);
    return 0;
  },
};
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env, wasi_snapshot_preview1: wasi });
ex = inst.exports;
ex.__wasm_call_ctors();
process.exitCode = ex.main(0, 0);
