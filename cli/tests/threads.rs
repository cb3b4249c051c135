//! Threaded WASI programs (wasi-threads), built for
//! `wasm32-wasip1-threads` from Rust and C (pthreads, wasi-libc) sources
//! whose native builds recorded the expected output
//! (`testdata/wasi-threads/build.sh`): through the CLI
//! and the embedding API, 20 runs in a row each, since a scheduling bug
//! shows only now and then. Plus a stress test of one guest's descriptor
//! table under eight threads, and the thread limit.

mod common;

use imports::fs::MemFs;
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use std::path::PathBuf;
use std::process::Command;
use wasi_snapshot_preview1::threads::{self, Threads};
use wasmer::{Module, Store};

/// Rust: sum, mutex, channels, scoped, barrier, tls, panic, exit; C:
/// sum, mutex, condvar, tls, barrier, sleep-exit, exit.
const CASES: usize = 15;

/// Runs of each case in a row.
const RUNS: usize = 20;

fn wasm(prog: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../testdata/wasi-threads/rust/{prog}/{prog}.wasm"))
}

#[test]
fn threaded_programs_print_what_their_native_builds_print_through_the_cli() {
    for _ in 0..RUNS {
        common::check_all_through_cli("wasi-threads", CASES);
    }
}

#[test]
fn threaded_programs_print_what_their_native_builds_print_through_the_api() {
    for _ in 0..RUNS {
        common::check_all_through_api("wasi-threads", CASES, |store, module, config, _| {
            match threads::run(store.engine(), module, config, Threads::new()) {
                Ok(code) => Ok(code),
                // A trap is the CLI's 134, as a native abort is.
                Err(wasi_snapshot_preview1::Error::Trap(_)) => Ok(134),
                Err(e) => Err(e.to_string()),
            }
        });
    }
}

/// Eight threads open, write, seek, read back, renumber and close
/// descriptors of one guest at once, on a shared in-memory file system:
/// no panic, no lost write, no descriptor left open.
#[test]
fn eight_threads_share_one_descriptor_table() {
    let store = Store::default();
    let module = Module::new(&store, std::fs::read(wasm("stress")).unwrap()).unwrap();
    for _ in 0..5 {
        let out = OutputBuffer::new();
        let config = ModuleConfig::new()
            .args(["stress", "fds"])
            .stdout(out.clone())
            .mount("/data", MemFs::new());
        let code = threads::run(store.engine(), &module, config, Threads::new()).unwrap();
        assert_eq!(code, 0);
        assert_eq!(
            String::from_utf8_lossy(&out.contents()),
            "8 threads x 200 rounds: lines logged 1600 of 1600\ndescriptors open: 4\n"
        );
    }
}

#[test]
fn the_stress_test_through_the_cli_on_a_host_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--dir"])
        .arg(format!("{}::/data", dir.path().display()))
        .arg(wasm("stress"))
        .arg("fds")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "8 threads x 200 rounds: lines logged 1600 of 1600\ndescriptors open: 4\n"
    );
}

/// Past `--max-threads`, `thread-spawn` fails and Rust's
/// `thread::Builder::spawn` returns the error.
#[test]
fn the_thread_limit_refuses_spawns() {
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
            .arg("run")
            .args(extra)
            .arg(wasm("stress"))
            .arg("limit")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(&["--max-threads", "2"]), "started 2, refused 4\n");
    assert_eq!(run(&[]), "started 6, refused 0\n");
    let store = Store::default();
    let module = Module::new(&store, std::fs::read(wasm("stress")).unwrap()).unwrap();
    let out = OutputBuffer::new();
    let config = ModuleConfig::new().args(["stress", "limit"]).stdout(out.clone());
    assert_eq!(
        threads::run(store.engine(), &module, config, Threads::new().max_threads(0)).unwrap(),
        0
    );
    assert_eq!(String::from_utf8_lossy(&out.contents()), "started 0, refused 6\n");
}

#[test]
fn inspect_reports_a_threaded_module() {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .arg("inspect")
        .arg(wasm("threads"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("toolchain: WASI preview1 with threads (wasi-threads)"),
        "{text}"
    );
    assert!(text.contains("provided thread-spawn"), "{text}");
    assert_eq!(out.status.code(), Some(0));
}
