//! One guest driver for every import set.
//!
//! An import set ([`ImportSet`]) says which modules it answers, how it
//! defines its imports for a module, binds an instance, and starts the
//! guest the way its toolchain's own runner does, each call into the guest
//! made through a [`Caller`]. The driver does the rest, once for all:
//! [`run`] (blocking), [`run_async`] (a waiting guest suspends, with
//! Binaryen's Asyncify where the set needs it) and [`run_coroutine`] (any
//! guest, on wasmer's `experimental-async` coroutines), each ending in an
//! [`Outcome`] and one exit-code check ([`Outcome::of`]). A set's error
//! type has a variant for each failure the driver reports (its `From`
//! bounds): an invalid configuration, a failed instantiation, a trap.

use crate::asyncify::{self, Asyncify, AsyncifyError};
use crate::clock::Nanosleep;
use crate::config::{ConfigError, ModuleConfig};
use crate::exit::Outcome;
use crate::host::{AsHost, Host};
use crate::limits::{Deadline, GuestCap};
use wasmer::{
    AsStoreMut, Function, FunctionEnv, FunctionEnvMut, ImportType, Imports, Instance, InstantiationError, Module,
    RuntimeError, Store, StoreAsync, Value,
};

/// What defining an import set made: the environment its host functions
/// see and the import object to pass to `Instance::new`.
pub struct Defined<'a, E> {
    /// The environment.
    pub env: &'a FunctionEnv<E>,
    /// The import object.
    pub imports: &'a Imports,
}

impl<'a, E> Defined<'a, E> {
    /// `env` and `imports`, as one.
    pub fn new(env: &'a FunctionEnv<E>, imports: &'a Imports) -> Self {
        Defined { env, imports }
    }
}

/// An import set: what a guest built by one toolchain imports, and how
/// that toolchain's runner starts it.
#[allow(async_fn_in_trait)]
pub trait ImportSet: Sized {
    /// The environment its host functions see.
    type Env: AsHost;
    /// Its choices beyond the guest's world (AssemblyScript's trace
    /// output, say).
    type Options;
    /// Why a guest of this set could not be set up or run: it has a
    /// variant for an invalid configuration, a failed instantiation and a
    /// trap.
    type Error: From<ConfigError> + From<Box<InstantiationError>> + From<RuntimeError>;
    /// The import modules it answers.
    const MODULES: &'static [&'static str];
    /// Whether the program runs in the module's start section
    /// (AssemblyScript's top-level code), so an exit or a trap while
    /// instantiating is the guest's [`Outcome`], not a failure.
    const RUNS_IN_START_SECTION: bool = false;

    /// Defines its imports on `store` for `module`, over an environment
    /// holding `host`.
    fn instantiate(
        store: &mut impl AsStoreMut, host: Host, module: &Module, options: Self::Options,
    ) -> Result<Self, Self::Error>;
    /// What [`ImportSet::instantiate`] made: the environment and the
    /// import object.
    fn defined(&self) -> Defined<'_, Self::Env>;
    /// Whether it would provide `import` (for `wasmer-imports inspect`),
    /// from its tables alone.
    fn provides(import: &ImportType) -> bool;
    /// For a run on coroutines ([`run_coroutine`]): replaces its blocking
    /// functions with async ones that wait without blocking. None by
    /// default.
    fn on_coroutines(&mut self, _store: &mut impl AsStoreMut, _module: &Module) {}
    /// Binds the new instance to the environment (its memory, the exports
    /// the imports call back into).
    fn bind(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<(), Self::Error>;
    /// Readies a bound guest to be suspended while it waits, under
    /// [`start_async`], with an unwind buffer of `buffer_size` bytes where
    /// one is needed ([`install_asyncify`]). Nothing by default: the set's
    /// guests wait between calls into them (Go's event loop) or never.
    fn suspendable(
        &self, _store: &mut impl AsStoreMut, _instance: &Instance, _buffer_size: u32,
    ) -> Result<(), Self::Error> {
        Ok(())
    }
    /// Starts the bound guest as its toolchain's runner does and runs it
    /// to its end, calling into it through `caller`.
    async fn start(&self, caller: &mut impl Caller<Self::Env>, instance: &Instance) -> Result<Outcome, Self::Error>;

    /// Runs the bound guest to its end on this thread ([`start`]); its
    /// exit code, a trap as the error.
    fn run_bound(&self, store: &mut impl AsStoreMut, instance: &Instance) -> Result<u32, Self::Error> {
        exit_code(start(store, self, instance)?)
    }

    /// Runs the bound guest to its end for an async caller
    /// ([`start_async`]); its exit code, a trap as the error.
    async fn run_bound_async(
        &self, store: &mut impl AsStoreMut, instance: &Instance, buffer_size: u32,
    ) -> Result<u32, Self::Error> {
        exit_code(start_async(store, self, instance, buffer_size).await?)
    }
}

/// How an import set's [`ImportSet::start`] calls into the guest: to its
/// end, awaiting what the guest waits for on the way when the driver is
/// async.
#[allow(async_fn_in_trait)]
pub trait Caller<S> {
    /// Calls `f` with `args` to the end.
    async fn call(&mut self, f: &Function, args: &[Value]) -> Result<Box<[Value]>, RuntimeError>;
    /// Runs `f` on the guest's environment, between calls. `f` may call
    /// into the guest itself when the call cannot suspend (Go's guests
    /// return to the host to wait).
    async fn with_ctx<R>(&mut self, f: impl FnOnce(&mut FunctionEnvMut<'_, S>) -> R) -> R;
    /// Waits `ns` nanoseconds with `sleeper` (the guest's clock): blocking
    /// the thread in a blocking run, awaiting a timer otherwise (a clock
    /// whose sleep does not block is called either way).
    async fn sleep(&mut self, sleeper: &dyn Nanosleep, ns: u64);
}

/// A store, each call through the Asyncify driver
/// ([`asyncify::drive`]; without an Asyncify guest, a plain call).
struct Driven<'a, T, S> {
    store: &'a mut T,
    env: &'a FunctionEnv<S>,
    blocking: bool,
    deadline: Option<Deadline>,
}

impl<T: AsStoreMut, S: AsHost> Caller<S> for Driven<'_, T, S> {
    async fn call(&mut self, f: &Function, args: &[Value]) -> Result<Box<[Value]>, RuntimeError> {
        if let Some(d) = self.deadline.filter(Deadline::passed) {
            return Err(d.trap());
        }
        let result = asyncify::drive(self.store, self.env, |s| f.call(s, args)).await;
        result.map_err(|e| over_time(self.deadline, e))
    }
    async fn with_ctx<R>(&mut self, f: impl FnOnce(&mut FunctionEnvMut<'_, S>) -> R) -> R {
        f(&mut self.env.clone().into_mut(self.store))
    }
    async fn sleep(&mut self, sleeper: &dyn Nanosleep, ns: u64) {
        match self.blocking || !sleeper.blocks() {
            true => sleeper.nanosleep(ns),
            false => asyncify::sleep(self.deadline.map_or(ns, |d| d.cut(ns))).await,
        }
    }
}

/// A store running on wasmer's `experimental-async` coroutines.
struct OnCoroutine<'a, S> {
    store: &'a StoreAsync,
    env: &'a FunctionEnv<S>,
    deadline: Option<Deadline>,
}

impl<S: AsHost> Caller<S> for OnCoroutine<'_, S> {
    async fn call(&mut self, f: &Function, args: &[Value]) -> Result<Box<[Value]>, RuntimeError> {
        if let Some(d) = self.deadline.filter(Deadline::passed) {
            return Err(d.trap());
        }
        let result = f.call_async(self.store, args.to_vec()).await;
        result.map_err(|e| over_time(self.deadline, e))
    }
    async fn with_ctx<R>(&mut self, f: impl FnOnce(&mut FunctionEnvMut<'_, S>) -> R) -> R {
        let mut store = wasmer::AsStoreAsync::write_lock(self.store).await;
        f(&mut self.env.clone().into_mut(&mut store))
    }
    async fn sleep(&mut self, sleeper: &dyn Nanosleep, ns: u64) {
        match sleeper.blocks() {
            true => asyncify::sleep(self.deadline.map_or(ns, |d| d.cut(ns))).await,
            false => sleeper.nanosleep(ns),
        }
    }
}

/// Creates the instance of `module` with `set`'s imports (its start
/// section runs) and binds it. `Ok(Err(outcome))`: the guest ended while
/// instantiating, for a set whose program runs in its start section.
/// A start section stopped by the guest's timeout ends as
/// [`crate::TimedOut`] (wasmer's interrupt, made the set's trap error).
pub fn instance<I: ImportSet>(
    store: &mut impl AsStoreMut, module: &Module, set: &I,
) -> Result<Result<Instance, Outcome>, I::Error> {
    let deadline = asyncify::deadline_of(store, set.defined().env);
    match Instance::new(store, module, set.defined().imports) {
        Ok(instance) => {
            set.bind(store, &instance)?;
            Ok(Ok(instance))
        }
        Err(InstantiationError::Start(e)) => match over_time(deadline, e) {
            e if I::RUNS_IN_START_SECTION => Ok(Err(Outcome::of(Err(e)))),
            e if e.is::<crate::TimedOut>() => Err(e.into()),
            e => Err(Box::new(InstantiationError::Start(e)).into()),
        },
        Err(e) => Err(Box::new(e).into()),
    }
}

/// `e`, or [`crate::TimedOut`] when it is a trap of the guest's code once
/// its time is up. Any trap code counts, not only `HostInterrupt`: wasmer
/// 7.4 names a trap by the trap site at the interrupted instruction before
/// the signal that caused it, so an interrupt landing on a load reads as
/// `HeapAccessOutOfBounds` (RATIONALE.md, "`--timeout` ends the process").
fn over_time(deadline: Option<Deadline>, e: RuntimeError) -> RuntimeError {
    match deadline {
        Some(d) if d.passed() && e.clone().to_trap().is_some() => d.trap(),
        _ => e,
    }
}

/// `outcome`, a trap by wasmer's interrupt once the time is up as
/// [`crate::TimedOut`] (for calls into the guest not made through a
/// [`Caller`]).
fn timed(outcome: Outcome, deadline: Option<Deadline>) -> Outcome {
    match outcome {
        Outcome::Trapped(e) => Outcome::Trapped(over_time(deadline, e)),
        exited => exited,
    }
}

/// A guest set up to run, or how it ended while being set up, and the
/// watchdog of its timeout, which stops when this is dropped.
struct SetUp<I> {
    ready: Result<(I, Instance), Outcome>,
    deadline: Option<Deadline>,
    _watchdog: Option<watchdog::Watchdog>,
}

/// Builds the guest's world from `config`, starts the watchdog of its
/// timeout, defines `I`'s imports for `module` (their async forms with
/// `coroutines`), instantiates and binds, its memories under its
/// `max_memory` cap ([`GuestCap`]).
fn set_up<I: ImportSet>(
    store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig, options: I::Options, coroutines: bool,
) -> Result<SetUp<I>, I::Error> {
    let mut host = config.build()?;
    host.coroutine = coroutines;
    let limits = host.limits;
    let cap = GuestCap::open(store.as_store_ref().engine(), limits.max_memory).map_err(ConfigError::from)?;
    let _watchdog = watchdog::start(store, limits.deadline)?;
    let mut set = I::instantiate(store, host, module, options)?;
    if coroutines {
        set.on_coroutines(store, module);
    }
    let ready = instance(store, module, &set)?.map(|instance| (set, instance));
    drop(cap);
    Ok(SetUp {
        ready,
        deadline: limits.deadline,
        _watchdog,
    })
}

/// Starts a bound guest and runs it to its end on this thread: its waits
/// block.
pub fn start<I: ImportSet>(store: &mut impl AsStoreMut, set: &I, instance: &Instance) -> Result<Outcome, I::Error> {
    let deadline = asyncify::deadline_of(store, set.defined().env);
    let mut caller = Driven {
        store,
        env: set.defined().env,
        blocking: true,
        deadline,
    };
    let outcome = asyncify::now(set.start(&mut caller, instance))
        .unwrap_or_else(|| Err(RuntimeError::new("the guest suspended outside an async driver").into()))?;
    Ok(timed(outcome, deadline))
}

/// [`start`] for an async caller: a waiting guest suspends instead of its
/// thread ([`ImportSet::suspendable`], with an unwind buffer of
/// `buffer_size` bytes where one is needed). Frees the buffer after a
/// guest that exited. Errors: the set's, a trap while freeing.
pub async fn start_async<I: ImportSet>(
    store: &mut impl AsStoreMut, set: &I, instance: &Instance, buffer_size: u32,
) -> Result<Outcome, I::Error> {
    set.suspendable(store, instance, buffer_size)?;
    let deadline = asyncify::deadline_of(store, set.defined().env);
    let mut caller = Driven {
        store: &mut *store,
        env: set.defined().env,
        blocking: false,
        deadline,
    };
    let outcome = timed(set.start(&mut caller, instance).await?, deadline);
    if let Outcome::Exited(_) = outcome {
        asyncify::release(store, set.defined().env)?;
    }
    Ok(outcome)
}

/// Installs `instance`'s Asyncify state in `env`, with an unwind buffer of
/// `buffer_size` bytes, for a set whose waiting guests suspend through
/// Binaryen's Asyncify. `Ok(false)`: the module is not
/// Asyncify-transformed. Errors: its Asyncify exports are unusable.
pub fn install_asyncify<S: AsHost>(
    store: &mut impl AsStoreMut, env: &FunctionEnv<S>, instance: &Instance, buffer_size: u32,
) -> Result<bool, AsyncifyError> {
    install_asyncify_named(store, env, instance, buffer_size, &|name| name.to_string())
}

/// [`install_asyncify`] for a module whose exports are renamed, `name`
/// giving the module's name of each canonical export
/// ([`Asyncify::from_named_exports`]).
pub fn install_asyncify_named<S: AsHost>(
    store: &mut impl AsStoreMut, env: &FunctionEnv<S>, instance: &Instance, buffer_size: u32,
    name: &dyn Fn(&str) -> String,
) -> Result<bool, AsyncifyError> {
    let Some(asyncify) = Asyncify::from_named_exports(store, instance, buffer_size, name)? else {
        return Ok(false);
    };
    env.as_mut(store).host_mut().asyncify = Some(asyncify);
    Ok(true)
}

/// Builds the guest's world from `config`, defines `I`'s imports for
/// `module`, instantiates, binds and runs the guest to its end; returns its
/// exit code. Errors: the set's, a trap as its trap variant.
pub fn run<I: ImportSet>(
    store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig, options: I::Options,
) -> Result<u32, I::Error> {
    let set_up = set_up::<I>(store, module, config, options, false)?;
    match set_up.ready {
        Ok((set, instance)) => set.run_bound(store, &instance),
        Err(outcome) => exit_code(outcome),
    }
}

/// [`run`] for an async caller ([`start_async`], with an unwind buffer of
/// [`asyncify::DEFAULT_BUFFER_SIZE`] bytes). The future needs no
/// particular executor.
pub async fn run_async<I: ImportSet>(
    store: &mut impl AsStoreMut, module: &Module, config: ModuleConfig, options: I::Options,
) -> Result<u32, I::Error> {
    let set_up = set_up::<I>(store, module, config, options, false)?;
    match set_up.ready {
        Ok((set, instance)) => {
            set.run_bound_async(store, &instance, asyncify::DEFAULT_BUFFER_SIZE)
                .await
        }
        Err(outcome) => exit_code(outcome),
    }
}

/// [`run`] for an async caller, for any guest, transformed or not, on
/// wasmer's `experimental-async` coroutines: the set's blocking functions
/// are async ([`ImportSet::on_coroutines`]), and while one waits the
/// guest's coroutine yields and the future waits without blocking its
/// thread. Takes the store by value (wasmer runs it as a `StoreAsync`).
pub async fn run_coroutine<I: ImportSet>(
    mut store: Store, module: &Module, config: ModuleConfig, options: I::Options,
) -> Result<u32, I::Error> {
    let set_up = set_up::<I>(&mut store, module, config, options, true)?;
    let (set, instance) = match set_up.ready {
        Ok(ready) => ready,
        Err(outcome) => return exit_code(outcome),
    };
    let store = store.into_async();
    let mut caller = OnCoroutine {
        store: &store,
        env: set.defined().env,
        deadline: set_up.deadline,
    };
    exit_code(timed(set.start(&mut caller, &instance).await?, set_up.deadline))
}

/// The exit code of `outcome`; a trap as the set's error.
pub fn exit_code<E: From<RuntimeError>>(outcome: Outcome) -> Result<u32, E> {
    Ok(outcome.code()?)
}

/// The watchdog of a guest's timeout (feature `interrupt`): a thread that
/// interrupts the guest's store when its time is up, and again every
/// [`watchdog::RETRY`] until the run ends, since wasmer drops an interrupt
/// that comes while the store runs no wasm (between the driver's calls)
/// and may miss one (RATIONALE.md).
mod watchdog {
    use crate::config::ConfigError;
    use crate::limits::Deadline;
    use wasmer::AsStoreMut;

    /// How often an interrupt is sent again after the deadline.
    #[cfg(feature = "interrupt")]
    pub(super) const RETRY: std::time::Duration = std::time::Duration::from_millis(10);

    /// A running watchdog; dropping it stops the thread and waits for it.
    pub(super) struct Watchdog {
        #[cfg(feature = "interrupt")]
        stop: Option<std::sync::mpsc::Sender<()>>,
        #[cfg(feature = "interrupt")]
        thread: Option<std::thread::JoinHandle<()>>,
    }

    /// Starts a watchdog over `store` for `deadline`; none without one.
    /// Errors: the thread cannot be made.
    #[cfg(feature = "interrupt")]
    pub(super) fn start(
        store: &mut impl AsStoreMut, deadline: Option<Deadline>,
    ) -> Result<Option<Watchdog>, ConfigError> {
        let Some(deadline) = deadline else {
            return Ok(None);
        };
        let interrupter = store.objects_mut().interrupter();
        let (stop, stopped) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("guest watchdog".into())
            .spawn(move || watch(&interrupter, deadline, &stopped))
            .map_err(|e| ConfigError::Timeout(format!("cannot start its watchdog thread: {e}")))?;
        Ok(Some(Watchdog {
            stop: Some(stop),
            thread: Some(thread),
        }))
    }

    /// Without the `interrupt` feature a config with a timeout is refused
    /// when built, so there is never a deadline to watch.
    #[cfg(not(feature = "interrupt"))]
    pub(super) fn start(
        _store: &mut impl AsStoreMut, deadline: Option<Deadline>,
    ) -> Result<Option<Watchdog>, ConfigError> {
        match deadline {
            Some(_) => Err(ConfigError::TimeoutNeedsInterrupt),
            None => Ok(None),
        }
    }

    /// Waits for the deadline, then interrupts until told to stop.
    #[cfg(feature = "interrupt")]
    fn watch(interrupter: &wasmer::Interrupter, deadline: Deadline, stopped: &std::sync::mpsc::Receiver<()>) {
        use std::sync::mpsc::RecvTimeoutError::Timeout;
        let left = deadline.at.saturating_duration_since(std::time::Instant::now());
        if !matches!(stopped.recv_timeout(left), Err(Timeout)) {
            return;
        }
        loop {
            interrupter.interrupt();
            if !matches!(stopped.recv_timeout(RETRY), Err(Timeout)) {
                return;
            }
        }
    }

    #[cfg(feature = "interrupt")]
    impl Drop for Watchdog {
        fn drop(&mut self) {
            drop(self.stop.take());
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
