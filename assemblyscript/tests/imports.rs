//! The AssemblyScript imports against hand-written modules (hostile
//! pointers, the allocation protocol, start sections, clocks) and against
//! the asc-built testdata where an option changes the outcome.

use assemblyscript::invoke::{invoke, Outcome};
use assemblyscript::{Error, Options, Trace};
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use wasmer::{Module, Store, Value};

fn testdata(prog: &str) -> Vec<u8> {
    let p = format!(
        "{}/../testdata/assemblyscript/{prog}/{prog}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// A run's exit code (or trap message), stdout and stderr.
struct Ran {
    exit: Result<u32, String>,
    values: Vec<Value>,
    stdout: String,
    stderr: String,
}

fn call(wasm: &[u8], config: ModuleConfig, options: Options, name: Option<&str>, args: &[&str]) -> Ran {
    let mut store = Store::default();
    let module = Module::new(&store, wasm).unwrap();
    let (out, err) = (OutputBuffer::new(), OutputBuffer::new());
    let config = config.stdout(out.clone()).stderr(err.clone());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut values = Vec::new();
    let exit = match name {
        None => assemblyscript::run(&mut store, &module, config, options),
        Some(name) => match invoke(&mut store, &module, config, options, name, &args) {
            Ok(Outcome::Exited(code)) => Ok(code),
            Ok(Outcome::Returned(v)) => {
                values = v.into_vec();
                Ok(0)
            }
            Err(e) => Err(e),
        },
    };
    let exit = exit.map_err(|e| match e {
        Error::Trap(t) => t.message(),
        e => e.to_string(),
    });
    Ran {
        exit,
        values,
        stdout: out.to_string_lossy(),
        stderr: err.to_string_lossy(),
    }
}

#[test]
fn a_deterministic_host_repeats_math_random() {
    let wasm = testdata("random");
    let sample = |seed| {
        let r = call(
            &wasm,
            ModuleConfig::new().deterministic(seed),
            Options::new(),
            Some("sample"),
            &[],
        );
        assert_eq!(r.exit, Ok(0), "{}", r.stderr);
        match r.values[..] {
            [Value::F64(x)] => x,
            ref v => panic!("{v:?}"),
        }
    };
    let (a, b, c) = (sample(7), sample(7), sample(8));
    assert_eq!(a.to_bits(), b.to_bits());
    assert_ne!(a.to_bits(), c.to_bits());
    assert!((0.0..1.0).contains(&a) && (0.0..1.0).contains(&c));
}

#[test]
fn abort_exits_255_with_or_without_its_message() {
    let wasm = testdata("abort");
    let on = call(&wasm, ModuleConfig::new(), Options::new(), Some("assertFails"), &["12"]);
    assert_eq!(on.exit, Ok(255));
    assert_eq!(on.stdout, "started\nchecking 12\n");
    assert_eq!(on.stderr, "n must be < 10 in abort.ts:7:3\n");
    let off = call(
        &wasm,
        ModuleConfig::new(),
        Options::new().abort_message(false),
        Some("assertFails"),
        &["12"],
    );
    assert_eq!(off.exit, Ok(255));
    assert_eq!(off.stderr, "");
}

#[test]
fn trace_is_off_unless_asked_for() {
    let wasm = testdata("trace");
    let off = call(&wasm, ModuleConfig::new(), Options::new(), None, &[]);
    assert_eq!((off.stdout.as_str(), off.stderr.as_str()), ("before\nafter\n", ""));
    let err = call(
        &wasm,
        ModuleConfig::new(),
        Options::new().trace(Trace::Stderr),
        None,
        &[],
    );
    assert_eq!(err.stdout, "before\nafter\n");
    assert!(
        err.stderr.starts_with("trace: zero\ntrace: one 1.5\n"),
        "{}",
        err.stderr
    );
}

/// An AssemblyScript string in a data segment: the byte length at `at - 4`.
fn as_string(at: u32, s: &str) -> String {
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut bytes = (2 * units.len() as u32).to_le_bytes().to_vec();
    bytes.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    let esc: String = bytes.iter().map(|b| format!("\\{b:02x}")).collect();
    format!("(data (i32.const {}) \"{esc}\")", at - 4)
}

const IMPORTS: &str = r#"
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (import "env" "trace" (func $trace (param i32 i32 f64 f64 f64 f64 f64)))
  (import "env" "console.log" (func $log (param i32)))
  (import "env" "console.time" (func $time (param i32)))
  (import "env" "console.timeLog" (func $timeLog (param i32)))
  (import "env" "console.timeEnd" (func $timeEnd (param i32)))
  (import "env" "crypto.getRandomValuesN" (func $random (param i32) (result i32)))
"#;

fn module(body: &str) -> Vec<u8> {
    let wat = format!(
        "(module {IMPORTS} (memory (export \"memory\") 1) {} {} {body})",
        as_string(16, "a"),
        as_string(64, "hé🎉")
    );
    wat.into_bytes()
}

#[test]
fn hostile_pointers_never_panic() {
    let wasm = module(
        r#"
        (func (export "logs")
          (call $log (i32.const 0))          ;; null
          (call $log (i32.const 64))
          (call $log (i32.const -1))         ;; header past the end: empty
          (call $log (i32.const 65535))
          (call $log (i32.const 2))          ;; header below 0 wraps: empty
          (i32.store (i32.const 28) (i32.const 0x7fff0000))
          (call $log (i32.const 32))         ;; length past the end: cut at the end
          (i32.store (i32.const 28) (i32.const -1))
          (call $log (i32.const 32))         ;; ptr + length wraps, as in JavaScript's `>>> 1`: empty
          (i32.store (i32.const 108) (i32.const 3))
          (call $log (i32.const 112)))       ;; odd length
        (func (export "traces")
          (call $trace (i32.const 16) (i32.const -2147483648) (f64.const 1) (f64.const 2) (f64.const 3) (f64.const 4) (f64.const 5))
          (call $trace (i32.const 16) (i32.const 2147483647) (f64.const 1) (f64.const -0) (f64.const nan) (f64.const inf) (f64.const 1e21))
          (call $trace (i32.const 0) (i32.const 0) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0)))
        (func (export "aborts")
          (call $abort (i32.const -1) (i32.const 0) (i32.const -1) (i32.const -1)))
        (func (export "tooMany") (drop (call $random (i32.const -1))))
        (func (export "noRuntime") (drop (call $random (i32.const 8))))
    "#,
    );
    let r = call(&wasm, ModuleConfig::new(), Options::new(), Some("logs"), &[]);
    assert_eq!(r.exit, Ok(0));
    let lines: Vec<&str> = r.stdout.split('\n').collect();
    assert_eq!(&lines[..5], ["null", "hé🎉", "", "", ""]);
    // Every unit to the end of memory; the emoji there is one char of two units.
    assert_eq!(lines[5].chars().count(), (65536 - 32) / 2 - 1);
    assert_eq!(lines[6], "");
    assert_eq!(lines[7].len(), 1, "{:?}", lines[7]);

    let r = call(
        &wasm,
        ModuleConfig::new(),
        Options::new().trace(Trace::Stdout),
        Some("traces"),
        &[],
    );
    assert_eq!(r.exit, Ok(0));
    assert_eq!(r.stdout, "trace: a\ntrace: a 1,-0,NaN,Infinity,1e+21\ntrace: null\n");

    let r = call(&wasm, ModuleConfig::new(), Options::new(), Some("aborts"), &[]);
    assert_eq!(r.exit, Ok(255));
    assert_eq!(r.stderr, " in null:4294967295:4294967295\n");

    let r = call(&wasm, ModuleConfig::new(), Options::new(), Some("tooMany"), &[]);
    assert!(r.exit.unwrap_err().contains("QuotaExceededError"));
    let r = call(&wasm, ModuleConfig::new(), Options::new(), Some("noRuntime"), &[]);
    assert!(r
        .exit
        .unwrap_err()
        .contains("must export __new, __pin, __unpin and __rtti_base"));
}

#[test]
fn console_time_uses_the_guests_clock() {
    let wasm = module(
        r#"
        (func (export "timers")
          (call $time (i32.const 16))
          (call $timeLog (i32.const 16))
          (call $time (i32.const 16))
          (call $timeEnd (i32.const 16))
          (call $timeEnd (i32.const 16)))
    "#,
    );
    let r = call(
        &wasm,
        ModuleConfig::new().deterministic(1),
        Options::new(),
        Some("timers"),
        &[],
    );
    assert_eq!(r.exit, Ok(0));
    // The fake clock advances 1 ms per read.
    assert_eq!(r.stdout, "a: 1ms\na: 3ms\n");
    assert_eq!(
        r.stderr,
        "Warning: Label 'a' already exists for console.time()\nWarning: No such label 'a' for console.timeEnd()\n"
    );
}

/// A runtime that bump-allocates from 1024; `__rtti_base` at 512 lists
/// five classes, the unsigned byte view at id 4.
const RUNTIME: &str = r#"
  (global $next (mut i32) (i32.const 1024))
  (global (export "__rtti_base") i32 (i32.const 512))
  (data (i32.const 512) "\05\00\00\00\20\00\00\00\20\00\00\00\20\00\00\00\00\00\00\00\41\00\00\00")
  (func (export "__new") (param $size i32) (param $id i32) (result i32)
    (local $at i32)
    (local.set $at (i32.add (global.get $next) (i32.const 16)))
    (i32.store (i32.sub (local.get $at) (i32.const 8)) (local.get $id))
    (global.set $next (i32.add (local.get $at) (i32.and (i32.add (local.get $size) (i32.const 15)) (i32.const -16))))
    (local.get $at))
  (func (export "__pin") (param i32) (result i32) (local.get 0))
  (func (export "__unpin") (param i32))
"#;

#[test]
fn get_random_values_allocates_through_the_guest() {
    let wasm = module(&format!(
        r#"{RUNTIME}
        (func (export "bytes") (param $n i32) (result i32 i32 i32 i32 i32)
          (local $view i32)
          (local.set $view (call $random (local.get $n)))
          (local.get $view)
          (i32.load (local.get $view))
          (i32.load offset=4 (local.get $view))
          (i32.load offset=8 (local.get $view))
          (i32.load (i32.sub (local.get $view) (i32.const 8))))
    "#
    ));
    let r = call(
        &wasm,
        ModuleConfig::new().deterministic(3),
        Options::new(),
        Some("bytes"),
        &["20"],
    );
    assert_eq!(r.exit, Ok(0), "{}", r.stderr);
    let v: Vec<i32> = r.values.iter().map(|v| v.unwrap_i32()).collect();
    // The buffer first (id 1, 20 bytes rounded to 32), then the view (id 4).
    assert_eq!(v, [1024 + 16 + 32 + 16, 1040, 1040, 20, 4]);
}

#[test]
fn a_start_section_needs_a_bound_memory() {
    let exported = module(r#"(func $main (call $log (i32.const 16))) (start $main)"#);
    let r = call(&exported, ModuleConfig::new(), Options::new(), None, &[]);
    let msg = r.exit.unwrap_err();
    assert!(
        msg.contains("start section") && msg.contains("--exportStart _start"),
        "{msg}"
    );

    // With an imported memory the host binds it before instantiation.
    let imported = format!(
        "(module {IMPORTS} (import \"env\" \"memory\" (memory 1 2)) {} (func $main (call $log (i32.const 16))) (start $main))",
        as_string(16, "a")
    );
    let r = call(imported.as_bytes(), ModuleConfig::new(), Options::new(), None, &[]);
    assert_eq!((r.exit, r.stdout.as_str()), (Ok(0), "a\n"));

    // An abort in a start section is still an exit.
    let aborting =
        module(r#"(func $main (call $abort (i32.const 16) (i32.const 16) (i32.const 1) (i32.const 2))) (start $main)"#);
    let r = call(&aborting, ModuleConfig::new(), Options::new(), None, &[]);
    assert_eq!(r.exit, Ok(255));
}

#[test]
fn an_abort_inside_the_guests_allocator_is_still_an_exit() {
    let wasm = module(
        r#"
        (global (export "__rtti_base") i32 (i32.const 512))
        (data (i32.const 512) "\01\00\00\00\41\00\00\00")
        (func (export "__new") (param i32 i32) (result i32)
          (call $abort (i32.const 16) (i32.const 64) (i32.const 1) (i32.const 1))
          (unreachable))
        (func (export "__pin") (param i32) (result i32) (local.get 0))
        (func (export "__unpin") (param i32))
        (func (export "bytes") (drop (call $random (i32.const 4))))
    "#,
    );
    let r = call(&wasm, ModuleConfig::new(), Options::new(), Some("bytes"), &[]);
    assert_eq!(r.exit, Ok(255));
    assert_eq!(r.stderr, "a in hé🎉:1:1\n");
}
