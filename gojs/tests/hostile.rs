//! Hand-written guests that speak Go's js/wasm ABI badly or oddly: bad
//! stack pointers and slice headers trap cleanly, a program that neither
//! exits nor waits for anything ends with `Error::Deadlock` instead of
//! hanging, argv that overflows its area is refused, and the event loop
//! fires timers and hands argv over as wasm_exec.js does.

use gojs::Error;
use imports::ModuleConfig;
use wasmer::{Module, Store};

/// A module importing `gojs` functions with `run` and `resume` bodies as
/// given; Go's stack pointer is fixed at 1024.
fn guest(run: &str, resume: &str) -> String {
    format!(
        r#"(module
  (import "gojs" "runtime.wasmExit" (func $exit (param i32)))
  (import "gojs" "runtime.scheduleTimeoutEvent" (func $sched (param i32)))
  (import "gojs" "syscall/js.valueGet" (func $get (param i32)))
  (import "gojs" "syscall/js.valueCall" (func $call (param i32)))
  (import "gojs" "syscall/js.finalizeRef" (func $fin (param i32)))
  (import "gojs" "runtime.getRandomData" (func $rand (param i32)))
  (memory (export "mem") 1)
  (func (export "getsp") (result i32) (i32.const 1024))
  (func (export "run") (param $argc i32) (param $argv i32) {run})
  (func (export "resume") {resume}))"#
    )
}

fn run(wat: &str, config: ModuleConfig) -> Result<u32, Error> {
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    gojs::run(&mut store, &module, config)
}

fn exit_with(code: &str) -> String {
    format!("(i32.store (i32.const 1032) {code}) (call $exit (i32.const 1024))")
}

fn trap_message(r: Result<u32, Error>) -> String {
    match r {
        Err(Error::Trap(t)) => t.message(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn bad_stack_pointer_traps() {
    let msg = trap_message(run(&guest("(call $get (i32.const -16))", ""), ModuleConfig::new()));
    assert!(msg.contains("outside its memory"), "{msg}");
}

#[test]
fn huge_string_header_traps() {
    // valueGet(global, p) with p = (ptr 0, len 2^32-1).
    let body = "(i64.store (i32.const 1032) (i64.const 0x7ff8000100000005))
        (i64.store (i32.const 1040) (i64.const 0))
        (i64.store (i32.const 1048) (i64.const 0xffffffff))
        (call $get (i32.const 1024))";
    let msg = trap_message(run(&guest(body, ""), ModuleConfig::new()));
    assert!(msg.contains("outside its memory"), "{msg}");
    // A random-data slice running off the end of memory.
    let body = "(i64.store (i32.const 1032) (i64.const 65000)) (i64.store (i32.const 1040) (i64.const 1000))
        (call $rand (i32.const 1024))";
    assert!(trap_message(run(&guest(body, ""), ModuleConfig::new())).contains("outside its memory"));
}

#[test]
fn calling_a_missing_method_is_caught() {
    // valueCall(global, "nope", []) -> (TypeError, false): exit 1 if the
    // ok byte is 0, 2 otherwise.
    let body = format!(
        "(i64.store (i32.const 1032) (i64.const 0x7ff8000100000005))
        (i32.store8 (i32.const 2000) (i32.const 110)) (i32.store8 (i32.const 2001) (i32.const 111))
        (i32.store8 (i32.const 2002) (i32.const 112)) (i32.store8 (i32.const 2003) (i32.const 101))
        (i64.store (i32.const 1040) (i64.const 2000)) (i64.store (i32.const 1048) (i64.const 4))
        (i64.store (i32.const 1056) (i64.const 0)) (i64.store (i32.const 1064) (i64.const 0))
        (call $call (i32.const 1024))
        (if (i32.load8_u (i32.const 1088)) (then {}) (else {}))",
        exit_with("(i32.const 2)"),
        exit_with("(i32.const 1)")
    );
    assert_eq!(run(&guest(&body, ""), ModuleConfig::new()).unwrap(), 1);
}

#[test]
fn finalizing_unknown_refs_is_harmless() {
    let body = format!(
        "(i32.store (i32.const 1032) (i32.const 5)) (call $fin (i32.const 1024))
        (i32.store (i32.const 1032) (i32.const 999999)) (call $fin (i32.const 1024))
        (i32.store (i32.const 1032) (i32.const -1)) (call $fin (i32.const 1024))
        {}",
        exit_with("(i32.const 0)")
    );
    assert_eq!(run(&guest(&body, ""), ModuleConfig::new()).unwrap(), 0);
}

#[test]
fn a_program_that_never_exits_is_a_deadlock_not_a_hang() {
    let r = run(&guest("", ""), ModuleConfig::new());
    assert!(matches!(r, Err(Error::Deadlock)), "{r:?}");
}

#[test]
fn timers_resume_the_guest() {
    // run schedules a 5 ms timeout; resume exits 7.
    let body = "(i64.store (i32.const 1032) (i64.const 5)) (call $sched (i32.const 1024))";
    let start = std::time::Instant::now();
    assert_eq!(
        run(&guest(body, &exit_with("(i32.const 7)")), ModuleConfig::new()).unwrap(),
        7
    );
    assert!(start.elapsed() >= std::time::Duration::from_millis(5));
}

#[test]
fn argv_is_laid_out_as_wasm_exec_js_does() {
    // Exit code: argc, if argv[argc] is the 0 separator, the first string
    // starts with 'p' at 4096 and env follows (FOO=... after the 0).
    let body = format!(
        "(if (i32.and
               (i32.and (i32.eqz (i32.load (i32.add (local.get $argv) (i32.mul (local.get $argc) (i32.const 8)))))
                        (i32.eq (i32.load (local.get $argv)) (i32.const 4096)))
               (i32.eq (i32.load8_u (i32.load (i32.add (local.get $argv) (i32.mul (i32.add (local.get $argc) (i32.const 1)) (i32.const 8)))))
                       (i32.const 65)))
          (then {}) (else {}))",
        exit_with("(local.get $argc)"),
        exit_with("(i32.const 99)")
    );
    let cfg = ModuleConfig::new()
        .args(["prog.wasm", "a", "bb"])
        .env("Z", "1")
        .env("A", "2");
    assert_eq!(run(&guest(&body, ""), cfg).unwrap(), 3);
}

#[test]
fn argv_overflowing_its_area_is_refused() {
    let cfg = ModuleConfig::new().args((0..1000).map(|i| format!("argument-{i}")));
    let r = run(&guest(&exit_with("(i32.const 0)"), ""), cfg);
    assert!(matches!(r, Err(Error::ArgsTooLong(_))), "{r:?}");
}

#[test]
fn modules_without_go_imports_are_refused() {
    let mut store = Store::default();
    let module = Module::new(&store, "(module)").unwrap();
    let host = ModuleConfig::new().build().unwrap();
    assert!(matches!(
        gojs::instantiate(&mut store, host, &module),
        Err(Error::NotGo)
    ));
}

/// Calls every import directly, many times, with stack pointers and stack
/// contents from a fixed pseudo-random sequence (references mostly small
/// ids, so real values, including `fs` and `process` methods, are hit):
/// each call returns or traps, never panics.
#[test]
fn random_stacks_never_panic() {
    use wasmer::{Extern, Instance, Value as WasmValue};
    let mut store = Store::default();
    let module = Module::new(&store, guest("", "")).unwrap();
    let root = imports::fs::MemFs::new();
    root.write_file("f", b"data").unwrap();
    let host = ModuleConfig::new()
        .mount("/", root)
        .stdout(imports::stdio::OutputBuffer::new())
        .stderr(imports::stdio::OutputBuffer::new())
        .build()
        .unwrap();
    let go = gojs::instantiate(&mut store, host, &module).unwrap();
    let instance = Instance::new(&mut store, &module, go.imports()).unwrap();
    go.bind(&mut store, &instance).unwrap();
    let memory = instance.exports.get_memory("mem").unwrap().clone();
    let functions: Vec<(String, wasmer::Function)> = go
        .imports()
        .into_iter()
        .filter_map(|((_, name), ext)| match ext {
            Extern::Function(f) => Some((name, f)),
            _ => None,
        })
        .collect();
    assert!(functions.len() >= 26, "{} functions", functions.len());
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    // Names to find at 2000.. for (ptr, len) pairs that land there.
    let names = b"fsopenreaddirstatlstatcwdprocesschdirUint8ArrayObjectArrayDatecrypto";
    memory.view(&store).write(2000, names).unwrap();
    for round in 0..20_000 {
        let sp: u32 = if round % 10 == 0 {
            next() as u32
        } else {
            1024 + (next() % 256) as u32 * 8
        };
        let view = memory.view(&store);
        for off in (8..96).step_by(8) {
            let word = match next() % 4 {
                0 => 0x7ff8_0000_0000_0000 | (next() % 24) | ((next() % 5) << 32),
                1 => next() % 16,
                2 => 2000 + next() % 64,
                _ => next(),
            };
            let _ = view.write(u64::from(sp) + off, &word.to_le_bytes());
        }
        let (name, f) = &functions[(next() % functions.len() as u64) as usize];
        if name == "runtime.wasmExit" {
            continue;
        }
        let _ = f.call(&mut store, &[WasmValue::I32(sp as i32)]);
    }
}
