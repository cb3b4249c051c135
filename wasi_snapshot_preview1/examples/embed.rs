//! The README's embedding example, runnable:
//! `cargo run -p wasmer-imports-wasi --example embed`.
//!
//! Runs the bundled `cat` program (C, wasi-libc) over a file in an
//! in-memory file system and prints what it wrote.

use imports::{fs::MemFs, stdio::OutputBuffer, ModuleConfig};
use wasmer::{Instance, Module, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let wasm = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/wasi/c/cat/cat.wasm");
    let mut store = Store::default();
    let module = Module::new(&store, std::fs::read(wasm)?)?;

    // One guest's world: args, env, stdio, mounts, clocks, random source.
    let stdout = OutputBuffer::new();
    let files = MemFs::new(); // shareable: clone it into other guests' configs
    files.write_file("input.txt", b"hello from an in-memory file\n")?;
    let host = ModuleConfig::new()
        .arg("cat.wasm")
        .arg("/data/input.txt")
        .env("LANG", "C")
        .stdout(stdout.clone())
        .mount("/data", files.clone())
        .build()?;

    // Define the imports, instantiate, bind the memory, run `_start`.
    let wasi = wasi_snapshot_preview1::instantiate(&mut store, host);
    let instance = Instance::new(&mut store, &module, wasi.imports())?;
    wasi.bind(&mut store, &instance)?;
    let start = instance.exports.get_typed_function::<(), ()>(&store, "_start")?;
    let code = wasi_snapshot_preview1::exit_code(start.call(&mut store))?;
    print!("exit {code}, stdout: {}", stdout.to_string_lossy());
    Ok(())
}
