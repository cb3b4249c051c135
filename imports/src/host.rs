//! The per-guest state every import set shares.

use crate::clock::{CpuTime, Nanosleep, Nanotime, Walltime};
use crate::descriptor::Descriptors;
use crate::mount::Mounts;
use crate::random::Random;
use std::fmt;
use std::sync::Arc;

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
    /// Random source.
    pub random: Random,
    /// The guest's memory, once bound after instantiation.
    pub memory: Option<wasmer::Memory>,
    /// Which host calls are logged (see [`crate::log`]).
    pub log: crate::log::LogScopes,
    /// What a guest's exit does (see [`crate::ExitHandler`]).
    pub exit: Arc<dyn crate::ExitHandler>,
    /// The guest's Asyncify state while an async driver runs it
    /// ([`crate::asyncify`]); `None` in the synchronous API, where
    /// blocking calls block.
    pub asyncify: Option<crate::asyncify::Asyncify>,
    /// Set while the guest runs on a coroutine (wasmer's
    /// `experimental-async`), whose blocking calls are async host
    /// functions that wait instead of blocking ([`crate::asyncify::coroutine`]).
    pub coroutine: bool,
}

impl Host {
    /// The trap a host function returns to end the guest with `code`, as
    /// the configured [`crate::ExitHandler`] decides.
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
