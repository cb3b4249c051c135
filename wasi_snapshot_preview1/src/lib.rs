//! WASI preview1 (`wasi_snapshot_preview1`) host imports for wasmer, on
//! the shared [`imports`] core.
//!
//! All 46 functions of the preview1 specification
//! (`legacy/preview1/witx/wasi_snapshot_preview1.witx` in WebAssembly/WASI)
//! are defined, grouped by subsystem as the specification groups them:
//! [`args`], [`environ`], [`clock`], [`fs`] (`fd_*`), [`path`]
//! (`path_*`), [`poll`], [`proc`], [`random`], [`sched`], [`sock`].
//!
//! ```no_run
//! use imports::{ModuleConfig, stdio::OutputBuffer};
//! use wasmer::{Module, Store};
//!
//! let mut store = Store::default();
//! let module = Module::new(&store, std::fs::read("hello.wasm")?)?;
//! let out = OutputBuffer::new();
//! let config = ModuleConfig::new().arg("hello.wasm").stdout(out.clone());
//! let code = wasi_snapshot_preview1::run(&mut store, &module, config)?;
//! println!("exit {code}: {}", out.to_string_lossy());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Step by step (what [`run`] does): [`instantiate`] the imports with a
//! [`imports::Host`], create the instance, [`Wasi::bind`] it (the guest's
//! memory), then call `_start`.

// Host functions take the arguments the preview1 ABI passes, however many.
#![allow(clippy::too_many_arguments)]
#![warn(missing_docs)]

pub mod args;
pub mod clock;
pub mod environ;
pub mod fs;
pub mod path;
pub mod poll;
pub mod preview0;
pub mod proc;
pub mod random;
pub mod sched;
pub mod sock;
pub mod types;

use imports::log::LogScopes;
use imports::{AsHost, Errno, ExitCode, Host, ModuleConfig};
use thiserror::Error;
use wasmer::{
    AsStoreMut, Exports, Function, FunctionEnv, FunctionEnvMut, Imports, Instance, Module, RuntimeError, Store,
};

/// The module name preview1 guests import from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Why a WASI guest could not be set up or run.
#[derive(Debug, Error)]
pub enum Error {
    /// The configuration was invalid.
    #[error(transparent)]
    Config(#[from] imports::ConfigError),
    /// The module does not export a memory named `memory`.
    #[error("the module exports no memory named \"memory\"")]
    MissingMemory,
    /// The module does not export `_start`, or it has a signature other than `() -> ()`.
    #[error("the module exports no function \"_start\" of type () -> ()")]
    MissingStart,
    /// Instantiation failed (a missing or mistyped import, a start-section trap...).
    #[error("instantiation failed: {0}")]
    Instantiation(#[from] Box<wasmer::InstantiationError>),
    /// The guest trapped (other than by exiting).
    #[error("{0}")]
    Trap(RuntimeError),
    /// The module's Asyncify exports are unusable.
    #[error(transparent)]
    Asyncify(#[from] imports::asyncify::AsyncifyError),
    /// The async API was asked to run a module that is not
    /// Asyncify-transformed.
    #[error("the module is not Asyncify-transformed (wasm-opt --asyncify), so it cannot be suspended this way: run it with run_coroutine (wasmer's experimental-async coroutines) or the synchronous API")]
    NotAsyncify,
}

/// Converts what a host function body returns into what the guest sees:
/// an `errno` (0 on success) or a trap.
pub(crate) trait Outcome {
    fn into_wasm(self) -> Result<i32, RuntimeError>;
}

impl Outcome for Result<(), Errno> {
    #[inline]
    fn into_wasm(self) -> Result<i32, RuntimeError> {
        Ok(match self {
            Ok(()) => 0,
            Err(e) => i32::from(e as u16),
        })
    }
}

impl Outcome for Result<Errno, RuntimeError> {
    #[inline]
    fn into_wasm(self) -> Result<i32, RuntimeError> {
        self.map(|e| i32::from(e as u16))
    }
}

/// How a logged argument is shown: `val` a number, `str(len)` the guest
/// string at this pointer with that length, `out32`/`out64` a result the
/// call writes there.
macro_rules! log_arg {
    ($v:ident) => {
        imports::log::Arg::Value($v as u64)
    };
    ($v:ident, str($len:ident)) => {
        imports::log::Arg::Str($v, $len)
    };
    ($v:ident, out32) => {
        imports::log::Arg::Out32($v)
    };
    ($v:ident, out64) => {
        imports::log::Arg::Out64($v)
    };
}

/// Defines each listed host function as a typed wasmer function returning
/// an errno, so each function's body is only its logic. Each declares its
/// logging scope and, after `=`, how an argument is logged (see
/// [`log_arg`]). Whether a scope is logged is decided here, once, from the
/// guest's [`LogScopes`]: a function whose scope is off is defined without
/// the logging wrapper and pays nothing for it per call.
macro_rules! define_functions {
    ($store:ident, $env:ident, $exports:ident, $S:ty, $log:ident, $wanted:ident;
     $( $sub:ident :: $name:ident [$scope:ident] ( $($arg:ident : $ty:ty $(= $kind:ident $(($len:ident))?)?),* ) ;)*) => {
        $(
            let function = if !$wanted(stringify!($name)) {
                None
            } else if $log.contains(LogScopes::$scope) {
                Some(Function::new_typed_with_env(
                    $store,
                    $env,
                    |mut ctx: FunctionEnvMut<'_, $S>, $($arg: $ty),*| -> Result<i32, RuntimeError> {
                        let args = [$((stringify!($arg), log_arg!($arg $(, $kind $(($len))?)?))),*];
                        log_around(&mut ctx, stringify!($name), &args, |ctx| Outcome::into_wasm($sub::$name(ctx, $($arg),*)))
                    },
                ))
            } else {
                Some(Function::new_typed_with_env(
                    $store,
                    $env,
                    |ctx: FunctionEnvMut<'_, $S>, $($arg: $ty),*| -> Result<i32, RuntimeError> {
                        Outcome::into_wasm($sub::$name(ctx, $($arg),*))
                    },
                ))
            };
            if let Some(function) = function {
                $exports.insert(stringify!($name), function);
            }
        )*
    };
}

/// Logs a call and its result around `call`.
fn log_around<S: AsHost>(
    ctx: &mut FunctionEnvMut<'_, S>,
    name: &str,
    args: &[(&str, imports::log::Arg)],
    call: impl FnOnce(FunctionEnvMut<'_, S>) -> Result<i32, RuntimeError>,
) -> Result<i32, RuntimeError> {
    log_call(ctx, name, args);
    let r = call(ctx.as_mut());
    log_result(ctx, args, &r);
    r
}

/// Runs a blocking call written as attempts as the body of an async host
/// function ([`imports::asyncify::coroutine`]), logged like
/// [`log_around`] when `log` gives its name and arguments. Each log line
/// is written under the store's lock; the call waits between them without
/// it.
async fn coroutine_logged<S: AsHost>(
    mut env: wasmer::AsyncFunctionEnvMut<S>,
    log: Option<(&str, Vec<(&str, imports::log::Arg)>)>,
    attempt: impl FnMut(&mut FunctionEnvMut<'_, S>, Option<u64>) -> Result<imports::asyncify::Step, RuntimeError>,
) -> Result<i32, RuntimeError> {
    if let Some((name, args)) = &log {
        log_call(&mut env.write().await.as_function_env_mut(), name, args);
    }
    let r = imports::asyncify::coroutine(env.as_mut(), attempt).await;
    if let Some((_, args)) = &log {
        log_result(&mut env.write().await.as_function_env_mut(), args, &r);
    }
    r
}

/// Logs `==> wasi_snapshot_preview1.name(args)`.
fn log_call<S: AsHost>(ctx: &mut FunctionEnvMut<'_, S>, name: &str, args: &[(&str, imports::log::Arg)]) {
    let _ = imports::with_memory(ctx, |_, mem| {
        imports::log::call(MODULE, name, args, Some(mem));
        Ok(())
    });
}

/// Logs `<== (out=...,errno=...)` for the call's result `r`.
fn log_result<S: AsHost>(
    ctx: &mut FunctionEnvMut<'_, S>,
    args: &[(&str, imports::log::Arg)],
    r: &Result<i32, RuntimeError>,
) {
    let errno = match r {
        Ok(n) => Errno::from_wasi(*n as u16),
        Err(_) => None,
    };
    let logged = imports::with_memory(ctx, |_, mem| {
        imports::log::result(args, errno, Some(mem));
        Ok(())
    });
    if logged.is_err() {
        imports::log::result(args, errno, None);
    }
}

/// The 46 preview1 functions, defined on `store` over the environment
/// `env`, as an export set. Use this to put WASI in an environment shared
/// with another import set; otherwise use [`instantiate`]. The host's
/// [`LogScopes`] are read here: changing them afterwards does not change
/// which functions log.
pub fn exports<S: AsHost>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>) -> Exports {
    exports_where(store, env, &|_| true)
}

/// [`exports`], defining only the functions `wanted` names: defining a
/// host function costs about half a microsecond, so a guest that imports
/// a handful of the 46 is set up several times faster.
pub fn exports_where<S: AsHost>(
    store: &mut impl AsStoreMut,
    env: &FunctionEnv<S>,
    wanted: &dyn Fn(&str) -> bool,
) -> Exports {
    let mut e = Exports::new();
    let log = env.as_ref(store).host().log;
    define_functions! { store, env, e, S, log, wanted;
        args::args_get[PROC](argv: u32, argv_buf: u32);
        args::args_sizes_get[PROC](argc: u32 = out32, argv_buf_size: u32 = out32);
        environ::environ_get[PROC](environ: u32, environ_buf: u32);
        environ::environ_sizes_get[PROC](count: u32 = out32, buf_size: u32 = out32);
        clock::clock_res_get[CLOCK](id: u32, resolution: u32 = out64);
        clock::clock_time_get[CLOCK](id: u32, precision: u64, time: u32 = out64);
        fs::fd_advise[FILESYSTEM](fd: u32, offset: u64, len: u64, advice: u32);
        fs::fd_allocate[FILESYSTEM](fd: u32, offset: u64, len: u64);
        fs::fd_close[FILESYSTEM](fd: u32);
        fs::fd_datasync[FILESYSTEM](fd: u32);
        fs::fd_fdstat_get[FILESYSTEM](fd: u32, stat: u32);
        fs::fd_fdstat_set_flags[FILESYSTEM](fd: u32, flags: u32);
        fs::fd_fdstat_set_rights[FILESYSTEM](fd: u32, base: u64, inheriting: u64);
        fs::fd_filestat_get[FILESYSTEM](fd: u32, buf: u32);
        fs::fd_filestat_set_size[FILESYSTEM](fd: u32, size: u64);
        fs::fd_filestat_set_times[FILESYSTEM](fd: u32, atim: u64, mtim: u64, fst_flags: u32);
        fs::fd_pread[FILESYSTEM](fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32 = out32);
        fs::fd_prestat_get[FILESYSTEM](fd: u32, buf: u32);
        fs::fd_prestat_dir_name[FILESYSTEM](fd: u32, path: u32, path_len: u32);
        fs::fd_pwrite[FILESYSTEM](fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32 = out32);
        fs::fd_read[FILESYSTEM](fd: u32, iovs: u32, iovs_len: u32, nread: u32 = out32);
        fs::fd_readdir[FILESYSTEM](fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32 = out32);
        fs::fd_renumber[FILESYSTEM](fd: u32, to: u32);
        fs::fd_seek[FILESYSTEM](fd: u32, offset: u64, whence: u32, newoffset: u32 = out64);
        fs::fd_sync[FILESYSTEM](fd: u32);
        fs::fd_tell[FILESYSTEM](fd: u32, offset: u32 = out64);
        fs::fd_write[FILESYSTEM](fd: u32, iovs: u32, iovs_len: u32, nwritten: u32 = out32);
        path::path_create_directory[FILESYSTEM](fd: u32, path: u32 = str(path_len), path_len: u32);
        path::path_filestat_get[FILESYSTEM](fd: u32, flags: u32, path: u32 = str(path_len), path_len: u32, buf: u32);
        path::path_filestat_set_times[FILESYSTEM](fd: u32, flags: u32, path: u32 = str(path_len), path_len: u32, atim: u64, mtim: u64, fst_flags: u32);
        path::path_link[FILESYSTEM](old_fd: u32, old_flags: u32, old_path: u32 = str(old_path_len), old_path_len: u32, new_fd: u32, new_path: u32 = str(new_path_len), new_path_len: u32);
        path::path_open[FILESYSTEM](fd: u32, dirflags: u32, path: u32 = str(path_len), path_len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, opened_fd: u32 = out32);
        path::path_readlink[FILESYSTEM](fd: u32, path: u32 = str(path_len), path_len: u32, buf: u32, buf_len: u32, bufused: u32 = out32);
        path::path_remove_directory[FILESYSTEM](fd: u32, path: u32 = str(path_len), path_len: u32);
        path::path_rename[FILESYSTEM](fd: u32, old_path: u32 = str(old_path_len), old_path_len: u32, new_fd: u32, new_path: u32 = str(new_path_len), new_path_len: u32);
        path::path_symlink[FILESYSTEM](old_path: u32 = str(old_path_len), old_path_len: u32, fd: u32, new_path: u32 = str(new_path_len), new_path_len: u32);
        path::path_unlink_file[FILESYSTEM](fd: u32, path: u32 = str(path_len), path_len: u32);
        poll::poll_oneoff[POLL](subscriptions: u32, events: u32, nsubscriptions: u32, nevents: u32 = out32);
        proc::proc_raise[PROC](sig: u32);
        random::random_get[RANDOM](buf: u32, buf_len: u32);
        sched::sched_yield[POLL]();
        sock::sock_accept[SOCK](fd: u32, flags: u32, new_fd: u32 = out32);
        sock::sock_recv[SOCK](fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32 = out32, ro_flags: u32);
        sock::sock_send[SOCK](fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32 = out32);
        sock::sock_shutdown[SOCK](fd: u32, how: u32);
    }
    // proc_exit returns nothing: it only ever traps.
    if !wanted("proc_exit") {
        return e;
    }
    e.insert(
        "proc_exit",
        Function::new_typed_with_env(store, env, |ctx: FunctionEnvMut<'_, S>, rval: u32| {
            if ctx.data().host().log.contains(LogScopes::PROC) {
                imports::log::call(
                    MODULE,
                    "proc_exit",
                    &[("rval", imports::log::Arg::Value(rval.into()))],
                    None,
                );
            }
            proc::proc_exit(ctx, rval)
        }),
    );
    e
}

/// A WASI guest's imports and the environment holding its [`Host`].
#[derive(Clone)]
pub struct Wasi {
    env: FunctionEnv<Host>,
    imports: Imports,
}

/// Defines the WASI preview1 functions on `store` for a guest whose world
/// is `host`, under the module name `wasi_snapshot_preview1`, and the
/// preview0 functions under `wasi_unstable` (see [`preview0`]).
pub fn instantiate(store: &mut impl AsStoreMut, host: Host) -> Wasi {
    instantiate_where(store, host, &|_| true)
}

/// [`instantiate`], defining only the functions `module` imports (under
/// either module name): the quicker set-up when the module is known.
/// Other functions are absent from [`Wasi::imports`].
pub fn instantiate_for(store: &mut impl AsStoreMut, host: Host, module: &Module) -> Wasi {
    instantiate_where(store, host, &imported_by(module))
}

/// A filter for [`exports_where`]: the names `module` imports from
/// `wasi_snapshot_preview1` or `wasi_unstable`.
pub fn imported_by(module: &Module) -> impl Fn(&str) -> bool {
    imports::define::imported_by(module, &[MODULE, preview0::MODULE])
}

fn instantiate_where(store: &mut impl AsStoreMut, host: Host, wanted: &dyn Fn(&str) -> bool) -> Wasi {
    let env = FunctionEnv::new(store, host);
    let mut imports = Imports::new();
    let preview1 = exports_where(store, &env, wanted);
    imports.register_namespace(preview0::MODULE, preview0::exports(store, &env, &preview1, wanted));
    imports.register_namespace(MODULE, preview1);
    Wasi { env, imports }
}

impl Wasi {
    /// The import object to pass to `Instance::new`.
    pub fn imports(&self) -> &Imports {
        &self.imports
    }

    /// The environment holding the guest's [`Host`].
    pub fn env(&self) -> &FunctionEnv<Host> {
        &self.env
    }

    /// Binds the instance's exported memory to the environment; call it
    /// after `Instance::new` and before running the guest.
    pub fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Error> {
        bind(store, &self.env, instance)
    }
}

/// Binds `instance`'s exported `memory` to `env`. Errors:
/// [`Error::MissingMemory`].
pub fn bind<S: AsHost>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>, instance: &Instance) -> Result<(), Error> {
    let memory = instance
        .exports
        .get_memory("memory")
        .map_err(|_| Error::MissingMemory)?
        .clone();
    env.as_mut(store).host_mut().memory = Some(memory);
    Ok(())
}

/// Compiles nothing, but does the rest: builds the host from `config`,
/// instantiates `module` with the WASI imports, binds it, calls `_start`
/// and returns the exit code (0 when `_start` returns). A trap other than
/// an exit is [`Error::Trap`], carrying the wasm backtrace.
pub fn run(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    let wasi = instantiate_for(store, config.build()?, module);
    let instance = Instance::new(store, module, wasi.imports()).map_err(|e| Error::Instantiation(Box::new(e)))?;
    wasi.bind(store, &instance)?;
    let start = instance
        .exports
        .get_typed_function::<(), ()>(store, "_start")
        .map_err(|_| Error::MissingStart)?;
    exit_code(start.call(store))
}

/// [`run`] for an async caller: the guest's blocking calls
/// (`poll_oneoff` sleeps, `sched_yield`, `fd_read` on a stream with no
/// data yet) suspend it and the future waits without blocking its thread,
/// so one thread can run many guests. The module must be
/// Asyncify-transformed (`wasm-opt --asyncify`); its output is the same as
/// through [`run`]. The future needs no particular executor. Errors: as
/// [`run`], and [`Error::NotAsyncify`], [`Error::Asyncify`].
pub async fn run_async(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    let wasi = instantiate_for(store, config.build()?, module);
    let instance = Instance::new(store, module, wasi.imports()).map_err(|e| Error::Instantiation(Box::new(e)))?;
    wasi.bind(store, &instance)?;
    wasi.start_async(store, &instance, imports::asyncify::DEFAULT_BUFFER_SIZE)
        .await
}

impl Wasi {
    /// Calls a bound Asyncify guest's `_start` under an async driver (see
    /// [`run_async`]), with an unwind buffer of `buffer_size` bytes, and
    /// returns its exit code. Errors: as [`run_async`].
    pub async fn start_async(
        &self,
        store: &mut impl AsStoreMut,
        instance: &Instance,
        buffer_size: u32,
    ) -> Result<u32, Error> {
        let asyncify =
            imports::asyncify::Asyncify::from_instance(store, instance, buffer_size)?.ok_or(Error::NotAsyncify)?;
        let start = instance
            .exports
            .get_typed_function::<(), ()>(store, "_start")
            .map_err(|_| Error::MissingStart)?;
        self.env.as_mut(store).asyncify = Some(asyncify);
        let code = exit_code(imports::asyncify::drive(store, &self.env, |s| start.call(s)).await)?;
        imports::asyncify::release(store, &self.env).map_err(Error::Trap)?;
        Ok(code)
    }
}

/// [`run`] for an async caller, for any guest, transformed or not, on
/// wasmer's `experimental-async` coroutines: `poll_oneoff`, `sched_yield`
/// and `fd_read` are async host functions, and while one waits (a sleep, a
/// yield, a stream with no data yet) the guest's coroutine yields and the
/// future waits without blocking its thread. Takes the store by value
/// (wasmer runs it as a `StoreAsync`). The output is the same as through
/// [`run`]. Errors: as [`run`].
pub async fn run_coroutine(mut store: Store, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    let mut host = config.build()?;
    host.coroutine = true;
    let wanted = imported_by(module);
    let mut wasi = instantiate_where(&mut store, host, &wanted);
    coroutine_functions(&mut store, &wasi.env, &mut wasi.imports, &wanted);
    let instance = Instance::new(&mut store, module, wasi.imports()).map_err(|e| Error::Instantiation(Box::new(e)))?;
    wasi.bind(&mut store, &instance)?;
    let start = instance
        .exports
        .get_typed_function::<(), ()>(&store, "_start")
        .map_err(|_| Error::MissingStart)?;
    let store = store.into_async();
    exit_code(start.call_async(&store).await)
}

/// Replaces, in `imports`, the blocking functions `wanted` names
/// (`poll_oneoff`, `sched_yield`, `fd_read`, under both [`MODULE`] and
/// `wasi_unstable`) with async host functions that wait through
/// [`imports::asyncify::coroutine`], for a guest run with `call_async` on
/// wasmer's `experimental-async` coroutines (set [`Host::coroutine`] too).
/// Other import sets whose guests import WASI (Emscripten) use it over
/// their own environment. Called synchronously, these functions trap
/// (wasmer's `YieldOutsideAsyncContext`) if they would wait.
pub fn coroutine_functions<S: AsHost>(
    store: &mut impl AsStoreMut,
    env: &FunctionEnv<S>,
    imports: &mut Imports,
    wanted: &dyn Fn(&str) -> bool,
) {
    use imports::log::Arg::{Out32, Value};
    use wasmer::AsyncFunctionEnvMut;
    // As in `define_functions!`, whether a function logs is decided here.
    let log = env.as_ref(store).host().log;
    let (log_poll, log_fs) = (log.contains(LogScopes::POLL), log.contains(LogScopes::FILESYSTEM));
    for (namespace, layout) in [(MODULE, &poll::PREVIEW1), (preview0::MODULE, &preview0::LAYOUT)] {
        if wanted("poll_oneoff") {
            let f = Function::new_typed_with_env_async(
                store,
                env,
                move |env: AsyncFunctionEnvMut<S>, subs: u32, events: u32, n: u32, nevents: u32| {
                    let log = log_poll.then(|| {
                        let args = vec![
                            ("subscriptions", Value(subs.into())),
                            ("events", Value(events.into())),
                            ("nsubscriptions", Value(n.into())),
                            ("nevents", Out32(nevents)),
                        ];
                        ("poll_oneoff", args)
                    });
                    coroutine_logged(env, log, move |ctx, origin| {
                        poll::poll_step(ctx, layout, subs, events, n, nevents, origin)
                    })
                },
            );
            imports.define(namespace, "poll_oneoff", f);
        }
        if wanted("sched_yield") {
            let f = Function::new_typed_with_env_async(store, env, move |env: AsyncFunctionEnvMut<S>| {
                let log = log_poll.then(|| ("sched_yield", vec![]));
                coroutine_logged(env, log, sched::sched_yield_step)
            });
            imports.define(namespace, "sched_yield", f);
        }
        if wanted("fd_read") {
            let f = Function::new_typed_with_env_async(
                store,
                env,
                move |env: AsyncFunctionEnvMut<S>, fd: u32, iovs: u32, iovs_len: u32, nread: u32| {
                    let log = log_fs.then(|| {
                        let args = vec![
                            ("fd", Value(fd.into())),
                            ("iovs", Value(iovs.into())),
                            ("iovs_len", Value(iovs_len.into())),
                            ("nread", Out32(nread)),
                        ];
                        ("fd_read", args)
                    });
                    coroutine_logged(env, log, move |ctx, _| fs::fd_read_step(ctx, fd, iovs, iovs_len, nread))
                },
            );
            imports.define(namespace, "fd_read", f);
        }
    }
}

/// Turns the result of calling a guest's entry point into an exit code:
/// returning is 0, [`ExitCode`] is its code, any other trap an error.
pub fn exit_code(result: Result<(), RuntimeError>) -> Result<u32, Error> {
    match result {
        Ok(()) => Ok(0),
        Err(e) => match ExitCode::from_runtime_error(e) {
            Ok(ExitCode(code)) => Ok(code),
            Err(e) => Err(Error::Trap(e)),
        },
    }
}
