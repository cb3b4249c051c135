//! What the WASI benchmarks share: one WAT guest with a loop per host
//! call, the sinks, and timing helpers. Every loop export has the shape
//! `(a, b, c, n)`: three call arguments and the number of calls, so one
//! timing helper drives them all.

#![allow(dead_code)] // each bench file uses part of it

use criterion::Criterion;
use imports::ModuleConfig;
use std::io::Write;
use std::time::{Duration, Instant};
use wasmer::{imports, Function, Instance, Memory, Module, Store, TypedFunction};

/// Guest memory layout (bytes): the iovec array at [`IOVS`], out-params
/// at [`OUT`], a path at [`PATH`], payloads from [`DATA`] (64-byte aligned,
/// room for 64 KiB), a `fd_readdir` buffer at [`DIRBUF`] (64 KiB).
pub const IOVS: u32 = 0;
pub const OUT: u32 = 1024;
pub const PATH: u32 = 2048;
pub const DATA: u32 = 4096;
pub const DIRBUF: u32 = DATA + 65536;

/// The guest. Each loop returns the OR of the errnos its calls returned,
/// so a benchmark that measured failing calls panics instead of reporting
/// them. `write_loop(fd, iovs, niovs, n)` and `read_loop` rewind the
/// descriptor every 1,024 calls (`fd_seek` to 0; `ESPIPE` on a stream) so
/// a file sink stays bounded: 1/1,024 of a seek per call, in every sink
/// alike. `open_file(dirfd, path, len, oflags)` returns the new fd or
/// `-errno`.
pub const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "bench" "nop" (func $nop))
  (memory (export "memory") 4)
  (func $rewind (param $fd i32) (param $n i32)
    (if (i32.eqz (i32.and (local.get $n) (i32.const 1023)))
      (then (drop (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 0) (i32.const 1024))))))
  (func (export "write_loop") (param $fd i32) (param $iovs i32) (param $len i32) (param $n i32) (result i32)
    (local $e i32)
    (loop $l
      (local.set $e (i32.or (local.get $e)
        (call $fd_write (local.get $fd) (local.get $iovs) (local.get $len) (i32.const 1024))))
      (call $rewind (local.get $fd) (local.get $n))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $e))
  (func (export "read_loop") (param $fd i32) (param $iovs i32) (param $len i32) (param $n i32) (result i32)
    (local $e i32)
    (loop $l
      (local.set $e (i32.or (local.get $e)
        (call $fd_read (local.get $fd) (local.get $iovs) (local.get $len) (i32.const 1024))))
      (call $rewind (local.get $fd) (local.get $n))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $e))
  (func (export "clock_loop") (param $id i32) (param i32) (param i32) (param $n i32) (result i32)
    (local $e i32)
    (loop $l
      (local.set $e (i32.or (local.get $e)
        (call $clock_time_get (local.get $id) (i64.const 1) (i32.const 1024))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $e))
  (func (export "random_loop") (param $buf i32) (param $len i32) (param i32) (param $n i32) (result i32)
    (local $e i32)
    (loop $l
      (local.set $e (i32.or (local.get $e) (call $random_get (local.get $buf) (local.get $len))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $e))
  (func (export "open_close_loop") (param $dir i32) (param $path i32) (param $len i32) (param $n i32) (result i32)
    (local $e i32)
    (loop $l
      (local.set $e (i32.or (local.get $e)
        (call $path_open (local.get $dir) (i32.const 0) (local.get $path) (local.get $len)
          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 1024))))
      (local.set $e (i32.or (local.get $e) (call $fd_close (i32.load (i32.const 1024)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $e))
  (func (export "readdir_loop") (param $fd i32) (param $buf i32) (param $len i32) (param $n i32) (result i32)
    (local $e i32)
    (loop $l
      (local.set $e (i32.or (local.get $e)
        (call $fd_readdir (local.get $fd) (local.get $buf) (local.get $len) (i64.const 0) (i32.const 1024))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $e))
  (func (export "nop_loop") (param i32) (param i32) (param i32) (param $n i32) (result i32)
    (loop $l
      (call $nop)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.const 0))
  (func (export "open_file") (param $dir i32) (param $path i32) (param $len i32) (param $oflags i32) (result i32)
    (local $e i32)
    (local.set $e (call $path_open (local.get $dir) (i32.const 0) (local.get $path) (local.get $len)
      (local.get $oflags) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 1024)))
    (if (result i32) (local.get $e)
      (then (i32.sub (i32.const 0) (local.get $e)))
      (else (i32.load (i32.const 1024))))))"#;

/// A 64-byte-aligned buffer written round and round: an in-memory sink
/// that never grows or allocates (`shared/PERFORMANCE.md`: unaligned
/// destinations slow memcpy down).
#[repr(align(64))]
pub struct Ring {
    buf: [u8; 1 << 18],
    at: usize,
}

/// A boxed [`Ring`]: the stdout of the in-memory sink.
pub struct RingSink(pub Box<Ring>);

impl Write for RingSink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let r = &mut *self.0;
        if r.at + b.len() > r.buf.len() {
            r.at = 0;
        }
        r.buf[r.at..r.at + b.len()].copy_from_slice(b);
        r.at += b.len();
        Ok(b.len())
    }
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        let mut n = 0;
        for b in bufs {
            n += self.write(b)?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A fresh in-memory sink.
pub fn ring() -> RingSink {
    RingSink(Box::new(Ring {
        buf: [0; 1 << 18],
        at: 0,
    }))
}

/// One instantiated benchmark guest.
pub struct Guest {
    pub store: Store,
    pub instance: Instance,
    pub memory: Memory,
}

/// A loop export: `(a, b, c, n) -> errnos`.
pub type Loop = TypedFunction<(i32, i32, i32, i32), i32>;

impl Guest {
    /// Instantiates [`GUEST`] with the WASI imports of `config`.
    pub fn new(config: ModuleConfig) -> Guest {
        let mut store = Store::default();
        let module = Module::new(&store, GUEST).expect("guest");
        let wasi = wasi_snapshot_preview1::instantiate(&mut store, config.build().expect("config"));
        let mut all = wasi.imports().clone();
        all.extend(&imports! { "bench" => { "nop" => Function::new_typed(&mut store, || {}) } });
        let instance = Instance::new(&mut store, &module, &all).expect("instance");
        wasi.bind(&mut store, &instance).expect("bind");
        let memory = instance.exports.get_memory("memory").expect("memory").clone();
        Guest {
            store,
            instance,
            memory,
        }
    }

    /// The loop export `name`.
    pub fn function(&self, name: &str) -> Loop {
        self.instance
            .exports
            .get_typed_function(&self.store, name)
            .expect("loop export")
    }

    /// Writes `bytes` into guest memory at `at`.
    pub fn poke(&self, at: u32, bytes: &[u8]) {
        self.memory.view(&self.store).write(u64::from(at), bytes).expect("poke");
    }

    /// Lays out `count` iovecs of `size` bytes each over the payload area.
    pub fn iovecs(&self, count: usize, size: usize) {
        for i in 0..count {
            let mut rec = [0u8; 8];
            rec[..4].copy_from_slice(&(DATA + (i * size) as u32).to_le_bytes());
            rec[4..].copy_from_slice(&(size as u32).to_le_bytes());
            self.poke(IOVS + 8 * i as u32, &rec);
        }
        self.poke(DATA, &payload(count * size));
    }

    /// Opens `path` under the preopened directory `dir` from inside the
    /// guest; returns the fd.
    pub fn open(&mut self, dir: i32, path: &str, oflags: i32) -> i32 {
        self.poke(PATH, path.as_bytes());
        let open: TypedFunction<(i32, i32, i32, i32), i32> = self
            .instance
            .exports
            .get_typed_function(&self.store, "open_file")
            .expect("open_file");
        let fd = open
            .call(&mut self.store, dir, PATH as i32, path.len() as i32, oflags)
            .expect("open_file");
        assert!(fd >= 0, "path_open {path}: errno {}", -fd);
        fd
    }

    /// Times `iters` calls of loop `f` with `args` (in `u32`-sized runs).
    pub fn time(&mut self, f: &Loop, args: (i32, i32, i32), iters: u64) -> Duration {
        let start = Instant::now();
        let mut left = iters;
        while left > 0 {
            let n = left.min(1 << 30);
            let errno = f.call(&mut self.store, args.0, args.1, args.2, n as i32).expect("loop");
            assert_eq!(errno, 0, "a call in the benchmark loop failed");
            left -= n;
        }
        start.elapsed()
    }
}

/// `len` bytes of printable payload.
pub fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

/// Criterion settings for these benchmarks: short, since every group
/// holds its own baselines and ratios are read within one run.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(40)
}
