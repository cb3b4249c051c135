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
//! - [`time`]: clocks, `_localtime_js` & co. (in the guest's time zone)
//!   and `strftime`;
//! - [`heap`]: memory growth and `emscripten_memcpy_big`;
//! - [`proc`]: `exit`, `abort`, `getentropy`, `setTempRet0`, sleeping;
//! - [`glue`]: a minified release build's name maps, read from its
//!   JavaScript glue ([`Glue::parse`], given as [`Options::names`]).
//!
//! [`instantiate`] reads the guest's `env` imports and defines exactly those,
//! from one table ([`FUNCTIONS`]: name, function, logging scope, how the
//! log shows the arguments); one it does not know is an error naming it
//! ([`Error::Unsupported`]).
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

mod caught;
pub mod cxa;
pub mod exceptions;
pub mod glue;
mod guest;
pub mod heap;
pub mod invoke;
pub mod layout;
pub mod legalize;
pub mod poll;
pub mod proc;
pub mod strptime;
pub mod syscall;
pub mod time;

use imports::define::{logged, Import, Table};
use imports::driver::{self, Caller, Defined, ImportSet};
use imports::log::{LogScopes, Results, Site};
use imports::{Host, ModuleConfig, Outcome};
use std::sync::Arc;
use thiserror::Error;
use wasmer::{
    AsStoreMut, AsyncFunctionEnvMut, ExternType, Function, FunctionEnv, FunctionEnvMut, FunctionType, ImportType,
    Imports, Instance, Module, RuntimeError, Store, Value,
};

pub use glue::{Glue, GlueError, Names};
pub use guest::Guest;
pub use invoke::Unwind;
pub use proc::Aborted;

/// The module name Emscripten guests import their runtime from.
pub const MODULE: &str = "env";

/// Why an Emscripten guest could not be set up or run.
#[derive(Debug, Error)]
pub enum Error {
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
    /// The memory the module imports (`-sIMPORTED_MEMORY`) could not be
    /// made: wasmer's reason.
    #[error("cannot create the imported memory env.memory: {0}")]
    ImportedMemory(String),
    /// The guest lacks an export its imports need (`setThrew` for
    /// `invoke_*`, `__cxa_can_catch` for exceptions, a stack helper...).
    #[error("the module exports no {0}, which its imports need")]
    MissingExport(&'static str),
    /// The guest imports a function that only the glue's JavaScript
    /// implements (EM_ASM, EM_JS, a library function outside this set), and
    /// the embedder did not define it ([`Options::define`]).
    #[error("{import} ({name}) is JavaScript in the glue, which needs a JavaScript engine: {code}")]
    JsOnly {
        /// The import as the module names it (`a.b`).
        import: String,
        /// What it stands for (`emscripten_asm_const_int`).
        name: String,
        /// Its source in the glue, on one line.
        code: String,
    },
    /// The module exports neither `_start` nor `main`.
    #[error("the module exports neither \"_start\" nor \"main\"")]
    MissingEntry,
    /// The configuration was invalid.
    #[error(transparent)]
    Config(#[from] imports::ConfigError),
    /// WASI's part of the set-up failed (no memory named `memory`...).
    #[error(transparent)]
    Wasi(#[from] wasi_snapshot_preview1::Error),
    /// Instantiation failed.
    #[error("instantiation failed: {0}")]
    Instantiation(#[from] Box<wasmer::InstantiationError>),
    /// The guest trapped (an uncaught C++ exception, `abort()`, a wasm
    /// trap...), other than by exiting.
    #[error("{0}")]
    Trap(#[from] RuntimeError),
}

/// Choices for an Emscripten guest's imports.
#[derive(Clone, Debug)]
pub struct Options {
    invoke_stack_budget: usize,
    names: Arc<Names>,
    own: Imports,
    stat_layout: Option<layout::StatLayout>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            invoke_stack_budget: invoke::DEFAULT_INVOKE_STACK,
            names: Arc::default(),
            own: Imports::new(),
            stat_layout: None,
        }
    }
}

impl Options {
    /// The guest's `struct stat`, for a module of emcc 3.1.20 to 3.1.41,
    /// which [`layout::StatLayout::of`] cannot tell from a later one.
    pub fn stat_layout(mut self, layout: layout::StatLayout) -> Self {
        self.stat_layout = Some(layout);
        self
    }

    /// The defaults ([`invoke::DEFAULT_INVOKE_STACK`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// How much host stack, in bytes, nested `invoke_*` calls may use
    /// (see [`Emscripten::set_invoke_stack_budget`]).
    pub fn invoke_stack_budget(mut self, bytes: usize) -> Self {
        self.invoke_stack_budget = bytes;
        self
    }

    /// The name maps of a minified build ([`Glue::parse`]): each import is
    /// defined as what it stands for, and the exports the set calls are
    /// found by their minified names.
    pub fn names(mut self, names: Names) -> Self {
        self.names = Arc::new(names);
        self
    }

    /// Defines the import `module.name` as `value`, which the set then
    /// leaves alone: an EM_ASM or EM_JS function of the embedder's own,
    /// say. `module.name` is the module's own name of the import, or the
    /// canonical one the [`Options::names`] map gives it.
    pub fn define(mut self, module: &str, name: &str, value: impl Into<wasmer::Extern>) -> Self {
        self.own.define(module, name, value);
        self
    }

    /// The embedder's definition of `import` (by its own name or its
    /// canonical one), if any.
    fn own(&self, import: &ImportType) -> Option<wasmer::Extern> {
        // wasmer's lookups hash two new Strings each: skip them for the
        // usual embedder, who defines nothing.
        self.own.iter().next()?;
        let (module, name) = self.names.canonical(import.module(), import.name());
        self.own
            .get_export(import.module(), import.name())
            .or_else(|| self.own.get_export(module, name))
    }
}

/// The per-guest environment every `env` and WASI host function sees: the
/// shared [`Host`] plus Emscripten's own state.
pub type EmEnv = imports::WithHost<State>;

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
    /// The `struct stat` of the guest's libc ([`layout::StatLayout`]).
    pub stat_layout: layout::StatLayout,
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
            stat_layout: layout::StatLayout::Current,
            invoke_depth: 0,
            invoke_stack_base: 0,
            invoke_stack_budget: invoke::DEFAULT_INVOKE_STACK,
        }
    }
}

/// The context every host function of this crate receives.
pub type Ctx<'a> = FunctionEnvMut<'a, EmEnv>;

/// The `env` functions this crate provides by name, with their logging
/// scopes and the arguments the log decodes (C strings: paths). Besides
/// these, `invoke_*` and `__cxa_find_matching_catch_N` are made for any
/// signature and N from the guest's own import (logged in the
/// `exceptions` scope).
pub const FUNCTIONS: Table<EmEnv> = Table {
    rows: imports::import_rows! { env: EmEnv;
        "__syscall_open" [FILESYSTEM] (_: cstr) => syscall::open;
        "__syscall_openat" [FILESYSTEM] (_, _: cstr) => syscall::openat;
        "__syscall_unlink" [FILESYSTEM] (_: cstr) => syscall::unlink;
        "__syscall_unlinkat" [FILESYSTEM] (_, _: cstr) => syscall::unlinkat;
        "__syscall_chdir" [FILESYSTEM] (_: cstr) => syscall::chdir;
        "__syscall_fchdir" [FILESYSTEM] => syscall::fchdir;
        "__syscall_rename" [FILESYSTEM] (_: cstr, _: cstr) => syscall::rename;
        "__syscall_renameat" [FILESYSTEM] (_, _: cstr, _, _: cstr) => syscall::renameat;
        "__syscall_mkdir" [FILESYSTEM] (_: cstr) => syscall::mkdir;
        "__syscall_mkdirat" [FILESYSTEM] (_, _: cstr) => syscall::mkdirat;
        "__syscall_rmdir" [FILESYSTEM] (_: cstr) => syscall::rmdir;
        "__syscall_getcwd" [FILESYSTEM] => syscall::getcwd;
        "__syscall_stat64" [FILESYSTEM] (_: cstr) => syscall::stat64;
        "__syscall_lstat64" [FILESYSTEM] (_: cstr) => syscall::lstat64;
        "__syscall_fstat64" [FILESYSTEM] => syscall::fstat64;
        "__syscall_fstatat64" [FILESYSTEM] (_, _: cstr) => syscall::fstatat64;
        "__syscall_newfstatat" [FILESYSTEM] (_, _: cstr) => syscall::fstatat64;
        "__syscall_getdents64" [FILESYSTEM] => syscall::getdents64;
        "__syscall_fcntl64" [FILESYSTEM] => syscall::fcntl64;
        "__syscall_dup" [FILESYSTEM] => syscall::dup;
        "__syscall_dup3" [FILESYSTEM] => syscall::dup3;
        "__syscall_ioctl" [FILESYSTEM] => syscall::ioctl;
        "__syscall_faccessat" [FILESYSTEM] (_, _: cstr) => syscall::faccessat;
        "__syscall_readlinkat" [FILESYSTEM] (_, _: cstr) => syscall::readlinkat;
        "__syscall_symlinkat" [FILESYSTEM] (_: cstr, _, _: cstr) => syscall::symlinkat;
        "__syscall_ftruncate64" [FILESYSTEM] => syscall::ftruncate64;
        "__syscall_chmod" [FILESYSTEM] (_: cstr) => syscall::chmod;
        "__syscall_fchmod" [FILESYSTEM] => syscall::fchmod;
        "__syscall_fchmodat2" [FILESYSTEM] (_, _: cstr) => syscall::fchmodat2;
        "__syscall_fchown32" [FILESYSTEM] => syscall::fchown32;
        "__syscall_fchownat" [FILESYSTEM] (_, _: cstr) => syscall::fchownat;
        "__syscall_getuid32" [NONE] => syscall::getuid32;
        "__syscall_getgid32" [NONE] => syscall::getuid32;
        "__syscall_utimensat" [FILESYSTEM] (_, _: cstr) => syscall::utimensat;
        "__syscall_statfs64" [FILESYSTEM] (_: cstr) => syscall::statfs64;
        "__syscall_fstatfs64" [FILESYSTEM] => syscall::fstatfs64;
        "__syscall_pipe2" [FILESYSTEM] => poll::pipe2;
        "__syscall_pipe" [FILESYSTEM] => poll::pipe;
        "__syscall_poll" [POLL] => poll::poll;
        "__syscall_poll_nonblocking" [POLL] => poll::poll_nonblocking;
        "_mmap_js" [MEMORY] => heap::mmap_js;
        "_mmap_js" [MEMORY] => heap::mmap_js_3_1_6;
        "_munmap_js" [MEMORY] => heap::munmap_js;
        "_munmap_js" [MEMORY] => heap::munmap_js_3_1_6;
        "emscripten_resize_heap" [MEMORY] => heap::emscripten_resize_heap;
        "emscripten_notify_memory_growth" [MEMORY] => heap::emscripten_notify_memory_growth;
        "emscripten_memcpy_big" [MEMORY] => heap::emscripten_memcpy_big;
        "emscripten_memcpy_js" [MEMORY] => heap::emscripten_memcpy_js;
        "_emscripten_memcpy_js" [MEMORY] => heap::emscripten_memcpy_js;
        "emscripten_get_heap_max" [NONE] => heap::emscripten_get_heap_max;
        "emscripten_get_now" [CLOCK] => time::emscripten_get_now;
        "clock_gettime" [CLOCK] => time::clock_gettime;
        "clock" [CLOCK] => time::clock;
        "time" [CLOCK] => time::time;
        "gettimeofday" [CLOCK] => time::gettimeofday;
        "emscripten_date_now" [CLOCK] => time::emscripten_date_now;
        "_emscripten_get_now_is_monotonic" [CLOCK] => time::emscripten_get_now_is_monotonic;
        // Rows of one name differ in type: emcc 3.1.6's, then the current
        // glue's (3.1.5x-5.x, and 6.x where two return a status).
        "_tzset_js" [CLOCK] => time::tzset_js;
        "_tzset_js" [CLOCK] => time::tzset_js_names;
        "_localtime_js" [CLOCK] => time::localtime_js;
        "_localtime_js" [CLOCK] => time::localtime_js_i64_void;
        "_localtime_js" [CLOCK] => time::localtime_js_i64;
        "_gmtime_js" [CLOCK] => time::gmtime_js;
        "_gmtime_js" [CLOCK] => time::gmtime_js_i64_void;
        "_gmtime_js" [CLOCK] => time::gmtime_js_i64;
        "_mktime_js" [CLOCK] => time::mktime_js;
        "_mktime_js" [CLOCK] => time::mktime_js_i64;
        "_timegm_js" [CLOCK] => time::timegm_js;
        "_timegm_js" [CLOCK] => time::timegm_js_i64;
        "strftime" [CLOCK] => time::strftime;
        "strptime" [CLOCK] (_: cstr, _: cstr) => strptime::strptime;
        "getentropy" [RANDOM] => proc::getentropy;
        "exit" [PROC] => proc::exit;
        "abort" [PROC] => proc::abort;
        "_abort_js" [PROC] => proc::abort_js;
        "__assert_fail" [PROC] (_: cstr, _: cstr) => proc::assert_fail;
        "_emscripten_system" [PROC] (_: cstr) => proc::emscripten_system;
        "__call_sighandler" [PROC] => proc::call_sighandler;
        "_setitimer_js" [CLOCK] => proc::setitimer_js;
        "_emscripten_runtime_keepalive_clear" [NONE] => proc::runtime_keepalive_clear;
        "setTempRet0" [NONE] => proc::set_temp_ret0;
        "getTempRet0" [NONE] => proc::get_temp_ret0;
        "emscripten_sleep" [POLL] => proc::emscripten_sleep;
        "_emscripten_throw_longjmp" [EXCEPTIONS] => invoke::emscripten_throw_longjmp;
        "emscripten_longjmp" [EXCEPTIONS] => invoke::emscripten_longjmp;
        "__cxa_allocate_exception" [EXCEPTIONS] => exceptions::cxa_allocate_exception;
        "__cxa_free_exception" [EXCEPTIONS] => exceptions::cxa_free_exception;
        "__cxa_throw" [EXCEPTIONS] => exceptions::cxa_throw;
        "__cxa_rethrow" [EXCEPTIONS] => exceptions::cxa_rethrow;
        "__cxa_begin_catch" [EXCEPTIONS] => exceptions::cxa_begin_catch;
        "__cxa_end_catch" [EXCEPTIONS] => exceptions::cxa_end_catch;
        "__cxa_uncaught_exceptions" [EXCEPTIONS] => exceptions::cxa_uncaught_exceptions;
        "__cxa_get_exception_ptr" [EXCEPTIONS] => exceptions::cxa_get_exception_ptr;
        "__cxa_increment_exception_refcount" [EXCEPTIONS] => exceptions::cxa_increment_exception_refcount;
        "__cxa_decrement_exception_refcount" [EXCEPTIONS] => exceptions::cxa_decrement_exception_refcount;
        "__resumeException" [EXCEPTIONS] => exceptions::resume_exception;
        "llvm_eh_typeid_for" [EXCEPTIONS] => exceptions::llvm_eh_typeid_for;
        "__throw_exception_with_stack_trace" [EXCEPTIONS] => exceptions::throw_exception_with_stack_trace;
    },
    base: None,
    results: Results::Values,
};

/// Whether the set provides `import` of a module whose names `names`
/// maps (what [`ImportSet::provides`] says of the import it stands for);
/// an import only the glue's JavaScript implements is not provided.
pub fn provides_named(names: &Names, import: &ImportType) -> bool {
    if names
        .lookup(import.module(), import.name())
        .is_some_and(|i| i.js.is_some())
    {
        return false;
    }
    let (module, name) = names.canonical(import.module(), import.name());
    <Emscripten as ImportSet>::provides(&ImportType::new(module, name, import.ty().clone()))
}

/// Whether this crate can provide `env.<name>` (for some signature).
pub fn provides(name: &str) -> bool {
    FUNCTIONS.provides(name) || family(name).is_some()
}

/// The `env` functions made from the guest's own import: `invoke_<sig>`
/// trampolines and `__cxa_find_matching_catch_N`.
enum Family<'a> {
    Invoke(&'a str),
    FindMatchingCatch(usize),
}

fn family(name: &str) -> Option<Family<'_>> {
    match name.strip_prefix("invoke_") {
        Some(sig) => Some(Family::Invoke(sig)),
        None => exceptions::find_matching_catch_arity(name).map(Family::FindMatchingCatch),
    }
}

/// An Emscripten guest's imports (`env` + `wasi_snapshot_preview1`) and
/// the environment they share.
#[derive(Clone)]
pub struct Emscripten {
    env: FunctionEnv<EmEnv>,
    imports: Imports,
    names: Arc<Names>,
}

/// Defines, on `store`, the `env` functions `module` imports (and all of
/// WASI preview1, over the same environment) for a guest whose world is
/// `host`.
///
/// Errors: [`Error::Unsupported`] naming the first `env` import this crate
/// does not provide (also a non-function `env` import), and
/// [`Error::ImportType`] for one whose type differs from Emscripten's.
pub fn instantiate(store: &mut impl AsStoreMut, host: Host, module: &Module) -> Result<Emscripten, Error> {
    instantiate_with(store, host, module, &Options::new())
}

/// As [`instantiate`], with `options`: the name maps of a minified build
/// ([`Options::names`]) and the embedder's own imports
/// ([`Options::define`]). Errors: also [`Error::JsOnly`] for an import
/// only the glue's JavaScript implements that the embedder did not define.
pub fn instantiate_with(
    store: &mut impl AsStoreMut, host: Host, module: &Module, options: &Options,
) -> Result<Emscripten, Error> {
    let (em, mut errors) = define(store, host, module, options);
    match errors.is_empty() {
        true => Ok(em),
        false => Err(errors.remove(0)),
    }
}

/// As [`instantiate`], but defines every `env` import it can and returns
/// the errors for the others instead of stopping at the first (for tools
/// that list what a module lacks).
pub fn instantiate_available(store: &mut impl AsStoreMut, host: Host, module: &Module) -> (Emscripten, Vec<Error>) {
    define(store, host, module, &Options::new())
}

/// Defines every import of `module` it can, each by what it stands for in
/// `options`' name map, leaving those the embedder defined to the
/// embedder; the errors for the others.
fn define(store: &mut impl AsStoreMut, host: Host, module: &Module, options: &Options) -> (Emscripten, Vec<Error>) {
    let names = &options.names;
    let env = FunctionEnv::new(
        store,
        EmEnv {
            host,
            state: State { ..State::default() },
        },
    );
    let imported = wasi_snapshot_preview1::imported_by(module);
    let wanted = |name: &str| imported(name) || names.imports().any(|(_, i)| i.name == name);
    let wasi = wasi_snapshot_preview1::exports_where(store, &env, &wanted);
    let mut imports = Imports::new();
    imports.register_namespace(wasi_snapshot_preview1::MODULE, wasi.clone());
    let mut errors = Vec::new();
    // A guest that keeps tempRet0 itself (emcc 3.1.20 on) takes an i64
    // result as two halves even where a 3.1.6 row has the same 32-bit type.
    let halves = module
        .exports()
        .any(|e| e.name() == names.export_name("_emscripten_tempret_set"));
    for import in module.imports() {
        let ty = match import.ty() {
            ExternType::Function(ty) => Some(ty),
            _ => None,
        };
        if let Some(own) = options.own(&import) {
            imports.define(import.module(), import.name(), own);
            continue;
        }
        if let Some(e) = js_only(names, &import) {
            errors.push(e);
            continue;
        }
        let (canonical_module, name) = names.canonical(import.module(), import.name());
        if layout::StatLayout::is_legacy_import(canonical_module, name) {
            env.as_mut(store).state.stat_layout = layout::StatLayout::Legacy;
        }
        let (in_module, minified) = (import.module(), import.name());
        match (canonical_module, ty) {
            // Builds without WASM_BIGINT import WASI functions with each i64
            // parameter split in two i32 halves (`fd_seek` above all).
            (wasi_snapshot_preview1::MODULE, Some(ty)) => {
                let Ok(f) = wasi.get_function(name) else { continue };
                let own = f.ty(store);
                match legalize::adapter(store, &env, f, &own, ty) {
                    Some(adapter) => imports.define(in_module, minified, adapter),
                    None if in_module != wasi_snapshot_preview1::MODULE => {
                        imports.define(in_module, minified, f.clone())
                    }
                    None => {}
                }
            }
            (MODULE, Some(ty)) => match env_function(store, &env, name, ty, halves) {
                Ok(func) => imports.define(in_module, minified, func),
                Err(e) => errors.push(e),
            },
            (MODULE, None) => match imported_memory(store, &env, module, &import) {
                Ok(memory) => imports.define(in_module, minified, memory),
                Err(e) => errors.push(e),
            },
            _ => {}
        }
    }
    let names = names.clone();
    (Emscripten { env, imports, names }, errors)
}

/// [`Error::JsOnly`] if the name map marks `import` as JavaScript only the
/// glue implements.
fn js_only(names: &Names, import: &ImportType) -> Option<Error> {
    let mapped = names.lookup(import.module(), import.name())?;
    Some(Error::JsOnly {
        import: format!("{}.{}", import.module(), import.name()),
        name: mapped.name.clone(),
        code: mapped.js.clone()?,
    })
}

/// The memory of an `-sIMPORTED_MEMORY` build (`env.memory`), made from
/// the module's declared limits and bound as the guest's. Errors:
/// [`Error::Unsupported`] for any other non-function import,
/// [`Error::ImportedMemory`] when wasmer cannot make it (a minimum over a
/// memory cap, say).
fn imported_memory(
    store: &mut impl AsStoreMut, env: &FunctionEnv<EmEnv>, module: &Module, import: &ImportType,
) -> Result<wasmer::Memory, Error> {
    if !matches!(import.ty(), ExternType::Memory(_)) {
        return Err(Error::Unsupported(format!("{} (a non-function import)", import.name())));
    }
    let made = imports::memory::imported(store, module, MODULE).map_err(Error::ImportedMemory)?;
    let (_, memory) = made.ok_or_else(|| Error::Unsupported(import.name().into()))?;
    env.as_mut(store).host.memory = Some(memory.clone());
    Ok(memory)
}

/// The `env` function `name` with the type `ty` the guest imports it
/// with: a table row (logged as its scope says), or one made for `ty`;
/// `halves`: a legalized i64 row wins over a 32-bit one ([`row_for`]).
fn env_function(
    store: &mut impl AsStoreMut, env: &FunctionEnv<EmEnv>, name: &str, ty: &FunctionType, halves: bool,
) -> Result<Function, Error> {
    if let Some(family) = family(name) {
        return family_function(store, env, name, family, ty);
    }
    let (row, own) = row_for(name, ty, halves)?;
    let f = match FUNCTIONS.make(store, env, MODULE, row) {
        wasmer::Extern::Function(f) => f,
        _ => return Err(Error::Unsupported(name.into())),
    };
    match &own == ty {
        true => Ok(f),
        false => legalize::adapter(store, env, &f, &own, ty).ok_or_else(|| Error::Unsupported(name.into())),
    }
}

/// The rows of [`FUNCTIONS`] named `name`, from an index built once (a
/// guest's set-up looks up each of its imports).
fn rows_named(name: &str) -> &'static [&'static Import<EmEnv>] {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, Vec<&'static Import<EmEnv>>>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
        for row in FUNCTIONS.rows() {
            index.entry(row.name).or_default().push(row);
        }
        index
    });
    index.get(name).map_or(&[], Vec::as_slice)
}

/// The row of `name` whose type is `ty`, or whose type legalizes to `ty`
/// ([`legalize::legal`]), with the row's own type; with `halves` (a guest
/// that keeps tempRet0) a row that legalizes to `ty` first, since emcc
/// 3.1.6's `_mktime_js(tm) -> i32` and a current build's legalized
/// `_mktime_js(tm) -> i64` have one type. Rows may repeat a name with the
/// types different emcc versions give it. Errors: no row of that name
/// ([`Error::Unsupported`]), none of that type ([`Error::ImportType`],
/// listing the types provided).
fn row_for(name: &str, ty: &FunctionType, halves: bool) -> Result<(&'static Import<EmEnv>, FunctionType), Error> {
    let rows: Vec<(&'static Import<EmEnv>, FunctionType)> = rows_named(name)
        .iter()
        .filter_map(|r| match (r.ty)() {
            ExternType::Function(t) => Some((*r, t)),
            _ => None,
        })
        .collect();
    if rows.is_empty() {
        return Err(Error::Unsupported(name.into()));
    }
    let exact = || rows.iter().position(|(_, t)| t == ty);
    let legal = || rows.iter().position(|(_, t)| t != ty && &legalize::legal(t) == ty);
    let found = match halves {
        true => legal().or_else(exact),
        false => exact().or_else(legal),
    };
    match found {
        Some(i) => Ok(rows[i].clone()),
        None => Err(Error::ImportType {
            name: name.into(),
            expected: rows.iter().map(|(_, t)| t.to_string()).collect::<Vec<_>>().join(" or "),
            found: ty.to_string(),
        }),
    }
}

/// An `invoke_*` trampoline or `__cxa_find_matching_catch_N` for the type
/// `ty` the guest imports it with, logged in the `exceptions` scope.
fn family_function(
    store: &mut impl AsStoreMut, env: &FunctionEnv<EmEnv>, name: &str, family: Family<'_>, ty: &FunctionType,
) -> Result<Function, Error> {
    let (f, expected) = match family {
        Family::Invoke(sig) => (
            invoke::trampoline(store, env, sig, ty),
            "(i32 table index, args...) -> result".to_string(),
        ),
        Family::FindMatchingCatch(n) => (
            exceptions::find_matching_catch(store, env, n, ty),
            format!("{n} x i32 -> i32"),
        ),
    };
    let f = f.ok_or_else(|| Error::ImportType {
        name: name.into(),
        expected,
        found: ty.to_string(),
    })?;
    if !env.as_ref(store).host.log.contains(LogScopes::EXCEPTIONS) {
        return Ok(f);
    }
    let site = Site {
        module: MODULE,
        name: name.to_string().into(),
        params: &[],
        results: Results::Values,
    };
    Ok(logged(store, env, site, f))
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
        // The exported memory (by its minified name too), or the imported
        // one `instantiate` bound (`-sIMPORTED_MEMORY`).
        match instance.exports.get_memory(self.names.export_name("memory")) {
            Ok(memory) => self.env.as_mut(store).host.memory = Some(memory.clone()),
            Err(_) if self.env.as_ref(store).host.memory.is_some() => {}
            Err(_) => return Err(wasi_snapshot_preview1::Error::MissingMemory.into()),
        }
        let guest = Guest::new(store, instance, &self.names);
        let imports: Vec<String> = instance
            .module()
            .imports()
            .filter_map(|i| {
                let (module, name) = self.names.canonical(i.module(), i.name());
                (module == MODULE).then(|| name.to_string())
            })
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
        self.run_bound(store, instance)
    }
}

impl ImportSet for Emscripten {
    type Env = EmEnv;
    type Options = Options;
    type Error = Error;
    const MODULES: &'static [&'static str] = &[MODULE, wasi_snapshot_preview1::MODULE];

    fn instantiate(store: &mut impl AsStoreMut, host: Host, module: &Module, options: Options) -> Result<Self, Error> {
        let em = instantiate_with(store, host, module, &options)?;
        em.set_invoke_stack_budget(store, options.invoke_stack_budget);
        if let Some(layout) = options.stat_layout {
            em.env.as_mut(store).state.stat_layout = layout;
        }
        Ok(em)
    }

    fn defined(&self) -> Defined<'_, EmEnv> {
        Defined::new(&self.env, &self.imports)
    }

    /// By name and type, as [`instantiate`] defines them (WASI's by name),
    /// and an imported `env` memory.
    fn provides(import: &ImportType) -> bool {
        let ty = match import.ty() {
            ExternType::Function(ty) => ty,
            ExternType::Memory(_) => return import.module() == MODULE,
            _ => return false,
        };
        match import.module() {
            wasi_snapshot_preview1::MODULE => {
                wasi_snapshot_preview1::Functions::<EmEnv>::PREVIEW1.provides(import.name())
            }
            MODULE => match family(import.name()) {
                Some(Family::Invoke(_)) => invoke::fits(ty),
                Some(Family::FindMatchingCatch(_)) => exceptions::find_matching_catch_fits(ty),
                None => row_for(import.name(), ty, false).is_ok(),
            },
            _ => false,
        }
    }

    /// The WASI calls that wait, and `emscripten_sleep`, as async functions.
    fn on_coroutines(&mut self, store: &mut impl AsStoreMut, module: &Module) {
        let imported = wasi_snapshot_preview1::imported_by(module);
        let names = self.names.clone();
        let wasi = |name: &str| imported(name) || names.imports().any(|(_, i)| i.name == name);
        wasi_snapshot_preview1::coroutine_functions(store, &self.env, &mut self.imports, &wasi);
        self.coroutine_sleep(store);
        // A minified build imports them by other names.
        for ((m, n), i) in names.imports() {
            let suspends = SUSPENDING.contains(&(i.module.as_str(), i.name.as_str()));
            if let Some(f) = self.imports.get_export(&i.module, &i.name).filter(|_| suspends) {
                self.imports.define(m, n, f);
            }
        }
    }

    fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Error> {
        self.bind(store, instance)
    }

    /// An `-sASYNCIFY` build's Asyncify state: `emscripten_sleep` and the
    /// WASI calls that would block suspend the guest. A release build's
    /// `asyncify_*` exports are found under the glue's names. Errors:
    /// [`wasi_snapshot_preview1::Error::NotAsyncify`] /
    /// [`wasi_snapshot_preview1::Error::Asyncify`] (as [`Error::Wasi`]).
    fn suspendable(&self, store: &mut impl AsStoreMut, instance: &Instance, buffer_size: u32) -> Result<(), Error> {
        let name = |canonical: &str| self.names.export_name(canonical).to_string();
        Ok(wasi_snapshot_preview1::suspendable_named(
            store,
            &self.env,
            instance,
            buffer_size,
            &name,
        )?)
    }

    /// What the glue's `callMain` and `exitRuntime` do (see
    /// [`Emscripten::start`]).
    async fn start(&self, caller: &mut impl Caller<EmEnv>, instance: &Instance) -> Result<Outcome, Error> {
        let exports = &instance.exports;
        let export = |name| exports.get_function(self.names.export_name(name));
        if let Ok(start) = export("_start") {
            return Ok(Outcome::of(caller.call(start, &[]).await.map(|_| 0)));
        }
        let main = export("main")
            .or_else(|_| export("__main_argc_argv"))
            .map_err(|_| Error::MissingEntry)?;
        let ctors = export("__wasm_call_ctors").ok();
        Ok(Outcome::of(call_main(caller, ctors, main).await))
    }
}

impl Emscripten {
    /// `emscripten_sleep` as an async function, for a run on coroutines.
    fn coroutine_sleep(&mut self, store: &mut impl AsStoreMut) {
        let mapped = self.names.imports().any(|(_, i)| i.name == "emscripten_sleep");
        if self.imports.get_export(MODULE, "emscripten_sleep").is_none() && !mapped {
            return;
        }
        let sleep = Function::new_typed_with_env_async(
            store,
            &self.env,
            |env: AsyncFunctionEnvMut<EmEnv>, ms: u32| async move {
                imports::asyncify::coroutine(env, move |ctx, origin| proc::sleep_step(ctx, ms, origin))
                    .await
                    .map(drop)
            },
        );
        // The synchronous log wrapper can call it: the wait still yields
        // the coroutine, which holds the wrapper's frame too.
        let sleep = FUNCTIONS.logged_as(store, &self.env, MODULE, "emscripten_sleep", sleep);
        self.imports.define(MODULE, "emscripten_sleep", sleep);
    }
}

/// The imports [`ImportSet::on_coroutines`] replaces with async functions.
const SUSPENDING: [(&str, &str); 4] = [
    (wasi_snapshot_preview1::MODULE, "poll_oneoff"),
    (wasi_snapshot_preview1::MODULE, "sched_yield"),
    (wasi_snapshot_preview1::MODULE, "fd_read"),
    (MODULE, "emscripten_sleep"),
];

/// `__wasm_call_ctors`, `main(argc, argv)`, then the atexit handlers;
/// main's result is the exit code.
async fn call_main(
    caller: &mut impl Caller<EmEnv>, ctors: Option<&Function>, main: &Function,
) -> Result<u32, RuntimeError> {
    if let Some(ctors) = ctors {
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

/// [`run`] for an async caller, for an `-sASYNCIFY` build: the guest's
/// sleeps and blocking calls suspend it instead of its thread
/// ([`ImportSet::suspendable`]; a bound guest runs so with
/// [`ImportSet::run_bound_async`]). Errors: as [`run`], and
/// [`wasi_snapshot_preview1::Error::NotAsyncify`] /
/// [`wasi_snapshot_preview1::Error::Asyncify`] (as [`Error::Wasi`]).
pub async fn run_async(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    driver::run_async::<Emscripten>(store, module, config, Options::new()).await
}

/// [`run`] for an async caller, for any Emscripten guest, `-sASYNCIFY`
/// or not, on wasmer's `experimental-async` coroutines: `emscripten_sleep`
/// and the WASI calls that would block (`poll_oneoff`, `sched_yield`,
/// `fd_read` on a stream with no data yet) are async host functions, and
/// while one waits the guest's coroutine yields and the future waits
/// without blocking its thread. Takes the store by value (wasmer runs it as
/// a `StoreAsync`). The output is the same as through [`run`]. Errors: as
/// [`run`].
pub async fn run_coroutine(store: Store, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    driver::run_coroutine::<Emscripten>(store, module, config, Options::new()).await
}

/// Does the whole sequence: builds the host from `config`, instantiates
/// `module` with the `env` and WASI imports, binds it, [`Emscripten::start`]s
/// it and returns the exit code.
pub fn run(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    driver::run::<Emscripten>(store, module, config, Options::new())
}

/// Turns the result of running a guest into an exit code:
/// [`imports::ExitCode`] (from `exit`/`proc_exit`) is its code, any other
/// trap an error ([`Outcome::of`]).
pub fn exit_code(result: Result<u32, RuntimeError>) -> Result<u32, Error> {
    driver::exit_code(Outcome::of(result))
}
