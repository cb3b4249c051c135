//! Go `GOOS=js GOARCH=wasm` host imports for wasmer, on the shared
//! [`imports`] core: the JS world that Go's `wasm_exec.js` and
//! `wasm_exec_node.js` give a Go program, written in Rust.
//!
//! - Both ABIs: module `go` (Go <= 1.20, with `debug`) and `gojs`
//!   (Go >= 1.21), chosen from the module's own imports. Every function has
//!   type `(i32 sp) -> ()` and reads its arguments from the named slots of
//!   its frame on Go's stack ([`abi`] over [`stack`]), in guest memory
//!   borrowed through the core.
//! - The object model of wasm_exec.js: values and the heap ([`value`]),
//!   NaN-boxed references with their fixed ids, reference counts and
//!   `finalizeRef` ([`refs`]), and property semantics ([`world`]); the host
//!   functions by identity ([`natives`]).
//! - The globals Go's standard library uses: `Object`, `Array`,
//!   `Uint8Array`, `Date`, `Error`, `crypto`, `process`, `path` and node's
//!   callback-style `fs`, served by the host's mounts as one virtual root
//!   ([`fs`]); a call of a JS function is dispatched to the one that
//!   implements it, or re-enters Go for a Go function.
//! - wasm_exec.js's event loop: `run(argc, argv)`, then fs callbacks and
//!   timers delivered through `_pendingEvent` and `resume`, on the calling
//!   thread, until the program exits; when nothing is left to wait for,
//!   the deadlock event (`{id: 0}`) that makes Go print its own
//!   "all goroutines are asleep" message and exit 2 ([`GoImports::start`]).
//!
//! ```no_run
//! use imports::{ModuleConfig, stdio::OutputBuffer};
//! use wasmer::{Module, Store};
//!
//! let mut store = Store::default();
//! let module = Module::new(&store, std::fs::read("hello.wasm")?)?;
//! let out = OutputBuffer::new();
//! let config = ModuleConfig::new().arg("hello.wasm").stdout(out.clone());
//! let code = gojs::run(&mut store, &module, config)?;
//! println!("exit {code}: {}", out.to_string_lossy());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod abi;
mod builtins;
mod dispatch;
pub mod fs;
mod globals;
pub mod natives;
mod node;
pub mod refs;
pub mod stack;
mod start;
pub mod value;
pub mod world;

use imports::driver::{self, Caller, Defined, ImportSet};
use imports::{AsHost, Errno, Host, ModuleConfig, Outcome};
use thiserror::Error;
use value::HeapFull;
use wasmer::{
    AsStoreMut, Exports, FunctionEnv, ImportType, Imports, Instance, Module, RuntimeError, TypedFunction,
    Value as WasmValue,
};
use world::World;

/// Which of Go's two js/wasm ABIs a module uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abi {
    /// Module `go`: Go 1.11 to 1.20 (`misc/wasm/wasm_exec.js`).
    Go,
    /// Module `gojs`: Go 1.21 and later (`lib/wasm/wasm_exec.js` since 1.24).
    GoJs,
}

impl Abi {
    /// The import module name.
    pub fn module_name(self) -> &'static str {
        match self {
            Abi::Go => "go",
            Abi::GoJs => "gojs",
        }
    }

    /// The ABI a module imports, if it is a Go js/wasm module.
    pub fn detect(module: &Module) -> Option<Abi> {
        module.imports().find_map(|i| match i.module() {
            "go" => Some(Abi::Go),
            "gojs" => Some(Abi::GoJs),
            _ => None,
        })
    }
}

/// Why a Go guest could not be set up or run.
#[derive(Debug, Error)]
pub enum Error {
    /// The configuration was invalid.
    #[error(transparent)]
    Config(#[from] imports::ConfigError),
    /// The module imports neither `go` nor `gojs`.
    #[error("not a Go js/wasm module: it imports neither module \"go\" nor \"gojs\"")]
    NotGo,
    /// A required export (`mem`, `run`, `resume`, `getsp`) is missing or
    /// has the wrong type.
    #[error("the module exports no {0} (a Go js/wasm module exports mem, run, resume and getsp)")]
    MissingExport(&'static str),
    /// argv and the environment do not fit where Go reads them.
    #[error("total length of command line and environment variables exceeds limit ({0} bytes, at most {max})", max = ARGS_END - ARGS_START)]
    ArgsTooLong(usize),
    /// Instantiation failed (a missing or mistyped import, ...).
    #[error("instantiation failed: {0}")]
    Instantiation(#[from] Box<wasmer::InstantiationError>),
    /// The guest trapped (other than by exiting).
    #[error("{0}")]
    Trap(#[from] RuntimeError),
    /// A callback threw, which in node is an uncaught exception.
    #[error("uncaught exception in a callback: {0}")]
    Uncaught(String),
    /// Go was told it is deadlocked but neither exited nor left anything to
    /// wait for.
    #[error("the Go program is deadlocked: all goroutines are blocked, no timer is pending and it did not exit")]
    Deadlock,
}

/// Why a host function stopped the guest. Go's ABI has no error returns:
/// a bad pointer or a full heap can only end the program (as the JS
/// exception it is in wasm_exec.js does under node).
#[derive(Debug, Error)]
pub enum Trap {
    /// A pointer or length outside guest memory.
    #[error("Go passed a pointer or length outside its memory ({0})")]
    Memory(Errno),
    /// The JS heap or the reference table is full.
    #[error(transparent)]
    Heap(#[from] HeapFull),
    /// `Reflect.get`/`set`/`deleteProperty` on something that is not an
    /// object: a TypeError that escapes wasm_exec.js.
    #[error("{0}: the target is not an object (TypeError in wasm_exec.js)")]
    NotObject(&'static str),
    /// The environment has no instance bound yet.
    #[error("the Go instance is not bound: call GoImports::bind after Instance::new")]
    NotBound,
    /// Go functions called from JS called back too deeply.
    #[error("JS and Go called each other more than {0} levels deep")]
    TooDeep(u32),
}

impl From<Errno> for Trap {
    fn from(e: Errno) -> Trap {
        Trap::Memory(e)
    }
}

impl From<HeapFull> for RuntimeError {
    fn from(e: HeapFull) -> RuntimeError {
        Trap::Heap(e).into()
    }
}

impl From<Trap> for RuntimeError {
    fn from(t: Trap) -> RuntimeError {
        RuntimeError::user(Box::new(t))
    }
}

/// Where wasm_exec.js writes argv and the environment: from 4096 up to
/// `wasmMinDataAddr` (4096 + 8192), where Go's data begins.
pub const ARGS_START: u32 = 4096;
/// See [`ARGS_START`].
pub const ARGS_END: u32 = 4096 + 8192;

/// Most nested JS-to-Go calls (a Go function invoked synchronously from a
/// host call that Go made); beyond it the guest is stopped.
pub const MAX_DEPTH: u32 = 256;

/// The guest exports the host calls back into.
#[derive(Clone, Debug)]
pub(crate) struct Guest {
    pub getsp: TypedFunction<(), i32>,
    pub resume: TypedFunction<(), ()>,
}

/// One Go guest's state: the shared [`Host`] and the JS world.
pub struct GoJs {
    /// The world every import set shares (files, clocks, stdio...).
    pub host: Host,
    pub(crate) world: World,
    pub(crate) abi: Abi,
    pub(crate) guest: Option<Guest>,
    pub(crate) depth: u32,
    /// Counts re-entries into the guest, so a host function knows when
    /// Go's stack may have moved.
    pub(crate) reentries: u64,
}

impl AsHost for GoJs {
    fn host(&self) -> &Host {
        &self.host
    }
    fn host_mut(&mut self) -> &mut Host {
        &mut self.host
    }
}

impl std::fmt::Debug for GoJs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoJs")
            .field("abi", &self.abi)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// A Go guest's imports and the environment holding its state.
#[derive(Clone)]
pub struct GoImports {
    env: FunctionEnv<GoJs>,
    imports: Imports,
    abi: Abi,
}

/// Defines the Go js/wasm functions on `store` for `module` (whose imports
/// say which ABI, `go` or `gojs`), for a guest whose world is `host`.
/// Errors: [`Error::NotGo`].
pub fn instantiate(store: &mut impl AsStoreMut, host: Host, module: &Module) -> Result<GoImports, Error> {
    let abi = Abi::detect(module).ok_or(Error::NotGo)?;
    let state = GoJs {
        host,
        world: World::new()?,
        abi,
        guest: None,
        depth: 0,
        reentries: 0,
    };
    let env = FunctionEnv::new(store, state);
    let mut imports = Imports::new();
    imports.register_namespace(abi.module_name(), exports(store, &env));
    Ok(GoImports { env, imports, abi })
}

impl From<HeapFull> for Error {
    fn from(e: HeapFull) -> Error {
        Error::Trap(Trap::Heap(e).into())
    }
}

/// The functions of both ABIs on `env`, by the names wasm_exec.js gives
/// them (a superset: `runtime.walltime1` of Go <= 1.16 and `debug` too),
/// logged under the module name of the environment's ABI.
pub fn exports(store: &mut impl AsStoreMut, env: &FunctionEnv<GoJs>) -> Exports {
    let module = env.as_ref(store).abi.module_name();
    abi::FUNCTIONS.define(store, env, module, &|_| true)
}

impl GoImports {
    /// The import object to pass to `Instance::new`.
    pub fn imports(&self) -> &Imports {
        &self.imports
    }

    /// The environment holding the guest's state.
    pub fn env(&self) -> &FunctionEnv<GoJs> {
        &self.env
    }

    /// The ABI the module uses.
    pub fn abi(&self) -> Abi {
        self.abi
    }

    /// Binds the instance's `mem`, `getsp` and `resume` exports to the
    /// environment; call it after `Instance::new`. Errors:
    /// [`Error::MissingExport`].
    pub fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Error> {
        let memory = instance
            .exports
            .get_memory("mem")
            .map_err(|_| Error::MissingExport("memory \"mem\""))?
            .clone();
        let getsp = instance
            .exports
            .get_typed_function::<(), i32>(&*store, "getsp")
            .map_err(|_| Error::MissingExport("function getsp: () -> i32"))?;
        let resume = instance
            .exports
            .get_typed_function::<(), ()>(&*store, "resume")
            .map_err(|_| Error::MissingExport("function resume: () -> ()"))?;
        let state = self.env.as_mut(store);
        state.host.memory = Some(memory);
        state.guest = Some(Guest { getsp, resume });
        Ok(())
    }

    /// What wasm_exec.js's `Go.run` does, then its event loop: binds the
    /// instance, starts in `$PWD` if the environment names a directory the
    /// guest can see (else `/`), writes argv and the environment (sorted by name) at 4096,
    /// calls `run(argc, argv)`, then delivers fs callbacks and timers until
    /// the program exits, and returns its exit code. When nothing is left
    /// to wait for, sends the deadlock event as `wasm_exec_node.js` does on
    /// exit (Go then prints "fatal error: all goroutines are asleep -
    /// deadlock!" and exits 2). Errors: [`Error::ArgsTooLong`],
    /// [`Error::MissingExport`], [`Error::Trap`], [`Error::Uncaught`],
    /// [`Error::Deadlock`].
    pub fn start(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<u32, Error> {
        self.bind(store, instance)?;
        self.run_bound(store, instance)
    }

    /// [`GoImports::start`] for an async caller: while the program waits
    /// for its next timer, the future waits without blocking its thread,
    /// so one thread can run many Go guests. Go's scheduler returns to
    /// the host whenever every goroutine is blocked, so no Asyncify
    /// transform is needed. Errors: as [`GoImports::start`].
    pub async fn start_async(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<u32, Error> {
        self.bind(store, instance)?;
        let buffer = imports::asyncify::DEFAULT_BUFFER_SIZE;
        self.run_bound_async(store, instance, buffer).await
    }
}

impl ImportSet for GoImports {
    type Env = GoJs;
    type Options = ();
    type Error = Error;
    const MODULES: &'static [&'static str] = &["go", "gojs"];

    fn instantiate(store: &mut impl AsStoreMut, host: Host, module: &Module, _: ()) -> Result<Self, Error> {
        instantiate(store, host, module)
    }

    fn defined(&self) -> Defined<'_, GoJs> {
        Defined::new(&self.env, &self.imports)
    }

    fn provides(import: &ImportType) -> bool {
        Self::MODULES.contains(&import.module()) && abi::FUNCTIONS.provides(import.name())
    }

    fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Error> {
        self.bind(store, instance)
    }

    /// `run(argc, argv)` in `$PWD`, then the event loop (see
    /// [`GoImports::start`]); waits for timers through `caller`.
    async fn start(&self, caller: &mut impl Caller<GoJs>, instance: &Instance) -> Result<Outcome, Error> {
        let missing = || Error::MissingExport("function run: (i32, i32) -> ()");
        let typed = caller
            .with_ctx(|ctx| {
                instance
                    .exports
                    .get_typed_function::<(i32, i32), ()>(ctx, "run")
                    .is_ok()
            })
            .await;
        let run = instance
            .exports
            .get_function("run")
            .ok()
            .filter(|_| typed)
            .ok_or_else(missing)?;
        let (argc, argv) = caller.with_ctx(start::enter_run).await?;
        let r = caller.call(run, &[WasmValue::I32(argc), WasmValue::I32(argv)]).await;
        if let Some(outcome) = start::ended(r.map(drop)) {
            return Ok(outcome);
        }
        start::event_loop(caller).await
    }
}

/// Compiles nothing, but does the rest: builds the host from `config`,
/// instantiates `module` with the Go imports, and runs it with
/// [`GoImports::start`]; returns the exit code (0 when Go's `main`
/// returns).
pub fn run(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    driver::run::<GoImports>(store, module, config, ())
}

/// [`run`] for an async caller: waits for the program's timers without
/// blocking the thread (see [`GoImports::start_async`]). Errors: as [`run`].
pub async fn run_async(store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig) -> Result<u32, Error> {
    driver::run_async::<GoImports>(store, module, config, ()).await
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A guest's state with an empty host, no instance bound.
    pub(crate) fn guest() -> GoJs {
        GoJs {
            host: ModuleConfig::new().build().unwrap(),
            world: World::new().unwrap(),
            abi: Abi::GoJs,
            guest: None,
            depth: 0,
            reentries: 0,
        }
    }
}
