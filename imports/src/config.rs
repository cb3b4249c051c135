//! `ModuleConfig`: one guest's view of the world, and the [`Host`] state
//! built from it.

use crate::clock::{CpuTime, FakeClock, Nanosleep, Nanotime, SystemClock, Walltime};
use crate::descriptor::{Access, Descriptor, Descriptors, FdFlags, OpenDir, OpenFile, OpenListener};
use crate::fs::{File, FileSystem, FileType};
use crate::host::Host;
use crate::mount::{Mount, Mounts};
use crate::random::{self, Random};
use crate::stdio::{HostStream, ReadStream, WriteStream};
use crate::zone::Zone;
use std::fmt;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use thiserror::Error;

/// Where a stdio stream comes from or goes to.
#[derive(Default)]
enum Stdio {
    /// Empty input; output discarded.
    #[default]
    Null,
    /// The host process's own stream.
    Inherit,
    /// A reader (stdin only), already wrapped as a file.
    Reader(Box<dyn File>),
    /// A writer (stdout, stderr), already wrapped as a file.
    Writer(Box<dyn File>),
}

/// Why a [`ModuleConfig`] could not be built into a [`Host`].
#[derive(Debug, Error)]
pub enum ConfigError {
    /// An environment variable name was empty or held `=` or NUL.
    #[error("invalid environment variable name {0:?}: it must be non-empty and hold no '=' or NUL")]
    EnvName(String),
    /// An argument or value held a NUL byte.
    #[error("{0:?} holds a NUL byte, which a guest's C strings cannot carry")]
    Nul(String),
    /// A mount's guest path was empty.
    #[error("a mount needs a non-empty guest path")]
    MountPath,
    /// Inheriting a host stdio stream failed.
    #[error("cannot inherit the host's {0}: {1}")]
    Stdio(&'static str, std::io::Error),
    /// More mounts and listeners than a guest may hold descriptors.
    #[error("too many mounts and listeners: a guest holds at most {max} descriptors", max = crate::descriptor::MAX_DESCRIPTORS)]
    TooManyDescriptors,
    /// [`ModuleConfig::max_memory`] on a store whose engine cannot apply
    /// it.
    #[error("{}", crate::limits::NeedsMemoryLimit)]
    MaxMemoryNeedsLimit,
    /// [`ModuleConfig::timeout`] in a build without the `interrupt`
    /// feature, which could not enforce it.
    #[error(
        "ModuleConfig::timeout needs wasmer-imports-core's `interrupt` cargo feature \
         (wasmer's experimental-host-interrupt)"
    )]
    TimeoutNeedsInterrupt,
    /// [`ModuleConfig::timeout`] for a run that cannot enforce it (the
    /// reason).
    #[error("ModuleConfig::timeout cannot be enforced: {0}")]
    Timeout(String),
}

impl From<crate::limits::NeedsMemoryLimit> for ConfigError {
    fn from(_: crate::limits::NeedsMemoryLimit) -> ConfigError {
        ConfigError::MaxMemoryNeedsLimit
    }
}

/// A builder for one guest's view of the world: arguments, environment,
/// stdio, mounts, clocks, time zone and random source.
///
/// Defaults are safe: no arguments, no environment (the host's is not
/// passed through), empty stdin, stdout and stderr discarded, no mounts,
/// the host's real clocks and time zone (unless the guest's `TZ` names
/// one: [`Self::time_zone`]), OS entropy.
///
/// ```
/// use imports::{ModuleConfig, fs::MemFs, stdio::OutputBuffer};
/// let out = OutputBuffer::new();
/// let host = ModuleConfig::new()
///     .arg("app.wasm").arg("--verbose")
///     .env("HOME", "/home")
///     .stdout(out.clone())
///     .mount("/data", MemFs::new())
///     .build()
///     .unwrap();
/// assert_eq!(host.args, ["app.wasm", "--verbose"]);
/// ```
pub struct ModuleConfig {
    args: Vec<String>,
    environ: Vec<(String, String)>,
    stdin: Stdio,
    stdout: Stdio,
    stderr: Stdio,
    mounts: Vec<Mount>,
    listeners: Vec<Box<dyn crate::descriptor::Listener>>,
    walltime: Arc<dyn Walltime>,
    nanotime: Arc<dyn Nanotime>,
    nanosleep: Arc<dyn Nanosleep>,
    cputime: Arc<dyn CpuTime>,
    random: Option<Random>,
    zone: Option<Zone>,
    log: crate::log::LogScopes,
    exit: Arc<dyn crate::ExitHandler>,
    environment: Vec<Arc<dyn crate::environment::Environment>>,
    max_memory: Option<u64>,
    timeout: Option<std::time::Duration>,
}

impl fmt::Debug for ModuleConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModuleConfig")
            .field("args", &self.args)
            .field("environ", &self.environ)
            .field("mounts", &self.mounts)
            .finish_non_exhaustive()
    }
}

impl Default for ModuleConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl ModuleConfig {
    /// The safe defaults described on the type.
    pub fn new() -> Self {
        let clock = Arc::new(SystemClock::new());
        ModuleConfig {
            args: Vec::new(),
            environ: Vec::new(),
            stdin: Stdio::Null,
            stdout: Stdio::Null,
            stderr: Stdio::Null,
            mounts: Vec::new(),
            listeners: Vec::new(),
            walltime: clock.clone(),
            nanotime: clock.clone(),
            nanosleep: clock.clone(),
            cputime: clock,
            random: None,
            zone: None,
            log: crate::log::LogScopes::NONE,
            exit: Arc::new(crate::EndGuest),
            environment: Vec::new(),
            max_memory: None,
            timeout: None,
        }
    }

    /// Appends one argument. The first is `argv[0]`, the program name.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable (a later one with the same name wins).
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.environ.retain(|(n, _)| *n != name);
        self.environ.push((name, value.into()));
        self
    }

    /// Reads stdin from `reader`.
    pub fn stdin(mut self, reader: impl Read + Send + 'static) -> Self {
        self.stdin = Stdio::Reader(Box::new(ReadStream(reader)));
        self
    }

    /// Reads stdin from a host descriptor (a pipe's read end, a socket, a
    /// file) through [`HostStream::reader`]: an async driver can suspend a
    /// guest waiting for it to have data.
    pub fn stdin_fd(mut self, fd: impl Into<std::os::fd::OwnedFd>) -> Self {
        self.stdin = Stdio::Reader(Box::new(HostStream::reader(fd)));
        self
    }

    /// Writes stdout to `writer`.
    pub fn stdout(mut self, writer: impl Write + Send + 'static) -> Self {
        self.stdout = Stdio::Writer(Box::new(WriteStream(writer)));
        self
    }

    /// Writes stderr to `writer`.
    pub fn stderr(mut self, writer: impl Write + Send + 'static) -> Self {
        self.stderr = Stdio::Writer(Box::new(WriteStream(writer)));
        self
    }

    /// Uses the host process's stdin.
    pub fn inherit_stdin(mut self) -> Self {
        self.stdin = Stdio::Inherit;
        self
    }

    /// Uses the host process's stdout.
    pub fn inherit_stdout(mut self) -> Self {
        self.stdout = Stdio::Inherit;
        self
    }

    /// Uses the host process's stderr.
    pub fn inherit_stderr(mut self) -> Self {
        self.stderr = Stdio::Inherit;
        self
    }

    /// Uses the host process's stdin, stdout and stderr.
    pub fn inherit_stdio(self) -> Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Mounts `fs` at `guest_path` (WASI: the next preopened descriptor).
    pub fn mount(self, guest_path: impl Into<String>, fs: impl FileSystem) -> Self {
        self.mount_shared(guest_path, Arc::new(fs))
    }

    /// Mounts an already shared file system (several guests may mount the
    /// same `Arc`).
    pub fn mount_shared(mut self, guest_path: impl Into<String>, fs: Arc<dyn FileSystem>) -> Self {
        self.mounts.push(Mount {
            guest_path: guest_path.into(),
            fs,
        });
        self
    }

    /// Hands the guest a listening socket, as a preopened descriptor after
    /// the mounts (WASI `sock_accept`).
    pub fn listener(self, listener: TcpListener) -> Self {
        self.listener_with(listener)
    }

    /// Hands the guest any [`crate::descriptor::Listener`], as
    /// [`Self::listener`] does a TCP one.
    pub fn listener_with(mut self, listener: impl crate::descriptor::Listener + 'static) -> Self {
        self.listeners.push(Box::new(listener));
        self
    }

    /// Uses `clock` for wall-clock time.
    pub fn walltime(mut self, clock: Arc<dyn Walltime>) -> Self {
        self.walltime = clock;
        self
    }

    /// Uses `clock` for monotonic time.
    pub fn nanotime(mut self, clock: Arc<dyn Nanotime>) -> Self {
        self.nanotime = clock;
        self
    }

    /// Uses `sleeper` for sleeping.
    pub fn nanosleep(mut self, sleeper: Arc<dyn Nanosleep>) -> Self {
        self.nanosleep = sleeper;
        self
    }

    /// Uses `clock` for CPU time.
    pub fn cputime(mut self, clock: Arc<dyn CpuTime>) -> Self {
        self.cputime = clock;
        self
    }

    /// Uses `rng` as the random source.
    pub fn random(mut self, rng: Random) -> Self {
        self.random = Some(rng);
        self
    }

    /// Sets the guest's local time zone, which its `localtime`, `mktime`,
    /// `tzset` (Emscripten) and `Date` (Go) follow. Without it, the zone is
    /// the one the guest's own `TZ` variable names ([`Zone::parse`]: a zone
    /// name or a POSIX TZ string; an unknown one is UTC), else the host's
    /// ([`Zone::system`]); [`Self::deterministic`] sets UTC. The last of
    /// `time_zone` and `deterministic` wins. `Zone::parse("Asia/Tokyo")`
    /// gives a guest Tokyo's time whatever its environment says.
    pub fn time_zone(mut self, zone: Zone) -> Self {
        self.zone = Some(zone);
        self
    }

    /// Takes arguments and variables from `source` too: its arguments come
    /// before those given with [`Self::arg`], and variables given with
    /// [`Self::env`] override its own.
    pub fn environment(mut self, source: impl crate::environment::Environment + 'static) -> Self {
        self.environment.push(Arc::new(source));
        self
    }

    /// Decides what a guest's exit does (default [`crate::EndGuest`]).
    pub fn exit_handler(mut self, handler: impl crate::ExitHandler + 'static) -> Self {
        self.exit = Arc::new(handler);
        self
    }

    /// Logs the host calls in `scopes` through `tracing` (see
    /// [`crate::log`]).
    pub fn host_logging(mut self, scopes: crate::log::LogScopes) -> Self {
        self.log = scopes;
        self
    }

    /// Caps each of the guest's linear memories at `bytes` (whole 64 KiB
    /// pages below it): a memory's maximum becomes the smaller of its own
    /// and the cap, so the guest's `memory.grow` past it returns -1, and
    /// a module whose memory's minimum is over the cap fails to
    /// instantiate (the import set's instantiation error, naming both).
    /// The cap applies to the memories made for this guest by the driver
    /// (`run`, `run_async`, `run_coroutine`, WASI's threads), its own and
    /// the ones the host makes for its imports. It needs the store's
    /// engine to have [`crate::limits::MemoryLimit`] tunables
    /// ([`crate::limits::engine_with_limits`]): on any other engine the
    /// run is refused with [`ConfigError::MaxMemoryNeedsLimit`], since
    /// memories are made by the engine's tunables, which wasmer gives no
    /// way to set per store.
    pub fn max_memory(mut self, bytes: u64) -> Self {
        self.max_memory = Some(bytes);
        self
    }

    /// Stops the guest once it has run for `limit` of wall-clock time,
    /// counted from the start of its run (instantiation included): the
    /// run ends with a trap carrying [`crate::TimedOut`] (the import
    /// set's trap error). Sleeps in host calls end at the deadline, as
    /// does an async driver's wait for a descriptor; a synchronous read
    /// blocked on a host stream may not (RATIONALE.md). Needs the
    /// `interrupt` cargo feature of `wasmer-imports-core`, which makes
    /// every host call of every guest dearer, so it is off by default:
    /// without it, building the config fails with
    /// [`ConfigError::TimeoutNeedsInterrupt`] rather than run the guest
    /// unlimited. Enforced by the driver's `run`, `run_async` and
    /// `run_coroutine` and by WASI's threads; a [`Host`] built by hand only
    /// has its sleeps cut. With the feature on, wasmer 7.4 panics when
    /// guests on coroutines (`run_coroutine`) interleave on one thread,
    /// timed or not: run one coroutine guest per thread (RATIONALE.md).
    pub fn timeout(mut self, limit: std::time::Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Deterministic mode: a [`FakeClock`] for every clock and sleep,
    /// random bytes seeded with `seed`, and UTC as the time zone (whatever
    /// the host's zone or the guest's `TZ`), so that two runs of a guest
    /// see the same times and random values.
    pub fn deterministic(self, seed: u64) -> Self {
        let clock = Arc::new(FakeClock::new());
        self.walltime(clock.clone())
            .nanotime(clock.clone())
            .nanosleep(clock.clone())
            .cputime(clock)
            .random(random::seeded(seed))
            .time_zone(Zone::utc())
    }

    /// The guest's zone: the one set, else its `TZ`'s, else the host's.
    fn resolve_zone(&mut self) -> Zone {
        if let Some(z) = self.zone.take() {
            return z;
        }
        match self.environ.iter().find(|(n, _)| n == "TZ") {
            Some((_, tz)) => Zone::parse(tz),
            None => Zone::system(),
        }
    }

    /// Puts the arguments and variables of the configured environments
    /// before (arguments) and under (variables) the ones set directly.
    fn merge_environments(&mut self) {
        for source in std::mem::take(&mut self.environment) {
            let mut args = source.args();
            args.append(&mut self.args);
            self.args = args;
            for (n, v) in source.vars() {
                if !self.environ.iter().any(|(m, _)| *m == n) {
                    self.environ.push((n, v));
                }
            }
        }
    }

    /// Arguments and variables a C program could not receive: a NUL
    /// anywhere, an empty name or one with `=`.
    fn check_strings(&self) -> Result<(), ConfigError> {
        if let Some(a) = self.args.iter().find(|a| a.contains('\0')) {
            return Err(ConfigError::Nul(a.clone()));
        }
        for (n, v) in &self.environ {
            if n.is_empty() || n.contains('=') || n.contains('\0') {
                return Err(ConfigError::EnvName(n.clone()));
            }
            if v.contains('\0') {
                return Err(ConfigError::Nul(v.clone()));
            }
        }
        Ok(())
    }

    /// The guest's limits, its deadline counted from now; its sleeper cut
    /// at the deadline. Errors: a timeout without the `interrupt` feature.
    fn limits(&mut self) -> Result<crate::limits::GuestLimits, ConfigError> {
        if self.timeout.is_some() && !cfg!(feature = "interrupt") {
            return Err(ConfigError::TimeoutNeedsInterrupt);
        }
        let deadline = self.timeout.map(crate::limits::Deadline::after);
        if let Some(deadline) = deadline {
            let inner = self.nanosleep.clone();
            self.nanosleep = Arc::new(crate::limits::DeadlineSleep { inner, deadline });
        }
        Ok(crate::limits::GuestLimits {
            max_memory: self.max_memory,
            deadline,
        })
    }

    /// The descriptor table a guest starts with: stdio at 0-2, one
    /// preopened directory per mount from 3, then the listeners.
    fn descriptors(&mut self) -> Result<Descriptors, ConfigError> {
        let mut fds = Descriptors::new();
        let stdio = [
            stdio_in(std::mem::take(&mut self.stdin))?,
            stdio_out(std::mem::take(&mut self.stdout), "stdout", HostStream::stdout)?,
            stdio_out(std::mem::take(&mut self.stderr), "stderr", HostStream::stderr)?,
        ];
        for d in stdio {
            fds.insert(d).expect("a new table has room for stdio");
        }
        for m in &self.mounts {
            if m.guest_path.is_empty() {
                return Err(ConfigError::MountPath);
            }
            fds.insert(preopen(m)).map_err(|_| ConfigError::TooManyDescriptors)?;
        }
        for l in std::mem::take(&mut self.listeners) {
            let d = Descriptor::Listener(OpenListener {
                listener: l,
                flags: FdFlags::default(),
            });
            fds.insert(d).map_err(|_| ConfigError::TooManyDescriptors)?;
        }
        Ok(fds)
    }

    /// Checks the configuration and builds the guest's state: stdio at fds
    /// 0-2, mounts from 3, then listeners. Errors: a NUL in an argument or
    /// variable, a bad variable name, an empty mount path, a stdio stream
    /// that cannot be inherited, more mounts and listeners than
    /// descriptors, a timeout without the `interrupt` feature.
    pub fn build(mut self) -> Result<Host, ConfigError> {
        self.merge_environments();
        self.check_strings()?;
        let limits = self.limits()?;
        let fds = self.descriptors()?;
        let zone = self.resolve_zone();
        Ok(Host {
            args: self.args,
            environ: self.environ.into_iter().map(|(n, v)| format!("{n}={v}")).collect(),
            fds,
            mounts: Mounts(self.mounts),
            walltime: self.walltime,
            nanotime: self.nanotime,
            nanosleep: self.nanosleep,
            cputime: self.cputime,
            zone,
            limits,
            random: self.random.unwrap_or_else(random::os),
            memory: None,
            log: self.log,
            exit: self.exit,
            asyncify: None,
            coroutine: false,
        })
    }
}

/// A mount's preopened directory. A read-only file system refuses every
/// change itself, whatever the descriptor.
fn preopen(m: &Mount) -> Descriptor {
    Descriptor::Dir(OpenDir {
        fs: m.fs.clone(),
        path: String::new(),
        preopen: Some(m.guest_path.clone()),
        flags: FdFlags::default(),
        listing: None,
    })
}

fn stream(file: Box<dyn crate::fs::File>, filetype: FileType, access: Access) -> Descriptor {
    Descriptor::File(OpenFile {
        file,
        filetype,
        access,
        flags: FdFlags::default(),
    })
}

fn stdio_in(s: Stdio) -> Result<Descriptor, ConfigError> {
    let read = Access::READ;
    Ok(match s {
        Stdio::Inherit => {
            let mut h = HostStream::stdin().map_err(|e| ConfigError::Stdio("stdin", e))?;
            let ft = crate::fs::File::stat(&mut h).map(|s| s.filetype).unwrap_or_default();
            stream(Box::new(h), ft, read)
        }
        Stdio::Reader(r) => stream(r, FileType::Unknown, read),
        Stdio::Null | Stdio::Writer(_) => stream(Box::new(ReadStream(std::io::empty())), FileType::Unknown, read),
    })
}

fn stdio_out(
    s: Stdio, name: &'static str, inherit: fn() -> std::io::Result<HostStream>,
) -> Result<Descriptor, ConfigError> {
    let write = Access::WRITE;
    Ok(match s {
        Stdio::Inherit => {
            let mut h = inherit().map_err(|e| ConfigError::Stdio(name, e))?;
            let ft = crate::fs::File::stat(&mut h).map(|s| s.filetype).unwrap_or_default();
            stream(Box::new(h), ft, write)
        }
        Stdio::Writer(w) => stream(w, FileType::Unknown, write),
        Stdio::Null | Stdio::Reader(_) => stream(Box::new(WriteStream(std::io::sink())), FileType::Unknown, write),
    })
}
