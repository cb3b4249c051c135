//! `ModuleConfig::max_memory` and `ModuleConfig::timeout` on bundled
//! guests: `grow` (grows its memory until refused) under a 16 MiB cap,
//! and `spin` (loops forever) stopped after half a second.
//!
//! `cargo run -p wasmer-imports-core --features interrupt --example limits`

use imports::limits::engine_with_limits;
use imports::stdio::OutputBuffer;
use imports::{ModuleConfig, TimedOut};
use std::time::Duration;
use wasmer::{Module, Store};

fn guest(name: &str) -> String {
    format!(
        "{}/../testdata/wasi/rust/{name}/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut store = Store::new(engine_with_limits());
    let grow = Module::new(&store, std::fs::read(guest("grow"))?)?;
    let out = OutputBuffer::new();
    let config = ModuleConfig::new().arg("grow").stdout(out.clone()).max_memory(16 << 20);
    wasi_snapshot_preview1::run(&mut store, &grow, config)?;
    print!("with max_memory(16 MiB): {}", out.to_string_lossy());

    let spin = Module::new(&store, std::fs::read(guest("spin"))?)?;
    let config = ModuleConfig::new()
        .args(["spin", "spin"])
        .timeout(Duration::from_millis(500));
    match wasi_snapshot_preview1::run(&mut store, &spin, config) {
        Err(wasi_snapshot_preview1::Error::Trap(e)) if e.is::<TimedOut>() => println!("spin: {e}"),
        other => println!("spin was not stopped: {other:?}"),
    }
    Ok(())
}
