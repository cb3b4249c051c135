//! The per-guest state every import set shares.

use crate::asyncify::state::Asyncify;
use crate::clock::{CpuTime, Nanosleep, Nanotime, Walltime};
use crate::descriptor::Descriptors;
use crate::errno::{Errno, Result};
use crate::exit::ExitHandler;
use crate::log::LogScopes;
use crate::memory::GuestMemory;
use crate::mount::Mounts;
use crate::random::Random;
use std::fmt;
use std::sync::Arc;
use wasmer::FunctionEnvMut;

/// One guest's view of the world, built by [`crate::ModuleConfig::build`]
/// and kept in the wasmer `FunctionEnv` of every import set the guest
/// uses, so that (for example) an Emscripten guest's `env` functions and
/// its `wasi_snapshot_preview1` functions share one descriptor table.
pub struct Host {
    /// Arguments; `args[0]` is the program name.
    pub args: Vec<String>,
    /// Environment as `NAME=VALUE` strings.
    pub environ: Vec<String>,
    /// Open descriptors.
    pub fds: Descriptors,
    /// Mounted file systems.
    pub mounts: Mounts,
    /// Wall-clock time.
    pub walltime: Arc<dyn Walltime>,
    /// Monotonic time.
    pub nanotime: Arc<dyn Nanotime>,
    /// Sleeping.
    pub nanosleep: Arc<dyn Nanosleep>,
    /// CPU time.
    pub cputime: Arc<dyn CpuTime>,
    /// The guest's local time zone, which every import set's local time
    /// follows (see [`crate::ModuleConfig::time_zone`]).
    pub zone: crate::zone::Zone,
    /// Random source.
    pub random: Random,
    /// The guest's memory, once bound after instantiation.
    pub memory: Option<wasmer::Memory>,
    /// Which host calls are logged (see the `log` module).
    pub log: LogScopes,
    /// What a guest's exit does (see [`ExitHandler`]).
    pub exit: Arc<dyn ExitHandler>,
    /// The guest's Asyncify state while an async driver runs it (the
    /// `asyncify` module); `None` in the synchronous API, where blocking
    /// calls block.
    pub asyncify: Option<Asyncify>,
    /// Set while the guest runs on a coroutine (wasmer's
    /// `experimental-async`), whose blocking calls are async host
    /// functions that wait instead of blocking (`asyncify::coroutine`).
    pub coroutine: bool,
    /// The guest's limits from its `ModuleConfig` (`max_memory`,
    /// `timeout`), which the driver applies.
    pub limits: crate::limits::GuestLimits,
}

impl Host {
    /// The trap that ends the guest when its `ModuleConfig::timeout` is
    /// up, for host calls that wait to return; `None` while it has time.
    pub fn time_up(&self) -> Option<wasmer::RuntimeError> {
        self.limits.deadline.filter(|d| d.passed()).map(|d| d.trap())
    }

    /// The trap a host function returns to end the guest with `code`, as
    /// the configured [`ExitHandler`] decides.
    pub fn exit(&self, code: u32) -> wasmer::RuntimeError {
        self.exit.exit(code)
    }
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host")
            .field("args", &self.args)
            .field("environ", &self.environ)
            .field("fds", &self.fds)
            .field("mounts", &self.mounts)
            .finish_non_exhaustive()
    }
}

/// Access to the shared [`Host`] inside an import set's environment. An
/// import set's host functions are generic over it, so several import sets
/// can live in one `FunctionEnv` (Emscripten's state next to the host,
/// say).
pub trait AsHost: Send + 'static {
    /// The shared state.
    fn host(&self) -> &Host;
    /// The shared state, mutably.
    fn host_mut(&mut self) -> &mut Host;
}

impl AsHost for Host {
    fn host(&self) -> &Host {
        self
    }
    fn host_mut(&mut self) -> &mut Host {
        self
    }
}

/// An import set's environment: the shared [`Host`] and the set's own
/// state `T` (Emscripten's, AssemblyScript's), side by side in one
/// `FunctionEnv`.
#[derive(Debug)]
pub struct WithHost<T> {
    /// The guest's world (descriptors, mounts, clocks...).
    pub host: Host,
    /// The import set's own state.
    pub state: T,
}

impl<T: Send + 'static> AsHost for WithHost<T> {
    fn host(&self) -> &Host {
        &self.host
    }
    fn host_mut(&mut self) -> &mut Host {
        &mut self.host
    }
}

/// Runs `f` with the host state and the guest's whole memory, borrowed
/// once for this call. No memory bound yet (the embedder has not called
/// the import set's `bind`): `EFAULT`.
#[inline]
pub fn with_memory<S, R, F>(ctx: &mut FunctionEnvMut<'_, S>, f: F) -> Result<R>
where
    S: AsHost,
    F: FnOnce(&mut S, &mut GuestMemory<'_>) -> Result<R>,
{
    let (data, store) = ctx.data_and_store_mut();
    let view = data.host().memory.as_ref().ok_or(Errno::Fault)?.view(&store);
    // SAFETY: `data_unchecked_mut` requires that nothing else reads,
    // writes or resizes the memory while the slice lives. The guest is
    // suspended in this host call, and `f` gets the host state but not the
    // store, so it can neither call back into wasm nor grow or view the
    // memory another way; the slice does not outlive `f`. This is the
    // borrow `WasmSlice::access` builds too (a `from_raw_parts_mut` over
    // the same bytes), without its per-call bounds and alignment
    // bookkeeping, which cost ~90 instructions of a ~670-instruction
    // `fd_write` (BENCHMARKS.md). One exception: a threaded guest's
    // memory is shared (`threads`), and its other threads may write it
    // while this thread's host call runs. The host then copies bytes the
    // guest is racing on with itself, as a native program racing with its
    // own `write(2)` does: torn data for the guest, never out-of-bounds
    // access for the host (bounds come from the view, and the memory of
    // a shared instance never shrinks or moves). wasmer's own
    // `WasmSlice::access` builds the same slice over shared memory.
    let bytes = unsafe { view.data_unchecked_mut() };
    f(data, &mut GuestMemory::new(bytes))
}
