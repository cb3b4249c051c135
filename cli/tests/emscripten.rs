//! Runs every Emscripten program in `testdata/emscripten` (built by emcc
//! 3.1.6, and by 3.1.69 and 6.0.5 in their folders, plus one hand-written
//! WAT guest) and compares its stdout and
//! exit code with what Emscripten's own JavaScript glue printed under node
//! (`testdata/emscripten/record.py`), once through the embedding API and
//! once through the `wasmer-imports` binary. Also checks that a guest
//! importing an `env` function the set lacks is refused by name.

mod common;

use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use wasmer::{Module, Store};

/// The cases the embedding API runs: every case of emcc 3.1.6 (27),
/// 3.1.69 (37) and 6.0.5 (52) but those run from their glue (the
/// `minified-*` programs and `npm/`, see `glue.rs`). Fewer means some were
/// lost.
const AT_LEAST_API: usize = 116;

/// The cases the CLI runs: every case, the glue ones too (3.1.6: 38,
/// 3.1.69: 37, 6.0.5: 52, npm: 28). Fewer means some were lost.
const AT_LEAST_CLI: usize = 155;

/// The exit status the CLI reports for a trap, and the code the embedding
/// test records for one (an uncaught C++ exception, `abort()`).
const TRAP_EXIT: u32 = 134;

#[test]
fn testdata_through_the_embedding_api() {
    common::check_all_through_api(
        "emscripten",
        AT_LEAST_API,
        |store, module, config, _| match emscripten::run(store, module, config) {
            Ok(code) => Ok(code),
            Err(emscripten::Error::Trap(_)) => Ok(TRAP_EXIT),
            Err(e) => Err(e.to_string()),
        },
    );
}

#[test]
fn testdata_through_the_cli() {
    common::check_all_through_cli("emscripten", AT_LEAST_CLI);
}

/// An uncaught C++ exception is a trap whose message says so.
#[test]
fn uncaught_exception_is_a_trap_naming_it() {
    let wasm = common::testdata().join("emscripten/exceptions/exceptions.wasm");
    let mut store = Store::default();
    let module = Module::new(&store, std::fs::read(wasm).unwrap()).unwrap();
    let cfg = ModuleConfig::new()
        .args(["exceptions.wasm", "uncaught"])
        .stdout(OutputBuffer::new());
    match emscripten::run(&mut store, &module, cfg) {
        Err(emscripten::Error::Trap(t)) => {
            let unwind = t.downcast_ref::<emscripten::Unwind>();
            assert!(matches!(unwind, Some(emscripten::Unwind::Exception(_))), "{t}");
            assert!(t.message().contains("uncaught C++ exception"), "{}", t.message());
        }
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// A guest importing an `env` function the set does not provide is refused
/// with an error naming it, by the embedding API and by the CLI.
#[test]
fn unknown_env_import_is_named() {
    let wat = r#"(module
        (import "env" "emscripten_no_such_function" (func (param i32)))
        (import "env" "invoke_vi" (func (param i32 i32)))
        (memory (export "memory") 1)
        (func (export "main") (result i32) i32.const 0))"#;
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    let err = emscripten::instantiate(&mut store, ModuleConfig::new().build().unwrap(), &module)
        .err()
        .expect("instantiate must refuse the module");
    assert!(
        err.to_string()
            .contains("env.emscripten_no_such_function is not implemented"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unknown.wat");
    std::fs::write(&path, wat).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .arg("run")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("emscripten_no_such_function"), "{stderr}");
}

/// Unbounded recursion through `invoke_*` ends in a trap saying the call
/// stack is exhausted, not in a host stack overflow: through the embedding
/// API (default budget, on a test thread's 2 MiB stack) and the CLI.
#[test]
fn deep_invoke_recursion_traps() {
    let wat = r#"(module
        (import "env" "invoke_ii" (func $invoke_ii (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (table (export "__indirect_function_table") 2 funcref)
        (elem (i32.const 1) $rec)
        (global $sp (mut i32) (i32.const 1024))
        (func (export "stackSave") (result i32) (global.get $sp))
        (func (export "stackRestore") (param i32) (global.set $sp (local.get 0)))
        (func (export "setThrew") (param i32 i32))
        (func $rec (param $n i32) (result i32)
          (call $invoke_ii (i32.const 1) (i32.add (local.get $n) (i32.const 1))))
        (func (export "main") (result i32)
          (call $invoke_ii (i32.const 1) (i32.const 0))))"#;
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    match emscripten::run(&mut store, &module, ModuleConfig::new()) {
        Err(emscripten::Error::Trap(t)) => assert!(t.message().contains("call stack exhausted"), "{}", t.message()),
        other => panic!("expected a trap, got {other:?}"),
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.wat");
    std::fs::write(&path, wat).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .arg("run")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(TRAP_EXIT as i32), "{stderr}");
    assert!(stderr.contains("call stack exhausted"), "{stderr}");
}

/// A glue-style module that imports only WASI is still run as the glue
/// runs it (ctors, then `main`'s result as the exit code), and an `env`
/// import with a type other than Emscripten's is refused by name.
#[test]
fn glue_style_detection_and_import_types() {
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 16) "ctors ran\n")
        (global $ran (mut i32) (i32.const 0))
        (func (export "__wasm_call_ctors") (global.set $ran (i32.const 1)))
        (func (export "main") (result i32)
          (i32.store (i32.const 0) (i32.const 16))
          (i32.store (i32.const 4) (i32.mul (global.get $ran) (i32.const 10)))
          (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
          (i32.const 5)))"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("glue.wat");
    std::fs::write(&path, wat).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .arg("run")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, b"ctors ran\n");

    let wat = r#"(module (import "env" "exit" (func (param i64))) (memory (export "memory") 1))"#;
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    let err = emscripten::instantiate(&mut store, ModuleConfig::new().build().unwrap(), &module)
        .err()
        .expect("a mistyped import must be refused");
    assert!(
        matches!(&err, emscripten::Error::ImportType { name, .. } if name == "exit"),
        "{err}"
    );
}

/// A module in the legacy encoding of Wasm exceptions (what `emcc
/// -fwasm-exceptions` emits by default) cannot be compiled by wasmer 7.4:
/// the CLI refuses it at load with what to rebuild it with.
#[test]
fn legacy_wasm_exceptions_are_refused_with_advice() {
    let wasm = common::testdata().join("emscripten/6.0.5/exceptions-wasm-legacy/exceptions-wasm-legacy.wasm");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .arg("run")
        .arg(&wasm)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("legacy encoding of Wasm exceptions"), "{stderr}");
    assert!(stderr.contains("-sWASM_LEGACY_EXCEPTIONS=0"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

/// `system()`: no shell for a guest, whatever the command
/// (`_emscripten_system`: `system(NULL)` is 0, a command `-ENOSYS`).
#[test]
fn system_has_no_shell() {
    let wat = r#"(module
        (import "env" "_emscripten_system" (func $system (param i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 16) "touch /tmp/escaped\00")
        (func (export "main") (result i32)
          (if (i32.ne (call $system (i32.const 0)) (i32.const 0)) (then (return (i32.const 1))))
          (if (i32.ne (call $system (i32.const 16)) (i32.const -52)) (then (return (i32.const 2))))
          (i32.const 0)))"#;
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    assert_eq!(emscripten::run(&mut store, &module, ModuleConfig::new()).unwrap(), 0);
}

/// An import legalized for a build without `WASM_BIGINT` gets an adapter:
/// `__syscall_ftruncate64(fd, lo, hi)` reaches the i64 function whole (i64
/// results: `time-nobigint`'s `_mktime_js`): `(5, 0)` is a length of 5,
/// `(0, -1)` a negative one (`EINVAL`, 28), which the low half alone is
/// not. A type that is neither form is refused naming the types provided.
#[test]
fn legalized_imports_are_adapted() {
    let wat = r#"(module
        (import "env" "__syscall_openat" (func $open (param i32 i32 i32 i32) (result i32)))
        (import "env" "__syscall_ftruncate64" (func $ft (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 16) "/data/f\00")
        (func (export "main") (result i32) (local $fd i32)
          ;; AT_FDCWD, O_RDWR | O_CREAT
          (local.set $fd (call $open (i32.const -100) (i32.const 16) (i32.const 66) (i32.const 420)))
          (if (result i32) (i32.ne (call $ft (local.get $fd) (i32.const 5) (i32.const 0)) (i32.const 0))
            (then (i32.const 1))
            (else (i32.sub (i32.const 0) (call $ft (local.get $fd) (i32.const 0) (i32.const -1)))))))"#;
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    let fs = imports::fs::MemFs::new();
    let config = ModuleConfig::new().mount_shared("/data", std::sync::Arc::new(fs.clone()));
    assert_eq!(emscripten::run(&mut store, &module, config).unwrap(), 28);
    assert_eq!(imports::fs::FileSystem::stat(&fs, "f").unwrap().size, 5);

    let wat = r#"(module (import "env" "__syscall_ftruncate64" (func (param i32 f64) (result i32)))
        (memory (export "memory") 1))"#;
    let module = Module::new(&store, wat).unwrap();
    let err = emscripten::instantiate(&mut store, ModuleConfig::new().build().unwrap(), &module)
        .err()
        .expect("a mistyped import must be refused");
    assert!(err.to_string().contains("[I32, I64] -> [I32]"), "{err}");
}

/// The first line of `localtime.wasm`'s output (its `tzset` globals) when
/// the CLI runs it with `args` and the host's `TZ` set to `host_tz`.
fn tzset_line(args: &[&str], host_tz: &str) -> String {
    let wasm = common::testdata().join("emscripten/localtime/localtime.wasm");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .arg("run")
        .args(args)
        .arg(wasm)
        .env_clear()
        .env("TZ", host_tz)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// Without a TZ of its own the guest sees the host's zone; with one, its
/// own; `--deterministic` is UTC whatever the host or the guest say.
#[test]
fn the_guests_zone_comes_from_its_tz_then_the_hosts_and_deterministic_is_utc() {
    let tokyo = "timezone=-32400 daylight=0 tzname=[UTC+0900] [UTC+0900]";
    let utc = "timezone=0 daylight=0 tzname=[UTC-0000] [UTC-0000]";
    assert_eq!(tzset_line(&[], "Asia/Tokyo"), tokyo);
    assert_eq!(tzset_line(&["--env", "TZ=Asia/Tokyo"], "UTC"), tokyo);
    assert_eq!(tzset_line(&["--env", "TZ=Mars/Olympus_Mons"], "Asia/Tokyo"), utc);
    assert_eq!(
        tzset_line(&["--deterministic", "--env", "TZ=Asia/Tokyo"], "Asia/Tokyo"),
        utc
    );
}

/// The runtime imports of current emcc that the testdata programs import
/// but may not call: `_emscripten_runtime_keepalive_clear` (nothing to
/// clear), `_emscripten_get_now_is_monotonic` (1), `emscripten_get_heap_max`
/// (the memory's maximum), `_emscripten_memcpy_js` (3.1.47-3.1.74: a
/// `memmove`), `_abort_js` (an `Aborted` trap).
#[test]
fn runtime_imports_of_current_emcc() {
    let wat = r#"(module
        (import "env" "_emscripten_runtime_keepalive_clear" (func $clear))
        (import "env" "_emscripten_get_now_is_monotonic" (func $mono (result i32)))
        (import "env" "emscripten_get_heap_max" (func $max (result i32)))
        (import "env" "_abort_js" (func $abort))
        (import "env" "_emscripten_memcpy_js" (func $memcpy (param i32 i32 i32)))
        (memory (export "memory") 1 4)
        (data (i32.const 100) "copied")
        (func (export "main") (result i32)
          (call $clear)
          (if (i32.ne (call $mono) (i32.const 1)) (then (return (i32.const 1))))
          (if (i32.ne (call $max) (i32.const 262144)) (then (return (i32.const 2))))
          (call $memcpy (i32.const 200) (i32.const 100) (i32.const 6))
          (if (i64.ne (i64.load (i32.const 200)) (i64.load (i32.const 100))) (then (return (i32.const 4))))
          (call $abort)
          (i32.const 3)))"#;
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    match emscripten::run(&mut store, &module, ModuleConfig::new()) {
        Err(emscripten::Error::Trap(t)) => {
            assert!(t.downcast_ref::<emscripten::Aborted>().is_some(), "{t}");
        }
        other => panic!("expected the abort trap, got {other:?}"),
    }
}
