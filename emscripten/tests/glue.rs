//! `emscripten::glue`: the name maps read from the glue of real emcc
//! 6.0.5 release builds (testdata/emscripten/minified-*), hand-written
//! glue in the shapes of older emcc versions, and hostile input.

use emscripten::glue::{Glue, GlueError, Wasm};
use std::path::PathBuf;

fn testdata(program: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/emscripten");
    dir.join(program).join(format!("{program}.js"))
}

fn parse(program: &str) -> Glue {
    let source = std::fs::read_to_string(testdata(program)).unwrap();
    Glue::parse(&source).unwrap_or_else(|e| panic!("{program}: {e}"))
}

#[test]
fn debug_print() {
    for p in [
        "minified-hello-O3",
        "minified-hello-Oz",
        "minified-words-O3",
        "minified-words-Oz",
        "minified-single",
        "minified-emasm",
    ] {
        let g = parse(p);
        println!(
            "== {p}: {:?}",
            match &g.wasm {
                Wasm::File(f) => f.clone(),
                Wasm::Embedded(b) => format!("{} bytes", b.len()),
            }
        );
        for (k, v) in g.names.imports() {
            println!("  {k:?} -> {v:?}");
        }
        for (k, v) in g.names.exports() {
            println!("  export {k} = {v}");
        }
    }
    let _ = GlueError::NoImports;
}
