//! One set-up per import set on a fresh store (host, imports, instance,
//! bind), shared by the set-up benchmark (`import_sets.rs`) and the
//! instruction-count probe (`examples/instructions.rs`), so both measure
//! the same thing.

use imports::ModuleConfig;
use wasmer::{Instance, Module, Store};

/// One import set's setup on a fresh store: host, imports, instance, bind.
pub type Setup = fn(&mut Store, &Module) -> Instance;

pub fn setup_wasi(store: &mut Store, module: &Module) -> Instance {
    let wasi = wasi_snapshot_preview1::instantiate_for(store, ModuleConfig::new().build().expect("host"), module);
    let instance = Instance::new(store, module, wasi.imports()).expect("instance");
    wasi.bind(store, &instance).expect("bind");
    instance
}

pub fn setup_emscripten(store: &mut Store, module: &Module) -> Instance {
    let host = ModuleConfig::new().build().expect("host");
    let em = emscripten::instantiate(store, host, module).expect("emscripten");
    let instance = Instance::new(store, module, em.imports()).expect("instance");
    em.bind(store, &instance).expect("bind");
    instance
}

pub fn setup_assemblyscript(store: &mut Store, module: &Module) -> Instance {
    let host = ModuleConfig::new().build().expect("host");
    let mut asc = assemblyscript::instantiate_for(store, host, assemblyscript::Options::new(), module);
    asc.import_memory(store, module).expect("memory");
    let instance = Instance::new(store, module, asc.imports()).expect("instance");
    asc.bind(store, &instance).expect("bind");
    instance
}

pub fn setup_gojs(store: &mut Store, module: &Module) -> Instance {
    let host = ModuleConfig::new().build().expect("host");
    let go = gojs::instantiate(store, host, module).expect("gojs");
    let instance = Instance::new(store, module, go.imports()).expect("instance");
    go.bind(store, &instance).expect("bind");
    instance
}
