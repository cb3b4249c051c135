//! Runs every WASI program in `testdata/wasi` (built by real toolchains)
//! and compares its stdout and exit code with what the reference runtime
//! recorded (`testdata/record.py`, wasmtime), once through the embedding
//! API and once through the `wasmer-imports` binary.

mod common;

use common::{cases, check, fixtures, report};
use imports::fs::OsDir;
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use std::collections::HashMap;
use std::path::PathBuf;
use wasmer::{Module, Store};

/// Every language, every program: fewer cases means some were lost.
const AT_LEAST: usize = 55;

#[test]
fn testdata_through_the_embedding_api() {
    let all = cases("wasi");
    let mut store = Store::default();
    let mut modules: HashMap<PathBuf, Module> = HashMap::new();
    let mut failures = Vec::new();
    for c in &all {
        let module = modules
            .entry(c.wasm.clone())
            .or_insert_with(|| Module::new(&store, std::fs::read(&c.wasm).unwrap()).unwrap())
            .clone();
        let out = OutputBuffer::new();
        let mut cfg = ModuleConfig::new()
            .arg(c.wasm.file_name().unwrap().to_string_lossy())
            .args(c.args.iter().cloned())
            .stdout(out.clone());
        for (n, v) in &c.env {
            cfg = cfg.env(n, v);
        }
        if let Some(s) = &c.stdin {
            cfg = cfg.stdin(std::fs::File::open(s).unwrap());
        }
        let mounts = fixtures(c);
        for (_, host, guest) in &mounts {
            cfg = cfg.mount(guest.clone(), OsDir::open(host).unwrap());
        }
        let exit = match wasi_snapshot_preview1::run(&mut store, &module, cfg) {
            Ok(code) => Some(code),
            Err(e) => {
                failures.push(format!("{}: {e}", c.name));
                continue;
            }
        };
        check(&mut failures, c, "the embedding API", &out.contents(), exit);
    }
    report(failures, all.len(), AT_LEAST);
}

#[test]
fn testdata_through_the_cli() {
    common::check_all_through_cli("wasi", AT_LEAST);
}
