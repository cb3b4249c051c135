//! Bad input to the CLI is a clear one-line error with the right status;
//! a guest's exit code and traps come back as the process status.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wasmer_imports(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(args)
        .env_clear()
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes a WAT module to a temp file (the CLI accepts text modules too).
fn wat(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const EXIT7: &str = r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 7))))"#;

#[test]
fn missing_file_and_non_wasm_are_errors() {
    let o = wasmer_imports(&["run", "/nonexistent/app.wasm"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read /nonexistent/app.wasm"),
        "{}",
        stderr(&o)
    );

    let t = tempfile::tempdir().unwrap();
    let junk = wat(t.path(), "junk.wasm", "this is not wasm");
    let o = wasmer_imports(&["run", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not a valid WebAssembly module"),
        "{}",
        stderr(&o)
    );

    // Neither a module nor named as JavaScript: both are said.
    let notes = wat(t.path(), "notes.txt", "shopping list");
    let o = wasmer_imports(&["run", notes.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("it is not a WebAssembly module"), "{}", stderr(&o));
    assert!(stderr(&o).contains("Emscripten glue"), "{}", stderr(&o));

    // Glue whose module is missing: the glue is named, and the module.
    let glue = t.path().join("g.js");
    std::fs::copy(
        common::testdata().join("emscripten/minified-hello-O3/minified-hello-O3.js"),
        &glue,
    )
    .unwrap();
    let o = wasmer_imports(&["run", glue.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("g.js"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("names its module minified-hello-O3.wasm"),
        "{}",
        stderr(&o)
    );

    let truncated = t.path().join("truncated.wasm");
    let hello = common::testdata().join("wasi/c/hello/hello.wasm");
    std::fs::write(&truncated, &std::fs::read(hello).unwrap()[..100]).unwrap();
    let o = wasmer_imports(&["run", truncated.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not a valid WebAssembly module"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unprovided_imports_are_named() {
    let t = tempfile::tempdir().unwrap();
    let m = wat(
        t.path(),
        "m.wat",
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "not_a_wasi_function" (func))
          (import "mylib" "helper" (func (param i32)))
          (memory (export "memory") 1)
          (func (export "_start")))"#,
    );
    let o = wasmer_imports(&["run", m.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("wasi_snapshot_preview1.not_a_wasi_function"), "{e}");
    assert!(e.contains("mylib.helper"), "{e}");
    assert!(!e.contains("fd_write"), "{e}");

    // inspect says the same, and exits 1.
    let o = wasmer_imports(&["inspect", m.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("toolchain: WASI preview1"), "{out}");
    assert!(out.contains("  wasi_snapshot_preview1 (1 of 2 provided)\n"), "{out}");
    assert!(out.contains("    provided fd_write (func "), "{out}");
    assert!(out.contains("    MISSING  not_a_wasi_function (func "), "{out}");
    assert!(out.contains("  mylib (0 of 1 provided)\n    MISSING  helper"), "{out}");
    assert!(
        out.contains("entry points: _start\nmemory: memory (1 pages or more)\ntable: none"),
        "{out}"
    );
    let o = wasmer_imports(&["inspect", "--json", m.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["toolchain"], "WASI preview1");
    assert_eq!(v["all_provided"], false);
    assert_eq!(v["start"][0], "_start");
    let missing: Vec<&str> = v["imports"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["provided"] == false)
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["not_a_wasi_function", "helper"]);

    // A WASI import with the wrong signature fails at instantiation, named.
    let m = wat(
        t.path(),
        "sig.wat",
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "_start")))"#,
    );
    let o = wasmer_imports(&["run", m.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("instantiation failed"), "{}", stderr(&o));
    assert!(stderr(&o).contains("fd_write"), "{}", stderr(&o));
}

#[test]
fn bad_dir_and_env_are_usage_errors() {
    let t = tempfile::tempdir().unwrap();
    let m = wat(t.path(), "exit7.wat", EXIT7);
    let m = m.to_str().unwrap();
    let o = wasmer_imports(&["run", "--dir", "/no/such/dir::/data", m]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--dir /no/such/dir"), "{}", stderr(&o));
    // The mounts are opened before the module is read.
    let o = wasmer_imports(&["run", "--dir", "/no/such/dir::/data", "/no/such/module.wasm"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--dir /no/such/dir"), "{}", stderr(&o));
    let o = wasmer_imports(&["run", "--max-memory", "1KiB", m]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("less than one 64 KiB page"), "{}", stderr(&o));
    let o = wasmer_imports(&["run", "--dir", "::/data", m]);
    assert_eq!(o.status.code(), Some(2));
    let o = wasmer_imports(&["run", "--env", "=value", m]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--env"), "{}", stderr(&o));
    let o = wasmer_imports(&["run", "--env", "NOT_IN_THE_HOST_ENV_SURELY", m]);
    assert_eq!(o.status.code(), Some(2));
    let o = wasmer_imports(&["run", "--invoke", "add", m]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--invoke is for AssemblyScript modules"),
        "{}",
        stderr(&o)
    );
    let o = wasmer_imports(&["run", "--seed", "3", m]);
    assert_eq!(o.status.code(), Some(2), "--seed needs --deterministic");
}

#[test]
fn exit_codes_traps_and_missing_start() {
    let t = tempfile::tempdir().unwrap();
    let m = wat(t.path(), "exit7.wat", EXIT7);
    assert_eq!(wasmer_imports(&["run", m.to_str().unwrap()]).status.code(), Some(7));

    let trap = wat(
        t.path(),
        "trap.wat",
        r#"(module
          (memory (export "memory") 1)
          (func $inner unreachable)
          (func (export "_start") (call $inner)))"#,
    );
    let o = wasmer_imports(&["run", trap.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(134));
    let e = stderr(&o);
    assert!(e.contains("the guest trapped"), "{e}");
    assert!(e.contains("wasm backtrace:"), "{e}");
    assert!(e.contains("inner"), "{e}");

    let nostart = wat(t.path(), "nostart.wat", r#"(module (memory (export "memory") 1))"#);
    let o = wasmer_imports(&["run", nostart.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("_start"), "{}", stderr(&o));
}

#[test]
fn read_only_mounts_from_the_cli() {
    let case = common::cases("wasi/c")
        .into_iter()
        .find(|c| c.name.ends_with("fileops/main"))
        .expect("the fileops case");
    let t = tempfile::tempdir().unwrap();
    common::copy_dir(&case.dirs[0].0, t.path());
    let before: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let dir = format!("{}::{}:ro", t.path().display(), case.dirs[0].1);
    let mut args = vec!["run", "--dir", &dir, case.wasm.to_str().unwrap(), "--"];
    args.extend(case.args.iter().map(String::as_str));
    let o = wasmer_imports(&args);
    // The program fails to write, and the host directory is untouched.
    assert_ne!(o.stdout, case.stdout);
    let after: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("EROFS") || out.contains("ENOTCAPABLE"), "{out}");
}

#[test]
fn guest_arguments_and_argv0() {
    let case = common::cases("wasi/c")
        .into_iter()
        .find(|c| c.name.ends_with("args/main"))
        .expect("the args case");
    // `--` is optional; flags after the file belong to the guest.
    let o = wasmer_imports(&["run", case.wasm.to_str().unwrap(), "--dir", "x"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("arg[1]=--dir"), "{out}");
    assert!(out.contains("arg[2]=x"), "{out}");
}
