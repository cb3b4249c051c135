//! Fuzzes the reader of Emscripten's JavaScript glue
//! (`emscripten::glue::Glue::parse`), which `wasmer-imports run app.js`
//! feeds with whatever file it is given: any input is refused or read,
//! never a panic, an abort or a stack overflow. Seed it with real glue:
//! `cargo +nightly fuzz run glue fuzz/corpus/glue testdata/emscripten/minified-*`
//! (fuzz/run.sh runs it with the corpus alone).

#![no_main]

use emscripten::glue::Glue;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(glue) = Glue::parse(source) {
        // What the import set does with the maps: look every name up.
        for ((module, name), import) in glue.names.imports() {
            assert_eq!(glue.names.lookup(module, name), Some(import));
            let _ = glue.names.canonical(module, name);
        }
        for (canonical, _) in glue.names.exports() {
            let _ = glue.names.export_name(canonical);
        }
    }
});
