//! Go `GOOS=js GOARCH=wasm` host imports for wasmer, on the shared
//! [`imports`] core: the JS world that Go's `wasm_exec.js` and
//! `wasm_exec_node.js` give a Go program, written in Rust.
//!
//! - Both ABIs: module `go` (Go <= 1.20, with `debug`) and `gojs`
//!   (Go >= 1.21), chosen from the module's own imports. Every function has
//!   type `(i32 sp) -> ()` and reads its arguments from Go's stack at `sp`
//!   ([`abi`]).
//! - The value model of wasm_exec.js: NaN-boxed references, the fixed ids,
//!   reference counts and `finalizeRef` ([`value`]).
//! - The globals Go's standard library uses: `Object`, `Array`,
//!   `Uint8Array`, `Date`, `Error`, `crypto`, `process`, `path` and node's
//!   callback-style `fs`, served by the host's mounts as one virtual root
//!   ([`world`], [`fs`]).
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
pub mod fs;
pub mod value;
pub mod world;

use imports::driver::{self, Caller, ImportSet};
use imports::{AsHost, Errno, GuestMemory, Host, ModuleConfig, Outcome};
use thiserror::Error;
use value::{HeapFull, Kind, Value};
use wasmer::{
    AsStoreMut, Exports, FunctionEnv, FunctionEnvMut, ImportType, Imports, Instance, Module, RuntimeError,
    TypedFunction, Value as WasmValue, WasmSlice,
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

/// Runs `f` with the guest state and its whole memory, borrowed once.
pub(crate) fn with_mem<R>(
    ctx: &mut FunctionEnvMut<'_, GoJs>,
    f: impl FnOnce(&mut GoJs, &mut GuestMemory<'_>) -> Result<R, Trap>,
) -> Result<R, Trap> {
    let (data, store) = ctx.data_and_store_mut();
    let memory = data.host.memory.clone().ok_or(Trap::NotBound)?;
    let view = memory.view(&store);
    let size = view.data_size();
    let mut access = WasmSlice::<u8>::new(&view, 0, size)
        .and_then(|s| s.access())
        .map_err(|_| Trap::Memory(Errno::Fault))?;
    f(data, &mut GuestMemory::new(access.as_mut()))
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

    fn imports(&self) -> &Imports {
        &self.imports
    }

    fn env(&self) -> &FunctionEnv<GoJs> {
        &self.env
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
        let (argc, argv) = caller.with_ctx(enter_run).await?;
        let r = caller.call(run, &[WasmValue::I32(argc), WasmValue::I32(argv)]).await;
        if let Some(outcome) = ended(r.map(drop)) {
            return Ok(outcome);
        }
        event_loop(caller).await
    }
}

/// What `run` is called with: node starts in the directory it was started
/// from, so a guest starts in `$PWD` when that names a directory it can
/// see (else at `/`); argv and the environment are written where Go reads
/// them ([`write_args`]).
fn enter_run(ctx: &mut FunctionEnvMut<'_, GoJs>) -> Result<(i32, i32), Error> {
    let s = ctx.data_mut();
    let pwd = s
        .host
        .environ
        .iter()
        .find_map(|kv| kv.strip_prefix("PWD="))
        .map(str::to_owned);
    if let Some(pwd) = pwd.filter(|p| p.starts_with('/')) {
        let _ = fs::chdir(s, &pwd);
    }
    write_args(ctx)
}

/// `None` when the guest returned (paused, waiting for events); how it
/// ended otherwise (an exit, or a trap).
fn ended(r: Result<(), RuntimeError>) -> Option<Outcome> {
    r.err().map(|e| Outcome::of(Err(e)))
}

/// Writes argv and the environment as wasm_exec.js's `run` does: each
/// string NUL-terminated and 8-aligned from 4096, then the pointer array
/// (argv, 0, env, 0) as 64-bit words. Returns (argc, argv).
fn write_args(ctx: &mut FunctionEnvMut<'_, GoJs>) -> Result<(i32, i32), Error> {
    let r = with_mem(ctx, |s, mem| {
        let mut env: Vec<(&str, &str)> = Vec::new();
        for kv in &s.host.environ {
            let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
            // A JS object: a later value for the same name replaces the earlier.
            match env.iter_mut().find(|(n, _)| *n == k) {
                Some(slot) => slot.1 = v,
                None => env.push((k, v)),
            }
        }
        // Object.keys(env).sort(): UTF-16 code unit order.
        env.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        let strings: Vec<String> = s
            .host
            .args
            .iter()
            .cloned()
            .chain(env.iter().map(|(k, v)| format!("{k}={v}")))
            .collect();
        let mut size = 0usize;
        for st in &strings {
            size += (st.len() + 1).div_ceil(8) * 8;
        }
        size += (strings.len() + 2) * 8;
        if size > (ARGS_END - ARGS_START) as usize - 8 {
            return Ok(Err(Error::ArgsTooLong(size)));
        }
        let mut offset = ARGS_START;
        let mut ptrs: Vec<u32> = Vec::with_capacity(strings.len() + 2);
        for (i, st) in strings.iter().enumerate() {
            if i == s.host.args.len() {
                ptrs.push(0);
            }
            ptrs.push(offset);
            mem.write(offset, st.as_bytes())?;
            mem.write_u8(offset + st.len() as u32, 0)?;
            offset += ((st.len() + 1).div_ceil(8) * 8) as u32;
        }
        if s.host.args.len() == strings.len() {
            ptrs.push(0);
        }
        ptrs.push(0);
        let argv = offset;
        for p in ptrs {
            mem.write_u64(offset, u64::from(p))?;
            offset += 8;
        }
        Ok(Ok((s.host.args.len() as i32, argv as i32)))
    });
    match r {
        Ok(r) => r,
        Err(t) => Err(Error::Trap(t.into())),
    }
}

/// What the event loop does next.
enum Step {
    Callback(Value, Vec<Value>),
    Timer(i32, u64),
    Deadlock,
    Stuck,
}

/// The event loop after `run` returned: node's, reduced to what Go uses.
/// Waiting for a timer goes through `caller` (a blocking sleep, or an
/// awaited timer for an async caller).
async fn event_loop(caller: &mut impl Caller<GoJs>) -> Result<Outcome, Error> {
    let mut deadlock_sent = false;
    loop {
        let step = caller.with_ctx(|ctx| next_step(ctx.data_mut(), deadlock_sent)).await?;
        let r = match step {
            Step::Callback(f, args) => caller.with_ctx(|ctx| callback(ctx, &f, args)).await?,
            Step::Timer(id, at) => {
                let (sleeper, now) = caller
                    .with_ctx(|ctx| (ctx.data().host.nanosleep.clone(), ctx.data().host.nanotime.nanotime()))
                    .await;
                if at > now {
                    caller.sleep(&*sleeper, at - now).await;
                }
                caller.with_ctx(|ctx| fire_timer(ctx, id)).await
            }
            Step::Deadlock => {
                deadlock_sent = true;
                caller.with_ctx(send_deadlock).await?
            }
            Step::Stuck => return Err(Error::Deadlock),
        };
        if let Some(outcome) = ended(r) {
            return Ok(outcome);
        }
    }
}

/// The next event: a queued callback, else the earliest timer, else (once)
/// the deadlock event. Collects garbage first when the heap asks.
fn next_step(s: &mut GoJs, deadlock_sent: bool) -> Result<Step, Error> {
    if s.world.heap.wants_gc() {
        s.world.collect()?;
    }
    Ok(if let Some((f, args)) = s.world.queue.pop_front() {
        Step::Callback(f, args)
    } else if let Some((&id, &at)) = s.world.timers.iter().min_by_key(|(id, at)| (**at, **id)) {
        Step::Timer(id, at)
    } else if !deadlock_sent {
        Step::Deadlock
    } else {
        Step::Stuck
    })
}

/// Calls a queued callback; one that throws is an uncaught exception.
fn callback(
    ctx: &mut FunctionEnvMut<'_, GoJs>,
    f: &Value,
    args: Vec<Value>,
) -> Result<Result<(), RuntimeError>, Error> {
    match call(ctx, f, Value::Undefined, args) {
        Ok(Ok(_)) => Ok(Ok(())),
        Ok(Err(thrown)) => Err(Error::Uncaught(ctx.data().world.describe(&thrown))),
        Err(e) => Ok(Err(e)),
    }
}

/// Resumes Go for the timer `id`, which is then dropped: Go clears the
/// timeout it was woken for, and JS timers are one-shot, so one that Go
/// left behind is not fired again (wasm_exec.js would retry forever).
fn fire_timer(ctx: &mut FunctionEnvMut<'_, GoJs>, id: i32) -> Result<(), RuntimeError> {
    let r = resume(ctx);
    ctx.data_mut().world.timers.remove(&id);
    r
}

/// Sends the deadlock event (`{id: 0}`) that makes Go report its own
/// deadlock and exit.
fn send_deadlock(ctx: &mut FunctionEnvMut<'_, GoJs>) -> Result<Result<(), RuntimeError>, Error> {
    let s = ctx.data_mut();
    let ev = s.world.object(&[("id", Value::Number(0.0))])?;
    s.world.set_pending_event(Value::Object(ev));
    Ok(resume(ctx))
}

/// Calls the guest's `resume` export.
pub(crate) fn resume(ctx: &mut FunctionEnvMut<'_, GoJs>) -> Result<(), RuntimeError> {
    let s = ctx.data_mut();
    let guest = s.guest.clone().ok_or(Trap::NotBound)?;
    if s.depth >= MAX_DEPTH {
        return Err(Trap::TooDeep(MAX_DEPTH).into());
    }
    s.depth += 1;
    s.reentries += 1;
    let r = guest.resume.call(ctx);
    ctx.data_mut().depth -= 1;
    r
}

/// Calls the JS function `f` with `this` and `args`: a native runs in the
/// host, a Go function wrapper re-enters the guest (`_makeFuncWrapper`:
/// sets `_pendingEvent = {id, this, args}`, resumes, returns
/// `event.result`). Not a function: a TypeError is thrown. The outer
/// error is a trap or the guest's exit.
pub(crate) fn call(
    ctx: &mut FunctionEnvMut<'_, GoJs>,
    f: &Value,
    this: Value,
    args: Vec<Value>,
) -> Result<Result<Value, Value>, RuntimeError> {
    let s = ctx.data_mut();
    let func = match f {
        Value::Object(id) => match s.world.heap.get(*id).map(|o| &o.kind) {
            Some(Kind::Function(func)) => Some(*func),
            _ => None,
        },
        _ => None,
    };
    match func {
        None => {
            let msg = format!("{} is not a function", s.world.describe(f));
            Ok(Err(s.world.error("TypeError", &msg, None)?))
        }
        Some(value::Func::Native(n)) => Ok(world::call_native(s, n, &this, &args)?),
        Some(value::Func::Go(id)) => {
            let w = &mut s.world;
            let arr = w.heap.alloc(Kind::Array(args))?;
            let ev = w.object(&[("id", Value::Number(id)), ("this", this), ("args", Value::Object(arr))])?;
            w.set_pending_event(Value::Object(ev));
            // The event (and what it holds) must survive collections that
            // Go's handler may cause before we read its result.
            w.pinned.push(Value::Object(ev));
            let r = resume(ctx);
            let w = &mut ctx.data_mut().world;
            w.pinned.pop();
            r?;
            Ok(Ok(w.get(&Value::Object(ev), "result").unwrap_or(Value::Undefined)))
        }
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
