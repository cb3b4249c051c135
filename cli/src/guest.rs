//! Loading a module and running it with an import set: the same steps
//! for every set, over [`imports::driver`].

use crate::cache::{Cache, Source};
use crate::error::{finish, CliError};
use imports::driver::{self, ImportSet};
use imports::ModuleConfig;
use std::fmt::Display;
use std::path::Path;
use std::process::ExitCode;
use wasmer::{ExternType, Module, Store};

/// Reads and compiles `path` (through `cache`), on an engine whose
/// memories are capped at `max_memory` bytes when given
/// ([`imports::limits::MemoryLimit`]).
pub fn load(path: &Path, cache: &Cache, max_memory: Option<u64>) -> Result<(Store, Module), CliError> {
    let read_error = |source| CliError::Read {
        path: path.to_owned(),
        source,
    };
    // A binary module is only streamed (hashed) unless it must be
    // compiled: a large module is not held in memory beside its compiled
    // form. A text module is read whole.
    let is_binary = magic(path).map_err(read_error)? == *b"\0asm";
    let text = match is_binary {
        true => None,
        false => Some(std::fs::read(path).map_err(read_error)?),
    };
    let looks_like_text = text
        .as_deref()
        .is_some_and(|t| std::str::from_utf8(t).is_ok_and(|s| s.trim_start().starts_with('(')));
    if !is_binary && !looks_like_text {
        return Err(CliError::NotWasm {
            path: path.to_owned(),
            reason: "it does not start with the \\0asm magic number".into(),
        });
    }
    let source = match &text {
        Some(t) => Source::Bytes(t),
        None => Source::File(path),
    };
    compile(path, source, cache, max_memory)
}

/// Compiles `source` (through `cache`), on an engine whose memories are
/// capped at `max_memory` bytes when given; errors name `path`.
pub fn compile(
    path: &Path, source: Source<'_>, cache: &Cache, max_memory: Option<u64>,
) -> Result<(Store, Module), CliError> {
    let mut engine = wasmer::Engine::default();
    if let Some(max) = max_memory {
        wasmer::sys::NativeEngineExt::set_tunables(&mut engine, imports::limits::MemoryLimit::new(max));
    }
    let store = Store::new(engine);
    let module = cache.load(&store, source).map_err(|e| CliError::NotWasm {
        path: path.to_owned(),
        reason: crate::error::explain_compile_error(e.to_string()),
    })?;
    Ok((store, module))
}

/// The first four bytes of `path` (fewer, zero-padded, for a shorter file).
fn magic(path: &Path) -> std::io::Result<[u8; 4]> {
    use std::io::Read;
    let mut read = Vec::with_capacity(4);
    std::fs::File::open(path)?.take(4).read_to_end(&mut read)?;
    let mut head = [0u8; 4];
    head[..read.len()].copy_from_slice(&read);
    Ok(head)
}

/// `module`'s imports as `module.name (kind)` lines, for those `provides`
/// lacks.
fn missing_imports(module: &Module, provides: &dyn Fn(&wasmer::ImportType) -> bool) -> Vec<String> {
    module
        .imports()
        .filter(|i| !provides(i))
        .map(|i| format!("{}.{} ({})", i.module(), i.name(), kind(i.ty())))
        .collect()
}

/// What an import or export is: `func [I32] -> []`, `memory`...
pub fn kind(t: &ExternType) -> String {
    match t {
        ExternType::Function(f) => format!("func {f}"),
        ExternType::Memory(_) => "memory".into(),
        ExternType::Table(_) => "table".into(),
        ExternType::Global(_) => "global".into(),
        ExternType::Tag(_) => "tag".into(),
    }
}

/// Refuses a module that imports anything the set does not provide
/// (`provides`, its tables), naming every missing import.
pub fn check_imports(
    file: &Path, module: &Module, provides: &dyn Fn(&wasmer::ImportType) -> bool,
) -> Result<(), CliError> {
    let missing = missing_imports(module, provides);
    if missing.is_empty() {
        return Ok(());
    }
    Err(CliError::Imports(format!(
        "{} needs imports that no import set provides:\n  {}",
        file.display(),
        missing.join("\n  ")
    )))
}

/// A failure to set up or start the guest, naming the file.
fn setup(file: &Path, e: impl Display) -> CliError {
    CliError::Setup(format!("{}: {e}", file.display()))
}

/// Runs `module` with the import set `I` as its toolchain's runner would
/// start it, and returns the process exit status: the guest's exit code,
/// or [`crate::error::TRAP_EXIT`] after printing its trap.
pub fn run_with<I: ImportSet>(
    store: &mut Store, module: &Module, config: ModuleConfig, file: &Path, options: I::Options,
) -> Result<ExitCode, CliError>
where
    I::Error: Display,
{
    run_checked::<I>(store, module, config, file, options, &I::provides)
}

/// [`run_with`], checking the imports with `provides` (a minified
/// build's imports, through its name map).
pub fn run_checked<I: ImportSet>(
    store: &mut Store, module: &Module, config: ModuleConfig, file: &Path, options: I::Options,
    provides: &dyn Fn(&wasmer::ImportType) -> bool,
) -> Result<ExitCode, CliError>
where
    I::Error: Display,
{
    let host = config.build().map_err(|e| CliError::Usage(e.to_string()))?;
    check_imports(file, module, provides)?;
    let set = I::instantiate(store, host, module, options).map_err(|e| setup(file, e))?;
    let instance = match driver::instance(store, module, &set).map_err(|e| setup(file, e))? {
        Ok(instance) => instance,
        Err(outcome) => return Ok(finish(outcome)),
    };
    let outcome = driver::start(store, &set, &instance).map_err(|e| setup(file, e))?;
    Ok(finish(outcome))
}

/// Runs `run` on a thread of its own with a `stack`-byte stack (reserved,
/// not committed, so only what the guest uses costs memory), on a new
/// store of `store`'s engine (a store stays on its thread; the module was
/// compiled by that engine).
pub fn on_thread<R: Send>(
    stack: usize, store: &Store, run: impl FnOnce(&mut Store) -> Result<R, CliError> + Send,
) -> Result<R, CliError> {
    let engine = store.engine().clone();
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("guest".into())
            .stack_size(stack)
            .spawn_scoped(scope, move || run(&mut Store::new(engine)))
            .map_err(|e| CliError::Setup(format!("cannot start the guest thread: {e}")))?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
