//! Emscripten `env` host imports for wasmer: runs `emcc` output with no
//! JavaScript, on the shared [`imports`] core.
//!
//! Emscripten's JavaScript glue normally supplies the `env` module a guest
//! imports. This crate supplies it instead, following the glue of emcc
//! 3.1.6 (`src/library.js`, `src/library_syscall.js`,
//! `src/library_exceptions.js`, `tools/js_manipulation.py`):
//!
//! - [`invoke`]: the `invoke_*` trampolines, built from each import's own
//!   signature, and `_emscripten_throw_longjmp` (setjmp/longjmp);
//! - [`exceptions`]: C++ exceptions in JS-exception mode (`__cxa_*`);
//! - [`syscall`]: `__syscall_*` over the shared descriptor table and mounts;
//! - [`time`]: clocks, `_localtime_js` & co. (always UTC) and `strftime`;
//! - [`heap`]: memory growth and `emscripten_memcpy_big`;
//! - [`proc`]: `exit`, `abort`, `getentropy`, `setTempRet0`, sleeping.
//!
//! [`instantiate`] reads the guest's `env` imports and defines exactly those;
//! one it does not know is an error naming it ([`Error::Unsupported`]).
//! WASI (`wasi_snapshot_preview1`) is defined over the same environment, so
//! `__syscall_open` and `fd_read` share one descriptor table.
//!
//! ```no_run
//! use imports::{ModuleConfig, stdio::OutputBuffer};
//! use wasmer::{Module, Store};
//!
//! let mut store = Store::default();
//! let module = Module::new(&store, std::fs::read("hello.wasm")?)?;
//! let out = OutputBuffer::new();
//! let config = ModuleConfig::new().arg("hello.wasm").stdout(out.clone());
//! let code = emscripten::run(&mut store, &module, config)?;
//! println!("exit {code}: {}", out.to_string_lossy());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The async entry points suspend a waiting guest instead of its thread:
//! [`run_async`] for `-sASYNCIFY` builds (Binaryen's Asyncify), and
//! [`run_coroutine`] for any build, on wasmer's `experimental-async`
//! coroutines.
//!
//! Both build styles run: `-sSTANDALONE_WASM` modules export `_start`;
//! ordinary (glue-style) modules export `main`, and [`Emscripten::start`]
//! does what the glue's `callMain` does (constructors, argv on the guest
//! stack, `main(argc, argv)`, atexit handlers and stdio flush).

// Host functions take the arguments the Emscripten ABI passes, however many.
#![allow(clippy::too_many_arguments)]
#![warn(missing_docs)]

pub mod exceptions;
mod guest;
pub mod heap;
pub mod invoke;
pub mod proc;
pub mod syscall;
pub mod time;

use imports::log::{LogScopes, Show};
use imports::{AsHost, ExitCode, Host, ModuleConfig};
use thiserror::Error;
use wasmer::{
    AsStoreMut, AsyncFunctionEnvMut, ExternType, Function, FunctionEnv, FunctionEnvMut, FunctionType, Imports,
    Instance, Module, RuntimeError, Store, StoreAsync, Type, Value,
};

pub use guest::Guest;
pub use invoke::Unwind;
pub use proc::Aborted;

/// The module name Emscripten guests import their runtime from.
pub const MODULE: &str = "env";

/// Why an Emscripten guest could not be set up or run.
#[derive(Debug, Error)]
pub enum Error {
    /// The configuration was invalid.
    #[error(transparent)]
    Config(#[from] imports::ConfigError),
    /// The guest imports an `env` function this crate does not provide.
    #[error("env.{0} is not implemented by the emscripten import set")]
    Unsupported(String),
    /// The guest imports an `env` item with a type other than the one
    /// Emscripten's glue gives it.
    #[error("env.{name} is imported as {found}, but the emscripten import set provides {expected}")]
    ImportType {
        /// The import's name.
        name: String,
        /// The type the import set provides.
        expected: String,
        /// The type the module asks for.
        found: String,
    },
    /// The guest lacks an export its imports need (`setThrew` for
    /// `invoke_*`, `__cxa_can_catch` for exceptions, a stack helper...).
    #[error("the module exports no {0}, which its imports need")]
    MissingExport(&'static str),
    /// The module does not export a memory named `memory`.
    #[error(transparent)]
    Wasi(#[from] wasi_snapshot_preview1::Error),
    /// The module exports neither `_start` nor `main`.
    #[error("the module exports neither \"_start\" nor \"main\"")]
    MissingEntry,
    /// Instantiation failed.
    #[error("instantiation failed: {0}")]
    Instantiation(#[from] Box<wasmer::InstantiationError>),
    /// The guest trapped (an uncaught C++ exception, `abort()`, a wasm
    /// trap...), other than by exiting.
    #[error("{0}")]
    Trap(RuntimeError),
}

/// The per-guest environment every `env` and WASI host function sees: the
/// shared [`Host`] plus Emscripten's own state.
pub struct EmEnv {
    /// The shared state (descriptors, mounts, clocks...).
    pub host: Host,
    /// Emscripten's runtime state.
    pub state: State,
}

impl AsHost for EmEnv {
    fn host(&self) -> &Host {
        &self.host
    }
    fn host_mut(&mut self) -> &mut Host {
        &mut self.host
    }
}

/// Emscripten's runtime state: what the JavaScript glue keeps in its own
/// variables.
#[derive(Debug)]
pub struct State {
    /// `tempRet0`: the high half of an i64 result (or second result) in
    /// builds without `WASM_BIGINT`.
    pub temp_ret0: i32,
    /// The one-root namespace: the current directory, and links that
    /// resolve within their mount.
    pub ns: imports::posix::Namespace,
    /// Exception bookkeeping (`library_exceptions.js`).
    pub exceptions: exceptions::Exceptions,
    /// Whether `_tzset_js` has run (it allocates the zone names once).
    pub tz_done: bool,
    /// Monotonic time of the first `clock()` call, in ns.
    pub clock_start: Option<u64>,
    /// Set while the runtime is exiting, so an `exit()` from an atexit
    /// handler does not run the handlers again.
    pub exiting: bool,
    /// The guest's exports, once bound.
    pub guest: Option<Guest>,
    /// How many `invoke_*` calls are active.
    pub invoke_depth: u32,
    /// Address of a local in the outermost active `invoke_*` call.
    pub invoke_stack_base: usize,
    /// Host stack nested `invoke_*` calls may use, in bytes (default
    /// [`invoke::DEFAULT_INVOKE_STACK`]).
    pub invoke_stack_budget: usize,
}

impl Default for State {
    fn default() -> Self {
        State {
            temp_ret0: 0,
            ns: imports::posix::Namespace::new(imports::posix::Links::WithinMount),
            exceptions: exceptions::Exceptions::default(),
            tz_done: false,
            clock_start: None,
            exiting: false,
            guest: None,
            invoke_depth: 0,
            invoke_stack_base: 0,
            invoke_stack_budget: invoke::DEFAULT_INVOKE_STACK,
        }
    }
}

/// The context every host function of this crate receives.
pub type Ctx<'a> = FunctionEnvMut<'a, EmEnv>;

/// Defines the typed host functions by name; `PROVIDED` lists them.
macro_rules! env_functions {
    ($($name:literal => $path:path,)*) => {
        /// The `env` functions this crate provides by name (besides
        /// `invoke_*` and `__cxa_find_matching_catch_N` for any signature
        /// and N).
        pub const PROVIDED: &[&str] = &[$($name),*];

        fn typed_function(store: &mut impl AsStoreMut, env: &FunctionEnv<EmEnv>, name: &str) -> Option<Function> {
            Some(match name {
                $($name => Function::new_typed_with_env(store, env, $path),)*
                _ => return None,
            })
        }
    };
}

env_functions! {
    "__syscall_open" => syscall::open,
    "__syscall_openat" => syscall::openat,
    "__syscall_unlink" => syscall::unlink,
    "__syscall_unlinkat" => syscall::unlinkat,
    "__syscall_chdir" => syscall::chdir,
    "__syscall_fchdir" => syscall::fchdir,
    "__syscall_rename" => syscall::rename,
    "__syscall_renameat" => syscall::renameat,
    "__syscall_mkdir" => syscall::mkdir,
    "__syscall_mkdirat" => syscall::mkdirat,
    "__syscall_rmdir" => syscall::rmdir,
    "__syscall_getcwd" => syscall::getcwd,
    "__syscall_stat64" => syscall::stat64,
    "__syscall_lstat64" => syscall::lstat64,
    "__syscall_fstat64" => syscall::fstat64,
    "__syscall_fstatat64" => syscall::fstatat64,
    "__syscall_newfstatat" => syscall::fstatat64,
    "__syscall_getdents64" => syscall::getdents64,
    "__syscall_fcntl64" => syscall::fcntl64,
    "__syscall_dup" => syscall::dup,
    "__syscall_dup3" => syscall::dup3,
    "__syscall_ioctl" => syscall::ioctl,
    "__syscall_faccessat" => syscall::faccessat,
    "__syscall_readlinkat" => syscall::readlinkat,
    "__syscall_symlinkat" => syscall::symlinkat,
    "__syscall_ftruncate64" => syscall::ftruncate64,
    "_mmap_js" => heap::mmap_js,
    "_munmap_js" => heap::munmap_js,
    "emscripten_resize_heap" => heap::emscripten_resize_heap,
    "emscripten_notify_memory_growth" => heap::emscripten_notify_memory_growth,
    "emscripten_memcpy_big" => heap::emscripten_memcpy_big,
    "emscripten_get_heap_max" => heap::emscripten_get_heap_max,
    "emscripten_get_now" => time::emscripten_get_now,
    "clock_gettime" => time::clock_gettime,
    "clock" => time::clock,
    "time" => time::time,
    "gettimeofday" => time::gettimeofday,
    "_tzset_js" => time::tzset_js,
    "_localtime_js" => time::localtime_js,
    "_gmtime_js" => time::gmtime_js,
    "_mktime_js" => time::mktime_js,
    "_timegm_js" => time::timegm_js,
    "strftime" => time::strftime,
    "getentropy" => proc::getentropy,
    "exit" => proc::exit,
    "abort" => proc::abort,
    "setTempRet0" => proc::set_temp_ret0,
    "getTempRet0" => proc::get_temp_ret0,
    "emscripten_sleep" => proc::emscripten_sleep,
    "_emscripten_throw_longjmp" => invoke::emscripten_throw_longjmp,
    "emscripten_longjmp" => invoke::emscripten_longjmp,
    "__cxa_allocate_exception" => exceptions::cxa_allocate_exception,
    "__cxa_free_exception" => exceptions::cxa_free_exception,
    "__cxa_throw" => exceptions::cxa_throw,
    "__cxa_rethrow" => exceptions::cxa_rethrow,
    "__cxa_begin_catch" => exceptions::cxa_begin_catch,
    "__cxa_end_catch" => exceptions::cxa_end_catch,
    "__cxa_uncaught_exceptions" => exceptions::cxa_uncaught_exceptions,
    "__cxa_get_exception_ptr" => exceptions::cxa_get_exception_ptr,
    "__cxa_increment_exception_refcount" => exceptions::cxa_increment_exception_refcount,
    "__cxa_decrement_exception_refcount" => exceptions::cxa_decrement_exception_refcount,
    "__resumeException" => exceptions::resume_exception,
    "llvm_eh_typeid_for" => exceptions::llvm_eh_typeid_for,
}

/// Whether this crate can provide `env.<name>` (for some signature).
pub fn provides(name: &str) -> bool {
    PROVIDED.contains(&name) || name.starts_with("invoke_") || exceptions::find_matching_catch_arity(name).is_some()
}

/// An Emscripten guest's imports (`env` + `wasi_snapshot_preview1`) and
/// the environment they share.
#[derive(Clone)]
pub struct Emscripten {
    env: FunctionEnv<EmEnv>,
    imports: Imports,
}

/// Defines, on `store`, the `env` functions `module` imports (and all of
/// WASI preview1, over the same environment) for a guest whose world is
/// `host`.
///
/// Errors: [`Error::Unsupported`] naming the first `env` import this crate
/// does not provide (also a non-function `env` import), and
/// [`Error::ImportType`] for one whose type differs from Emscripten's.
pub fn instantiate(store: &mut impl AsStoreMut, host: Host, module: &Module) -> Result<Emscripten, Error> {
    let (em, mut errors) = instantiate_available(store, host, module);
    match errors.is_empty() {
        true => Ok(em),
        false => Err(errors.remove(0)),
    }
}

/// As [`instantiate`], but defines every `env` import it can and returns
/// the errors for the others instead of stopping at the first (for tools
/// that list what a module lacks, such as `wasmer-imports inspect`).
pub fn instantiate_available(store: &mut impl AsStoreMut, host: Host, module: &Module) -> (Emscripten, Vec<Error>) {
    let env = FunctionEnv::new(
        store,
        EmEnv {
            host,
            state: State::default(),
        },
    );
    let wasi = wasi_snapshot_preview1::exports_where(store, &env, &wasi_snapshot_preview1::imported_by(module));
    let mut imports = Imports::new();
    imports.register_namespace(wasi_snapshot_preview1::MODULE, wasi.clone());
    let mut errors = Vec::new();
    for import in module.imports() {
        if import.module() == wasi_snapshot_preview1::MODULE {
            // Builds without WASM_BIGINT import WASI functions with each i64
            // parameter split in two i32 halves (`fd_seek` above all).
            if let (ExternType::Function(ty), Ok(inner)) = (import.ty(), wasi.get_function(import.name())) {
                if let Some(f) = legalized(store, &env, inner, ty) {
                    imports.define(wasi_snapshot_preview1::MODULE, import.name(), f);
                }
            }
            continue;
        }
        if import.module() != MODULE {
            continue;
        }
        let name = import.name();
        let ExternType::Function(ty) = import.ty() else {
            errors.push(Error::Unsupported(format!("{name} (a non-function import)")));
            continue;
        };
        match env_function(store, &env, name, ty) {
            Ok(func) => imports.define(MODULE, name, func),
            Err(e) => errors.push(e),
        }
    }
    if let Some(defined) = imports.get_namespace_exports(MODULE) {
        let logged = imports::log::wrap(store, &env, MODULE, defined, log_scope);
        imports.register_namespace(MODULE, logged);
    }
    (Emscripten { env, imports }, errors)
}

/// The logging scope of each `env` import, and which arguments are paths.
fn log_scope(name: &str) -> Option<(LogScopes, &'static [Show])> {
    use Show::{CStr, Value};
    const PATH: &[Show] = &[CStr];
    const AT: &[Show] = &[Value, CStr];
    Some(match name {
        "__syscall_open" | "__syscall_stat64" | "__syscall_lstat64" | "__syscall_mkdir" | "__syscall_rmdir"
        | "__syscall_unlink" | "__syscall_chdir" => (LogScopes::FILESYSTEM, PATH),
        "__syscall_openat"
        | "__syscall_unlinkat"
        | "__syscall_mkdirat"
        | "__syscall_fstatat64"
        | "__syscall_newfstatat"
        | "__syscall_faccessat"
        | "__syscall_readlinkat" => (LogScopes::FILESYSTEM, AT),
        "__syscall_rename" => (LogScopes::FILESYSTEM, &[CStr, CStr]),
        "__syscall_renameat" => (LogScopes::FILESYSTEM, &[Value, CStr, Value, CStr]),
        "__syscall_symlinkat" => (LogScopes::FILESYSTEM, &[CStr, Value, CStr]),
        n if n.starts_with("__syscall_") => (LogScopes::FILESYSTEM, &[]),
        n if n.starts_with("invoke_")
            || n.starts_with("__cxa_")
            || n == "_emscripten_throw_longjmp"
            || n == "emscripten_longjmp"
            || n == "__resumeException"
            || n == "llvm_eh_typeid_for" =>
        {
            (LogScopes::EXCEPTIONS, &[])
        }
        "emscripten_resize_heap"
        | "emscripten_memcpy_big"
        | "emscripten_notify_memory_growth"
        | "_mmap_js"
        | "_munmap_js" => (LogScopes::MEMORY, &[]),
        "getentropy" => (LogScopes::RANDOM, &[]),
        "exit" | "abort" | "proc_exit" => (LogScopes::PROC, &[]),
        "emscripten_sleep" => (LogScopes::POLL, &[]),
        n if n.contains("time") || n.contains("clock") || n.ends_with("_js") || n == "emscripten_get_now" => {
            (LogScopes::CLOCK, &[])
        }
        _ => return None,
    })
}

/// An adapter from `ty`, the legalized form of `inner`'s type (each i64
/// parameter passed as two i32 halves, low first, as Emscripten's i64
/// legalization for JavaScript imports does), to `inner`. `None` when `ty`
/// is `inner`'s own type or not its legalized form.
fn legalized(
    store: &mut impl AsStoreMut,
    env: &FunctionEnv<EmEnv>,
    inner: &Function,
    ty: &FunctionType,
) -> Option<Function> {
    let own = inner.ty(store);
    if &own == ty || own.results() != ty.results() {
        return None;
    }
    let split: Vec<Type> = own
        .params()
        .iter()
        .flat_map(|t| match t {
            Type::I64 => vec![Type::I32, Type::I32],
            t => vec![*t],
        })
        .collect();
    if split != ty.params() {
        return None;
    }
    let inner = inner.clone();
    Some(Function::new_with_env(
        store,
        env,
        ty.clone(),
        move |mut ctx: Ctx<'_>, args: &[Value]| {
            let mut joined = Vec::with_capacity(own.params().len());
            let mut it = args.iter();
            for t in own.params() {
                let v = match (t, it.next()) {
                    (Type::I64, Some(Value::I32(lo))) => {
                        let hi = it.next().and_then(Value::i32).unwrap_or(0);
                        Value::I64((i64::from(hi) << 32) | i64::from(*lo as u32))
                    }
                    (_, Some(v)) => v.clone(),
                    (_, None) => return Err(RuntimeError::new("legalized import: missing argument")),
                };
                joined.push(v);
            }
            inner.call(&mut ctx, &joined).map(|r| r.into_vec())
        },
    ))
}

fn env_function(
    store: &mut impl AsStoreMut,
    env: &FunctionEnv<EmEnv>,
    name: &str,
    ty: &FunctionType,
) -> Result<Function, Error> {
    if let Some(sig) = name.strip_prefix("invoke_") {
        return invoke::trampoline(store, env, sig, ty).ok_or_else(|| Error::ImportType {
            name: name.into(),
            expected: "(i32 table index, args...) -> result".into(),
            found: ty.to_string(),
        });
    }
    if let Some(n) = exceptions::find_matching_catch_arity(name) {
        return exceptions::find_matching_catch(store, env, n, ty).ok_or_else(|| Error::ImportType {
            name: name.into(),
            expected: format!("{n} x i32 -> i32"),
            found: ty.to_string(),
        });
    }
    let func = typed_function(store, env, name).ok_or_else(|| Error::Unsupported(name.into()))?;
    let have = func.ty(store);
    if &have != ty {
        return Err(Error::ImportType {
            name: name.into(),
            expected: have.to_string(),
            found: ty.to_string(),
        });
    }
    Ok(func)
}

impl Emscripten {
    /// The import object to pass to `Instance::new`.
    pub fn imports(&self) -> &Imports {
        &self.imports
    }

    /// The environment holding the guest's [`Host`] and Emscripten state.
    pub fn env(&self) -> &FunctionEnv<EmEnv> {
        &self.env
    }

    /// Sets how much host stack, in bytes, nested `invoke_*` calls may use
    /// before they trap (default [`invoke::DEFAULT_INVOKE_STACK`]). Raise it
    /// when running the guest on a thread with a larger stack, leaving room
    /// for the rest of the host.
    pub fn set_invoke_stack_budget(&self, store: &mut impl AsStoreMut, bytes: usize) {
        self.env.as_mut(store).state.invoke_stack_budget = bytes;
    }

    /// Binds the instance's memory and the exports the imports call back
    /// into (table, stack helpers, `setThrew`, `malloc`...). Call it after
    /// `Instance::new`. Errors: no `memory` export; [`Error::MissingExport`]
    /// when `invoke_*` or the exception functions are imported but their
    /// guest-side helpers are not exported.
    pub fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Error> {
        wasi_snapshot_preview1::bind(store, &self.env, instance)?;
        let guest = Guest::new(store, instance);
        let imports: Vec<String> = instance
            .module()
            .imports()
            .filter(|i| i.module() == MODULE)
            .map(|i| i.name().to_string())
            .collect();
        guest.check(&imports)?;
        self.env.as_mut(store).state.guest = Some(guest);
        Ok(())
    }

    /// Runs the guest the way Emscripten's glue does and returns its exit
    /// code: `_start` for a standalone build; otherwise
    /// `__wasm_call_ctors`, then `main(argc, argv)` with argv built on the
    /// guest's stack (`stackAlloc`), then the atexit handlers
    /// (`__funcs_on_exit`) and the stdio flush (`__stdio_exit`), main's
    /// result being the exit code. An uncaught exception, `abort()` or any
    /// other trap is [`Error::Trap`].
    pub fn start(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<u32, Error> {
        // With no async driver installed nothing suspends, so the sequence
        // completes in one poll.
        let mut caller = Driven { store, env: &self.env };
        imports::asyncify::now(self.start_with(&mut caller, instance)).unwrap_or_else(|| {
            Err(Error::Trap(RuntimeError::new(
                "the guest suspended outside an async driver",
            )))
        })
    }

    /// [`Emscripten::start`] under an async driver, for an `-sASYNCIFY`
    /// build: `emscripten_sleep` and the WASI calls that would block
    /// suspend the guest (see `wasi_snapshot_preview1::run_async`), with an
    /// unwind buffer of `buffer_size` bytes. Errors: as [`Emscripten::start`],
    /// and [`wasi_snapshot_preview1::Error::NotAsyncify`] /
    /// [`wasi_snapshot_preview1::Error::Asyncify`] (as [`Error::Wasi`]).
    pub async fn start_async(
        &self,
        store: &mut impl AsStoreMut,
        instance: &Instance,
        buffer_size: u32,
    ) -> Result<u32, Error> {
        let asyncify = imports::asyncify::Asyncify::from_instance(store, instance, buffer_size)
            .map_err(wasi_snapshot_preview1::Error::from)?
            .ok_or(wasi_snapshot_preview1::Error::NotAsyncify)?;
        self.env.as_mut(store).host.asyncify = Some(asyncify);
        let code = self.start_with(&mut Driven { store, env: &self.env }, instance).await?;
        imports::asyncify::release(store, &self.env).map_err(Error::Trap)?;
        Ok(code)
    }

    /// The start sequence (what the glue's `callMain` and `exitRuntime`
    /// do), each call into the guest made through `caller`.
    async fn start_with(&self, caller: &mut impl Caller, instance: &Instance) -> Result<u32, Error> {
        let exports = &instance.exports;
        if let Ok(start) = exports.get_function("_start") {
            return exit_code(caller.call(start, &[]).await.map(|_| 0));
        }
        let main = exports
            .get_function("main")
            .or_else(|_| exports.get_function("__main_argc_argv"))
            .map_err(|_| Error::MissingEntry)?;
        let result = async {
            if let Ok(ctors) = exports.get_function("__wasm_call_ctors") {
                caller.call(ctors, &[]).await?;
            }
            let args = caller
                .with_ctx(|ctx| {
                    let ty = main.ty(ctx);
                    match ty.params().len() {
                        0 => Ok(vec![]),
                        2 => guest::build_argv(ctx).map(|(argc, argv)| vec![Value::I32(argc), Value::I32(argv)]),
                        _ => Err(RuntimeError::new(format!("main has an unexpected type {ty}"))),
                    }
                })
                .await?;
            let ret = caller.call(main, &args).await?;
            let code = match ret.first() {
                Some(Value::I32(c)) => *c as u32,
                _ => 0,
            };
            for f in caller.with_ctx(proc::exit_calls).await {
                caller.call(&f, &[]).await?;
            }
            Ok(code)
        }
        .await;
        exit_code(result)
    }
}

/// How [`Emscripten::start_with`] calls into the guest: through the
/// Asyncify driver on a store ([`Driven`]; without an Asyncify guest it is
/// a plain call), or with `call_async` on coroutines ([`OnCoroutine`]).
trait Caller {
    /// Calls `f` with `args` to the end, awaiting whatever the guest waits
    /// for on the way.
    async fn call(&mut self, f: &Function, args: &[Value]) -> Result<Box<[Value]>, RuntimeError>;
    /// Runs `f` on the guest's environment, between calls.
    async fn with_ctx<R>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> R) -> R;
}

/// A store and the Asyncify driver ([`imports::asyncify::drive`]).
struct Driven<'a, S> {
    store: &'a mut S,
    env: &'a FunctionEnv<EmEnv>,
}

impl<S: AsStoreMut> Caller for Driven<'_, S> {
    async fn call(&mut self, f: &Function, args: &[Value]) -> Result<Box<[Value]>, RuntimeError> {
        imports::asyncify::drive(self.store, self.env, |s| f.call(s, args)).await
    }
    async fn with_ctx<R>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> R) -> R {
        f(&mut self.env.clone().into_mut(self.store))
    }
}

/// A store running on wasmer's `experimental-async` coroutines.
struct OnCoroutine<'a> {
    store: &'a StoreAsync,
    env: &'a FunctionEnv<EmEnv>,
}

impl Caller for OnCoroutine<'_> {
    async fn call(&mut self, f: &Function, args: &[Value]) -> Result<Box<[Value]>, RuntimeError> {
        f.call_async(self.store, args.to_vec()).await
    }
    async fn with_ctx<R>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> R) -> R {
        let mut store = wasmer::AsStoreAsync::write_lock(self.store).await;
        f(&mut self.env.clone().into_mut(&mut store))
    }
}

/// [`run`] for an async caller, for an `-sASYNCIFY` build (see
/// [`Emscripten::start_async`]): the guest's sleeps and blocking calls
/// suspend it instead of its thread. Errors: as [`run`] and
/// [`Emscripten::start_async`].
pub async fn run_async(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    let em = instantiate(store, config.build()?, module)?;
    let instance = Instance::new(store, module, em.imports()).map_err(|e| Error::Instantiation(Box::new(e)))?;
    em.bind(store, &instance)?;
    em.start_async(store, &instance, imports::asyncify::DEFAULT_BUFFER_SIZE)
        .await
}

/// [`run`] for an async caller, for any Emscripten guest, `-sASYNCIFY`
/// or not, on wasmer's `experimental-async` coroutines: `emscripten_sleep`
/// and the WASI calls that would block (`poll_oneoff`, `sched_yield`,
/// `fd_read` on a stream with no data yet) are async host functions, and
/// while one waits the guest's coroutine yields and the future waits
/// without blocking its thread. Takes the store by value (wasmer runs it as
/// a `StoreAsync`). The output is the same as through [`run`]. Errors: as
/// [`run`].
pub async fn run_coroutine(mut store: Store, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    let mut host = config.build()?;
    host.coroutine = true;
    let mut em = instantiate(&mut store, host, module)?;
    let wasi = wasi_snapshot_preview1::imported_by(module);
    wasi_snapshot_preview1::coroutine_functions(&mut store, &em.env, &mut em.imports, &wasi);
    if em.imports.get_export(MODULE, "emscripten_sleep").is_some() {
        let sleep = Function::new_typed_with_env_async(
            &mut store,
            &em.env,
            |env: AsyncFunctionEnvMut<EmEnv>, ms: u32| async move {
                imports::asyncify::coroutine(env, move |ctx, origin| proc::sleep_step(ctx, ms, origin))
                    .await
                    .map(drop)
            },
        );
        let mut one = wasmer::Exports::new();
        one.insert("emscripten_sleep", sleep);
        // The synchronous log wrapper can call it: the wait still yields
        // the coroutine, which holds the wrapper's frame too.
        for (name, f) in imports::log::wrap(&mut store, &em.env, MODULE, one, log_scope).iter() {
            em.imports.define(MODULE, name, f.clone());
        }
    }
    let instance = Instance::new(&mut store, module, em.imports()).map_err(|e| Error::Instantiation(Box::new(e)))?;
    em.bind(&mut store, &instance)?;
    let store = store.into_async();
    em.start_with(
        &mut OnCoroutine {
            store: &store,
            env: &em.env,
        },
        &instance,
    )
    .await
}

/// Does the whole sequence: builds the host from `config`, instantiates
/// `module` with the `env` and WASI imports, binds it, [`Emscripten::start`]s
/// it and returns the exit code.
pub fn run(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    let em = instantiate(store, config.build()?, module)?;
    let instance = Instance::new(store, module, em.imports()).map_err(|e| Error::Instantiation(Box::new(e)))?;
    em.bind(store, &instance)?;
    em.start(store, &instance)
}

/// Turns the result of running a guest into an exit code: [`ExitCode`]
/// (from `exit`/`proc_exit`) is its code, any other trap an error.
pub fn exit_code(result: Result<u32, RuntimeError>) -> Result<u32, Error> {
    match result {
        Ok(code) => Ok(code),
        Err(e) => match ExitCode::from_runtime_error(e) {
            Ok(ExitCode(code)) => Ok(code),
            Err(e) => Err(Error::Trap(e)),
        },
    }
}
