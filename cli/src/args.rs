//! `run`'s command line, and the guest's world it describes.

use crate::error::CliError;
use clap::Args;
use imports::fs::{OsDir, ReadOnly};
use imports::ModuleConfig;
use std::path::PathBuf;

/// Where AssemblyScript's `trace` goes (`--trace`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceMode {
    /// As asc's generated bindings: `console.log(message, ...args)`.
    Console,
    /// As the loader: `trace: message a,b` on stderr.
    Loader,
    /// Nowhere.
    Off,
}

/// `run`'s arguments, following wasmtime's conventions.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Mount host directory HOST at guest path GUEST (default: HOST as
    /// given). Append `:ro` for read-only. Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST][:ro]")]
    dirs: Vec<String>,
    /// Set an environment variable for the guest. `NAME` alone passes the
    /// host's value. Repeatable.
    #[arg(long = "env", value_name = "NAME=VALUE")]
    envs: Vec<String>,
    /// Listen on the TCP address HOST:PORT and hand the guest the
    /// listening socket, for `sock_accept` (wasmtime's `--tcplisten`): a
    /// preopened descriptor after the mounts (3 without `--dir`), in the
    /// order given. Repeatable.
    #[arg(long = "tcplisten", value_name = "HOST:PORT")]
    tcplisten: Vec<String>,
    /// Cap the guest's linear memory at SIZE (bytes, or with KiB, MiB,
    /// GiB): `memory.grow` past it fails, as when a module's own maximum
    /// is reached.
    #[arg(long = "max-memory", value_name = "SIZE", value_parser = parse_max_memory)]
    pub max_memory: Option<u64>,
    /// Stop the guest after SECONDS of wall-clock time (a decimal number),
    /// with a line on stderr and exit status 124, as timeout(1) does.
    #[arg(long = "timeout", value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<std::time::Duration>,
    /// A threaded WASI module (wasi-threads) may run at most N threads at
    /// once besides its main one; `thread-spawn` past that fails.
    #[arg(long = "max-threads", value_name = "N", default_value_t = wasi_snapshot_preview1::threads::DEFAULT_MAX_THREADS)]
    pub max_threads: usize,
    /// Call the exported function NAME with the arguments after the file
    /// (numbers) and print its results, one per line, instead of running
    /// the program (AssemblyScript: after its start function).
    #[arg(long = "invoke", value_name = "NAME")]
    pub invoke: Option<String>,
    /// AssemblyScript's `trace`: `console` prints what asc's generated
    /// bindings print (`console.log(message, ...args)`, on stdout),
    /// `loader` the loader's `trace: message a,b` on stderr, `off` nothing.
    #[arg(long = "trace", value_name = "MODE", value_enum, default_value_t = TraceMode::Console)]
    pub trace: TraceMode,
    /// Log host calls to stderr, by scope: filesystem, clock, random,
    /// proc, poll, sock, memory, exceptions, or all (comma-separated).
    #[arg(long = "hostlogging", value_name = "SCOPE[,SCOPE]")]
    hostlogging: Option<String>,
    /// Reproducible runs: fake clocks (wall time from 2022-01-01, advancing
    /// 1 ms per read; sleeping advances them without waiting), UTC as the
    /// time zone (without it: the guest's TZ from --env, else the host's
    /// zone) and random bytes from a generator seeded with --seed.
    #[arg(long = "deterministic")]
    deterministic: bool,
    /// The seed for --deterministic's random bytes.
    #[arg(long = "seed", value_name = "N", default_value_t = 0, requires = "deterministic")]
    seed: u64,
    /// Keep compiled modules in DIR (default: the user's cache directory,
    /// `$XDG_CACHE_HOME/wasmer-imports` or `~/.cache/wasmer-imports`).
    #[arg(long = "cache-dir", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Compile the module every time; read and write no cache.
    #[arg(long = "no-cache")]
    pub no_cache: bool,
    /// The module to run, then the guest's arguments (argv[1..]).
    /// Everything after the file belongs to the guest, flags included, as
    /// with wasmtime; a `--` right after the file is dropped.
    #[arg(
        value_name = "FILE.wasm [ARGS]",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    command: Vec<String>,
}

impl RunArgs {
    /// The module's path.
    pub fn file(&self) -> PathBuf {
        PathBuf::from(&self.command[0])
    }

    /// The guest's arguments after `argv[0]`.
    pub fn guest_args(&self) -> &[String] {
        let rest = &self.command[1..];
        match rest.first().map(String::as_str) {
            Some("--") => &rest[1..],
            _ => rest,
        }
    }
}

/// `--timeout`'s SECONDS: a positive decimal number.
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{text:?}: expected a positive number of seconds, such as 1 or 0.5"))
}

/// `--max-memory`'s SIZE ([`imports::limits::parse_size`]): at least one
/// 64 KiB page, since the cap is counted in whole pages and a smaller one
/// would refuse every module.
fn parse_max_memory(text: &str) -> Result<u64, String> {
    let size = imports::limits::parse_size(text)?;
    match size >= 64 << 10 {
        true => Ok(size),
        false => Err(format!("{text:?}: less than one 64 KiB page of memory")),
    }
}

/// Parses `HOST[::GUEST][:ro]` and opens HOST.
fn mount(spec: &str) -> Result<(String, Box<dyn imports::fs::FileSystem>), CliError> {
    let (spec, read_only) = match spec.strip_suffix(":ro") {
        Some(s) => (s, true),
        None => (spec, false),
    };
    let (host, guest) = match spec.split_once("::") {
        Some((h, g)) => (h, g),
        None => (spec, spec),
    };
    if host.is_empty() || guest.is_empty() {
        return Err(CliError::Usage(format!(
            "--dir {spec:?}: expected HOST[::GUEST][:ro] with a non-empty host and guest path"
        )));
    }
    let dir =
        OsDir::open(host).map_err(|e| CliError::Usage(format!("--dir {host}: cannot open the host directory: {e}")))?;
    let fs: Box<dyn imports::fs::FileSystem> = if read_only {
        Box::new(ReadOnly(dir))
    } else {
        Box::new(dir)
    };
    Ok((guest.to_string(), fs))
}

/// `--env NAME=VALUE` (or `NAME`, the host's value) added to `cfg`.
fn env(cfg: ModuleConfig, e: &str) -> Result<ModuleConfig, CliError> {
    Ok(match e.split_once('=') {
        Some((n, v)) if !n.is_empty() => cfg.env(n, v),
        Some(_) => {
            return Err(CliError::Usage(format!(
                "--env {e:?}: expected NAME=VALUE with a non-empty NAME"
            )))
        }
        None if e.is_empty() => return Err(CliError::Usage("--env needs NAME=VALUE".into())),
        None => match std::env::var(e) {
            Ok(v) => cfg.env(e, v),
            Err(_) => {
                return Err(CliError::Usage(format!(
                    "--env {e}: no such variable in the host environment"
                )))
            }
        },
    })
}

/// The guest's world: argv, environment, stdio, logging, clocks and
/// mounts, as the command line gives them.
pub fn config(args: &RunArgs) -> Result<ModuleConfig, CliError> {
    let file = args.file();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let guest_args = args.guest_args();
    let mut cfg = ModuleConfig::new()
        .arg(name)
        .args(guest_args.iter().cloned())
        .inherit_stdio();
    for e in &args.envs {
        cfg = env(cfg, e)?;
    }
    if let Some(scopes) = &args.hostlogging {
        let scopes =
            imports::log::LogScopes::parse(scopes).map_err(|e| CliError::Usage(format!("--hostlogging: {e}")))?;
        cfg = cfg.host_logging(scopes);
        // Plain lines on stderr: the log is for people reading along.
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .without_time()
            .with_level(false)
            .with_target(false)
            .with_ansi(false)
            .try_init();
    }
    if args.deterministic {
        cfg = cfg.deterministic(args.seed);
    }
    for d in &args.dirs {
        let (guest, fs) = mount(d)?;
        cfg = cfg.mount_shared(guest, std::sync::Arc::from(fs));
    }
    for addr in &args.tcplisten {
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|e| CliError::Usage(format!("--tcplisten {addr}: cannot listen there: {e}")))?;
        cfg = cfg.listener(listener);
    }
    Ok(cfg)
}
