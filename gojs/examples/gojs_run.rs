//! Runs a Go js/wasm program through the embedding API:
//! `cargo run -p wasmer-imports-gojs --example gojs_run -- [--dir HOST::GUEST | --env NAME=VALUE]... FILE.wasm [ARGS]...`
//! (stdio inherited; only the given environment).

use imports::fs::OsDir;
use imports::ModuleConfig;
use wasmer::{Module, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut cfg = ModuleConfig::new().inherit_stdio();
    while let Some(flag @ ("--dir" | "--env")) = args.first().map(String::as_str) {
        let spec = args.get(1).ok_or("--dir needs HOST::GUEST, --env NAME=VALUE")?.clone();
        if flag == "--dir" {
            let (host, guest) = spec.split_once("::").ok_or("--dir needs HOST::GUEST")?;
            cfg = cfg.mount(guest, OsDir::open(host)?);
        } else {
            let (n, v) = spec.split_once('=').ok_or("--env needs NAME=VALUE")?;
            cfg = cfg.env(n, v);
        }
        args.drain(..2);
    }
    let file = args
        .first()
        .ok_or("usage: gojs_run [--dir HOST::GUEST]... FILE.wasm [ARGS]...")?;
    let mut store = Store::default();
    let module = Module::new(&store, std::fs::read(file)?)?;
    let name = std::path::Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    cfg = cfg.arg(name.unwrap_or_default()).args(args[1..].iter().cloned());
    let code = gojs::run(&mut store, &module, cfg)?;
    std::process::exit(code as i32)
}
