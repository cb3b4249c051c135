//! A real guest over the core's in-memory file system: the bundled Rust
//! `ls` program (testdata) creates a symlink in a `MemFs` directory and
//! lists it; the host then sees the link the guest made.
//!
//! `cargo run -p wasmer-imports-core --example memfs_guest`

use imports::fs::{FileSystem, MemFs};
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use wasmer::{Module, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let wasm = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/wasi/rust/ls/ls.wasm");
    let files = MemFs::new();
    files.write_file("a.txt", b"alpha")?;
    files.create_dir("sub")?;
    let out = OutputBuffer::new();
    let config = ModuleConfig::new()
        .args(["ls.wasm", "/data", "a.txt", "/data/link"])
        .stdout(out.clone())
        .mount("/data", files.clone());
    let mut store = Store::default();
    let module = Module::new(&store, std::fs::read(wasm)?)?;
    let code = wasi_snapshot_preview1::run(&mut store, &module, config)?;
    print!("ls exited {code}:\n{}", out.to_string_lossy());
    println!("the guest made a symlink: link -> {}", files.read_link("link")?);
    Ok(())
}
