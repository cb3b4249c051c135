//! Runs the bundled AssemblyScript `hello` program (asc 0.28, built with
//! `--exportStart _start`) and then calls one of the `invoke` program's
//! exports, as an embedder would.
//!
//! `cargo run -p wasmer-imports-assemblyscript --example hello`

use assemblyscript::invoke::{invoke, Outcome};
use assemblyscript::{Options, Trace};
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use wasmer::{Module, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/assemblyscript");
    let mut store = Store::default();

    let hello = Module::new(&store, std::fs::read(format!("{dir}/hello/hello.wasm"))?)?;
    let out = OutputBuffer::new();
    let config = ModuleConfig::new().stdout(out.clone());
    let code = assemblyscript::run(&mut store, &hello, config, Options::new().trace(Trace::Stderr))?;
    print!("hello exited {code} after printing: {}", out.to_string_lossy());

    let math = Module::new(&store, std::fs::read(format!("{dir}/invoke/invoke.wasm"))?)?;
    let args = ["2".to_string(), "40".to_string()];
    match invoke(&mut store, &math, ModuleConfig::new(), Options::new(), "add", &args)? {
        Outcome::Returned(values) => println!("add(2, 40) = {values:?}"),
        Outcome::Exited(code) => println!("add exited with {code}"),
    }
    Ok(())
}
