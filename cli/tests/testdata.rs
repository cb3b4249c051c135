//! Runs every WASI program in `testdata/wasi` (built by real toolchains)
//! and compares its stdout and exit code with what the reference runtime
//! recorded (`testdata/record.py`, wasmtime), once through the embedding
//! API and once through the `wasmer-imports` binary.

mod common;

/// Every language, every program: fewer cases means some were lost.
const AT_LEAST: usize = 60;

#[test]
fn testdata_through_the_embedding_api() {
    common::check_all_through_api("wasi", AT_LEAST, |store, module, config, _| {
        wasi_snapshot_preview1::run(store, module, config).map_err(|e| e.to_string())
    });
}

#[test]
fn testdata_through_the_cli() {
    common::check_all_through_cli("wasi", AT_LEAST);
}
