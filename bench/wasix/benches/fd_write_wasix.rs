//! One `fd_write(1, iovs, n_iovs, &nwritten)` from a guest loop, ours against
//! wasmer-wasix 0.704's, in one run of one binary (figures read as ratios
//! within a run). Every payload shape in [`SHAPES`] gets one criterion group
//! (`fd_write <shape>`) holding these configurations:
//!
//! - `ours: ring buffer` — our `wasi_snapshot_preview1` with stdout set to
//!   [`Ring`], a 64-byte-aligned 64 KiB buffer written round and round (the
//!   sink of `wasi_snapshot_preview1/benches/fd_write.rs`).
//! - `wasix: BufferFile` — wasmer-wasix with stdout set to
//!   `virtual_fs::BufferFile`, its in-memory file (a `Cursor<Vec<u8>>`). It
//!   grows without bound, so the guest loop runs in chunks of at most
//!   [`SINK_BYTES`] written bytes and the file is truncated and rewound
//!   between chunks, outside the timed part: its `Vec` keeps its capacity,
//!   so a write is a copy into memory already allocated, as with `Ring`.
//! - `wasix: NullFile` — wasmer-wasix with stdout set to `virtual_fs::NullFile`,
//!   which drops every write: wasix's call path without a copy.
//! - `baseline: empty typed host call` — the same guest calling `bench.nop`,
//!   a typed host function with an empty body, under plain wasmer: the floor
//!   for any host call.
//! - `wasix: default stdout (/dev/null)` — wasmer-wasix with the stdout it
//!   installs by default (the process stdout, through tokio's blocking pool).
//!   fd 1 points at /dev/null while this one runs, so criterion's console
//!   lines for it are lost too: read it from `target/criterion` (`summary.sh`).
//!   It costs ~190 us per call, so it runs last in its group with 10 samples.
//!
//! `cd bench/wasix && cargo bench --bench fd_write_wasix -- --noplot`, then
//! `./summary.sh`.

use criterion::{criterion_group, criterion_main, Criterion};
use imports::ModuleConfig;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};
use virtual_fs::{BufferFile, NullFile, VirtualFile};
use wasmer::{imports, Function, Instance, Module, Store, TypedFunction};
use wasmer_wasix::runtime::task_manager::tokio::TokioTaskManager;
use wasmer_wasix::{PluggableRuntime, WasiEnv};

/// A payload: `iovecs` buffers of `len` bytes each, passed in one call.
struct Shape {
    name: &'static str,
    iovecs: u32,
    len: u32,
}

const fn shape(name: &'static str, iovecs: u32, len: u32) -> Shape {
    Shape { name, iovecs, len }
}

impl Shape {
    fn bytes(&self) -> u32 {
        self.iovecs * self.len
    }
}

const SHAPES: [Shape; 5] = [
    shape("1x16B", 1, 16),
    shape("1x1KiB", 1, 1024),
    shape("4x1KiB", 4, 1024),
    shape("16x64B", 16, 64),
    shape("1x64KiB", 1, 65536),
];

/// Guest memory layout: the iovec array, `nwritten`, then the payload. The
/// payload starts 256 bytes into a page, so no sink destination (64-byte
/// aligned, or 16 past a page for a large `Vec`) sits 1-31 bytes past it
/// within a page, where memcpy is slow (PERFORMANCE.md).
const IOVS: u32 = 0;
const NWRITTEN: u32 = 192;
const PAYLOAD: u32 = 256;

/// Most bytes `wasix: BufferFile` takes before it is truncated (untimed).
const SINK_BYTES: u32 = 1 << 20;

/// The guest: `write_once` (one `fd_write`, returning its errno),
/// `write_loop n` (n `fd_write`s) and `nop_loop n` (n calls to `bench.nop`),
/// with the iovecs and the payload set up by data segments.
fn guest_wat(shape: &Shape) -> String {
    let mut iovs = String::new();
    for i in 0..shape.iovecs {
        for word in [PAYLOAD + i * shape.len, shape.len] {
            for byte in word.to_le_bytes() {
                iovs.push_str(&format!("\\{byte:02x}"));
            }
        }
    }
    // Written pages, not the shared zero page, as the copies' source.
    let payload: String = (0..shape.bytes()).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let pages = (PAYLOAD + shape.bytes()).div_ceil(65536);
    let call = format!(
        "(call $fd_write (i32.const 1) (i32.const {IOVS}) (i32.const {}) (i32.const {NWRITTEN}))",
        shape.iovecs
    );
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "bench" "nop" (func $nop))
  (memory (export "memory") {pages})
  (data (i32.const {IOVS}) "{iovs}")
  (data (i32.const {PAYLOAD}) "{payload}")
  (func (export "write_once") (result i32) {call})
  (func (export "write_loop") (param $n i32)
    (loop $l
      (drop {call})
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n))))
  (func (export "nop_loop") (param $n i32)
    (loop $l
      (call $nop)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))))"#
    )
}

/// A 64-byte-aligned buffer written round and round: a sink that never
/// grows (PERFORMANCE.md: unaligned destinations slow memcpy down). Unlike
/// the copy in `fd_write.rs` it takes every buffer of a `write_vectored`:
/// `Write`'s default writes only the first, and our `fd_write` hands all
/// iovecs to one `write_vectored`, so 4x1 KiB would report 1 KiB written.
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
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        bufs.iter().map(|b| self.write(b)).sum()
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

/// Which stdout a wasmer-wasix guest gets.
#[derive(Clone, Copy)]
enum WasixStdout {
    Buffer,
    Null,
    Default,
}

/// One instantiated guest, ready to be timed.
struct Guest {
    store: Store,
    instance: Instance,
    write: TypedFunction<i32, ()>,
    nop: TypedFunction<i32, ()>,
    /// For a sink that grows (`BufferFile`): a handle that truncates it.
    grows: Option<Box<dyn VirtualFile + Send + Sync>>,
}

impl Guest {
    /// The guest on our `wasi_snapshot_preview1`, stdout into a [`Ring`].
    fn ours(shape: &Shape) -> Guest {
        let mut store = Store::default();
        let module = Module::new(&store, guest_wat(shape)).expect("guest");
        let host = ModuleConfig::new().stdout(ring()).build().expect("config");
        let wasi = wasi_snapshot_preview1::instantiate(&mut store, host);
        let mut all = wasi.imports().clone();
        all.extend(&imports! { "bench" => { "nop" => Function::new_typed(&mut store, || {}) } });
        let instance = Instance::new(&mut store, &module, &all).expect("instance");
        wasi.bind(&mut store, &instance).expect("bind");
        Guest::new(store, instance, None)
    }

    /// The guest on wasmer-wasix, the canonical manual set-up: a
    /// `PluggableRuntime` on tokio sharing the store's engine, a `WasiEnv`
    /// builder finalised into a `WasiFunctionEnv`, its `import_object` for
    /// the module (plus `bench.nop`), then `initialize` with the instance.
    fn wasix(shape: &Shape, stdout: WasixStdout, tokio: &tokio::runtime::Handle) -> Guest {
        let mut store = Store::default();
        let module = Module::new(&store, guest_wat(shape)).expect("guest");
        let mut runtime = PluggableRuntime::new(Arc::new(TokioTaskManager::new(tokio.clone())));
        runtime.set_engine(store.engine().clone());
        let mut builder = WasiEnv::builder("bench").runtime(Arc::new(runtime));
        match stdout {
            WasixStdout::Buffer => builder = builder.stdout(Box::<BufferFile>::default()),
            WasixStdout::Null => builder = builder.stdout(Box::new(NullFile::default())),
            WasixStdout::Default => {}
        }
        let mut env = builder.finalize(&mut store).expect("wasi env");
        let mut all = env.import_object(&mut store, &module).expect("wasix imports");
        all.extend(&imports! { "bench" => { "nop" => Function::new_typed(&mut store, || {}) } });
        let instance = Instance::new(&mut store, &module, &all).expect("instance");
        env.initialize(&mut store, instance.clone()).expect("initialize");
        let grows = match stdout {
            WasixStdout::Buffer => env.data(&store).stdout().expect("stdout"),
            _ => None,
        };
        Guest::new(store, instance, grows)
    }

    fn new(store: Store, instance: Instance, grows: Option<Box<dyn VirtualFile + Send + Sync>>) -> Guest {
        let typed = |name| instance.exports.get_typed_function(&store, name).expect(name);
        let (write, nop) = (typed("write_loop"), typed("nop_loop"));
        Guest {
            store,
            instance,
            write,
            nop,
            grows,
        }
    }

    /// Fails unless one `fd_write` succeeds and reports the whole payload.
    fn check(&mut self, shape: &Shape) {
        let once: TypedFunction<(), i32> = self
            .instance
            .exports
            .get_typed_function(&self.store, "write_once")
            .expect("write_once");
        assert_eq!(once.call(&mut self.store).expect("write_once"), 0, "fd_write errno");
        let memory = self.instance.exports.get_memory("memory").expect("memory");
        let mut nwritten = [0; 4];
        memory
            .view(&self.store)
            .read(NWRITTEN.into(), &mut nwritten)
            .expect("nwritten");
        assert_eq!(u32::from_le_bytes(nwritten), shape.bytes(), "nwritten");
        if let Some(file) = &mut self.grows {
            assert_eq!(file.size(), u64::from(shape.bytes()), "bytes in the in-memory file");
            truncate(file.as_mut());
        }
    }

    /// Times `iters` calls of `write_loop` (or `nop_loop`), made by guest
    /// loops of at most `chunk` calls; a growing sink is truncated between
    /// loops, outside the timed part.
    fn time(&mut self, nop: bool, iters: u64, chunk: u64) -> Duration {
        let f = if nop { &self.nop } else { &self.write };
        let mut spent = Duration::ZERO;
        let mut left = iters;
        while left > 0 {
            let n = left.min(chunk);
            let start = Instant::now();
            f.call(&mut self.store, n as i32).expect("guest loop");
            spent += start.elapsed();
            left -= n;
            if let Some(file) = &mut self.grows {
                truncate(file.as_mut());
            }
        }
        spent
    }
}

/// Empties an in-memory file and rewinds it (a `Cursor` seeks at once).
fn truncate(file: &mut (dyn VirtualFile + Send + Sync)) {
    file.set_len(0).expect("set_len");
    let mut file = Pin::new(file);
    file.as_mut().start_seek(std::io::SeekFrom::Start(0)).expect("seek");
    let mut cx = Context::from_waker(Waker::noop());
    assert!(matches!(file.poll_complete(&mut cx), Poll::Ready(Ok(0))), "rewind");
}

/// Points fd 1 at /dev/null while alive, so that the guest's writes through
/// wasix's default stdout (the process stdout) cost what a write to
/// /dev/null costs and do not flood the console.
struct StdoutToDevNull {
    saved: libc::c_int,
}

impl StdoutToDevNull {
    fn new() -> StdoutToDevNull {
        std::io::stdout().flush().expect("flush");
        // SAFETY: plain descriptor calls on descriptors this function owns.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            let saved = libc::dup(1);
            assert!(null >= 0 && saved >= 0 && libc::dup2(null, 1) == 1, "redirect fd 1");
            libc::close(null);
            StdoutToDevNull { saved }
        }
    }
}

impl Drop for StdoutToDevNull {
    fn drop(&mut self) {
        // tokio's stdout may still have one write in flight on its blocking
        // pool, and guest bytes may sit in std's stdout buffer.
        std::thread::sleep(Duration::from_millis(100));
        let _ = std::io::stdout().flush();
        // SAFETY: `saved` is the descriptor `new` duplicated.
        unsafe {
            libc::dup2(self.saved, 1);
            libc::close(self.saved);
        }
    }
}

fn fd_write_shapes(c: &mut Criterion) {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio");
    // wasix's default stdout takes the current tokio handle when built.
    let _entered = tokio.enter();
    for shape in &SHAPES {
        let mut group = c.benchmark_group(format!("fd_write {}", shape.name));
        let whole = u64::from(u32::MAX >> 1);
        let chunk = u64::from((SINK_BYTES / shape.bytes()).max(1));

        let mut ours = Guest::ours(shape);
        ours.check(shape);
        group.bench_function("ours: ring buffer", |b| b.iter_custom(|n| ours.time(false, n, whole)));

        let mut buffer = Guest::wasix(shape, WasixStdout::Buffer, tokio.handle());
        buffer.check(shape);
        group.bench_function("wasix: BufferFile", |b| b.iter_custom(|n| buffer.time(false, n, chunk)));

        let mut null = Guest::wasix(shape, WasixStdout::Null, tokio.handle());
        null.check(shape);
        group.bench_function("wasix: NullFile", |b| b.iter_custom(|n| null.time(false, n, whole)));

        group.bench_function("baseline: empty typed host call", |b| {
            b.iter_custom(|n| ours.time(true, n, whole))
        });

        eprintln!(
            "fd_write {}/wasix: default stdout (/dev/null): running with fd 1 on /dev/null; \
             results in target/criterion (./summary.sh)",
            shape.name
        );
        let mut default = Guest::wasix(shape, WasixStdout::Default, tokio.handle());
        let devnull = StdoutToDevNull::new();
        default.check(shape);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        group.bench_function("wasix: default stdout (/dev/null)", |b| {
            b.iter_custom(|n| default.time(false, n, whole))
        });
        drop(devnull);
        group.finish();
    }
}

criterion_group!(benches, fd_write_shapes);
criterion_main!(benches);
