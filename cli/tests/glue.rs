//! Minified Emscripten release builds run from their JavaScript glue
//! (`testdata/emscripten/minified-*`, emcc 6.0.5): through the embedding
//! API with the names `Glue::parse` read (the CLI's `run app.js` is
//! checked with the other Emscripten cases in `emscripten.rs`), the EM_ASM
//! program refused with its JavaScript quoted or run with the embedder's
//! own definition, and glue that cannot be read refused in one line.

mod common;

use common::{check, report, testdata, Case};
use emscripten::glue::{Glue, Wasm};
use emscripten::{Emscripten, Options};
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use wasmer::{Function, Module, Store};

/// Every runnable minified program and case, and the npm programs run
/// from their glue (`testdata/emscripten/npm`).
const AT_LEAST: usize = 39;

/// The code recorded for a trap (an uncaught C++ exception), the CLI's
/// exit status for one.
const TRAP_EXIT: u32 = 134;

/// The glue at `path`, parsed, and its module compiled.
fn load(store: &Store, path: &Path) -> (Glue, Module) {
    let glue = Glue::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let bytes = match &glue.wasm {
        Wasm::File(name) => std::fs::read(path.parent().unwrap().join(name)).unwrap(),
        Wasm::Embedded(bytes) => bytes.clone(),
    };
    let module = Module::new(store, bytes).unwrap();
    (glue, module)
}

/// Runs `c` through the embedding API with its glue's names (the glue
/// parsed and its module compiled once per file, in `loaded`), and the
/// case's `js` import defined as a function returning its value.
fn run_case(
    store: &mut Store, loaded: &mut HashMap<PathBuf, (Glue, Module)>, c: &Case,
) -> Result<(Vec<u8>, u32), String> {
    let path = c.glue.as_ref().unwrap();
    let (glue, module) = loaded.entry(path.clone()).or_insert_with(|| load(store, path)).clone();
    let (config, out, _mounts) = common::config(c, path);
    let mut options = Options::new().names(glue.names);
    if let Some((import, value)) = &c.js {
        assert_eq!(
            import, "emscripten_asm_const_int",
            "{}: only EM_ASM_INT is defined here",
            c.name
        );
        // `EM_ASM_INT(...)`: code address, signature, arguments.
        let value = *value;
        let em_asm = Function::new_typed(store, move |_code: i32, _sig: i32, _args: i32| value);
        options = options.define("env", import, em_asm);
    }
    let code = match imports::driver::run::<Emscripten>(store, &module, config, options) {
        Ok(code) => code,
        Err(emscripten::Error::Trap(_)) => TRAP_EXIT,
        Err(e) => return Err(e.to_string()),
    };
    Ok((out.contents(), code))
}

#[test]
fn minified_builds_through_the_embedding_api() {
    let all: Vec<Case> = common::cases("emscripten")
        .into_iter()
        .filter(|c| c.glue.is_some())
        .collect();
    let mut store = Store::default();
    let mut loaded = HashMap::new();
    let mut failures = Vec::new();
    for c in &all {
        match run_case(&mut store, &mut loaded, c) {
            Ok((stdout, code)) => check(&mut failures, c, "the embedding API", &stdout, Some(code)),
            Err(e) => failures.push(format!("{}: {e}", c.name)),
        }
    }
    report(failures, all.len(), AT_LEAST);
}

fn emasm() -> std::path::PathBuf {
    testdata().join("emscripten/minified-emasm/minified-emasm.js")
}

fn wasmer_imports(args: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(args)
        .env_clear()
        .output()
        .unwrap()
}

/// EM_ASM needs a JavaScript engine: the CLI refuses the program in one
/// line naming the import and quoting the snippet from the glue.
#[test]
fn em_asm_is_refused_with_its_javascript_quoted() {
    let o = wasmer_imports(&[Path::new("run"), Path::new("--no-cache"), &emasm()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("a.b (emscripten_asm_const_int)"), "{stderr}");
    assert!(stderr.contains("ASM_CONSTS={1716:$0=>$0*7}"), "{stderr}");
    assert!(o.stdout.is_empty());
}

/// Through the API: [`emscripten::Error::JsOnly`], unless the embedder
/// defines the import itself, which the set then leaves alone.
#[test]
fn em_asm_runs_with_the_embedders_own_definition() {
    let mut store = Store::default();
    let (glue, module) = load(&store, &emasm());
    let config = || ModuleConfig::new().arg("minified-emasm.js").stdout(OutputBuffer::new());
    let refused =
        imports::driver::run::<Emscripten>(&mut store, &module, config(), Options::new().names(glue.names.clone()));
    match refused {
        Err(e @ emscripten::Error::JsOnly { .. }) => assert!(e.to_string().contains("$0*7"), "{e}"),
        other => panic!("expected JsOnly, got {other:?}"),
    }
    // `EM_ASM_INT({ return $0 * 7; }, 6)`: code address, signature, arguments.
    let em_asm = Function::new_typed(&mut store, |_code: i32, _sig: i32, _args: i32| 42);
    let out = OutputBuffer::new();
    let options = Options::new()
        .names(glue.names)
        .define("env", "emscripten_asm_const_int", em_asm);
    let config = ModuleConfig::new().arg("minified-emasm.js").stdout(out.clone());
    let code = imports::driver::run::<Emscripten>(&mut store, &module, config, options).unwrap();
    assert_eq!(code, 0);
    assert_eq!(out.to_string_lossy(), "before the snippet\nsnippet says 42\n");
}

/// Glue cut short, a file that is not JavaScript at all, and hostile
/// JavaScript: one line naming the file and why.
#[test]
fn unreadable_glue_is_a_one_line_error() {
    let t = tempfile::tempdir().unwrap();
    let source = std::fs::read(testdata().join("emscripten/minified-hello-O3/minified-hello-O3.js")).unwrap();
    let truncated = t.path().join("truncated.js");
    std::fs::write(&truncated, &source[..source.len() / 2]).unwrap();
    let garbage = t.path().join("garbage.js");
    std::fs::write(&garbage, b"\x7fELF\x02\x01\x01\0\0\0 not javascript").unwrap();
    let other = t.path().join("other.js");
    std::fs::write(&other, "console.log('hello');\n").unwrap();
    // Hostile: a chain of two million assignments, and as deep a member
    // chain, answered at once, not after minutes or a stack overflow.
    let chain = t.path().join("chain.js");
    std::fs::write(&chain, format!("{}1;", "a=".repeat(2_000_000))).unwrap();
    let members = t.path().join("members.js");
    std::fs::write(&members, format!("a{};", ".a".repeat(2_000_000))).unwrap();
    for (path, why) in [
        (&truncated, "not valid JavaScript"),
        (&garbage, "the glue is not valid JavaScript"),
        (&other, "defines no wasmImports object"),
        (&chain, "defines no wasmImports object"),
        (&members, "defines no wasmImports object"),
    ] {
        let o = wasmer_imports(&[Path::new("run"), path]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("cannot read it as Emscripten glue"), "{stderr}");
        assert!(stderr.contains(why), "{stderr}");
        assert!(stderr.contains(&*path.to_string_lossy()), "names the file: {stderr}");
    }
}

/// `inspect app.js` shows what each minified import stands for.
#[test]
fn inspect_shows_what_minified_imports_stand_for() {
    let glue = testdata().join("emscripten/minified-hello-O3/minified-hello-O3.js");
    let o = wasmer_imports(&[Path::new("inspect"), &glue]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("toolchain: Emscripten"), "{stdout}");
    assert!(stdout.contains("a = wasi_snapshot_preview1.fd_write"), "{stdout}");
}

/// A minified build on wasmer's coroutines (`driver::run_coroutine`): the
/// calls that may wait are replaced under the names the module imports
/// them by, and the program prints what its glue printed.
#[test]
fn minified_build_on_coroutines() {
    let dir = common::testdata().join("emscripten/minified-hello-O3");
    let store = Store::default();
    let (glue, module) = load(&store, &dir.join("minified-hello-O3.js"));
    let out = OutputBuffer::new();
    let config = ModuleConfig::new().arg("minified-hello-O3.wasm").stdout(out.clone());
    let own = Store::new(store.engine().clone());
    let options = Options::new().names(glue.names);
    let code = futures::executor::block_on(imports::driver::run_coroutine::<Emscripten>(
        own, &module, config, options,
    ))
    .unwrap();
    let want = std::fs::read(dir.join("main.stdout")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.contents()), String::from_utf8_lossy(&want));
    assert_eq!(
        code.to_string(),
        std::fs::read_to_string(dir.join("main.exit")).unwrap().trim()
    );
}
