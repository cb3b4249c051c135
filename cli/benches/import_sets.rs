//! The import sets beyond WASI's hot calls, and start-up:
//!
//! - Go js `runtime.wasmWrite` of 16 bytes and AssemblyScript `env.trace`
//!   (a message, and a message with two numbers), from WAT guests that
//!   import them the way the toolchains' output does, to a stdout that
//!   only counts bytes, beside an empty host call from the same loop;
//! - per-guest setup of each import set for an already compiled module
//!   (`testdata`'s hello of each toolchain): a store, the host built from a
//!   `ModuleConfig`, the imports defined, `Instance::new` and `bind`;
//! - the CLI running the C hello (`testdata/wasi/c/hello`) with a cold
//!   (empty) and a warm module cache, beside spawning `/bin/true`.
//!
//! `cargo bench -p wasmer-imports --bench import_sets`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion};
use imports::ModuleConfig;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmer::{imports, Engine, Function, Imports, Instance, Module, Store, TypedFunction};

type Group<'a> = BenchmarkGroup<'a, criterion::measurement::WallTime>;

fn testdata(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata").join(path)
}

/// Times `iters` calls made by the guest loop `f(n)`.
fn looped(store: &mut Store, f: &TypedFunction<i32, ()>, iters: u64) -> Duration {
    let start = Instant::now();
    let mut left = iters;
    while left > 0 {
        let n = left.min(1 << 30);
        f.call(store, n as i32).expect("loop");
        left -= n;
    }
    start.elapsed()
}

/// `imports` plus `bench.nop`, the empty host call of the baselines.
fn with_nop(store: &mut Store, imports: &Imports) -> Imports {
    let mut all = imports.clone();
    all.extend(&imports! { "bench" => { "nop" => Function::new_typed(store, || {}) } });
    all
}

/// A stdout that keeps only a count of the bytes written to it, so a
/// benchmark can check its calls wrote what they should.
#[derive(Clone, Default)]
struct Counted(Arc<AtomicUsize>);

impl Write for Counted {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(b.len(), Ordering::Relaxed);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Benchmarks `write_loop` of a bound guest (each call writing `line`
/// to `out`), then, with `baseline`, its `nop_loop`.
fn loops(
    g: &mut Group<'_>, name: &str, store: &mut Store, instance: &Instance, out: &Counted, line: &str, baseline: bool,
) {
    let write = instance
        .exports
        .get_typed_function(&*store, "write_loop")
        .expect("write_loop");
    g.bench_function(name, |b| {
        b.iter_custom(|n| {
            let before = out.0.load(Ordering::Relaxed);
            let time = looped(store, &write, n);
            let written = out.0.load(Ordering::Relaxed) - before;
            assert_eq!(
                written,
                n as usize * line.len(),
                "{name}: each call should write {line:?}"
            );
            time
        })
    });
    if baseline {
        let nop = instance
            .exports
            .get_typed_function(&*store, "nop_loop")
            .expect("nop_loop");
        g.bench_function("baseline: empty host call", |b| {
            b.iter_custom(|n| looped(store, &nop, n))
        });
    }
}

const LOOPS: &str = r#"
  (func (export "nop_loop") (param $n i32)
    (loop $l (call $nop) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))"#;

/// Go's `runtime.wasmWrite(sp)`: fd (i64) at sp+8, pointer (i64) at sp+16,
/// length (i32) at sp+24; here sp = 1024, 16 bytes at 4096 to fd 1.
fn gojs_wasm_write(c: &mut Criterion) {
    let wat = format!(
        r#"(module
  (import "gojs" "runtime.wasmWrite" (func $write (param i32)))
  (import "bench" "nop" (func $nop))
  (memory (export "mem") 1)
  (data (i32.const 1032) "\01\00\00\00\00\00\00\00\00\10\00\00\00\00\00\00\10\00\00\00")
  (data (i32.const 4096) "0123456789abcdef")
  (func (export "getsp") (result i32) (i32.const 1024))
  (func (export "resume"))
  (func (export "run") (param i32 i32))
  (func (export "write_loop") (param $n i32)
    (loop $l (call $write (i32.const 1024)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  {LOOPS})"#
    );
    let mut store = Store::default();
    let module = Module::new(&store, wat).expect("guest");
    let out = Counted::default();
    let host = ModuleConfig::new().stdout(out.clone()).build().expect("host");
    let go = gojs::instantiate(&mut store, host, &module).expect("gojs");
    let all = with_nop(&mut store, go.imports());
    let instance = Instance::new(&mut store, &module, &all).expect("instance");
    go.bind(&mut store, &instance).expect("bind");
    let mut g = c.benchmark_group("gojs runtime.wasmWrite 16B");
    loops(
        &mut g,
        "wasmWrite",
        &mut store,
        &instance,
        &out,
        "0123456789abcdef",
        true,
    );
    g.finish();
}

/// AssemblyScript's `env.trace(message, n, a0..a4)`: the message is an AS
/// string (UTF-16, its byte length in the 4 bytes before it).
fn assemblyscript_trace(c: &mut Criterion) {
    let mut g = c.benchmark_group("assemblyscript trace");
    let cases = [
        ("trace(\"hello\")", 0, "trace: hello\n"),
        ("trace(\"hello\", 2, 1.5, 2)", 2, "trace: hello 1.5,2\n"),
    ];
    for (i, (name, n, line)) in cases.into_iter().enumerate() {
        let wat = format!(
            r#"(module
  (import "env" "trace" (func $trace (param i32 i32 f64 f64 f64 f64 f64)))
  (import "bench" "nop" (func $nop))
  (memory (export "memory") 1)
  (data (i32.const 60) "\0a\00\00\00h\00e\00l\00l\00o\00")
  (func (export "write_loop") (param $n i32)
    (loop $l
      (call $trace (i32.const 64) (i32.const {n}) (f64.const 1.5) (f64.const 2) (f64.const 0) (f64.const 0) (f64.const 0))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  {LOOPS})"#
        );
        let mut store = Store::default();
        let module = Module::new(&store, wat).expect("guest");
        let out = Counted::default();
        let host = ModuleConfig::new().stdout(out.clone()).build().expect("host");
        let options = assemblyscript::Options::new().trace(assemblyscript::Trace::Stdout);
        let asc = assemblyscript::instantiate(&mut store, host, options);
        let all = with_nop(&mut store, asc.imports());
        let instance = Instance::new(&mut store, &module, &all).expect("instance");
        asc.bind(&mut store, &instance).expect("bind");
        loops(&mut g, name, &mut store, &instance, &out, line, i == 0);
    }
    g.finish();
}

#[path = "support/setups.rs"]
mod setups;
use setups::{setup_assemblyscript, setup_emscripten, setup_gojs, setup_wasi, Setup};

fn setup(c: &mut Criterion) {
    let mut g = c.benchmark_group("setup (instantiate + bind)");
    let engine = Engine::default();
    let sets: [(&str, &str, Setup); 4] = [
        ("wasi (C hello)", "wasi/c/hello/hello.wasm", setup_wasi),
        (
            "emscripten (hello-glue-O2)",
            "emscripten/hello-glue-O2/hello-glue-O2.wasm",
            setup_emscripten,
        ),
        (
            "assemblyscript (hello)",
            "assemblyscript/hello/hello.wasm",
            setup_assemblyscript,
        ),
        ("gojs (go1.27 hello)", "gojs/go1.27/hello/hello.wasm", setup_gojs),
    ];
    for (name, path, set_up) in sets {
        let module = Module::new(&engine, std::fs::read(testdata(path)).expect("testdata")).expect("compile");
        g.bench_function(name, |b| {
            b.iter_batched(
                || Store::new(engine.clone()),
                |mut store| {
                    let instance = set_up(&mut store, &module);
                    (store, instance)
                },
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

fn cli_hello(c: &mut Criterion) {
    let mut g = c.benchmark_group("cli run hello");
    let hello = testdata("wasi/c/hello/hello.wasm");
    let run = |cache: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
            .arg("run")
            .arg("--cache-dir")
            .arg(cache)
            .arg(&hello)
            .output()
            .expect("spawn");
        // The C hello prints one line and returns 3 from main.
        assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, b"hello from c\n");
    };
    g.bench_function("cold cache", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tempdir"),
            |dir| {
                run(dir.path());
                dir
            },
            BatchSize::PerIteration,
        )
    });
    let warm = tempfile::tempdir().expect("tempdir");
    run(warm.path());
    g.bench_function("warm cache", |b| b.iter(|| run(warm.path())));
    g.bench_function("baseline: spawn /bin/true", |b| {
        b.iter(|| Command::new("/bin/true").status().expect("spawn"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = gojs_wasm_write, assemblyscript_trace, setup, cli_hello
}
criterion_main!(benches);
