//! `fd_write` of 16 bytes into an in-memory stdout, against what bounds it
//! from below: an empty typed host call and a native 16-byte copy, and
//! with host-call logging off, or on for another scope only (the check a
//! call pays when its own scope is off). Figures read as ratios within one
//! run. `cargo bench -p wasi_snapshot_preview1 --bench fd_write`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use imports::log::LogScopes;
use imports::ModuleConfig;
use std::io::Write;
use std::time::{Duration, Instant};
use wasmer::{imports, Function, Instance, Module, Store, TypedFunction};

/// A guest looping over `fd_write(1, iovs=0, 1, nwritten=8)` (the iovec at
/// 0 points at 16 bytes at 64), and over an empty import.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "bench" "nop" (func $nop))
  (memory (export "memory") 1)
  (data (i32.const 0) "\40\00\00\00\10\00\00\00")
  (data (i32.const 64) "0123456789abcdef")
  (func (export "write_loop") (param $n i32)
    (loop $l
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n))))
  (func (export "nop_loop") (param $n i32)
    (loop $l
      (call $nop)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))))"#;

/// A 64-byte-aligned buffer written round and round: a sink that never
/// grows (PERFORMANCE.md: unaligned destinations slow memcpy down).
#[repr(align(64))]
struct Ring {
    buf: [u8; 1 << 16],
    at: usize,
}

impl Write for Box<Ring> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.at + b.len() > self.buf.len() {
            self.at = 0;
        }
        self.buf[self.at..self.at + b.len()].copy_from_slice(b);
        self.at += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn ring() -> Box<Ring> {
    Box::new(Ring {
        buf: [0; 1 << 16],
        at: 0,
    })
}

fn guest(log: LogScopes) -> (Store, TypedFunction<i32, ()>, TypedFunction<i32, ()>) {
    let mut store = Store::default();
    let module = Module::new(&store, GUEST).expect("guest");
    let host = ModuleConfig::new()
        .stdout(ring())
        .host_logging(log)
        .build()
        .expect("config");
    let wasi = wasi_snapshot_preview1::instantiate(&mut store, host);
    let mut all = wasi.imports().clone();
    all.extend(&imports! { "bench" => { "nop" => Function::new_typed(&mut store, || {}) } });
    let instance = Instance::new(&mut store, &module, &all).expect("instance");
    wasi.bind(&mut store, &instance).expect("bind");
    let write = instance
        .exports
        .get_typed_function(&store, "write_loop")
        .expect("write_loop");
    let nop = instance
        .exports
        .get_typed_function(&store, "nop_loop")
        .expect("nop_loop");
    (store, write, nop)
}

/// Times `iters` calls made by one guest loop (split into `u32`-sized runs).
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

fn fd_write_16b(c: &mut Criterion) {
    let mut g = c.benchmark_group("fd_write 1x16B into memory");
    let (mut store, write, nop) = guest(LogScopes::NONE);
    g.bench_function("fd_write, logging off", |b| {
        b.iter_custom(|n| looped(&mut store, &write, n))
    });
    let (mut other, write_other, _) = guest(LogScopes::CLOCK);
    g.bench_function("fd_write, logging on for another scope", |b| {
        b.iter_custom(|n| looped(&mut other, &write_other, n))
    });
    g.bench_function("baseline: empty typed host call", |b| {
        b.iter_custom(|n| looped(&mut store, &nop, n))
    });
    let mut sink = ring();
    let src = *b"0123456789abcdef";
    g.bench_function("baseline: native 16-byte copy", |b| {
        b.iter(|| sink.write(black_box(&src)).expect("copy"))
    });
    g.finish();
}

criterion_group!(benches, fd_write_16b);
criterion_main!(benches);
