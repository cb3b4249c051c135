//! Two guests built by different toolchains share one in-memory file
//! system: a WASI guest writes `input.txt`, then an Emscripten-built C
//! program (testdata `files-O0`) reads it, through the same `MemFs`.
//!
//! `cargo run -p wasmer-imports-emscripten --example shared_memfs`

use imports::fs::MemFs;
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use wasmer::{Module, Store};

/// A WASI guest that creates `input.txt` in its first preopen and writes
/// "shared by a WASI guest\n" to it.
pub const WASI_WRITER: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "input.txt")
  (data (i32.const 32) "shared by a WASI guest\n")
  (func (export "_start")
    ;; path_open(3, follow, "input.txt", CREAT|TRUNC, rights, rights, 0, &fd at 8)
    (drop (call $open (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 9) (i32.const 9)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 8)))
    ;; one iovec at 0: (32, 23)
    (i32.store (i32.const 0) (i32.const 32))
    (i32.store (i32.const 4) (i32.const 23))
    (drop (call $write (i32.load (i32.const 8)) (i32.const 0) (i32.const 1) (i32.const 12)))))"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = MemFs::new();
    files.write_file("a.txt", b"a\n")?;
    files.write_file("b.txt", b"bb\n")?;

    // The writer: WASI, mounting the tree at /data.
    let mut store = Store::default();
    let writer = Module::new(&store, WASI_WRITER)?;
    wasi_snapshot_preview1::run(&mut store, &writer, ModuleConfig::new().mount("/data", files.clone()))?;

    // The reader: Emscripten, mounting the same tree (a clone shares it).
    let wasm = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/emscripten/files-O0/files-O0.wasm"
    );
    let reader = Module::new(&store, std::fs::read(wasm)?)?;
    let out = OutputBuffer::new();
    let config = ModuleConfig::new()
        .arg("files")
        .arg("/data")
        .stdout(out.clone())
        .mount("/data", files);
    emscripten::run(&mut store, &reader, config)?;
    print!("{}", out.to_string_lossy().lines().next().unwrap_or_default());
    println!();
    Ok(())
}
