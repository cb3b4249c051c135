//! A probe for counting instructions with callgrind (instructions repeat
//! from run to run here; time does not): run one operation N times, then
//! 0 times, and divide the difference by N.
//!
//! ```sh
//! cargo build --release -p wasmer-imports --example instructions
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/instructions write 40000
//! ```
//!
//! Modes: `write N` (N 16-byte `fd_write`s, one iovec, into an
//! `OutputBuffer`), `read N` (N 16-byte `fd_read`s from a stdin in
//! memory), `setup N` (N WASI set-ups of the C hello: `instantiate_for`,
//! `Instance::new`, `bind`), `emsetup N` (the same for Emscripten's
//! `hello-glue-O2`), `assetup N` (AssemblyScript's hello:
//! `instantiate_for`, `import_memory`, `Instance::new`, `bind`) and
//! `gosetup N` (Go js, go1.27 hello: `instantiate`, `Instance::new`,
//! `bind`), `goworld N` (Go's own part of it: the JS world, `World::new`); the set-ups are those of `cli/benches/import_sets.rs`.

use imports::{stdio::OutputBuffer, ModuleConfig};
use std::path::PathBuf;
use wasmer::{Engine, Instance, Module, Store, Value};

#[path = "../benches/support/setups.rs"]
mod setups;
use setups::{setup_assemblyscript, setup_emscripten, setup_gojs, setup_wasi, Setup};

/// Calls `$w(FD, iovec at 0, 1, result at 64)` `$n` times; the iovec
/// points at 16 bytes at 16.
const LOOP: &str = r#"(module
  (import "wasi_snapshot_preview1" "CALL" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\10\00\00\00")
  (data (i32.const 16) "0123456789abcdef")
  (func (export "loop") (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (drop (call $w (i32.const FD) (i32.const 0) (i32.const 1) (i32.const 64)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))))"#;

fn testdata(path: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    std::fs::read(dir.join(path)).expect("testdata")
}

/// Runs the loop over `call` on `fd` `n` times with `config`'s world.
fn calls(engine: Engine, call: &str, fd: &str, config: ModuleConfig, n: u32) {
    let mut store = Store::new(engine);
    let wat = LOOP.replace("CALL", call).replace("FD", fd);
    let module = Module::new(&store, wat).expect("module");
    let wasi = wasi_snapshot_preview1::instantiate_for(&mut store, config.build().expect("host"), &module);
    let instance = Instance::new(&mut store, &module, wasi.imports()).expect("instance");
    wasi.bind(&mut store, &instance).expect("bind");
    let f = instance.exports.get_function("loop").expect("loop");
    f.call(&mut store, &[Value::I32(n as i32)]).expect("calls");
}

/// Sets up `n` guests of `module` with `set_up` on fresh stores.
fn set_ups(engine: &Engine, wasm: &str, n: u32, set_up: Setup) {
    let module = Module::new(engine, testdata(wasm)).expect("compile");
    for _ in 0..n {
        set_up(&mut Store::new(engine.clone()), &module);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let n: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let engine = Engine::default();
    match mode.as_str() {
        "write" => {
            let out = OutputBuffer::new();
            calls(engine, "fd_write", "1", ModuleConfig::new().stdout(out.clone()), n);
            assert_eq!(out.contents().len(), 16 * n as usize);
        }
        "read" => {
            let input = std::io::Cursor::new(vec![7u8; 16 * n as usize]);
            calls(engine, "fd_read", "0", ModuleConfig::new().stdin(input), n);
        }
        "setup" => set_ups(&engine, "wasi/c/hello/hello.wasm", n, setup_wasi),
        "emsetup" => set_ups(
            &engine,
            "emscripten/hello-glue-O2/hello-glue-O2.wasm",
            n,
            setup_emscripten,
        ),
        "assetup" => set_ups(&engine, "assemblyscript/hello/hello.wasm", n, setup_assemblyscript),
        "gosetup" => set_ups(&engine, "gojs/go1.27/hello/hello.wasm", n, setup_gojs),
        "goworld" => {
            for _ in 0..n {
                std::hint::black_box(gojs::world::World::new().expect("world"));
            }
        }
        _ => eprintln!("usage: instructions write|read|setup|emsetup|assetup|gosetup|goworld N"),
    }
}
