//! `--hostlogging`: host calls and results on stderr, by scope, with
//! paths decoded and out-parameters shown.

mod common;

use std::process::Command;

fn run(scopes: &str) -> (String, String) {
    let cat = common::cases("wasi/c")
        .into_iter()
        .find(|c| c.name.ends_with("cat/file"))
        .expect("the cat case");
    let mounts = common::fixtures(&cat);
    let o = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--hostlogging", scopes, "--dir"])
        .arg(format!("{}::{}", mounts[0].1.display(), mounts[0].2))
        .arg(&cat.wasm)
        .args(&cat.args)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(o.stdout, cat.stdout, "logging must not touch the guest's stdout");
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn calls_and_results_are_logged_by_scope() {
    let (_, log) = run("filesystem");
    assert!(
        log.contains("==> wasi_snapshot_preview1.path_open(fd=3,dirflags=1,path=\"hello.txt\""),
        "{log}"
    );
    assert!(log.contains("<== (opened_fd=4,errno=ESUCCESS)"), "{log}");
    assert!(log.contains("==> wasi_snapshot_preview1.fd_write(fd=1,"), "{log}");
    assert!(log.contains("<== (nwritten="), "{log}");
    assert!(log.contains("errno=EBADF") || log.contains("errno=ENOENT") || log.contains("errno=ESUCCESS"));
    assert!(
        !log.contains("args_sizes_get"),
        "proc calls are not in the filesystem scope: {log}"
    );

    let (_, log) = run("proc");
    assert!(log.contains("==> wasi_snapshot_preview1.args_sizes_get("), "{log}");
    assert!(log.contains("<== (argc=3,argv_buf_size="), "{log}");
    assert!(!log.contains("fd_write"), "{log}");

    let (_, log) = run("clock,random");
    assert!(!log.contains("==>"), "cat reads no clock: {log}");
}

#[test]
fn an_unknown_scope_is_a_usage_error() {
    let hello = common::testdata().join("wasi/c/hello/hello.wasm");
    let o = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--hostlogging", "files"])
        .arg(hello)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown host-logging scope \"files\""));
}

fn log_of(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .arg("run")
        .args(args)
        .env_clear()
        .output()
        .unwrap();
    String::from_utf8(o.stderr).unwrap()
}

#[test]
fn every_import_set_logs_through_the_same_format() {
    // Emscripten: syscall paths decoded, WASI calls in the same log.
    let t = tempfile::tempdir().unwrap();
    common::copy_dir(&common::testdata().join("emscripten/files-O0/fixture"), t.path());
    let wasm = common::testdata().join("emscripten/files-O0/files-O0.wasm");
    let dir = format!("{}::/data", t.path().display());
    let log = log_of(&[
        "--hostlogging",
        "filesystem",
        "--dir",
        &dir,
        wasm.to_str().unwrap(),
        "/data",
    ]);
    assert!(log.contains("==> env.__syscall_open(a0=\"/data/input.txt\","), "{log}");
    assert!(log.contains("==> wasi_snapshot_preview1.fd_read("), "{log}");
    assert!(log.contains("<== ("), "{log}");

    // AssemblyScript: its UTF-16 strings decoded; nothing logged when off.
    let hello = common::testdata().join("assemblyscript/hello/hello.wasm");
    let log = log_of(&["--hostlogging", "filesystem", hello.to_str().unwrap()]);
    assert!(
        log.contains("==> env.console.log(a0=\"Hello from AssemblyScript\")"),
        "{log}"
    );
    let log = log_of(&["--hostlogging", "clock", hello.to_str().unwrap()]);
    assert!(!log.contains("console.log"), "{log}");

    // Go: the imports take only a stack pointer; the fs calls they make
    // are logged with their paths.
    let t = tempfile::tempdir().unwrap();
    common::copy_dir(&common::testdata().join("gojs/go1.27/perms/fixture"), t.path());
    let wasm = common::testdata().join("gojs/go1.27/perms/perms.wasm");
    let dir = format!("{}::/data", t.path().display());
    let log = log_of(&[
        "--hostlogging",
        "filesystem",
        "--dir",
        &dir,
        wasm.to_str().unwrap(),
        "/data",
    ]);
    assert!(log.contains("==> fs.chmod(path=\"/data/p.txt\",384)"), "{log}");
    assert!(log.contains("==> gojs.syscall/js.valueCall(a0="), "{log}");
    assert!(log.contains("<== (errno=ESUCCESS)"), "{log}");
}

/// `wasi_unstable` (preview0) calls are logged as preview1's are, under
/// their own module name, the functions preview0 redefines (`fd_seek`,
/// with preview0's `whence`) as well as those it shares with preview1.
#[test]
fn preview0_calls_are_logged_like_preview1() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("f.txt"), b"0123456789").unwrap();
    let wasm = t.path().join("seek.wat");
    std::fs::write(
        &wasm,
        r#"(module
  (import "wasi_unstable" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x100) "f.txt")
  (func (export "_start")
    (drop (call $open (i32.const 3) (i32.const 1) (i32.const 0x100) (i32.const 5) (i32.const 0)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x200)))
    (drop (call $seek (i32.load (i32.const 0x200)) (i64.const 4) (i32.const 2) (i32.const 0x300)))))"#,
    )
    .unwrap();
    let dir = format!("{}::/", t.path().display());
    let log = log_of(&["--hostlogging", "filesystem", "--dir", &dir, wasm.to_str().unwrap()]);
    assert!(
        log.contains("==> wasi_unstable.path_open(fd=3,dirflags=1,path=\"f.txt\",path_len=5,"),
        "{log}"
    );
    assert!(log.contains("<== (opened_fd=4,errno=ESUCCESS)"), "{log}");
    // whence 2 is SET in preview0.
    assert!(
        log.contains(
            "==> wasi_unstable.fd_seek(fd=4,offset=4,whence=2,newoffset=768)\n<== (newoffset=4,errno=ESUCCESS)"
        ),
        "{log}"
    );
}
