//! `wasi.thread-spawn`: WASI threads, as the wasi-threads proposal
//! specifies them (`WebAssembly/wasi-threads`, `wasi-threads.abi.md`).
//!
//! A threaded module imports a shared memory and `thread-spawn` from
//! module `wasi`, and exports `wasi_thread_start(tid, start_arg)`. Each
//! `thread-spawn(start_arg)` makes a new instance of the same module, in
//! a store of its own on an OS thread of its own, importing the same
//! memory, and calls its `wasi_thread_start` there. All threads share one
//! world ([`imports::threads::SharedHost`]): every WASI function of a
//! threaded guest runs under its lock. The first thread to end the guest
//! decides its outcome: `_start` returning (exit 0), `proc_exit` in any
//! thread (that code), or a trap in any thread (that trap), as wasmtime
//! does; the caller is answered then, and threads still running stop at
//! their next host call or atomic wait.

use crate::types::{eventtype, Layout, Preview1};
use crate::{imported_by, Error, Functions, MODULE};
use imports::limits::{Deadline, GuestCap, Interrupters, Registered};
use imports::threads::{locked_unless, SharedHost, Unshared};
use imports::with_memory;
use imports::{Host, ModuleConfig, Outcome};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use wasmer::{
    Engine, Exports, Extern, ExternType, Function, FunctionEnv, FunctionEnvMut, FunctionType, Imports, Instance,
    Memory, MemoryType, Module, RuntimeError, SharedMemory, Store, Type, Value,
};

/// The module threaded guests import `thread-spawn` from.
pub const THREADS_MODULE: &str = "wasi";

/// The spawning function's name.
pub const THREAD_SPAWN: &str = "thread-spawn";

/// The export each new thread starts at: `(tid: i32, start_arg: i32)`.
pub const THREAD_START: &str = "wasi_thread_start";

/// Threads one guest may run at once, besides its main thread, unless
/// [`Threads::max_threads`] says otherwise.
pub const DEFAULT_MAX_THREADS: usize = 256;

/// Stack of each guest thread's OS thread: wasm frames run on it.
const THREAD_STACK: usize = 8 << 20;

/// Whether `module` is a wasi-threads guest: it imports `wasi.thread-spawn`.
pub fn is_threaded(module: &Module) -> bool {
    module
        .imports()
        .any(|i| i.module() == THREADS_MODULE && i.name() == THREAD_SPAWN)
}

/// Whether [`run`] provides `import` to a threaded guest: preview1's
/// functions, `wasi.thread-spawn` and a shared memory (`wasi_unstable` is
/// not offered to threads).
pub fn provides(import: &wasmer::ImportType) -> bool {
    match (import.module(), import.ty()) {
        (_, ExternType::Memory(ty)) => ty.shared,
        (THREADS_MODULE, ExternType::Function(_)) => import.name() == THREAD_SPAWN,
        (MODULE, ExternType::Function(_)) => Functions::<Host>::PREVIEW1.provides(import.name()),
        _ => false,
    }
}

/// Choices for a threaded guest.
#[derive(Clone, Copy, Debug)]
pub struct Threads {
    max_threads: usize,
}

impl Default for Threads {
    fn default() -> Self {
        Threads {
            max_threads: DEFAULT_MAX_THREADS,
        }
    }
}

impl Threads {
    /// [`DEFAULT_MAX_THREADS`].
    pub fn new() -> Self {
        Self::default()
    }

    /// At most `n` spawned threads running at once; `thread-spawn` past it
    /// returns a negative number, as the proposal says a failed spawn
    /// does.
    pub fn max_threads(mut self, n: usize) -> Self {
        self.max_threads = n;
        self
    }
}

/// Whether a `poll_oneoff(in, out, nsubscriptions, nevents)` call waits
/// on clocks alone (Rust's `thread::sleep`): it needs only the clocks,
/// which every thread's stand-in shares, so it sleeps without the lock.
/// Anything else (a descriptor subscription, a bad pointer, more than
/// 64 subscriptions) takes the lock, and the call itself checks it.
fn sleeps_only(ctx: &mut FunctionEnvMut<'_, Host>, args: &[Value]) -> bool {
    let (Some(Value::I32(subs)), Some(Value::I32(n))) = (args.first(), args.get(2)) else {
        return false;
    };
    let size = Preview1::SUBSCRIPTION.size;
    let mut clocks = false;
    let _ = with_memory(ctx, |_, mem| {
        clocks = (1..=64).contains(n)
            && (0..*n as u32).all(|i| {
                let tag = (*subs as u32).checked_add(i * size).and_then(|at| at.checked_add(8));
                tag.is_some_and(|at| mem.read_u8(at) == Ok(eventtype::CLOCK))
            });
        Ok(())
    });
    clocks
}

/// A set-up failure inside a thread, as the trap that ends the guest.
fn trap(e: impl std::fmt::Display) -> RuntimeError {
    RuntimeError::new(e.to_string())
}

/// What every thread of one guest needs to make another.
struct Spawner {
    engine: Engine,
    module: Module,
    memory: SharedMemory,
    memory_import: (String, String),
    shared: Arc<SharedHost>,
    ended: mpsc::Sender<Outcome>,
    next_tid: AtomicI32,
    running: AtomicUsize,
    max_threads: usize,
    interrupters: Interrupters,
}

/// Runs a threaded guest to its end: the main thread calls `_start`, any
/// thread may spawn more. Returns the exit code of the first thread to
/// end the guest. The guest's threads run on OS threads of their own;
/// the calling thread waits. Errors: [`Error::Config`],
/// [`Error::Threads`] (a module that imports no shared memory, or a
/// memory or thread that could not be made), [`Error::Trap`] (a trap in
/// any thread, a thread that could not be instantiated included).
pub fn run(engine: &Engine, module: &Module, config: ModuleConfig, options: Threads) -> Result<u32, Error> {
    let (memory_import, ty) = shared_memory_import(module)?;
    let host = config.build()?;
    let limits = host.limits;
    let mut store = Store::new(engine.clone());
    let cap = GuestCap::open(engine, limits.max_memory).map_err(imports::ConfigError::from)?;
    let memory = Memory::new(&mut store, ty).map_err(|e| Error::Threads(format!("the shared memory: {e}")))?;
    drop(cap);
    let memory = memory
        .as_shared(&store)
        .ok_or_else(|| Error::Threads("the memory cannot be shared".into()))?;
    let (ended, outcome) = mpsc::channel();
    let spawner = Arc::new(Spawner {
        engine: engine.clone(),
        module: module.clone(),
        memory,
        memory_import,
        shared: SharedHost::new(host),
        ended,
        next_tid: AtomicI32::new(1),
        running: AtomicUsize::new(0),
        max_threads: options.max_threads,
        interrupters: Interrupters::default(),
    });
    let main = spawner.clone();
    std::thread::Builder::new()
        .name("wasi main".into())
        .stack_size(THREAD_STACK)
        .spawn(move || main.finish(unpanicked(|| main.run_main())))
        .map_err(|e| Error::Threads(format!("cannot start the main thread: {e}")))?;
    let first = first_outcome(&outcome, limits.deadline, &spawner)?;
    spawner.stop();
    Ok(first.code()?)
}

/// The first thread's report of how the guest ended; with a deadline, its
/// timeout once the time is up (every thread's store interrupted).
fn first_outcome(
    outcome: &mpsc::Receiver<Outcome>, deadline: Option<Deadline>, spawner: &Spawner,
) -> Result<Outcome, Error> {
    let gone = || Error::Threads("every thread ended without an outcome".into());
    let Some(deadline) = deadline else {
        return outcome.recv().map_err(|_| gone());
    };
    let left = deadline.at.saturating_duration_since(std::time::Instant::now());
    match outcome.recv_timeout(left) {
        Ok(first) => Ok(first),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(gone()),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            spawner.stop();
            spawner.interrupters.interrupt_all();
            Ok(Outcome::Trapped(deadline.trap()))
        }
    }
}

/// `run()`, or a trap if it panicked, so that a thread that panics still
/// reports how the guest ended and `run` is answered.
fn unpanicked<T>(run: impl FnOnce() -> Result<T, RuntimeError>) -> Result<T, RuntimeError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|_| Err(RuntimeError::new("a guest thread's host code panicked")))
}

/// The module's shared memory import: (module, name) and its type.
fn shared_memory_import(module: &Module) -> Result<((String, String), MemoryType), Error> {
    module
        .imports()
        .find_map(|i| match i.ty() {
            ExternType::Memory(ty) if ty.shared => Some(((i.module().to_string(), i.name().to_string()), *ty)),
            _ => None,
        })
        .ok_or_else(|| Error::Threads("a threaded module must import a shared memory".into()))
}

impl Spawner {
    /// The main thread: instantiate, `_start`.
    fn run_main(self: &Arc<Self>) -> Result<u32, RuntimeError> {
        let (mut store, instance, _interruptible) = self.instance()?;
        let start = instance
            .exports
            .get_typed_function::<(), ()>(&store, "_start")
            .map_err(trap)?;
        start.call(&mut store).map(|()| 0)
    }

    /// A spawned thread: instantiate, `wasi_thread_start(tid, start_arg)`.
    fn run_thread(self: &Arc<Self>, tid: i32, start_arg: i32) -> Result<(), RuntimeError> {
        let (mut store, instance, _interruptible) = self.instance()?;
        let start = instance
            .exports
            .get_typed_function::<(i32, i32), ()>(&store, THREAD_START)
            .map_err(trap)?;
        start.call(&mut store, tid, start_arg)
    }

    /// A new store and an instance in it over the shared memory, the
    /// store among those a timeout interrupts while the result is held.
    fn instance(self: &Arc<Self>) -> Result<(Store, Instance, Registered<'_>), RuntimeError> {
        let mut store = Store::new(self.engine.clone());
        let memory = self.memory.clone().attach(&mut store);
        let mut stand_in = ModuleConfig::new().build().map_err(trap)?;
        stand_in.memory = Some(memory.clone());
        self.shared.with(|world| {
            stand_in.walltime = world.walltime.clone();
            stand_in.nanotime = world.nanotime.clone();
            stand_in.nanosleep = world.nanosleep.clone();
            stand_in.cputime = world.cputime.clone();
        });
        let limits = self.shared.with(|world| world.limits);
        stand_in.limits = limits;
        let interruptible = self.interrupters.add(&mut store);
        let env = FunctionEnv::new(&mut store, stand_in);
        let imports = self.imports(&mut store, &env, memory);
        let cap = GuestCap::open(&self.engine, limits.max_memory).map_err(trap)?;
        let instance = Instance::new(&mut store, &self.module, &imports).map_err(trap)?;
        drop(cap);
        Ok((store, instance, interruptible))
    }

    /// One thread's imports: the WASI functions the module imports, each
    /// [`locked`], `thread-spawn`, and the shared memory.
    fn imports(self: &Arc<Self>, store: &mut Store, env: &FunctionEnv<Host>, memory: Memory) -> Imports {
        let defined = Functions::<Host>::PREVIEW1.define(store, env, MODULE, &imported_by(self.module_ref()));
        let mut wasi = Exports::new();
        for (name, ext) in defined.iter() {
            if let Extern::Function(f) = ext {
                // The stand-in shares the world's clocks: reading them, or
                // sleeping on them, needs no lock.
                let unshared: Unshared = match name.as_str() {
                    "poll_oneoff" => sleeps_only,
                    "clock_time_get" | "clock_res_get" => |_, _| true,
                    _ => |_, _| false,
                };
                wasi.insert(
                    name.clone(),
                    locked_unless(store, env, self.shared.clone(), f.clone(), unshared),
                );
            }
        }
        let mut imports = Imports::new();
        imports.register_namespace(MODULE, wasi);
        imports.define(THREADS_MODULE, THREAD_SPAWN, self.spawn_function(store));
        imports.define(&self.memory_import.0, &self.memory_import.1, memory);
        imports
    }

    fn module_ref(&self) -> &Module {
        &self.module
    }

    /// `thread-spawn(start_arg) -> tid`: a positive thread id, unique for
    /// the guest; -1 when the guest has ended, the thread limit is
    /// reached, ids are used up or the OS cannot make a thread. A thread
    /// whose instance cannot be made ends the guest with that trap.
    fn spawn_function(self: &Arc<Self>, store: &mut Store) -> Function {
        let me = self.clone();
        let ty = FunctionType::new([Type::I32], [Type::I32]);
        Function::new(store, ty, move |args: &[Value]| {
            let start_arg = args.first().and_then(Value::i32).unwrap_or(0);
            Ok(vec![Value::I32(me.spawn(start_arg))])
        })
    }

    fn spawn(self: &Arc<Self>, start_arg: i32) -> i32 {
        if self.shared.ended() {
            return -1;
        }
        if self.running.fetch_add(1, Ordering::SeqCst) >= self.max_threads {
            return self.unspawned();
        }
        // Ids stay positive: past i32::MAX there are none left to give.
        let tid = match self
            .next_tid
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| t.checked_add(1))
        {
            Ok(t) => t,
            Err(_) => return self.unspawned(),
        };
        let me = self.clone();
        let thread = std::thread::Builder::new()
            .name(format!("wasi thread {tid}"))
            .stack_size(THREAD_STACK);
        match thread.spawn(move || {
            let result = unpanicked(|| me.run_thread(tid, start_arg));
            me.running.fetch_sub(1, Ordering::SeqCst);
            if let Err(trap) = result {
                me.finish(Err(trap));
            }
        }) {
            Ok(_) => tid,
            Err(_) => self.unspawned(),
        }
    }

    fn unspawned(&self) -> i32 {
        self.running.fetch_sub(1, Ordering::SeqCst);
        -1
    }

    /// Reports how a thread ended the guest (the first report wins).
    fn finish(&self, result: Result<u32, RuntimeError>) {
        let _ = self.ended.send(Outcome::of(result));
    }

    /// Ends the guest for every thread still running: host calls trap,
    /// atomic waits wake and trap.
    fn stop(&self) {
        self.shared.end();
        let _ = self.memory.disable_atomics();
        let _ = self.memory.wake_all_atomic_waiters();
    }
}
