//! Many suspended guests on one thread: N copies of the C guest
//! `testdata/async/wasi/c/sleep` (five 10 ms sleeps in `poll_oneoff`, a
//! line after each) on one thread (`futures::executor::block_on` of them
//! all), twice: transformed (`sleep.asyncify`) through
//! `wasi_snapshot_preview1::run_async`, and untransformed on wasmer's
//! coroutines through `run_coroutine`. Reports, for each:
//!
//! - memory per suspended guest: the process's resident set after every
//!   guest has been set up and has suspended in its first sleep, less
//!   before, divided by N;
//! - wake-up latency: for each guest, the time between two consecutive
//!   lines less the 10 ms it slept (median, 99th percentile, maximum);
//! - the whole run's wall time.
//!
//! `cargo bench -p wasmer-imports --bench suspend` runs 10,000 guests
//! each way, each in a process of its own (`-- N` for another count,
//! `-- asyncify` or `-- coroutines` for one way); under
//! `cargo test --benches` it runs 100 and checks their output.

use imports::ModuleConfig;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Context;
use std::time::{Duration, Instant};
use wasmer::{Engine, Module, Store};

/// A guest's stdout: when each line ended.
#[derive(Clone, Default)]
struct Stamps(Arc<Mutex<Vec<Instant>>>);

impl Write for Stamps {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let now = Instant::now();
        let mut v = self.0.lock().unwrap();
        v.extend(b.iter().filter(|&&c| c == b'\n').map(|_| now));
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Resident set size in bytes (`VmRSS` of `/proc/self/status`).
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
    let kib: u64 = line.split_whitespace().nth(1).expect("value").parse().expect("kB");
    kib * 1024
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benching = args.iter().any(|a| a == "--bench");
    let n: usize = args
        .iter()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(if benching { 10_000 } else { 100 });
    // Each way in a process of its own, so neither inherits the other's
    // freed memory in its resident set.
    match args.iter().find(|a| *a == "asyncify" || *a == "coroutines") {
        Some(way) => measure(n, way == "coroutines"),
        None => {
            for way in ["asyncify", "coroutines"] {
                let status = std::process::Command::new(std::env::current_exe().expect("own path"))
                    .args(&args[1..])
                    .arg(way)
                    .status()
                    .expect("run a way");
                assert!(status.success(), "the {way} run failed");
            }
        }
    }
}

type Run<'a> = Pin<Box<dyn Future<Output = Result<u32, wasi_snapshot_preview1::Error>> + 'a>>;

fn measure(n: usize, coroutines: bool) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/async/wasi/c");
    let path = if coroutines {
        format!("{dir}/sleep/sleep.wasm")
    } else {
        format!("{dir}/sleep.asyncify/sleep.asyncify.wasm")
    };
    let engine = Engine::default();
    let module = Module::new(&engine, std::fs::read(path).expect("testdata")).expect("compile");

    let before = rss();
    let started = Instant::now();
    let mut stores: Vec<Store> = (0..if coroutines { 0 } else { n })
        .map(|_| Store::new(engine.clone()))
        .collect();
    let stamps: Vec<Stamps> = (0..n).map(|_| Stamps::default()).collect();
    let runs: Vec<Run<'_>> = if coroutines {
        stamps
            .iter()
            .map(|out| {
                let config = ModuleConfig::new().stdout(out.clone());
                Box::pin(wasi_snapshot_preview1::run_coroutine(
                    Store::new(engine.clone()),
                    &module,
                    config,
                )) as Run<'_>
            })
            .collect()
    } else {
        stores
            .iter_mut()
            .zip(&stamps)
            .map(|(store, out)| {
                let config = ModuleConfig::new().stdout(out.clone());
                Box::pin(wasi_snapshot_preview1::run_async(store, &module, config)) as Run<'_>
            })
            .collect()
    };
    let mut all = futures::future::join_all(runs);
    // One poll sets every guest up and runs it to its first sleep.
    let waker = futures::task::noop_waker();
    assert!(Pin::new(&mut all).poll(&mut Context::from_waker(&waker)).is_pending());
    let suspended = rss();
    let setup = started.elapsed();
    let codes = futures::executor::block_on(all);
    let total = started.elapsed();

    assert!(
        codes.iter().all(|c| matches!(c, Ok(0))),
        "a guest failed: {:?}",
        codes.iter().find(|c| !matches!(c, Ok(0)))
    );
    let mut latencies = Vec::new();
    for s in &stamps {
        let lines = s.0.lock().unwrap();
        // tick 0..4, "elapsed ok", "slept": a sleep before each tick.
        assert_eq!(lines.len(), 7, "each guest prints seven lines");
        latencies.extend(
            lines[..5]
                .windows(2)
                .map(|w| (w[1] - w[0]).saturating_sub(Duration::from_millis(10))),
        );
    }
    latencies.sort();
    let per_guest = suspended.saturating_sub(before) / n as u64;
    let how = if coroutines {
        "c/sleep on coroutines"
    } else {
        "c/sleep.asyncify"
    };
    println!("{n} guests sleeping 5 x 10 ms on one thread ({how})");
    println!("  set up and suspended in their first sleep: {setup:.2?}; whole run: {total:.2?}");
    println!(
        "  memory per suspended guest: {:.1} KiB (resident set {} -> {} MiB)",
        per_guest as f64 / 1024.0,
        before >> 20,
        suspended >> 20
    );
    println!(
        "  wake-up latency (gap between lines - 10 ms): median {:.2?}, p99 {:.2?}, max {:.2?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().unwrap()
    );
}
