//! The import sets the command line runs: for each toolchain it detects,
//! how a guest is run, which imports are provided (what `inspect`
//! reports, from the set's tables), and what `--invoke` does, if the set
//! has it. Every set is run by the same steps ([`run_with`]); a row only
//! chooses the set and its options.

use crate::args::RunArgs;
use crate::detect::Toolchain;
use crate::error::finish;
use crate::error::CliError;
use crate::guest::{check_imports, on_thread, run_checked, run_with};
use crate::invoke::assemblyscript_options;
use assemblyscript::AssemblyScript;
use emscripten::{Emscripten, Names};
use gojs::GoImports;
use imports::driver::ImportSet;
use imports::ModuleConfig;
use std::process::ExitCode;
use wasi_snapshot_preview1::Wasi;
use wasmer::{ImportType, Module, Store};

/// Runs a guest: the store, the module, its world, the command line.
type Run = fn(&mut Store, &Module, ModuleConfig, &RunArgs) -> Result<ExitCode, CliError>;

/// `--invoke`: runs the guest and calls an export with the arguments.
type Invoke = fn(&mut Store, &Module, ModuleConfig, &RunArgs) -> Result<ExitCode, CliError>;

/// One import set, as the command line uses it.
pub struct Set {
    /// The toolchains whose modules it runs.
    pub toolchains: &'static [Toolchain],
    /// Runs a guest to its end; the process exit status.
    pub run: Run,
    /// Whether it provides an import.
    pub provides: fn(&ImportType) -> bool,
    /// `--invoke NAME`, for the sets that have it.
    pub invoke: Option<Invoke>,
}

/// Stack of the thread an Emscripten guest runs on. Nested `invoke_*`
/// calls (one per recursive call through a C++ frame with a destructor,
/// say) run host frames on this stack.
const EMSCRIPTEN_STACK: usize = 256 << 20;

/// Host stack the nested `invoke_*` calls may take of it, leaving the rest
/// for everything else.
const INVOKE_STACK_BUDGET: usize = 224 << 20;

/// A threaded WASI guest ([`wasi_snapshot_preview1::threads`]): its
/// threads run on threads of their own, `--max-threads` of them at most.
fn run_threads(store: &mut Store, module: &Module, config: ModuleConfig, args: &RunArgs) -> Result<ExitCode, CliError> {
    let file = args.file();
    check_imports(&file, module, &wasi_snapshot_preview1::threads::provides)?;
    let options = wasi_snapshot_preview1::threads::Threads::new().max_threads(args.max_threads);
    match wasi_snapshot_preview1::threads::run(store.engine(), module, config, options) {
        Ok(code) => Ok(finish(imports::Outcome::Exited(code))),
        Err(wasi_snapshot_preview1::Error::Trap(trap)) => Ok(finish(imports::Outcome::Trapped(trap))),
        Err(wasi_snapshot_preview1::Error::Config(e)) => Err(CliError::Usage(e.to_string())),
        Err(e) => Err(CliError::Setup(format!("{}: {e}", file.display()))),
    }
}

/// An Emscripten guest, whose import and export names `names` maps (a
/// minified build's, from its glue; empty for a module whose names are
/// its own), on a thread with a stack for nested `invoke_*` calls.
pub fn run_emscripten(
    store: &mut Store, module: &Module, config: ModuleConfig, args: &RunArgs, names: Names,
) -> Result<ExitCode, CliError> {
    // An import only the glue's JavaScript implements passes this check:
    // instantiating refuses it with its JavaScript quoted.
    let provides = {
        let names = names.clone();
        move |i: &ImportType| {
            let js = names.lookup(i.module(), i.name()).is_some_and(|m| m.js.is_some());
            js || emscripten::provides_named(&names, i)
        }
    };
    let options = emscripten::Options::new()
        .invoke_stack_budget(INVOKE_STACK_BUDGET)
        .names(names);
    on_thread(EMSCRIPTEN_STACK, store, |store| {
        run_checked::<Emscripten>(store, module, config, &args.file(), options, &provides)
    })
}

/// Every import set, by toolchain.
pub const SETS: &[Set] = &[
    Set {
        toolchains: &[Toolchain::Wasi, Toolchain::WasiPreview0, Toolchain::None],
        run: |store, module, config, args| run_with::<Wasi>(store, module, config, &args.file(), ()),
        provides: Wasi::provides,
        invoke: None,
    },
    Set {
        toolchains: &[Toolchain::WasiThreads],
        run: run_threads,
        provides: wasi_snapshot_preview1::threads::provides,
        invoke: None,
    },
    Set {
        toolchains: &[Toolchain::Emscripten],
        run: |store, module, config, args| run_emscripten(store, module, config, args, Names::new()),
        provides: Emscripten::provides,
        invoke: None,
    },
    Set {
        toolchains: &[Toolchain::AssemblyScript],
        run: |store, module, config, args| {
            run_with::<AssemblyScript>(store, module, config, &args.file(), assemblyscript_options(args))
        },
        provides: AssemblyScript::provides,
        invoke: Some(crate::invoke::invoke),
    },
    Set {
        toolchains: &[Toolchain::GoJs],
        run: |store, module, config, args| run_with::<GoImports>(store, module, config, &args.file(), ()),
        provides: GoImports::provides,
        invoke: None,
    },
];

/// The set that runs `toolchain`'s modules.
pub fn set(toolchain: Toolchain) -> &'static Set {
    SETS.iter()
        .find(|s| s.toolchains.contains(&toolchain))
        .unwrap_or(&SETS[0])
}
