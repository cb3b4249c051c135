//! `fd_write` from a WAT guest loop, for each payload shape and sink,
//! beside what bounds it from below, measured in the same group so every
//! figure reads as a ratio within one run:
//!
//! - shapes: 1x16 B, 1x1 KiB, 4x1 KiB, 16x64 B, 1x64 KiB (iovecs x bytes);
//! - sinks: an in-memory stdout (a 64-byte-aligned ring that never grows),
//!   a file on a `MemFs` mount, `/dev/null` as stdout (a real file: one
//!   `writev(2)` per call), and a pipe drained by a reader thread;
//! - baselines: an empty typed host call from the same kind of loop, a
//!   native copy of the same buffers into the same kind of ring, and a
//!   native `writev(2)` of the same buffers to `/dev/null`.
//!
//! `cargo bench -p wasmer-imports-wasi --bench fd_write`; BENCHMARKS.md
//! has the figures and `scripts/bench_table.py` turns criterion's output
//! into its table.

mod support;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use imports::fs::MemFs;
use imports::log::LogScopes;
use imports::ModuleConfig;
use std::io::{IoSlice, Read, Write};
use support::{ring, Guest, IOVS};

/// Payload shapes: (name, iovecs, bytes per iovec).
const SHAPES: [(&str, usize, usize); 5] = [
    ("1x16B", 1, 16),
    ("1x1KiB", 1, 1024),
    ("4x1KiB", 4, 1024),
    ("16x64B", 16, 64),
    ("1x64KiB", 1, 65536),
];

/// `O_CREAT | O_TRUNC` (preview1 `oflags`).
const CREAT_TRUNC: i32 = 1 | 8;

fn dev_null() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .expect("/dev/null")
}

/// Times `fd_write` to `fd` of a guest configured by `config`.
fn bench_sink(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, name: &str, mut guest: Guest, fd: i32,
    shape: (usize, usize),
) {
    guest.iovecs(shape.0, shape.1);
    let write = guest.function("write_loop");
    g.bench_function(name, |b| {
        b.iter_custom(|n| guest.time(&write, (fd, IOVS as i32, shape.0 as i32), n))
    });
}

fn fd_write(c: &mut Criterion) {
    for (shape_name, count, size) in SHAPES {
        let mut g = c.benchmark_group(format!("fd_write {shape_name}"));
        let shape = (count, size);

        bench_sink(
            &mut g,
            "memory",
            Guest::new(ModuleConfig::new().stdout(ring())),
            1,
            shape,
        );
        if shape_name == "1x16B" {
            // The check a call pays when logging is on for other scopes.
            let config = ModuleConfig::new().stdout(ring()).host_logging(LogScopes::CLOCK);
            bench_sink(
                &mut g,
                "memory, logging on for another scope",
                Guest::new(config),
                1,
                shape,
            );
        }

        let mut memfs = Guest::new(ModuleConfig::new().mount("/m", MemFs::new()));
        let fd = memfs.open(3, "f", CREAT_TRUNC);
        bench_sink(&mut g, "MemFs file", memfs, fd, shape);

        bench_sink(
            &mut g,
            "/dev/null",
            Guest::new(ModuleConfig::new().stdout(dev_null())),
            1,
            shape,
        );

        let (mut reader, writer) = std::io::pipe().expect("pipe");
        let drain = std::thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            while reader.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
        });
        bench_sink(&mut g, "pipe", Guest::new(ModuleConfig::new().stdout(writer)), 1, shape);
        drain.join().expect("drain");

        let mut nop = Guest::new(ModuleConfig::new());
        let nop_loop = nop.function("nop_loop");
        g.bench_function("baseline: empty host call", |b| {
            b.iter_custom(|n| nop.time(&nop_loop, (0, 0, 0), n))
        });

        let data = support::payload(count * size);
        let bufs: Vec<&[u8]> = data.chunks(size).collect();
        let mut sink = ring();
        g.bench_function("baseline: native copy", |b| {
            b.iter(|| {
                for buf in &bufs {
                    sink.write_all(black_box(buf)).expect("copy");
                }
            })
        });
        let slices: Vec<IoSlice<'_>> = bufs.iter().map(|b| IoSlice::new(b)).collect();
        let mut null = dev_null();
        g.bench_function("baseline: native writev /dev/null", |b| {
            b.iter(|| null.write_vectored(black_box(&slices)).expect("writev"))
        });
        g.finish();
    }
}

criterion_group! { name = benches; config = support::criterion(); targets = fd_write }
criterion_main!(benches);
