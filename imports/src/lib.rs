//! The layer every wasmer-imports import set shares.
//!
//! Everything a guest can observe of the outside world lives here, once,
//! so that the WASI, Emscripten, AssemblyScript and Go `js` import sets see
//! the same files, clocks and streams:
//!
//! - [`ModuleConfig`] builds a guest's [`Host`] state: args, environment,
//!   stdio, mounts, clocks, random source.
//! - [`fs`]: the [`fs::FileSystem`] and [`fs::File`] traits, a sandboxed
//!   host directory ([`fs::OsDir`]), an in-memory tree ([`fs::MemFs`]) and
//!   wrappers, and [`fs::resolve`], the one place paths are interpreted.
//! - [`descriptor`]: the descriptor table with access modes and flags.
//! - [`clock`] and [`random`]: real and deterministic sources; [`zone`]:
//!   the guest's local time zone.
//! - [`Errno`]: one POSIX error enum; [`ExitCode`]: the error that ends a
//!   guest.
//! - [`posix`]: the POSIX operations every import set calls (open,
//!   mkdir, rename, stat...), over a directory descriptor or the guest's
//!   one-root [`posix::Namespace`].
//! - [`memory`]: checked access to guest memory, one borrow per call.
//! - [`log`]: host-call logging by scope; [`define`]: one table per
//!   import set, which defines its functions and decides which log.
//! - [`driver`]: one guest driver (`run`, `run_async`, `run_coroutine`)
//!   over any import set.
//! - [`asyncify`]: suspending Asyncify-transformed guests in blocking
//!   calls, for async drivers.
//! - [`limits`]: memory caps (per engine, or per guest through
//!   [`ModuleConfig::max_memory`]) and the deadline of
//!   [`ModuleConfig::timeout`] (cargo feature `interrupt`).
//!
//! An import set (`wasi_snapshot_preview1`, `emscripten`, `assemblyscript`,
//! `gojs`) turns a [`Host`] into wasmer imports; the core itself runs no
//! guest. Building a guest's world:
//!
//! ```
//! use imports::fs::{MemFs, ReadOnly};
//! use imports::stdio::OutputBuffer;
//! use imports::ModuleConfig;
//!
//! let shared = MemFs::new(); // clone it into other guests' configs
//! shared.write_file("greeting.txt", b"hello").unwrap();
//! let stdout = OutputBuffer::new();
//! let host = ModuleConfig::new()
//!     .args(["app.wasm", "--verbose"])
//!     .env("LANG", "C")
//!     .stdout(stdout.clone())
//!     .mount("/data", shared.clone())
//!     .mount("/etc", ReadOnly(MemFs::new()))
//!     .deterministic(42)
//!     .build()
//!     .unwrap();
//! // stdio at 0-2, then one preopened directory per mount.
//! assert_eq!(host.fds.open_fds().collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
//! ```

#![warn(missing_docs)]

pub mod asyncify;
pub mod clock;
pub mod config;
pub mod define;
pub mod descriptor;
pub mod driver;
pub mod environment;
pub mod errno;
pub mod exit;
pub mod fs;
pub mod host;
pub mod limits;
pub mod log;
pub mod memory;
pub mod mount;
pub mod posix;
pub mod random;
pub mod stdio;
pub mod threads;
pub mod zone;

pub use config::{ConfigError, ModuleConfig};
pub use errno::Errno;
pub use exit::{EndGuest, ExitCallback, ExitCode, ExitHandler, Outcome, TimedOut};
pub use host::{with_memory, AsHost, Host, WithHost};
pub use memory::GuestMemory;
