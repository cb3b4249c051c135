//! AssemblyScript host imports for wasmer, on the shared [`imports`] core.
//!
//! AssemblyScript modules import a small `env` module: the builtins
//! `abort`, `trace` and `seed` (`~lib/builtins.ts`), and, when a program
//! uses `console`, `Date`, `performance`, `process`, `crypto` or `JSMath`,
//! the std bindings' dotted imports (`~lib/bindings/dom.ts`,
//! `~lib/bindings/node.ts`) such as `console.log` or `Date.now`. This
//! crate provides all of them as AssemblyScript 0.28's generated ESM
//! bindings (`asc --bindings esm`) implement them, with these differences
//! (RATIONALE.md):
//!
//! - [`abort`](builtins::abort) writes `<message> in <file>:<line>:<column>`
//!   to the guest's stderr and ends it with exit code 255, where the
//!   bindings throw that text as a JavaScript `Error`;
//! - [`trace`](builtins::trace) is off by default; [`Trace::Console`]
//!   prints what the generated bindings' `console.log(message, ...args)`
//!   prints, [`Trace::Stdout`] or [`Trace::Stderr`] the loader's
//!   `trace: <message> <a0>,<a1>...`;
//! - [`seed`](builtins::seed) comes from the guest's random source (so a
//!   deterministic [`imports::ModuleConfig`] gives reproducible
//!   `Math.random`).
//!
//! Output goes to the guest's stdout and stderr in the shared descriptor
//! table, times come from its clocks, random bytes from its random source.
//!
//! Not provided, because they need a JavaScript world: the bindings'
//! `externref` imports (`globalThis`, `Reflect.*`, `Object.*`,
//! `String.fromCodePoint(s)`) and the browser's `document.*`;
//! `process.argv` does not compile in 0.28 (error AS238). A module that
//! imports one of them fails to instantiate, naming the import.
//!
//! ```no_run
//! use assemblyscript::{Options, Trace};
//! use imports::{stdio::OutputBuffer, ModuleConfig};
//! use wasmer::{Module, Store};
//!
//! let mut store = Store::default();
//! let module = Module::new(&store, std::fs::read("hello.wasm")?)?;
//! let out = OutputBuffer::new();
//! let config = ModuleConfig::new().stdout(out.clone());
//! let code = assemblyscript::run(&mut store, &module, config, Options::new().trace(Trace::Stderr))?;
//! println!("exit {code}: {}", out.to_string_lossy());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Step by step (what [`run`] does): [`instantiate`] with a
//! [`imports::Host`], [`AssemblyScript::import_memory`] for a module built
//! with `--importMemory`, create the instance, [`AssemblyScript::bind`] it,
//! then call `_start` if the module exports it (`--exportStart _start`);
//! otherwise its start section already ran during instantiation.

// Host functions take the arguments the AssemblyScript ABI passes.
#![allow(clippy::too_many_arguments)]

pub mod builtins;
pub mod console;
pub mod crypto;
pub mod format;
pub mod invoke;
pub mod math;
pub mod number;
pub mod process;
pub mod string;
pub mod time;

use imports::define::Table;
use imports::driver::{self, Caller, Defined, ImportSet};
use imports::log::Results;
use imports::{AsHost, GuestMemory, Host, ModuleConfig, Outcome};
use std::collections::HashMap;
use std::marker::PhantomData;
use thiserror::Error;
use wasmer::{
    AsStoreMut, Exports, ExternType, FunctionEnv, FunctionEnvMut, ImportType, Imports, Instance, InstantiationError,
    Memory, Module, RuntimeError, TypedFunction, Value,
};

/// The module name AssemblyScript guests import from.
pub const MODULE: &str = "env";

/// The exit code `abort` ends a guest with (wazero's and the WASI shim's
/// choice; the bindings throw instead).
pub const ABORT_EXIT_CODE: u32 = 255;

/// Where `trace` output goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Trace {
    /// Dropped (the default): tracing is for debugging, and a guest's
    /// stdout is often its product.
    #[default]
    Off,
    /// What asc's generated bindings print: `console.log(message,
    /// ...args)` on stdout, node's `util.format` of the message and the
    /// numbers ([`format::console_log`]). The command line's default.
    Console,
    /// The loader's form, `trace: <message> <a0>,<a1>...`, on the guest's
    /// stdout.
    Stdout,
    /// The loader's form on the guest's stderr.
    Stderr,
}

/// Choices for an AssemblyScript guest's imports.
#[derive(Clone, Debug)]
pub struct Options {
    trace: Trace,
    abort_message: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trace: Trace::Off,
            abort_message: true,
        }
    }
}

impl Options {
    /// Trace off, abort messages on stderr.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `trace` output to `to`.
    pub fn trace(mut self, to: Trace) -> Self {
        self.trace = to;
        self
    }

    /// Whether `abort` writes its message to stderr before ending the
    /// guest (default: yes). The exit code is 255 either way.
    pub fn abort_message(mut self, on: bool) -> Self {
        self.abort_message = on;
        self
    }
}

/// Most `console.time` labels a guest may have running; past it, a
/// warning on stderr and the label is not started.
pub const MAX_TIMERS: usize = 1024;

/// Longest `console.time` label kept, in characters (a longer one is
/// identified by this prefix).
pub const MAX_LABEL: usize = 1024;

/// The guest's runtime exports the host calls back into to allocate
/// (`crypto.getRandomValuesN`): `__new(size, id)`, `__pin`, `__unpin`
/// (`~lib/rt/itcms.ts`), and `__rtti_base` to find `Uint8Array`'s class id.
#[derive(Clone, Debug)]
pub struct Runtime {
    /// `__new(size: usize, id: u32) -> usize`.
    pub new: TypedFunction<(i32, i32), i32>,
    /// `__pin(ptr: usize) -> usize`.
    pub pin: TypedFunction<i32, i32>,
    /// `__unpin(ptr: usize)`.
    pub unpin: TypedFunction<i32, ()>,
    /// The address of the runtime type information (`__rtti_base`'s value).
    pub rtti_base: Option<u32>,
}

/// The per-guest state of the AssemblyScript imports, next to the shared
/// [`Host`].
#[derive(Debug, Default)]
pub struct State {
    /// The options the imports were defined with.
    pub options: Options,
    /// Running `console.time` labels and their start, in nanoseconds of
    /// the guest's monotonic clock.
    pub timers: HashMap<String, u64>,
    /// The guest's runtime exports, once bound (absent when the module
    /// does not export them).
    pub runtime: Option<Runtime>,
}

/// Access to the AssemblyScript [`State`] inside an environment that also
/// holds the shared [`Host`], so the imports can share one `FunctionEnv`
/// with another import set.
pub trait AsAssemblyScript: AsHost {
    /// The AssemblyScript state.
    fn assemblyscript(&self) -> &State;
    /// The AssemblyScript state, mutably.
    fn assemblyscript_mut(&mut self) -> &mut State;
}

/// The environment [`instantiate`] creates: the shared host and the
/// AssemblyScript state.
pub type Env = imports::WithHost<State>;

impl AsAssemblyScript for Env {
    fn assemblyscript(&self) -> &State {
        &self.state
    }
    fn assemblyscript_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

/// Why an AssemblyScript guest could not be set up or run.
#[derive(Debug, Error)]
pub enum Error {
    /// The configuration was invalid.
    #[error(transparent)]
    Config(#[from] imports::ConfigError),
    /// The module has no memory: it neither exports `memory` nor imports
    /// `env.memory`.
    #[error("the module neither exports a memory named \"memory\" nor imports env.memory")]
    MissingMemory,
    /// The module's imported memory could not be created.
    #[error("cannot create the imported memory {0}: {1}")]
    Memory(String, String),
    /// Instantiation failed (a missing or mistyped import...).
    #[error("instantiation failed: {0}")]
    Instantiation(#[from] Box<InstantiationError>),
    /// `--invoke`: no exported function of that name.
    #[error("the module exports no function {0:?}")]
    NoSuchFunction(String),
    /// `--invoke`: the arguments do not fit the function's parameters.
    #[error("{0}")]
    Arguments(String),
    /// The guest trapped (other than by exiting).
    #[error("{0}")]
    Trap(#[from] RuntimeError),
}

/// Turns a host-side failure that must end the guest into a trap.
pub(crate) fn trap(msg: impl Into<String>) -> RuntimeError {
    RuntimeError::new(msg.into())
}

/// Runs `f` with the state and the guest's memory, or traps with a message
/// naming `import` when there is no memory to read yet: a start section
/// that prints runs before an exported memory can be bound.
pub(crate) fn with_memory<S, R>(
    ctx: &mut FunctionEnvMut<'_, S>, import: &str, f: impl FnOnce(&mut S, &mut GuestMemory<'_>) -> R,
) -> Result<R, RuntimeError>
where
    S: AsHost,
{
    let mut out = None;
    imports::with_memory(ctx, |s, mem| {
        out = Some(f(s, mem));
        Ok(())
    })
    .map_err(|_| {
        trap(format!(
            "env.{import} needs the guest's memory, which is not bound yet: it was called from the \
             start section (build with --exportStart _start, or with --importMemory)"
        ))
    })?;
    out.ok_or_else(|| trap(format!("env.{import}: no memory")))
}

/// Every AssemblyScript import, with its logging scope and the arguments
/// the log decodes (AssemblyScript strings), over an environment `S`
/// holding the shared host and the AssemblyScript state.
pub struct Functions<S>(PhantomData<S>);

impl<S: AsAssemblyScript> Functions<S> {
    /// The builtins, the std bindings' imports and `JSMath`.
    pub const TABLE: Table<S> = Table {
        rows: imports::import_rows! { env: S;
            "abort" [PROC] (_: utf16, _: utf16, _, _) => builtins::abort::<S>;
            "trace" [FILESYSTEM] (_: utf16) => builtins::trace::<S>;
            "seed" [RANDOM] => builtins::seed::<S>;
            "console.log" [FILESYSTEM] (_: utf16) => console::print::<S, 1>;
            "console.info" [FILESYSTEM] (_: utf16) => console::print::<S, 1>;
            "console.debug" [FILESYSTEM] (_: utf16) => console::print::<S, 1>;
            "console.warn" [FILESYSTEM] (_: utf16) => console::print::<S, 2>;
            "console.error" [FILESYSTEM] (_: utf16) => console::print::<S, 2>;
            "console.assert" [FILESYSTEM] (_, _: utf16) => console::assert::<S>;
            "console.time" [CLOCK] (_: utf16) => console::time::<S>;
            "console.timeLog" [CLOCK] (_: utf16) => console::time_log::<S>;
            "console.timeEnd" [CLOCK] (_: utf16) => console::time_end::<S>;
            "Date.now" [CLOCK] => time::date_now::<S>;
            "performance.now" [CLOCK] => time::performance_now::<S>;
            "process.exit" [PROC] => process::exit::<S>;
            "crypto.getRandomValuesN" [RANDOM] => crypto::get_random_values_n::<S>;
            "Math.random" [NONE] => math::random::<S>;
            "Math.abs" [NONE] plain => f64::abs;
            "Math.acos" [NONE] plain => f64::acos;
            "Math.acosh" [NONE] plain => f64::acosh;
            "Math.asin" [NONE] plain => f64::asin;
            "Math.asinh" [NONE] plain => f64::asinh;
            "Math.atan" [NONE] plain => f64::atan;
            "Math.atanh" [NONE] plain => f64::atanh;
            "Math.cbrt" [NONE] plain => f64::cbrt;
            "Math.ceil" [NONE] plain => f64::ceil;
            "Math.cos" [NONE] plain => f64::cos;
            "Math.cosh" [NONE] plain => f64::cosh;
            "Math.exp" [NONE] plain => f64::exp;
            "Math.expm1" [NONE] plain => f64::exp_m1;
            "Math.floor" [NONE] plain => f64::floor;
            "Math.log" [NONE] plain => f64::ln;
            "Math.log10" [NONE] plain => f64::log10;
            "Math.log1p" [NONE] plain => f64::ln_1p;
            "Math.log2" [NONE] plain => f64::log2;
            "Math.round" [NONE] plain => math::round;
            "Math.sign" [NONE] plain => math::sign;
            "Math.sin" [NONE] plain => f64::sin;
            "Math.sinh" [NONE] plain => f64::sinh;
            "Math.sqrt" [NONE] plain => f64::sqrt;
            "Math.tan" [NONE] plain => f64::tan;
            "Math.tanh" [NONE] plain => f64::tanh;
            "Math.trunc" [NONE] plain => f64::trunc;
            "Math.clz32" [NONE] plain => math::clz32;
            "Math.atan2" [NONE] plain => f64::atan2;
            "Math.hypot" [NONE] plain => f64::hypot;
            "Math.max" [NONE] plain => math::max;
            "Math.min" [NONE] plain => math::min;
            "Math.pow" [NONE] plain => math::pow;
            "Math.imul" [NONE] plain => math::imul;
            "Math.fround" [NONE] plain => math::fround;
            "Math.E" [NONE] global => std::f64::consts::E;
            "Math.LN2" [NONE] global => std::f64::consts::LN_2;
            "Math.LN10" [NONE] global => std::f64::consts::LN_10;
            "Math.LOG2E" [NONE] global => std::f64::consts::LOG2_E;
            "Math.LOG10E" [NONE] global => std::f64::consts::LOG10_E;
            "Math.PI" [NONE] global => std::f64::consts::PI;
            "Math.SQRT1_2" [NONE] global => std::f64::consts::FRAC_1_SQRT_2;
            "Math.SQRT2" [NONE] global => std::f64::consts::SQRT_2;
        },
        base: None,
        results: Results::Values,
    };
}

/// Defines every AssemblyScript import on `store` over `env`, as the
/// export set of module `env`. Use this to share an environment with
/// another import set; otherwise use [`instantiate`] (or
/// [`instantiate_for`], which defines only what a module imports).
pub fn exports<S: AsAssemblyScript>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>) -> Exports {
    Functions::<S>::TABLE.define(store, env, MODULE, &|_| true)
}

/// An AssemblyScript guest's imports and the environment holding its
/// [`Host`] and [`State`].
#[derive(Clone)]
pub struct AssemblyScript {
    env: FunctionEnv<Env>,
    imports: Imports,
}

/// Defines the AssemblyScript imports on `store` for a guest whose world
/// is `host`, under the module name `env`.
pub fn instantiate(store: &mut impl AsStoreMut, host: Host, options: Options) -> AssemblyScript {
    instantiate_where(store, host, options, &|_| true)
}

/// [`instantiate`], defining only the imports `module` names: the
/// quicker set-up when the module is known (others are absent from
/// [`AssemblyScript::imports`]).
pub fn instantiate_for(store: &mut impl AsStoreMut, host: Host, options: Options, module: &Module) -> AssemblyScript {
    instantiate_where(store, host, options, &imports::define::imported_by(module, &[MODULE]))
}

fn instantiate_where(
    store: &mut impl AsStoreMut, host: Host, options: Options, wanted: &dyn Fn(&str) -> bool,
) -> AssemblyScript {
    let env = FunctionEnv::new(
        store,
        Env {
            host,
            state: State {
                options,
                ..State::default()
            },
        },
    );
    let mut imports = Imports::new();
    imports.register_namespace(MODULE, Functions::TABLE.define(store, &env, MODULE, wanted));
    AssemblyScript { env, imports }
}

impl AssemblyScript {
    /// The import object to pass to `Instance::new`.
    pub fn imports(&self) -> &Imports {
        &self.imports
    }

    /// The environment holding the guest's [`Host`] and [`State`].
    pub fn env(&self) -> &FunctionEnv<Env> {
        &self.env
    }

    /// For a module that imports its memory (`asc --importMemory`, import
    /// `env.memory`): creates it from the module's declared limits, adds it
    /// to the imports and binds it, so even a start section can print.
    /// Returns the memory, or `None` when the module imports none.
    pub fn import_memory(&mut self, store: &mut impl AsStoreMut, module: &Module) -> Result<Option<Memory>, Error> {
        let imported = imports::memory::imported(store, module, MODULE);
        let Some((name, memory)) = imported.map_err(|e| Error::Memory(format!("{MODULE}.memory"), e))? else {
            return Ok(None);
        };
        self.imports.define(MODULE, &name, memory.clone());
        self.env.as_mut(store).host.memory = Some(memory.clone());
        Ok(Some(memory))
    }

    /// Binds the instance to the environment: its exported `memory` (unless
    /// an imported one is bound already) and its runtime exports. Call it
    /// after `Instance::new` and before running the guest.
    pub fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Error> {
        bind(store, &self.env, instance)
    }
}

/// Binds `instance`'s exported `memory` (unless a memory is bound already)
/// and its runtime exports (`__new`, `__pin`, `__unpin`, `__rtti_base`,
/// when present) to `env`. Errors: [`Error::MissingMemory`].
pub fn bind<S: AsAssemblyScript>(
    store: &mut impl AsStoreMut, env: &FunctionEnv<S>, instance: &Instance,
) -> Result<(), Error> {
    let exported = instance.exports.get_memory("memory").ok().cloned();
    let runtime = (|| {
        Some(Runtime {
            new: instance.exports.get_typed_function(&*store, "__new").ok()?,
            pin: instance.exports.get_typed_function(&*store, "__pin").ok()?,
            unpin: instance.exports.get_typed_function(&*store, "__unpin").ok()?,
            rtti_base: None,
        })
    })();
    let rtti_base = instance
        .exports
        .get_global("__rtti_base")
        .ok()
        .and_then(|g| match g.get(store) {
            Value::I32(v) => Some(v as u32),
            _ => None,
        });
    let data = env.as_mut(store);
    if data.host().memory.is_none() {
        data.host_mut().memory = Some(exported.ok_or(Error::MissingMemory)?);
    }
    data.assemblyscript_mut().runtime = runtime.map(|r| Runtime { rtti_base, ..r });
    Ok(())
}

impl ImportSet for AssemblyScript {
    type Env = Env;
    type Options = Options;
    type Error = Error;
    const MODULES: &'static [&'static str] = &[MODULE];
    const RUNS_IN_START_SECTION: bool = true;

    /// [`instantiate_for`], and the memory the module imports, if any.
    fn instantiate(store: &mut impl AsStoreMut, host: Host, module: &Module, options: Options) -> Result<Self, Error> {
        let mut guest = instantiate_for(store, host, options, module);
        guest.import_memory(store, module)?;
        Ok(guest)
    }

    fn defined(&self) -> Defined<'_, Env> {
        Defined::new(&self.env, &self.imports)
    }

    /// By name, and the memory a module built with `--importMemory`
    /// imports.
    fn provides(import: &ImportType) -> bool {
        match (import.module(), import.ty()) {
            (MODULE, ExternType::Memory(_)) => true,
            (MODULE, _) => Functions::<Env>::TABLE.provides(import.name()),
            _ => false,
        }
    }

    fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Error> {
        bind(store, &self.env, instance)
    }

    /// Calls `_start` if the module exports it (`--exportStart _start`);
    /// otherwise the program ran in its start section.
    async fn start(&self, caller: &mut impl Caller<Env>, instance: &Instance) -> Result<Outcome, Error> {
        let typed = caller
            .with_ctx(|ctx| instance.exports.get_typed_function::<(), ()>(ctx, "_start").is_ok())
            .await;
        match instance.exports.get_function("_start").ok().filter(|_| typed) {
            Some(start) => Ok(Outcome::of(caller.call(start, &[]).await.map(|_| 0))),
            None => Ok(Outcome::Exited(0)),
        }
    }
}

/// Instantiates `module` for a guest whose world is `config`: defines the
/// imports, creates an imported memory, instantiates (running a start
/// section) and binds. Does not call `_start`.
///
/// An exit during the start section (an `abort`, `process.exit`) is
/// `Ok(Err(code))`.
pub fn start(
    store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig, options: Options,
) -> Result<Result<(AssemblyScript, Instance), u32>, Error> {
    let guest = <AssemblyScript as ImportSet>::instantiate(store, config.build()?, module, options)?;
    match driver::instance(store, module, &guest)? {
        Ok(instance) => Ok(Ok((guest, instance))),
        Err(outcome) => driver::exit_code(outcome).map(Err),
    }
}

/// Runs an AssemblyScript program: [`start`], then `_start` when the
/// module exports it (`--exportStart _start`). Returns the exit code: 0
/// when it returns, 255 after `abort`, the code `process.exit` was given.
/// A trap other than an exit is [`Error::Trap`], carrying the wasm
/// backtrace.
pub fn run(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig, options: Options) -> Result<u32, Error> {
    driver::run::<AssemblyScript>(store, module, config, options)
}

/// [`run`] for an async caller, so every import set has one: an
/// AssemblyScript guest has nothing to wait for (none of its imports
/// blocks: no sleep, no read), so the future runs the guest to its end
/// when first polled. Errors: as [`run`].
pub async fn run_async(
    store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig, options: Options,
) -> Result<u32, Error> {
    driver::run_async::<AssemblyScript>(store, module, config, options).await
}

/// Calls the instance's `_start` if it exports one; 0 otherwise. The exit
/// code as [`run`] reports it.
pub fn call_start(store: &mut impl AsStoreMut, instance: &Instance) -> Result<u32, Error> {
    match instance.exports.get_typed_function::<(), ()>(&*store, "_start") {
        Ok(f) => exit_code(f.call(store)),
        Err(_) => Ok(0),
    }
}

/// Turns the result of calling into the guest into an exit code:
/// returning is 0, [`imports::ExitCode`] is its code, any other trap an
/// error ([`Outcome::of`]).
pub fn exit_code<T>(result: Result<T, RuntimeError>) -> Result<u32, Error> {
    driver::exit_code(Outcome::of(result.map(|_| 0)))
}
