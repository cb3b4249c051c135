//! Fuzzes the Emscripten import set: every `env` function the testdata
//! programs of emcc 3.1.6 and 6.0.5 import (syscalls, time, memory,
//! invoke_*, exceptions, setjmp/longjmp helpers, pipes, strptime, in
//! their current and legalized types) plus WASI, with arbitrary
//! arguments; see `fuzz/common`.

#![no_main]

#[path = "../common/mod.rs"]
mod common;

use imports::fs::{FileSystem, MemFs};
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmer::{Engine, Instance, Module, Store};

/// Programs whose `env` imports, together, cover what the set provides.
/// One type per name is fuzzed, the first program's: current emcc's first.
const PROGRAMS: &[&str] = &[
    "6.0.5/syscalls-O0",
    "6.0.5/time-O0",
    "6.0.5/exceptions-O0",
    "6.0.5/exceptions-wasm-O0",
    "localtime",
    "6.0.5/files-nobigint",
    "files-O0",
    "exceptions-O0",
    "sjlj-O0",
    "time",
    "memgrow",
    "invoke",
    "args",
];

fn config() -> ModuleConfig {
    let fs = MemFs::with_capacity_limit(1 << 20);
    let _ = fs.create_dir("d");
    let _ = fs.write_file("d/f", b"contents");
    let _ = fs.symlink("../../x", "out");
    ModuleConfig::new()
        .deterministic(1)
        .stdout(OutputBuffer::new())
        .stderr(OutputBuffer::new())
        .mount("/data", fs)
}

fn harness() -> &'static common::Harness {
    static H: OnceLock<common::Harness> = OnceLock::new();
    H.get_or_init(|| {
        let engine = Engine::default();
        let mut funcs = Vec::new();
        for p in PROGRAMS {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/emscripten");
            let name = p.rsplit('/').next().unwrap_or(p);
            let wasm = std::fs::read(format!("{dir}/{p}/{name}.wasm")).expect("testdata program");
            let mut store = Store::new(engine.clone());
            let module = Module::new(&store, wasm).expect("compiles");
            let em = emscripten::instantiate(&mut store, config().build().expect("config"), &module).expect("imports");
            funcs.extend(common::functions(&store, em.imports()));
        }
        common::harness_for(engine, funcs)
    })
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let mut store = Store::new(h.engine.clone());
    let em = emscripten::instantiate(&mut store, config().build().expect("config"), &h.module).expect("imports");
    let instance = Instance::new(&mut store, &h.module, em.imports()).expect("instantiate");
    em.bind(&mut store, &instance).expect("bind");
    common::drive(h, &mut store, &instance, data);
});
