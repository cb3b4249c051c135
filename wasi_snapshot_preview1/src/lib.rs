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
//!
//! The functions are rows of one table ([`Functions::PREVIEW1`], and
//! [`Functions::PREVIEW0`] for `wasi_unstable`), which defines them, logs
//! them and says which are provided; [`Wasi`] is an
//! [`imports::driver::ImportSet`], so the entry points are the driver's.

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
pub mod rights;
pub mod sched;
pub mod sock;
pub mod threads;
pub mod types;

use imports::asyncify::coroutine;
use imports::define::{imported_by as imported_from, Table};
use imports::driver::{self, Caller, Defined, ImportSet};
use imports::log::Results;
use imports::{AsHost, Host, ModuleConfig, Outcome};
use preview0::Preview0;
use std::marker::PhantomData;
use thiserror::Error;
use types::{Layout, Preview1};
use wasmer::{
    AsStoreMut, AsyncFunctionEnvMut, Exports, Function, FunctionEnv, ImportType, Imports, Instance, Module,
    RuntimeError, Store, StoreMut,
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
    Trap(#[from] RuntimeError),
    /// The module's Asyncify exports are unusable.
    #[error(transparent)]
    Asyncify(#[from] imports::asyncify::AsyncifyError),
    /// A threaded module ([`threads`]) could not be run: it imports no
    /// shared memory, or a memory or an OS thread could not be made.
    #[error("the module's threads could not run: {0}")]
    Threads(String),
    /// The async API was asked to run a module that is not
    /// Asyncify-transformed.
    #[error("the module is not Asyncify-transformed (wasm-opt --asyncify), so it cannot be suspended this way: run it with run_coroutine (wasmer's experimental-async coroutines) or the synchronous API")]
    NotAsyncify,
}

/// The WASI tables, over an environment `S` that holds the [`Host`] (a
/// [`Host`] itself, or another import set's environment, as Emscripten's).
pub struct Functions<S>(PhantomData<S>);

impl<S: AsHost> Functions<S> {
    /// The 46 preview1 functions: each one's scope and how the log shows
    /// its arguments (names as in the witx; `str` a path with its length
    /// next, `out32`/`out64` a result pointer).
    pub const PREVIEW1: Table<S> = Table {
        rows: imports::import_rows! { env: S;
            "args_get" [PROC] (argv, argv_buf) => args::args_get::<S>;
            "args_sizes_get" [PROC] (argc: out32, argv_buf_size: out32) => args::args_sizes_get::<S>;
            "environ_get" [PROC] (environ, environ_buf) => environ::environ_get::<S>;
            "environ_sizes_get" [PROC] (count: out32, buf_size: out32) => environ::environ_sizes_get::<S>;
            "clock_res_get" [CLOCK] (id, resolution: out64) => clock::clock_res_get::<S>;
            "clock_time_get" [CLOCK] (id, precision, time: out64) => clock::clock_time_get::<S>;
            "fd_advise" [FILESYSTEM] (fd, offset, len, advice) => fs::fd_advise::<S>;
            "fd_allocate" [FILESYSTEM] (fd, offset, len) => fs::fd_allocate::<S>;
            "fd_close" [FILESYSTEM] (fd) => fs::fd_close::<S>;
            "fd_datasync" [FILESYSTEM] (fd) => fs::fd_datasync::<S>;
            "fd_fdstat_get" [FILESYSTEM] (fd, stat) => fs::fd_fdstat_get::<S>;
            "fd_fdstat_set_flags" [FILESYSTEM] (fd, flags) => fs::fd_fdstat_set_flags::<S>;
            "fd_fdstat_set_rights" [FILESYSTEM] (fd, base, inheriting) => fs::fd_fdstat_set_rights::<S>;
            "fd_filestat_get" [FILESYSTEM] (fd, buf) => fs::fd_filestat_get::<S, Preview1>;
            "fd_filestat_set_size" [FILESYSTEM] (fd, size) => fs::fd_filestat_set_size::<S>;
            "fd_filestat_set_times" [FILESYSTEM] (fd, atim, mtim, fst_flags) => fs::fd_filestat_set_times::<S>;
            "fd_pread" [FILESYSTEM] (fd, iovs, iovs_len, offset, nread: out32) => fs::fd_pread::<S>;
            "fd_prestat_get" [FILESYSTEM] (fd, buf) => fs::fd_prestat_get::<S>;
            "fd_prestat_dir_name" [FILESYSTEM] (fd, path, path_len) => fs::fd_prestat_dir_name::<S>;
            "fd_pwrite" [FILESYSTEM] (fd, iovs, iovs_len, offset, nwritten: out32) => fs::fd_pwrite::<S>;
            "fd_read" [FILESYSTEM] (fd, iovs, iovs_len, nread: out32) => fs::fd_read::<S>;
            "fd_readdir" [FILESYSTEM] (fd, buf, buf_len, cookie, bufused: out32) => fs::fd_readdir::<S>;
            "fd_renumber" [FILESYSTEM] (fd, to) => fs::fd_renumber::<S>;
            "fd_seek" [FILESYSTEM] (fd, offset, whence, newoffset: out64) => fs::fd_seek::<S>;
            "fd_sync" [FILESYSTEM] (fd) => fs::fd_sync::<S>;
            "fd_tell" [FILESYSTEM] (fd, offset: out64) => fs::fd_tell::<S>;
            "fd_write" [FILESYSTEM] (fd, iovs, iovs_len, nwritten: out32) => fs::fd_write::<S>;
            "path_create_directory" [FILESYSTEM] (fd, path: str, path_len) => path::path_create_directory::<S>;
            "path_filestat_get" [FILESYSTEM] (fd, flags, path: str, path_len, buf) => path::path_filestat_get::<S, Preview1>;
            "path_filestat_set_times" [FILESYSTEM] (fd, flags, path: str, path_len, atim, mtim, fst_flags)
                => path::path_filestat_set_times::<S>;
            "path_link" [FILESYSTEM] (old_fd, old_flags, old_path: str, old_path_len, new_fd, new_path: str, new_path_len)
                => path::path_link::<S>;
            "path_open" [FILESYSTEM]
                (fd, dirflags, path: str, path_len, oflags, base, inheriting, fdflags, opened_fd: out32)
                => path::path_open::<S>;
            "path_readlink" [FILESYSTEM] (fd, path: str, path_len, buf, buf_len, bufused: out32)
                => path::path_readlink::<S>;
            "path_remove_directory" [FILESYSTEM] (fd, path: str, path_len) => path::path_remove_directory::<S>;
            "path_rename" [FILESYSTEM] (fd, old_path: str, old_path_len, new_fd, new_path: str, new_path_len)
                => path::path_rename::<S>;
            "path_symlink" [FILESYSTEM] (old_path: str, old_path_len, fd, new_path: str, new_path_len)
                => path::path_symlink::<S>;
            "path_unlink_file" [FILESYSTEM] (fd, path: str, path_len) => path::path_unlink_file::<S>;
            "poll_oneoff" [POLL] (subscriptions, events, nsubscriptions, nevents: out32) => poll::poll_oneoff::<S, Preview1>;
            "proc_exit" [PROC] (rval) => proc::proc_exit::<S>;
            "proc_raise" [PROC] (sig) => proc::proc_raise::<S>;
            "random_get" [RANDOM] (buf, buf_len) => random::random_get::<S>;
            "sched_yield" [POLL] => sched::sched_yield::<S>;
            "sock_accept" [SOCK] (fd, flags, new_fd: out32) => sock::sock_accept::<S>;
            "sock_recv" [SOCK] (fd, ri_data, ri_data_len, ri_flags, ro_datalen: out32, ro_flags) => sock::sock_recv::<S>;
            "sock_send" [SOCK] (fd, si_data, si_data_len, si_flags, so_datalen: out32) => sock::sock_send::<S>;
            "sock_shutdown" [SOCK] (fd, how) => sock::sock_shutdown::<S>;
        },
        base: None,
        results: Results::Errno,
    };
}

/// The 46 preview1 functions, defined on `store` over the environment
/// `env`, as an export set. Use this to put WASI in an environment shared
/// with another import set; otherwise use [`instantiate`]. The host's
/// logging scopes are read here: changing them afterwards does not change
/// which functions log.
pub fn exports<S: AsHost>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>) -> Exports {
    exports_where(store, env, &|_| true)
}

/// [`exports`], defining only the functions `wanted` names: defining a
/// host function costs about half a microsecond, so a guest that imports
/// a handful of the 46 is set up several times faster.
pub fn exports_where<S: AsHost>(
    store: &mut impl AsStoreMut, env: &FunctionEnv<S>, wanted: &dyn Fn(&str) -> bool,
) -> Exports {
    Functions::<S>::PREVIEW1.define(store, env, MODULE, wanted)
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
    imported_from(module, Wasi::MODULES)
}

fn instantiate_where(store: &mut impl AsStoreMut, host: Host, wanted: &dyn Fn(&str) -> bool) -> Wasi {
    let env = FunctionEnv::new(store, host);
    let mut imports = Imports::new();
    let preview1 = exports_where(store, &env, wanted);
    let preview0 = Functions::<Host>::PREVIEW0.define_over(store, &env, preview0::MODULE, wanted, &preview1);
    imports.register_namespace(preview0::MODULE, preview0);
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

/// Binds `instance`'s exported `memory` to `env`; a guest whose memory
/// is imported (and bound already, by whoever made it) keeps that one.
/// Errors: [`Error::MissingMemory`].
pub fn bind<S: AsHost>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>, instance: &Instance) -> Result<(), Error> {
    let memory = match instance.exports.get_memory("memory") {
        Ok(m) => m.clone(),
        Err(_) if env.as_ref(store).host().memory.is_some() => return Ok(()),
        Err(_) => return Err(Error::MissingMemory),
    };
    env.as_mut(store).host_mut().memory = Some(memory);
    Ok(())
}

/// Readies a bound Asyncify guest whose environment is `env` to be
/// suspended while it waits, with an unwind buffer of `buffer_size` bytes
/// (see [`run_async`]). Errors: [`Error::NotAsyncify`],
/// [`Error::Asyncify`].
pub fn suspendable<S: AsHost>(
    store: &mut impl AsStoreMut, env: &FunctionEnv<S>, instance: &Instance, buffer_size: u32,
) -> Result<(), Error> {
    suspendable_named(store, env, instance, buffer_size, &|name| name.to_string())
}

/// [`suspendable`] for a module whose exports are renamed, `name` giving
/// the module's name of each canonical export (an Emscripten release
/// build's, from its glue). Errors: as [`suspendable`].
pub fn suspendable_named<S: AsHost>(
    store: &mut impl AsStoreMut, env: &FunctionEnv<S>, instance: &Instance, buffer_size: u32,
    name: &dyn Fn(&str) -> String,
) -> Result<(), Error> {
    match driver::install_asyncify_named(store, env, instance, buffer_size, name)? {
        true => Ok(()),
        false => Err(Error::NotAsyncify),
    }
}

impl ImportSet for Wasi {
    type Env = Host;
    type Options = ();
    type Error = Error;
    const MODULES: &'static [&'static str] = &[MODULE, preview0::MODULE];

    fn instantiate(store: &mut impl AsStoreMut, host: Host, module: &Module, _: ()) -> Result<Wasi, Error> {
        Ok(instantiate_for(store, host, module))
    }

    fn defined(&self) -> Defined<'_, Host> {
        Defined::new(&self.env, &self.imports)
    }

    fn provides(import: &ImportType) -> bool {
        match import.module() {
            MODULE => Functions::<Host>::PREVIEW1.provides(import.name()),
            preview0::MODULE => Functions::<Host>::PREVIEW0.provides(import.name()),
            _ => false,
        }
    }

    fn on_coroutines(&mut self, store: &mut impl AsStoreMut, module: &Module) {
        coroutine_functions(store, &self.env, &mut self.imports, &imported_by(module));
    }

    /// Binds the exported memory, which a module that imports WASI
    /// functions must export (RATIONALE.md); one that imports none may
    /// have no memory at all.
    fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Error> {
        let imports_wasi = instance.module().imports().any(|i| Self::MODULES.contains(&i.module()));
        match imports_wasi || instance.exports.get_memory("memory").is_ok() {
            true => bind(store, &self.env, instance),
            false => Ok(()),
        }
    }

    fn suspendable(&self, store: &mut impl AsStoreMut, instance: &Instance, buffer_size: u32) -> Result<(), Error> {
        suspendable(store, &self.env, instance, buffer_size)
    }

    /// Calls `_start`; its return is exit code 0.
    async fn start(&self, caller: &mut impl Caller<Host>, instance: &Instance) -> Result<Outcome, Error> {
        let typed = caller
            .with_ctx(|ctx| instance.exports.get_typed_function::<(), ()>(ctx, "_start").is_ok())
            .await;
        let start = instance.exports.get_function("_start").ok().filter(|_| typed);
        let start = start.ok_or(Error::MissingStart)?;
        Ok(Outcome::of(caller.call(start, &[]).await.map(|_| 0)))
    }
}

/// Compiles nothing, but does the rest: builds the host from `config`,
/// instantiates `module` with the WASI imports, binds it, calls `_start`
/// and returns the exit code (0 when `_start` returns). A trap other than
/// an exit is [`Error::Trap`], carrying the wasm backtrace.
pub fn run(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    driver::run::<Wasi>(store, module, config, ())
}

/// [`run`] for an async caller: the guest's blocking calls
/// (`poll_oneoff` sleeps, `sched_yield`, `fd_read` on a stream with no
/// data yet) suspend it and the future waits without blocking its thread,
/// so one thread can run many guests. The module must be
/// Asyncify-transformed (`wasm-opt --asyncify`); its output is the same as
/// through [`run`]. The future needs no particular executor. Errors: as
/// [`run`], and [`Error::NotAsyncify`], [`Error::Asyncify`].
pub async fn run_async(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    driver::run_async::<Wasi>(store, module, config, ()).await
}

/// [`run`] for an async caller, for any guest, transformed or not, on
/// wasmer's `experimental-async` coroutines: `poll_oneoff`, `sched_yield`
/// and `fd_read` are async host functions, and while one waits (a sleep, a
/// yield, a stream with no data yet) the guest's coroutine yields and the
/// future waits without blocking its thread. Takes the store by value
/// (wasmer runs it as a `StoreAsync`). The output is the same as through
/// [`run`]. Errors: as [`run`].
pub async fn run_coroutine(store: Store, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    driver::run_coroutine::<Wasi>(store, module, config, ()).await
}

/// Replaces, in `imports`, the blocking functions `wanted` names
/// (`poll_oneoff`, `sched_yield`, `fd_read`, under both [`MODULE`] and
/// `wasi_unstable`) with async host functions that wait through
/// [`imports::asyncify::coroutine`], for a guest run with `call_async` on
/// wasmer's `experimental-async` coroutines (set [`Host::coroutine`] too).
/// They log as their tables' rows do. Other import sets whose guests
/// import WASI (Emscripten) use it over their own environment. Called
/// synchronously, these functions trap (wasmer's
/// `YieldOutsideAsyncContext`) if they would wait.
pub fn coroutine_functions<S: AsHost>(
    store: &mut impl AsStoreMut, env: &FunctionEnv<S>, imports: &mut Imports, wanted: &dyn Fn(&str) -> bool,
) {
    let namespaces = [
        (MODULE, &Functions::<S>::PREVIEW1, &Preview1::SUBSCRIPTION),
        (preview0::MODULE, &Functions::<S>::PREVIEW0, &Preview0::SUBSCRIPTION),
    ];
    let blocking: [(&str, AsyncFn<S>); 3] = [
        ("poll_oneoff", poll_oneoff_async),
        ("sched_yield", sched_yield_async),
        ("fd_read", fd_read_async),
    ];
    for (namespace, table, layout) in namespaces {
        for (name, make) in blocking.into_iter().filter(|(n, _)| wanted(n)) {
            let f = make(&mut store.as_store_mut(), env, layout);
            imports.define(namespace, name, table.logged_as(store, env, namespace, name, f));
        }
    }
}

/// Builds the async form of a blocking function, whose attempts
/// ([`imports::asyncify::Step`]) run through
/// [`imports::asyncify::coroutine`]; `poll_oneoff` reads subscriptions of
/// the given layout.
type AsyncFn<S> = fn(&mut StoreMut<'_>, &FunctionEnv<S>, &'static types::SubscriptionLayout) -> Function;

fn poll_oneoff_async<S: AsHost>(
    store: &mut StoreMut<'_>, env: &FunctionEnv<S>, layout: &'static types::SubscriptionLayout,
) -> Function {
    Function::new_typed_with_env_async(
        store,
        env,
        move |env: AsyncFunctionEnvMut<S>, subs: u32, events: u32, n: u32, nevents: u32| {
            coroutine(env, move |ctx, origin| {
                poll::poll_step(ctx, layout, subs, events, n, nevents, origin)
            })
        },
    )
}

fn sched_yield_async<S: AsHost>(
    store: &mut StoreMut<'_>, env: &FunctionEnv<S>, _: &types::SubscriptionLayout,
) -> Function {
    Function::new_typed_with_env_async(store, env, |env: AsyncFunctionEnvMut<S>| {
        coroutine(env, sched::sched_yield_step)
    })
}

fn fd_read_async<S: AsHost>(store: &mut StoreMut<'_>, env: &FunctionEnv<S>, _: &types::SubscriptionLayout) -> Function {
    Function::new_typed_with_env_async(
        store,
        env,
        |env: AsyncFunctionEnvMut<S>, fd: u32, iovs: u32, iovs_len: u32, nread: u32| {
            coroutine(env, move |ctx, _| fs::fd_read_step(ctx, fd, iovs, iovs_len, nread))
        },
    )
}

/// Turns the result of calling a guest's entry point into an exit code:
/// returning is 0, [`imports::ExitCode`] is its code, any other trap an
/// error ([`Outcome::of`]).
pub fn exit_code(result: Result<(), RuntimeError>) -> Result<u32, Error> {
    driver::exit_code(Outcome::of(result.map(|()| 0)))
}
