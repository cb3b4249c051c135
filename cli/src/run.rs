//! `wasmer-imports run` and `inspect`.

use crate::cache::Cache;
use crate::detect::{detect, Toolchain};
use clap::Args;
use imports::fs::{OsDir, ReadOnly};
use imports::ModuleConfig;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use thiserror::Error;
use wasmer::{ExternType, Imports, Instance, Module, Store};

/// Exit status for a guest that trapped (as a process killed by SIGABRT
/// reports it: 128 + 6).
pub const TRAP_EXIT: u8 = 134;

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
    /// Call the exported function NAME with the arguments after the file
    /// (numbers) and print its results, one per line, instead of running
    /// the program (AssemblyScript: after its start function).
    #[arg(long = "invoke", value_name = "NAME")]
    pub invoke: Option<String>,
    /// Log host calls to stderr, by scope: filesystem, clock, random,
    /// proc, poll, sock, memory, exceptions, or all (comma-separated).
    #[arg(long = "hostlogging", value_name = "SCOPE[,SCOPE]")]
    hostlogging: Option<String>,
    /// Reproducible runs: fake clocks (wall time from 2022-01-01, advancing
    /// 1 ms per read; sleeping advances them without waiting) and random
    /// bytes from a generator seeded with --seed.
    #[arg(long = "deterministic")]
    deterministic: bool,
    /// The seed for --deterministic's random bytes.
    #[arg(long = "seed", value_name = "N", default_value_t = 0, requires = "deterministic")]
    seed: u64,
    /// Keep compiled modules in DIR (default: the user's cache directory,
    /// `$XDG_CACHE_HOME/wasmer-imports` or `~/.cache/wasmer-imports`).
    #[arg(long = "cache-dir", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile the module every time; read and write no cache.
    #[arg(long = "no-cache")]
    no_cache: bool,
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

/// What went wrong before or around the guest, with the exit status to
/// report it by.
#[derive(Debug, Error)]
pub enum CliError {
    /// A bad command line (status 2).
    #[error("{0}")]
    Usage(String),
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not a WebAssembly module, or one wasmer rejects.
    #[error("{path} is not a valid WebAssembly module: {reason}")]
    NotWasm {
        /// The path given.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The module needs imports nobody provides.
    #[error("{0}")]
    Imports(String),
    /// Setting up or starting the guest failed.
    #[error("{0}")]
    Setup(String),
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_status(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            _ => 1,
        }
    }
}

pub fn load(path: &Path, cache: &Cache) -> Result<(Store, Module), CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Read {
        path: path.to_owned(),
        source,
    })?;
    let is_binary = bytes.starts_with(b"\0asm");
    let looks_like_text = std::str::from_utf8(&bytes).is_ok_and(|s| s.trim_start().starts_with('('));
    if !is_binary && !looks_like_text {
        return Err(CliError::NotWasm {
            path: path.to_owned(),
            reason: "it does not start with the \\0asm magic number".into(),
        });
    }
    let store = Store::default();
    let module = cache.load(&store, &bytes).map_err(|e| CliError::NotWasm {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    Ok((store, module))
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

fn config(args: &RunArgs) -> Result<ModuleConfig, CliError> {
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
        cfg = match e.split_once('=') {
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
        };
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
    Ok(cfg)
}

/// The imports of `module` that `provided` lacks, as `module.name` lines.
fn missing_imports(module: &Module, provided: &Imports) -> Vec<String> {
    module
        .imports()
        .filter(|i| !provided.exists(i.module(), i.name()))
        .map(|i| format!("{}.{} ({})", i.module(), i.name(), kind(i.ty())))
        .collect()
}

pub fn kind(t: &ExternType) -> String {
    match t {
        ExternType::Function(f) => format!("func {f}"),
        ExternType::Memory(_) => "memory".into(),
        ExternType::Table(_) => "table".into(),
        ExternType::Global(_) => "global".into(),
        ExternType::Tag(_) => "tag".into(),
    }
}

/// Refuses a module that imports anything `provided` lacks, naming every
/// missing import.
pub fn check_imports(file: &Path, module: &Module, provided: &Imports) -> Result<(), CliError> {
    let missing = missing_imports(module, provided);
    if missing.is_empty() {
        return Ok(());
    }
    Err(CliError::Imports(format!(
        "{} needs imports that no import set provides:\n  {}",
        file.display(),
        missing.join("\n  ")
    )))
}

/// Instantiates, naming the failure.
pub fn instance(store: &mut Store, module: &Module, imports: &Imports) -> Result<Instance, CliError> {
    Instance::new(store, module, imports).map_err(|e| CliError::Setup(format!("instantiation failed: {e}")))
}

/// The process exit status for what the guest's entry point returned:
/// its exit code (low 8 bits, as the OS keeps), 0 when it returned, or
/// [`TRAP_EXIT`] after printing the trap and its wasm backtrace.
pub fn finish(result: Result<(), wasmer::RuntimeError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => match imports::ExitCode::from_runtime_error(e) {
            Ok(imports::ExitCode(code)) => ExitCode::from((code & 0xff) as u8),
            Err(trap) => {
                report_trap(&trap);
                ExitCode::from(TRAP_EXIT)
            }
        },
    }
}

/// `wasmer-imports run`.
pub fn run(args: RunArgs) -> Result<ExitCode, CliError> {
    let file = args.file();
    let (mut store, module) = load(&file, &Cache::new(args.cache_dir.clone(), args.no_cache))?;
    let config = config(&args)?;
    let toolchain = detect(&module);
    if args.invoke.is_some() && toolchain != Toolchain::AssemblyScript {
        return Err(CliError::Usage(format!(
            "--invoke is for AssemblyScript modules; {} was built for {toolchain}",
            file.display()
        )));
    }
    match toolchain {
        Toolchain::Wasi | Toolchain::WasiPreview0 | Toolchain::None => {
            crate::wasi::run(&mut store, &module, config, &file)
        }
        Toolchain::AssemblyScript => crate::assemblyscript::run(&mut store, &module, config, &args),
        Toolchain::GoJs => crate::gojs::run(&mut store, &module, config, &file),
        Toolchain::Emscripten => crate::emscripten::run(&mut store, &module, config, &file),
    }
}

/// The imports wasmer-imports would give `module`, for `inspect`.
pub fn provided(store: &mut Store, module: &Module, toolchain: Toolchain) -> Result<Imports, CliError> {
    match toolchain {
        Toolchain::Wasi | Toolchain::WasiPreview0 | Toolchain::None => crate::wasi::provided(store),
        Toolchain::AssemblyScript => crate::assemblyscript::provided(store, module),
        Toolchain::GoJs => crate::gojs::provided(store, module),
        Toolchain::Emscripten => crate::emscripten::provided(store, module),
    }
}

/// Prints a trap's message and wasm backtrace to stderr.
pub fn report_trap(trap: &wasmer::RuntimeError) {
    eprintln!("wasmer-imports: the guest trapped: {}", trap.message());
    eprintln!("wasm backtrace:");
    for (i, frame) in trap.trace().iter().enumerate() {
        let name = frame
            .function_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("<func {}>", frame.func_index()));
        eprintln!(
            "  {i:>3}: {}!{name} @ 0x{:x}",
            frame.module_name(),
            frame.module_offset()
        );
    }
}
