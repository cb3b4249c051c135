//! `ModuleConfig::max_memory` and `ModuleConfig::timeout` through the
//! embedding API, on real guests: `testdata/wasi/rust/grow` (grows its
//! memory 64 KiB at a time until refused) and `testdata/wasi/rust/spin`
//! (never ends: a loop, or an hour's sleep in `poll_oneoff`). The
//! timeout's own tests need the `interrupt` feature
//! (`cargo test -p wasmer-imports-core --features interrupt`); without it
//! the refusal is tested.

use imports::limits::engine_with_limits;
use imports::stdio::OutputBuffer;
use imports::{ConfigError, ModuleConfig};
use std::path::PathBuf;
use wasi_snapshot_preview1::Error;
use wasmer::{Engine, Module, Store};

fn wasm(prog: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../testdata/wasi/rust/{prog}/{prog}.wasm"));
    std::fs::read(path).unwrap()
}

/// Runs `grow` on `engine` with `config`: its exit code and what it
/// printed, as (pages it ended with, whether a grow was refused).
fn grow(engine: &Engine, config: ModuleConfig) -> (u32, bool) {
    let mut store = Store::new(engine.clone());
    let module = Module::new(&store, wasm("grow")).unwrap();
    let out = OutputBuffer::new();
    let config = config.arg("grow").stdout(out.clone());
    assert_eq!(wasi_snapshot_preview1::run(&mut store, &module, config).unwrap(), 0);
    let text = String::from_utf8_lossy(&out.contents()).into_owned();
    let pages = text
        .split_whitespace()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .expect(&text);
    (pages, text.trim_end().ends_with("refused: true"))
}

/// A WASI guest that grows its one-page memory by 299 pages and exits
/// with what `memory.grow` returned: 1 (the old size) when it grew,
/// `u32::MAX` (-1) when refused. Cheaper than letting `grow` take 1 GiB.
const GROW_299: &str = r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (memory.grow (i32.const 299)))))"#;

fn grow_299(engine: &Engine, config: ModuleConfig) -> u32 {
    let mut store = Store::new(engine.clone());
    let module = Module::new(&store, GROW_299).unwrap();
    wasi_snapshot_preview1::run(&mut store, &module, config).unwrap()
}

#[test]
fn max_memory_keeps_a_growing_guest_at_256_pages_for_16_mib() {
    let engine = engine_with_limits();
    let (pages, refused) = grow(&engine, ModuleConfig::new().max_memory(16 << 20));
    assert!(
        pages <= 256 && pages > 200 && refused,
        "{pages} pages, refused {refused}"
    );
}

#[test]
fn max_memory_is_per_guest_on_one_engine() {
    let engine = engine_with_limits();
    assert_eq!(grow_299(&engine, ModuleConfig::new().max_memory(16 << 20)), u32::MAX);
    assert_eq!(grow_299(&engine, ModuleConfig::new()), 1, "the cap outlived its guest");
    assert_eq!(grow_299(&engine, ModuleConfig::new().max_memory(32 << 20)), 1);
}

#[test]
fn the_smaller_of_the_engine_cap_and_the_guest_cap_wins() {
    use wasmer::sys::NativeEngineExt;
    let mut engine = Engine::default();
    engine.set_tunables(imports::limits::MemoryLimit::new(16 << 20));
    assert_eq!(grow_299(&engine, ModuleConfig::new().max_memory(1 << 30)), u32::MAX);
}

#[test]
fn max_memory_below_the_module_minimum_is_a_clear_error() {
    let mut store = Store::new(engine_with_limits());
    let module = Module::new(&store, wasm("grow")).unwrap();
    let config = ModuleConfig::new().max_memory(1 << 20);
    let err = wasi_snapshot_preview1::run(&mut store, &module, config).unwrap_err();
    assert!(matches!(err, Error::Instantiation(_)), "{err}");
    assert!(err.to_string().contains("the limit is 16 pages"), "{err}");
}

#[test]
fn max_memory_is_refused_on_an_engine_without_memory_limit_tunables() {
    let mut store = Store::new(Engine::default());
    let module = Module::new(&store, GROW_299).unwrap();
    let config = ModuleConfig::new().max_memory(16 << 20);
    let err = wasi_snapshot_preview1::run(&mut store, &module, config).unwrap_err();
    assert!(matches!(err, Error::Config(ConfigError::MaxMemoryNeedsLimit)), "{err}");
    assert!(
        err.to_string().contains("imports::limits::MemoryLimit tunables"),
        "{err}"
    );
}

/// WASI's threads: the cap applies to the shared memory the host makes,
/// and a guest within it runs as without one.
#[test]
fn max_memory_caps_a_threaded_guests_shared_memory() {
    use imports::fs::MemFs;
    use wasi_snapshot_preview1::threads::{self, Threads};
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/wasi-threads/rust/stress/stress.wasm");
    let engine = engine_with_limits();
    let module = Module::new(&engine, std::fs::read(path).unwrap()).unwrap();
    let config = |max| {
        ModuleConfig::new()
            .args(["stress", "fds"])
            .mount("/data", MemFs::new())
            .max_memory(max)
    };
    let err = threads::run(&engine, &module, config(1 << 20), Threads::new()).unwrap_err();
    assert!(err.to_string().contains("the limit is 16 pages"), "{err}");
    assert_eq!(
        threads::run(&engine, &module, config(1 << 30), Threads::new()).unwrap(),
        0
    );
    let err = threads::run(&Engine::default(), &module, config(1 << 30), Threads::new()).unwrap_err();
    assert!(matches!(err, Error::Config(ConfigError::MaxMemoryNeedsLimit)), "{err}");
}

#[cfg(not(feature = "interrupt"))]
#[test]
fn timeout_without_the_interrupt_feature_is_refused() {
    let mut store = Store::default();
    let module = Module::new(&store, GROW_299).unwrap();
    let config = ModuleConfig::new().timeout(std::time::Duration::from_secs(1));
    let err = wasi_snapshot_preview1::run(&mut store, &module, config).unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::TimeoutNeedsInterrupt)),
        "{err}"
    );
    assert!(err.to_string().contains("`interrupt` cargo feature"), "{err}");
}

#[cfg(feature = "interrupt")]
mod timeout {
    use super::*;
    use imports::TimedOut;
    use std::time::{Duration, Instant};

    const LIMIT: Duration = Duration::from_millis(500);

    /// `spin` with `mode` under a timeout of [`LIMIT`]: the run's error
    /// must be [`TimedOut`], within a few seconds.
    fn stopped(result: impl FnOnce(ModuleConfig) -> Result<u32, Error>, mode: &str) {
        let start = Instant::now();
        let config = ModuleConfig::new().args(["spin", mode]).timeout(LIMIT);
        let err = match result(config) {
            Err(Error::Trap(e)) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(err.downcast_ref::<TimedOut>(), Some(&TimedOut(LIMIT)), "{err}");
        let took = start.elapsed();
        assert!(took >= LIMIT && took < Duration::from_secs(5), "{took:?}");
    }

    fn blocking(config: ModuleConfig) -> Result<u32, Error> {
        let mut store = Store::default();
        let module = Module::new(&store, wasm("spin")).unwrap();
        wasi_snapshot_preview1::run(&mut store, &module, config)
    }

    fn on_coroutines(config: ModuleConfig) -> Result<u32, Error> {
        let store = Store::default();
        let module = Module::new(&store, wasm("spin")).unwrap();
        futures::executor::block_on(wasi_snapshot_preview1::run_coroutine(store, &module, config))
    }

    #[test]
    fn a_guest_spinning_in_its_own_code_times_out() {
        stopped(blocking, "spin");
    }

    #[test]
    fn a_guest_sleeping_in_a_host_call_times_out() {
        stopped(blocking, "sleep");
    }

    #[test]
    fn a_guest_on_coroutines_times_out_spinning_or_sleeping() {
        stopped(on_coroutines, "spin");
        stopped(on_coroutines, "sleep");
    }

    #[test]
    fn the_deadline_ends_host_sleeps() {
        let mut store = Store::default();
        let module = Module::new(&store, wasm("spin")).unwrap();
        let config = ModuleConfig::new().args(["spin", "sleep"]).timeout(LIMIT);
        let start = Instant::now();
        let err = wasi_snapshot_preview1::run(&mut store, &module, config).unwrap_err();
        assert!(err.to_string().contains("timeout of 0.5 s"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_guest_blocked_reading_a_silent_pipe_times_out() {
        let cat = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/wasi/c/cat/cat.wasm");
        let (reader, _writer) = std::io::pipe().unwrap();
        let mut store = Store::default();
        let module = Module::new(&store, std::fs::read(cat).unwrap()).unwrap();
        let config = ModuleConfig::new().args(["cat", "-"]).stdin_fd(reader).timeout(LIMIT);
        let start = Instant::now();
        let err = wasi_snapshot_preview1::run(&mut store, &module, config).unwrap_err();
        assert!(err.to_string().contains("timeout of 0.5 s"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_guest_with_time_left_runs_to_its_end() {
        let engine = Engine::default();
        let config = ModuleConfig::new().timeout(Duration::from_secs(60));
        assert_eq!(grow_299(&engine, config), 1);
    }
}
