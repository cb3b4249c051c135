//! Limits on what a guest may take: `--timeout` (wall-clock time, exit
//! status 124 as timeout(1)) and `--max-memory` (linear memory, through
//! wasmer's tunables; `imports::limits::MemoryLimit` in the embedding
//! API). The guests are real programs: `testdata/wasi/rust/spin` (never
//! ends: a loop, or an hour's sleep) and `testdata/wasi/rust/grow`
//! (grows its memory 64 KiB at a time until refused).

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn wasm(prog: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../testdata/wasi/rust/{prog}/{prog}.wasm"))
}

/// Waits for `child`, killing it (and failing) if it outlives a minute:
/// a guard against a limit that does not work, not a measure of time.
fn finish(mut child: Child) -> (Option<i32>, String) {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the guest was not stopped");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (child.wait().unwrap().code(), err)
}

fn timed(args: &[&str], stdin: Stdio) -> (Option<i32>, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--timeout", "1"])
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child)
}

const STOPPED: &str = "wasmer-imports: the guest ran longer than --timeout 1 s and was stopped\n";

#[test]
fn timeout_stops_a_guest_spinning_in_its_own_code() {
    let spin = wasm("spin");
    assert_eq!(
        timed(&[spin.to_str().unwrap(), "spin"], Stdio::null()),
        (Some(124), STOPPED.into())
    );
}

#[test]
fn timeout_stops_a_guest_sleeping_in_a_host_call() {
    let spin = wasm("spin");
    assert_eq!(
        timed(&[spin.to_str().unwrap(), "sleep"], Stdio::null()),
        (Some(124), STOPPED.into())
    );
}

#[test]
fn timeout_stops_a_guest_blocked_reading_a_pipe() {
    let cat = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/wasi/c/cat/cat.wasm");
    // The pipe's writer stays open and silent: the read never returns.
    assert_eq!(
        timed(&[cat.to_str().unwrap(), "-"], Stdio::piped()),
        (Some(124), STOPPED.into())
    );
}

#[test]
fn timeout_takes_a_positive_number() {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--timeout", "soon"])
        .arg(wasm("spin"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected a positive number of seconds"));
}

/// What `grow` prints: the pages it ended with, whether a grow failed.
fn pages(stdout: &str) -> (u32, bool) {
    let pages = stdout
        .split_whitespace()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .expect(stdout);
    (pages, stdout.trim_end().ends_with("refused: true"))
}

#[test]
fn max_memory_keeps_a_growing_guest_at_256_pages_for_16_mib() {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--max-memory", "16MiB"])
        .arg(wasm("grow"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (pages, refused) = pages(&String::from_utf8_lossy(&out.stdout));
    assert!(
        pages <= 256 && pages > 200 && refused,
        "{pages} pages, refused {refused}"
    );
}

#[test]
fn max_memory_below_the_module_minimum_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--max-memory", "1MiB"])
        .arg(wasm("grow"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the limit is 16 pages"), "{err}");
}

#[test]
fn memory_limit_on_an_embedders_engine() {
    use wasmer::sys::NativeEngineExt;
    let mut engine = wasmer::Engine::default();
    engine.set_tunables(imports::limits::MemoryLimit::new(16 << 20));
    let mut store = wasmer::Store::new(engine);
    let module = wasmer::Module::new(&store, std::fs::read(wasm("grow")).unwrap()).unwrap();
    let out = imports::stdio::OutputBuffer::new();
    let config = imports::ModuleConfig::new().arg("grow").stdout(out.clone());
    assert_eq!(wasi_snapshot_preview1::run(&mut store, &module, config).unwrap(), 0);
    let (pages, refused) = pages(&String::from_utf8_lossy(&out.contents()));
    assert!(pages <= 256 && refused, "{pages} pages");
}
