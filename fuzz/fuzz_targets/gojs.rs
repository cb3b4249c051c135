//! Fuzzes the Go js/wasm import set: every `gojs` function (each reads
//! its arguments from Go's stack at `sp`) called with arbitrary stack
//! pointers over arbitrary memory; see `fuzz/common`.

#![no_main]

#[path = "../common/mod.rs"]
mod common;

use imports::fs::MemFs;
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmer::{Engine, Instance, Module, Store};

fn config() -> ModuleConfig {
    let fs = MemFs::with_capacity_limit(1 << 20);
    let _ = fs.write_file("f", b"contents");
    ModuleConfig::new()
        .deterministic(1)
        .stdout(OutputBuffer::new())
        .stderr(OutputBuffer::new())
        .mount("/", fs)
}

fn harness() -> &'static common::Harness {
    static H: OnceLock<common::Harness> = OnceLock::new();
    H.get_or_init(|| {
        let engine = Engine::default();
        // Any module importing from `gojs` selects the Go 1.21+ ABI; the
        // set defines all of its functions whatever the module imports.
        let probe = Module::new(&engine, r#"(module (import "gojs" "debug" (func (param i32))))"#).expect("probe");
        let mut store = Store::new(engine.clone());
        let go = gojs::instantiate(&mut store, config().build().expect("config"), &probe).expect("imports");
        common::harness(engine, &store, go.imports())
    })
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let mut store = Store::new(h.engine.clone());
    let go = gojs::instantiate(&mut store, config().build().expect("config"), &h.module).expect("imports");
    let instance = Instance::new(&mut store, &h.module, go.imports()).expect("instantiate");
    go.bind(&mut store, &instance).expect("bind");
    common::drive(h, &mut store, &instance, data);
});
