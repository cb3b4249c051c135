//! The other hot WASI calls from a WAT guest loop, each beside an empty
//! host call and the native operation it stands for, in one group:
//!
//! - `fd_read` of 1x16 B and 1x4 KiB from a `MemFs` file (native: a copy);
//! - `clock_time_get` of the monotonic and realtime clocks (native:
//!   `Instant::now`, `SystemTime::now`);
//! - `random_get` of 4 KiB (native: the same OS source, `getrandom(2)`);
//! - `path_open` + `fd_close` on a `MemFs` and on an OS directory (native:
//!   `open(2)` + `close(2)` of the same file);
//! - `fd_readdir` of a 1,000-entry directory, whole, on both (native:
//!   `std::fs::read_dir` of the OS directory).
//!
//! `cargo bench -p wasmer-imports-wasi --bench calls`.

mod support;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkGroup, Criterion};
use imports::fs::{MemFs, OsDir};
use imports::ModuleConfig;
use rand::RngCore;
use std::time::{Instant, SystemTime};
use support::{Guest, DATA, DIRBUF, IOVS, PATH};

type Group<'a> = BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// Adds `name`: `calls` loop of a guest with `args`.
fn guest_bench(g: &mut Group<'_>, name: &str, guest: &mut Guest, export: &str, args: (i32, i32, i32)) {
    let f = guest.function(export);
    g.bench_function(name, |b| b.iter_custom(|n| guest.time(&f, args, n)));
}

fn nop_baseline(g: &mut Group<'_>) {
    let mut nop = Guest::new(ModuleConfig::new());
    guest_bench(g, "baseline: empty host call", &mut nop, "nop_loop", (0, 0, 0));
}

fn fd_read(c: &mut Criterion) {
    for (name, size) in [("1x16B", 16usize), ("1x4KiB", 4096)] {
        let mut g = c.benchmark_group(format!("fd_read {name}"));
        let fs = MemFs::new();
        // Enough for 1,024 reads between the loop's rewinds.
        fs.write_file("f", &support::payload(size * 1024)).expect("file");
        let mut guest = Guest::new(ModuleConfig::new().mount("/m", fs));
        let fd = guest.open(3, "f", 0);
        guest.iovecs(1, size);
        guest_bench(&mut g, "MemFs file", &mut guest, "read_loop", (fd, IOVS as i32, 1));
        nop_baseline(&mut g);
        let src = support::payload(size);
        let mut dst = vec![0u8; size];
        g.bench_function("baseline: native copy", |b| {
            b.iter(|| dst.copy_from_slice(black_box(&src)))
        });
        g.finish();
    }
}

fn clock_time_get(c: &mut Criterion) {
    let mut g = c.benchmark_group("clock_time_get");
    let mut guest = Guest::new(ModuleConfig::new());
    guest_bench(&mut g, "monotonic", &mut guest, "clock_loop", (1, 0, 0));
    guest_bench(&mut g, "realtime", &mut guest, "clock_loop", (0, 0, 0));
    nop_baseline(&mut g);
    g.bench_function("baseline: native Instant::now", |b| b.iter(Instant::now));
    g.bench_function("baseline: native SystemTime::now", |b| b.iter(SystemTime::now));
    g.finish();
}

fn random_get(c: &mut Criterion) {
    let mut g = c.benchmark_group("random_get 4KiB");
    let mut guest = Guest::new(ModuleConfig::new());
    guest_bench(&mut g, "OS source", &mut guest, "random_loop", (DATA as i32, 4096, 0));
    nop_baseline(&mut g);
    let mut buf = [0u8; 4096];
    let mut os = imports::random::os();
    g.bench_function("baseline: native getrandom", |b| {
        b.iter(|| os.fill_bytes(black_box(&mut buf)))
    });
    g.finish();
}

fn path_open(c: &mut Criterion) {
    let mut g = c.benchmark_group("path_open+fd_close");
    let memfs = MemFs::new();
    memfs.write_file("f", b"x").expect("file");
    let mut guest = Guest::new(ModuleConfig::new().mount("/m", memfs));
    guest.poke(PATH, b"f");
    guest_bench(&mut g, "MemFs", &mut guest, "open_close_loop", (3, PATH as i32, 1));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("f"), b"x").expect("file");
    let mut guest = Guest::new(ModuleConfig::new().mount("/d", OsDir::open(dir.path()).expect("osdir")));
    guest.poke(PATH, b"f");
    guest_bench(
        &mut g,
        "OS directory",
        &mut guest,
        "open_close_loop",
        (3, PATH as i32, 1),
    );
    nop_baseline(&mut g);
    let path = dir.path().join("f");
    g.bench_function("baseline: native open+close", |b| {
        b.iter(|| drop(std::fs::File::open(black_box(&path)).expect("open")))
    });
    g.finish();
}

fn fd_readdir(c: &mut Criterion) {
    let mut g = c.benchmark_group("fd_readdir 1000 entries");
    let memfs = MemFs::new();
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..1000 {
        memfs.write_file(&format!("entry{i:04}"), b"").expect("file");
        std::fs::write(dir.path().join(format!("entry{i:04}")), b"").expect("file");
    }
    let args = (3, DIRBUF as i32, 65536);
    let mut guest = Guest::new(ModuleConfig::new().mount("/m", memfs));
    guest_bench(&mut g, "MemFs", &mut guest, "readdir_loop", args);
    let mut guest = Guest::new(ModuleConfig::new().mount("/d", OsDir::open(dir.path()).expect("osdir")));
    guest_bench(&mut g, "OS directory", &mut guest, "readdir_loop", args);
    nop_baseline(&mut g);
    g.bench_function("baseline: native read_dir", |b| {
        b.iter(|| std::fs::read_dir(black_box(dir.path())).expect("read_dir").count())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = fd_read, clock_time_get, random_get, path_open, fd_readdir
}
criterion_main!(benches);
