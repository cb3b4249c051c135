// Runs an Asyncify-transformed WASI module under node:wasi and really
// suspends it: every call of a suspending import (poll_oneoff, sched_yield,
// fd_read) does the WASI call, then unwinds the guest stack
// (asyncify_start_unwind), returns to this driver, which rewinds it
// (asyncify_start_rewind + calling _start again); the import is entered again
// in the rewinding state and returns the saved result (asyncify_stop_rewind).
// So the guest must print exactly what it prints without suspending.
//
// Unwind buffer, first source that the module offers (the order the issue asks
// of the host):
//   1. memory     an exported memory named `asyncify_memory` (multi-memory:
//                 binaryen's asyncify-in-secondary-memory, export added by
//                 export_memory.py); header at 0, stack after it
//   2. asyncify_malloc_buffer(size) -> ptr / asyncify_free_buffer(ptr, size)
//   3. malloc(size) -> ptr / free(ptr)
//   4. grow       memory.grow of the main memory by one page, kept for the run
// 2 and 3 allocate at each suspend and free when the rewind is complete (as
// Emscripten's glue does).
//
// Usage: node --no-warnings [--experimental-wasm-multi-memory] node_asyncify.mjs '<json spec>'
//   spec as node_wasi.mjs: {wasm, args, env, preopens, stdin, stdout, stderr}
// Prints "<exit code> suspends=<n> buffer=<source>" on stdout (or "trap ..." and exits 70).
import { WASI } from 'node:wasi';
import fs from 'node:fs';

const SUSPENDING = ['poll_oneoff', 'sched_yield', 'fd_read'];
const BUF_SIZE = 16384;
const spec = JSON.parse(process.argv[2]);
const stdin = fs.openSync(spec.stdin, 'r');
const stdout = fs.openSync(spec.stdout, 'w');
const stderr = fs.openSync(spec.stderr, 'w');
const wasi = new WASI({
  version: 'preview1', args: spec.args, env: spec.env, preopens: spec.preopens,
  stdin, stdout, stderr, returnOnExit: true,
});

let ex;            // the guest's exports
let suspends = 0;
let saved;         // the suspended import's result, returned on rewind
let buf;           // {mem, ptr, size, free} of the current unwind buffer
let source;
let growBuf;

function allocate() {
  const memories = Object.entries(ex).filter(([, v]) => v instanceof WebAssembly.Memory);
  if (ex.asyncify_memory instanceof WebAssembly.Memory) {
    source = 'memory';
    return { mem: ex.asyncify_memory, ptr: 0, size: ex.asyncify_memory.buffer.byteLength, free() {} };
  }
  if (memories.length > 1) throw new Error('module has several memories but no `asyncify_memory` export');
  if (ex.asyncify_malloc_buffer) {
    source = 'asyncify_malloc_buffer';
    const ptr = ex.asyncify_malloc_buffer(BUF_SIZE);
    if (!ptr) throw new Error('asyncify_malloc_buffer returned 0');
    return { mem: ex.memory, ptr, size: BUF_SIZE, free() { ex.asyncify_free_buffer(ptr, BUF_SIZE); } };
  }
  if (ex.malloc && ex.free) {
    source = 'malloc';
    const ptr = ex.malloc(BUF_SIZE);
    if (!ptr) throw new Error('malloc returned 0');
    return { mem: ex.memory, ptr, size: BUF_SIZE, free() { ex.free(ptr); } };
  }
  source = 'grow';
  if (!growBuf) {
    const ptr = ex.memory.grow(1) * 65536;
    growBuf = { mem: ex.memory, ptr, size: 65536, free() {} };
  }
  return growBuf;
}

function header(b) {
  // {i32 current stack position, i32 stack end}; the stack starts after it.
  const v = new DataView(b.mem.buffer);
  v.setUint32(b.ptr, b.ptr + 8, true);
  v.setUint32(b.ptr + 4, b.ptr + b.size, true);
}

const imports = wasi.getImportObject();
const w = imports.wasi_snapshot_preview1;
for (const name of SUSPENDING) {
  const real = w[name];
  w[name] = (...args) => {
    if (ex.asyncify_get_state() === 2) {      // rewinding: finish the call
      ex.asyncify_stop_rewind();
      buf.free();
      buf = undefined;
      const r = saved;
      saved = undefined;
      return r;
    }
    saved = real(...args);
    suspends++;
    buf = allocate();
    header(buf);
    ex.asyncify_start_unwind(buf.ptr);
    return 0;                                 // ignored by the unwinding guest
  };
}

const module = await WebAssembly.compile(fs.readFileSync(spec.wasm));
const instance = await WebAssembly.instantiate(module, imports);
ex = instance.exports;
for (const f of ['asyncify_start_unwind', 'asyncify_stop_unwind', 'asyncify_start_rewind',
  'asyncify_stop_rewind', 'asyncify_get_state']) {
  if (typeof ex[f] !== 'function') throw new Error(`no export ${f}: not an Asyncify module`);
}
// node:wasi calls our _start once; it drives the unwind/rewind loop.
const driver = {
  exports: {
    memory: ex.memory,
    _start() {
      for (;;) {
        ex._start();
        if (ex.asyncify_get_state() !== 1) return;
        ex.asyncify_stop_unwind();            // the guest is suspended here
        header_check();
        ex.asyncify_start_rewind(buf.ptr);
      }
    },
  },
};
function header_check() {
  const v = new DataView(buf.mem.buffer);
  const pos = v.getUint32(buf.ptr, true);
  if (pos <= buf.ptr + 8) throw new Error('unwind saved nothing');
}
let code;
try {
  code = wasi.start(driver);
} catch (e) {
  fs.writeSync(stderr, `trap: ${e}\n`);
  console.log(`trap suspends=${suspends} buffer=${source}`);
  process.exit(70);
}
for (const fd of [stdin, stdout, stderr]) fs.closeSync(fd);
console.log(`${code ?? 0} suspends=${suspends} buffer=${source ?? 'none'}`);
