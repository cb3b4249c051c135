//! Suspending and resuming guests (`imports::asyncify`): the WASI guests
//! of `testdata/async` (C and Rust programs that sleep, yield and read
//! stdin, plain and transformed with `wasm-opt --asyncify`, with each
//! unwind-buffer source) give the output the reference runtime recorded
//! through the synchronous API, and, when transformed, through the async
//! API on a minimal executor (`futures::executor`) and on tokio; and the
//! async guests really suspend: several on one thread interleave.

mod common;

use common::Case;
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;
use wasi_snapshot_preview1::{run_async, Error};
use wasmer::{Module, Store};

/// Plain and transformed programs, C and Rust, with their cases.
const AT_LEAST: usize = 20;
/// The transformed ones the async API runs.
const AT_LEAST_ASYNC: usize = 10;
/// All but the one no host can suspend, which coroutines run.
const AT_LEAST_COROUTINE: usize = 19;

/// Transformed, with a buffer the host can reach.
fn suspendable(c: &Case) -> bool {
    c.name.contains(".asyncify") && !c.name.contains("-noexport")
}

type Run<'a> = Pin<Box<dyn Future<Output = Result<u32, Error>> + 'a>>;

#[test]
fn async_testdata_through_the_synchronous_api() {
    common::check_all_through_api("async/wasi", AT_LEAST, |store, module, config, _| {
        wasi_snapshot_preview1::run(store, module, config).map_err(|e| e.to_string())
    });
}

#[test]
fn async_testdata_through_the_async_api_on_a_minimal_executor() {
    common::check_through_api_where("async/wasi", AT_LEAST_ASYNC, suspendable, |store, module, config, _| {
        futures::executor::block_on(run_async(store, module, config)).map_err(|e| e.to_string())
    });
}

#[test]
fn async_testdata_through_the_async_api_on_tokio() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    common::check_through_api_where("async/wasi", AT_LEAST_ASYNC, suspendable, |store, module, config, _| {
        rt.block_on(run_async(store, module, config)).map_err(|e| e.to_string())
    });
}

/// Every guest of `testdata/async/wasi`, transformed or not, through
/// `run_coroutine` (wasmer's experimental-async) on a minimal executor
/// and on tokio.
#[test]
fn async_testdata_on_coroutines() {
    let runnable = |c: &Case| !c.name.contains("-noexport");
    common::check_through_api_where(
        "async/wasi",
        AT_LEAST_COROUTINE,
        runnable,
        |store, module, config, _| {
            let own = Store::new(store.engine().clone());
            futures::executor::block_on(wasi_snapshot_preview1::run_coroutine(own, module, config))
                .map_err(|e| e.to_string())
        },
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    common::check_through_api_where(
        "async/wasi",
        AT_LEAST_COROUTINE,
        runnable,
        |store, module, config, _| {
            let own = Store::new(store.engine().clone());
            rt.block_on(wasi_snapshot_preview1::run_coroutine(own, module, config))
                .map_err(|e| e.to_string())
        },
    );
}

/// Untransformed guests on coroutines take turns at each yield too, and
/// one waiting on an empty pipe lets the pipe's writer run (see the
/// Asyncify tests above for the reasoning).
#[test]
fn untransformed_guests_suspend_on_coroutines() {
    for path in ["async/wasi/c/yield/yield.wasm", "async/wasi/rust/yield/yield.wasm"] {
        let out = OutputBuffer::new();
        let engine = wasmer::Engine::default();
        let m = Module::new(&engine, std::fs::read(common::testdata().join(path)).unwrap()).unwrap();
        let runs: Vec<Run<'_>> = (0..2)
            .map(|_| {
                let config = ModuleConfig::new().stdout(out.clone());
                Box::pin(wasi_snapshot_preview1::run_coroutine(
                    Store::new(engine.clone()),
                    &m,
                    config,
                )) as Run<'_>
            })
            .collect();
        let codes = futures::executor::block_on(futures::future::join_all(runs));
        assert!(codes.iter().all(|c| matches!(c, Ok(0))), "{codes:?}");
        let lines: Vec<String> = out.to_string_lossy().lines().map(str::to_string).collect();
        assert_eq!(lines, YIELD_TURNS, "{path}");
    }
    let (code, out) = fed_through_a_pipe("async/wasi/c/stdin/stdin.txt", |config| {
        Box::pin(async move {
            let store = Store::default();
            let m = module(&store, "async/wasi/c/stdin/stdin.wasm");
            wasi_snapshot_preview1::run_coroutine(store, &m, config)
                .await
                .map_err(|e| e.to_string())
        })
    });
    let expected = std::fs::read(common::testdata().join("async/wasi/c/stdin/stdin.stdout")).unwrap();
    assert_eq!((code, out), (0, common::show(&expected)));
}

fn module(store: &Store, path: &str) -> Module {
    Module::new(store, std::fs::read(common::testdata().join(path)).unwrap()).unwrap()
}

#[test]
fn the_async_api_refuses_what_it_cannot_suspend() {
    let mut store = Store::default();
    let plain = module(&store, "async/wasi/c/sleep/sleep.wasm");
    let r = futures::executor::block_on(run_async(&mut store, &plain, ModuleConfig::new()));
    assert!(matches!(r, Err(Error::NotAsyncify)), "{r:?}");
    let hidden = module(
        &store,
        "async/wasi/c/sleep.asyncify-mm-noexport/sleep.asyncify-mm-noexport.wasm",
    );
    let r = futures::executor::block_on(run_async(&mut store, &hidden, ModuleConfig::new()));
    let e = r.unwrap_err();
    assert!(matches!(e, Error::Asyncify(_)), "{e:?}");
    assert!(e.to_string().contains("asyncify_memory"), "{e}");
}

/// Two yield guests' lines on one stdout when they take turns: each
/// yields before each of its first five lines; its last two lines follow
/// one another.
const YIELD_TURNS: [&str; 12] = [
    "yield 0 sum=10",
    "yield 0 sum=10",
    "yield 1 sum=30",
    "yield 1 sum=30",
    "yield 2 sum=60",
    "yield 2 sum=60",
    "yield 3 sum=100",
    "yield 3 sum=100",
    "yield 4 sum=150",
    "yielded",
    "yield 4 sum=150",
    "yielded",
];

/// Two yielding guests on one thread, writing to one stdout, take turns:
/// each `sched_yield` suspends one and the executor runs the other.
/// Without suspension one would print all its lines first.
#[test]
fn guests_on_one_thread_take_turns_at_each_yield() {
    for path in [
        "async/wasi/c/yield.asyncify/yield.asyncify.wasm",
        "async/wasi/rust/yield.asyncify/yield.asyncify.wasm",
    ] {
        let out = OutputBuffer::new();
        let mut stores = [Store::default(), Store::default()];
        let modules: Vec<Module> = stores.iter().map(|s| module(s, path)).collect();
        let [a, b] = &mut stores;
        let runs: Vec<Run<'_>> = vec![
            Box::pin(run_async(a, &modules[0], ModuleConfig::new().stdout(out.clone()))),
            Box::pin(run_async(b, &modules[1], ModuleConfig::new().stdout(out.clone()))),
        ];
        let codes = futures::executor::block_on(futures::future::join_all(runs));
        assert!(codes.iter().all(|c| matches!(c, Ok(0))), "{codes:?}");
        let lines: Vec<String> = out.to_string_lossy().lines().map(str::to_string).collect();
        assert_eq!(lines, YIELD_TURNS, "{path}");
    }
}

/// Returns `Pending` once: lets the other futures of a `join` run.
async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return std::task::Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
    .await
}

/// A guest reading a pipe that has no data yet suspends until it has.
/// The pipe's writer is another future on the same thread: had the read
/// blocked the thread, the writer could never run and the guest would
/// wait forever (the test fails after a minute instead). The output is
/// what the reference runtime recorded.
#[test]
fn a_guest_waiting_on_an_empty_pipe_suspends_until_data_comes() {
    for lang in ["c", "rust"] {
        let (code, out) = fed_through_a_pipe(&format!("async/wasi/{lang}/stdin/stdin.txt"), move |config| {
            Box::pin(async move {
                let mut store = Store::default();
                let m = module(&store, &format!("async/wasi/{lang}/stdin.asyncify/stdin.asyncify.wasm"));
                run_async(&mut store, &m, config).await.map_err(|e| e.to_string())
            })
        });
        let dir = common::testdata().join(format!("async/wasi/{lang}/stdin.asyncify"));
        let expected = std::fs::read(dir.join("stdin.stdout")).unwrap();
        assert_eq!((code, out), (0, common::show(&expected)), "{lang}");
    }
}

/// A guest run, on a thread of its own, by the future `start` makes from
/// its configuration.
type Start = Box<dyn FnOnce(ModuleConfig) -> Pin<Box<dyn Future<Output = Result<u32, String>>>> + Send>;

/// Runs a guest whose stdin is a pipe that another future on the same
/// thread fills (`input`'s bytes, 20 at a time, three polls apart), and
/// returns its exit code and output. Had the guest's read blocked the
/// thread, the writer could never run and the guest would wait forever:
/// this panics after a minute instead.
fn fed_through_a_pipe(
    input: &str,
    start: impl FnOnce(ModuleConfig) -> Pin<Box<dyn Future<Output = Result<u32, String>>>> + Send + 'static,
) -> (u32, String) {
    let start: Start = Box::new(start);
    let input = std::fs::read(common::testdata().join(input)).unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (reader, mut writer) = std::io::pipe().unwrap();
        let out = OutputBuffer::new();
        let run = start(ModuleConfig::new().stdin_fd(reader).stdout(out.clone()));
        let feed = async move {
            for piece in input.chunks(20) {
                for _ in 0..3 {
                    yield_now().await;
                }
                // A guest that failed has dropped its end: its error says why.
                if writer.write_all(piece).is_err() {
                    break;
                }
            }
        };
        let (code, ()) = futures::executor::block_on(futures::future::join(run, feed));
        let _ = done.send(code.map(|c| (c, common::show(&out.contents()))));
    });
    match finished.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => panic!("the guest failed: {e}"),
        Err(RecvTimeoutError::Timeout) => panic!("the guest blocked its thread waiting for the pipe"),
        Err(RecvTimeoutError::Disconnected) => panic!("the guest's thread panicked"),
    }
}

/// Ten thousand guests that each sleep five times in `poll_oneoff`, all
/// on this one thread, each giving the output the reference runtime
/// recorded. (`cargo bench --bench suspend` measures the same run: memory
/// per suspended guest and wake-up latency.)
#[test]
fn ten_thousand_sleeping_guests_on_one_thread() {
    const GUESTS: usize = 10_000;
    let engine = wasmer::Engine::default();
    let dir = common::testdata().join("async/wasi/c/sleep.asyncify");
    let module = Module::new(&engine, std::fs::read(dir.join("sleep.asyncify.wasm")).unwrap()).unwrap();
    let expected = std::fs::read(dir.join("main.stdout")).unwrap();
    let mut stores: Vec<Store> = (0..GUESTS).map(|_| Store::new(engine.clone())).collect();
    let outs: Vec<OutputBuffer> = (0..GUESTS).map(|_| OutputBuffer::new()).collect();
    let runs: Vec<Run<'_>> = stores
        .iter_mut()
        .zip(&outs)
        .map(|(store, out)| Box::pin(run_async(store, &module, ModuleConfig::new().stdout(out.clone()))) as Run<'_>)
        .collect();
    let codes = futures::executor::block_on(futures::future::join_all(runs));
    for (i, (code, out)) in codes.iter().zip(&outs).enumerate() {
        assert!(matches!(code, Ok(0)), "guest {i}: {code:?}");
        assert_eq!(common::show(&out.contents()), common::show(&expected), "guest {i}");
    }
}

/// The Emscripten `-sASYNCIFY` guest (`emscripten_sleep` between lines)
/// through the synchronous API and through `emscripten::run_async`: the
/// output node recorded with Emscripten's glue (exit 3, set by the
/// program).
#[test]
fn emscripten_asyncify_guest_through_both_apis() {
    common::check_all_through_api("async/emscripten", 1, |store, module, config, _| {
        emscripten::run(store, module, config).map_err(|e| e.to_string())
    });
    let asyncify = |c: &Case| c.name.contains("sleep");
    common::check_through_api_where("async/emscripten", 1, asyncify, |store, module, config, _| {
        futures::executor::block_on(emscripten::run_async(store, module, config)).map_err(|e| e.to_string())
    });
}

/// Every Emscripten guest of `testdata/async`, the `-sASYNCIFY` sleeper
/// and the untransformed stdin reader, through `emscripten::run_coroutine`
/// on a minimal executor and on tokio: the output node recorded with
/// Emscripten's glue.
#[test]
fn emscripten_guests_on_coroutines() {
    common::check_all_through_api("async/emscripten", 3, |store, module, config, _| {
        let own = Store::new(store.engine().clone());
        futures::executor::block_on(emscripten::run_coroutine(own, module, config)).map_err(|e| e.to_string())
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    common::check_all_through_api("async/emscripten", 3, |store, module, config, _| {
        let own = Store::new(store.engine().clone());
        rt.block_on(emscripten::run_coroutine(own, module, config))
            .map_err(|e| e.to_string())
    });
}

/// An untransformed Emscripten guest reading an empty pipe suspends on
/// its coroutine until the pipe has data, though its reads are made from
/// inside `invoke_*` calls (guest calls the host makes from a host
/// function); `run_async` refuses it, having no way to suspend it.
#[test]
fn an_untransformed_emscripten_guest_waits_for_a_pipe_on_coroutines() {
    let path = "async/emscripten/stdin/stdin.wasm";
    let (code, out) = fed_through_a_pipe("async/wasi/c/stdin/stdin.txt", move |config| {
        Box::pin(async move {
            let store = Store::default();
            let m = module(&store, path);
            emscripten::run_coroutine(store, &m, config)
                .await
                .map_err(|e| e.to_string())
        })
    });
    let expected = std::fs::read(common::testdata().join("async/emscripten/stdin/stdin.stdout")).unwrap();
    assert_eq!((code, out), (0, common::show(&expected)));
    let mut store = Store::default();
    let m = module(&store, path);
    let r = futures::executor::block_on(emscripten::run_async(&mut store, &m, ModuleConfig::new()));
    assert!(matches!(r, Err(emscripten::Error::Wasi(Error::NotAsyncify))), "{r:?}");
}

/// Two Emscripten guests on one thread: the second prints its first line
/// while the first sleeps in `emscripten_sleep`, through Asyncify
/// (`run_async`) and on coroutines (`run_coroutine`).
#[test]
fn emscripten_sleep_suspends_the_guest_not_the_thread() {
    type EmRun<'a> = Pin<Box<dyn Future<Output = Result<u32, emscripten::Error>> + 'a>>;
    let path = "async/emscripten/sleep/sleep.wasm";
    let check = |out: OutputBuffer, runs: Vec<EmRun<'_>>| {
        let codes = futures::executor::block_on(futures::future::join_all(runs));
        assert!(codes.iter().all(|c| matches!(c, Ok(3))), "{codes:?}");
        let text = out.to_string_lossy();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..2], ["before 0", "before 0"], "{text}");
        assert_eq!(lines.iter().filter(|l| **l == "slept").count(), 2, "{text}");
    };
    let out = OutputBuffer::new();
    let mut stores = [Store::default(), Store::default()];
    let modules: Vec<Module> = stores.iter().map(|s| module(s, path)).collect();
    let runs: Vec<EmRun<'_>> = stores
        .iter_mut()
        .zip(&modules)
        .map(|(store, m)| {
            Box::pin(emscripten::run_async(store, m, ModuleConfig::new().stdout(out.clone()))) as EmRun<'_>
        })
        .collect();
    check(out, runs);
    let out = OutputBuffer::new();
    let engine = wasmer::Engine::default();
    let m = Module::new(&engine, std::fs::read(common::testdata().join(path)).unwrap()).unwrap();
    let runs: Vec<EmRun<'_>> = (0..2)
        .map(|_| {
            let config = ModuleConfig::new().stdout(out.clone());
            Box::pin(emscripten::run_coroutine(Store::new(engine.clone()), &m, config)) as EmRun<'_>
        })
        .collect();
    check(out, runs);
}

/// The Go programs of `testdata/gojs` that wait on timers and goroutines,
/// through `gojs::run_async`, give the output node recorded (the others
/// wait on nothing, and compiling a Go module in a debug build takes
/// seconds), and a Go guest waiting for a timer leaves
/// its thread free: the future beside it in a `join` runs while the guest
/// sleeps its first 20 ms (before which it prints nothing). Had the wait
/// blocked the thread, the guest would have finished first.
#[test]
fn go_guests_wait_for_timers_without_blocking_the_thread() {
    let waits = |c: &Case| c.name.contains("timers") || c.name.contains("goroutines");
    common::check_through_api_where("gojs", 4, waits, |store, module, config, _| {
        futures::executor::block_on(gojs::run_async(store, module, config)).map_err(|e| e.to_string())
    });
    let mut store = Store::default();
    let timers = module(&store, "gojs/go1.27/timers/timers.wasm");
    let out = OutputBuffer::new();
    let config = ModuleConfig::new().arg("timers").stdout(out.clone());
    let seen = async { out.contents().len() };
    let (code, printed_meanwhile) = futures::executor::block_on(futures::future::join(
        gojs::run_async(&mut store, &timers, config),
        seen,
    ));
    assert!(matches!(code, Ok(0)), "{code:?}");
    assert_eq!(printed_meanwhile, 0, "the guest ran to its end before the other future");
    let expected = std::fs::read(common::testdata().join("gojs/go1.27/timers/timers.stdout")).unwrap();
    assert_eq!(common::show(&out.contents()), common::show(&expected));
}

/// AssemblyScript's async entry point gives the output node recorded for
/// its hello (its imports never wait, so it runs straight through).
#[test]
fn assemblyscript_through_the_async_entry_point() {
    let mut store = Store::default();
    let m = module(&store, "assemblyscript/hello/hello.wasm");
    let out = OutputBuffer::new();
    let config = ModuleConfig::new().arg("hello.wasm").stdout(out.clone());
    let run = assemblyscript::run_async(&mut store, &m, config, assemblyscript::Options::new());
    let code = futures::executor::block_on(run).unwrap();
    let dir = common::testdata().join("assemblyscript/hello");
    let expected_code: u32 = std::fs::read_to_string(dir.join("main.exit"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let expected = std::fs::read(dir.join("main.stdout")).unwrap();
    assert_eq!(
        (code, common::show(&out.contents())),
        (expected_code, common::show(&expected))
    );
}

/// A hostile guest whose `malloc` (the unwind buffer's source) itself
/// calls `sched_yield`: the nested suspension is refused with a trap
/// instead of recursing through the host until its stack overflows.
#[test]
fn a_suspension_from_inside_the_guests_allocator_is_a_trap() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
      (memory (export "memory") 1)
      (func (export "asyncify_start_unwind") (param i32))
      (func (export "asyncify_stop_unwind"))
      (func (export "asyncify_start_rewind") (param i32))
      (func (export "asyncify_stop_rewind"))
      (func (export "malloc") (param i32) (result i32) (drop (call $yield)) (i32.const 1024))
      (func (export "_start") (drop (call $yield))))"#;
    let mut store = Store::default();
    let m = Module::new(&store, wat).unwrap();
    let r = futures::executor::block_on(run_async(&mut store, &m, ModuleConfig::new()));
    let e = r.unwrap_err().to_string();
    assert!(e.contains("re-entered the host"), "{e}");
}

/// Host-call logging covers the calls that wait on coroutines too: the
/// WASI sleeper's `poll_oneoff`s and the Emscripten sleeper's
/// `emscripten_sleep`s, with their arguments and results, as the
/// synchronous API logs them.
#[test]
fn calls_that_wait_on_coroutines_are_logged() {
    use imports::log::LogScopes;
    let log = OutputBuffer::new();
    let sink = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .without_time()
        .with_level(false)
        .with_target(false)
        .with_ansi(false)
        .finish();
    {
        let _logging = tracing_subscriber::util::SubscriberInitExt::set_default(subscriber);
        let config = || ModuleConfig::new().host_logging(LogScopes::POLL | LogScopes::FILESYSTEM);
        let store = Store::default();
        let m = module(&store, "async/wasi/c/stdin/stdin.wasm");
        let input = std::fs::File::open(common::testdata().join("async/wasi/c/stdin/stdin.txt")).unwrap();
        let run = wasi_snapshot_preview1::run_coroutine(store, &m, config().stdin_fd(input));
        assert!(matches!(futures::executor::block_on(run), Ok(0)));
        let store = Store::default();
        let m = module(&store, "async/emscripten/sleep/sleep.wasm");
        let run = emscripten::run_coroutine(store, &m, config());
        assert!(matches!(futures::executor::block_on(run), Ok(3)));
    }
    let log = log.to_string_lossy();
    let count = |s: &str| log.matches(s).count();
    assert_eq!(count("==> wasi_snapshot_preview1.fd_read(fd=0,"), 8, "{log}");
    assert_eq!(count("<== (nread=16,errno=ESUCCESS)"), 6, "{log}");
    assert_eq!(count("<== (nread=0,errno=ESUCCESS)"), 1, "{log}");
    assert_eq!(count("==> env.emscripten_sleep(a0=10)"), 5, "{log}");
}

/// Dropping the future of a suspended guest cancels it cleanly (an
/// executor's timeout does this), on coroutines and under Asyncify, and
/// an Asyncify guest's store then runs the guest again to its recorded
/// end.
#[test]
fn a_suspended_guest_can_be_dropped() {
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    let store = Store::default();
    let m = module(&store, "async/wasi/c/sleep/sleep.wasm");
    let mut run = Box::pin(wasi_snapshot_preview1::run_coroutine(store, &m, ModuleConfig::new()));
    assert!(run.as_mut().poll(&mut cx).is_pending());
    drop(run);
    let store = Store::default();
    let m = module(&store, "async/emscripten/sleep/sleep.wasm");
    let mut run = Box::pin(emscripten::run_coroutine(store, &m, ModuleConfig::new()));
    assert!(run.as_mut().poll(&mut cx).is_pending());
    drop(run);
    let mut store = Store::default();
    let dir = "async/wasi/c/sleep.asyncify";
    let m = module(&store, &format!("{dir}/sleep.asyncify.wasm"));
    let mut run = Box::pin(run_async(&mut store, &m, ModuleConfig::new()));
    assert!(run.as_mut().poll(&mut cx).is_pending());
    drop(run);
    let out = OutputBuffer::new();
    let again = run_async(&mut store, &m, ModuleConfig::new().stdout(out.clone()));
    assert!(matches!(futures::executor::block_on(again), Ok(0)));
    let expected = std::fs::read(common::testdata().join(dir).join("main.stdout")).unwrap();
    assert_eq!(common::show(&out.contents()), common::show(&expected));
}

/// The same stdin reader built minified (`testdata/emscripten/minified-stdin`,
/// imports named `a.g` and so on, recovered from its glue): on coroutines
/// its `fd_read` is replaced under the name the module imports it by, so it
/// too waits for the pipe without blocking the thread.
#[test]
fn a_minified_guest_waits_for_a_pipe_on_coroutines() {
    let (code, out) = fed_through_a_pipe("async/wasi/c/stdin/stdin.txt", move |config| {
        Box::pin(async move {
            let dir = common::testdata().join("emscripten/minified-stdin");
            let source = std::fs::read_to_string(dir.join("minified-stdin.js")).unwrap();
            let glue = emscripten::glue::Glue::parse(&source).map_err(|e| e.to_string())?;
            let store = Store::default();
            let m = Module::new(&store, std::fs::read(dir.join("minified-stdin.wasm")).unwrap()).unwrap();
            let options = emscripten::Options::new().names(glue.names);
            imports::driver::run_coroutine::<emscripten::Emscripten>(store, &m, config, options)
                .await
                .map_err(|e| e.to_string())
        })
    });
    let expected = std::fs::read(common::testdata().join("async/emscripten/stdin/stdin.stdout")).unwrap();
    assert_eq!((code, out), (0, common::show(&expected)));
}

/// The `-sASYNCIFY` sleeper built minified
/// (`testdata/emscripten/minified-sleep`, its `asyncify_*` exports named
/// `n` to `q`, recovered from its glue) through `run_async`: it suspends in
/// each `emscripten_sleep` and prints what its glue printed under node.
#[test]
fn a_minified_asyncify_guest_through_the_async_api() {
    let dir = common::testdata().join("emscripten/minified-sleep");
    let source = std::fs::read_to_string(dir.join("minified-sleep.js")).unwrap();
    let glue = emscripten::glue::Glue::parse(&source).unwrap();
    let mut store = Store::default();
    let m = Module::new(&store, std::fs::read(dir.join("minified-sleep.wasm")).unwrap()).unwrap();
    let out = OutputBuffer::new();
    let config = ModuleConfig::new().arg("minified-sleep.js").stdout(out.clone());
    let options = emscripten::Options::new().names(glue.names);
    let mut run = std::pin::pin!(imports::driver::run_async::<emscripten::Emscripten>(
        &mut store, &m, config, options
    ));
    // Each of its five sleeps leaves the future pending: it suspended.
    let mut pending = 0;
    let code = futures::executor::block_on(std::future::poll_fn(|cx| {
        let poll = run.as_mut().poll(cx);
        pending += usize::from(poll.is_pending());
        poll
    }))
    .map_err(|e| e.to_string());
    let expected = std::fs::read(dir.join("main.stdout")).unwrap();
    assert_eq!((code, common::show(&out.contents())), (Ok(3), common::show(&expected)));
    assert!(pending >= 5, "suspended {pending} times");
}
