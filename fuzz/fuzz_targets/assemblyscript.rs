//! Fuzzes the AssemblyScript import set (`env.abort`, `trace`, `seed`,
//! `console.*`, `Date.now`, `crypto.getRandomValuesN`, `Math.*`...) with
//! arbitrary arguments; see `fuzz/common`.

#![no_main]

#[path = "../common/mod.rs"]
mod common;

use assemblyscript::{Options, Trace};
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmer::{Engine, Instance, Store};

fn guest(store: &mut Store) -> assemblyscript::AssemblyScript {
    let host = ModuleConfig::new()
        .deterministic(1)
        .stdout(OutputBuffer::new())
        .stderr(OutputBuffer::new())
        .build()
        .expect("config");
    assemblyscript::instantiate(store, host, Options::new().trace(Trace::Stderr))
}

fn harness() -> &'static common::Harness {
    static H: OnceLock<common::Harness> = OnceLock::new();
    H.get_or_init(|| {
        let engine = Engine::default();
        let mut store = Store::new(engine.clone());
        let g = guest(&mut store);
        common::harness(engine, &store, g.imports())
    })
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let mut store = Store::new(h.engine.clone());
    let g = guest(&mut store);
    let instance = Instance::new(&mut store, &h.module, g.imports()).expect("instantiate");
    g.bind(&mut store, &instance).expect("bind");
    common::drive(h, &mut store, &instance, data);
});
