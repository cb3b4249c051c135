//! Running a minified Emscripten release build from its JavaScript glue:
//! `wasmer-imports run app.js` reads the glue emcc wrote
//! ([`emscripten::Glue`]), finds the module (the `.wasm` beside it, or
//! embedded by `-sSINGLE_FILE`), and runs it with the glue's name maps.

use crate::cache::{Cache, Source};
use crate::error::CliError;
use crate::guest::{compile, load};
use emscripten::glue::{Glue, Wasm};
use emscripten::Names;
use std::path::Path;
use wasmer::{Module, Store};

/// File name endings of JavaScript glue.
const GLUE_ENDINGS: &[&str] = &["js", "mjs", "cjs"];

/// Whether `path` is to be read as glue: it ends in `.js` (`.mjs`,
/// `.cjs`), or its content is neither a binary module (`\0asm`) nor a
/// text one (`(`) and its name does not say it is one (`.wasm`, `.wat`:
/// those stay "not a valid WebAssembly module").
pub fn is_glue(path: &Path, head: &[u8]) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if GLUE_ENDINGS.contains(&ext) {
        return true;
    }
    let text = std::str::from_utf8(head).map(str::trim_start);
    let module = head.starts_with(b"\0asm") || text.is_ok_and(|t| t.starts_with('('));
    !module && !matches!(ext, "wasm" | "wat")
}

/// Loads `path`: a module as [`load`] does (no names), or through its
/// glue (the glue's names).
pub fn load_any(
    path: &Path, cache: &Cache, max_memory: Option<u64>,
) -> Result<(Store, Module, Option<Names>), CliError> {
    let head = head(path)?;
    if !is_glue(path, &head) {
        let (store, module) = load(path, cache, max_memory)?;
        return Ok((store, module, None));
    }
    let glue = read(path)?;
    let (store, module) = match &glue.wasm {
        Wasm::File(name) => {
            let wasm = path.parent().unwrap_or(Path::new(".")).join(name);
            std::fs::metadata(&wasm).map_err(|e| CliError::Glue {
                path: path.to_owned(),
                reason: format!("it names its module {name}, which cannot be read: {e}"),
            })?;
            load(&wasm, cache, max_memory)?
        }
        Wasm::Embedded(bytes) => compile(path, Source::Bytes(bytes), cache, max_memory)?,
    };
    Ok((store, module, Some(glue.names)))
}

/// Reads and parses the glue at `path`.
fn read(path: &Path) -> Result<Glue, CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Read {
        path: path.to_owned(),
        source,
    })?;
    // A file not named as JavaScript came here only for not being a module.
    let named_js = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| GLUE_ENDINGS.contains(&e));
    let glue_error = |reason: String| CliError::Glue {
        path: path.to_owned(),
        reason: match named_js {
            true => reason,
            false => format!("it is not a WebAssembly module (no \\0asm header, no WAT) either, and {reason}"),
        },
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| glue_error(format!("it is not UTF-8 text ({e})")))?;
    Glue::parse(text).map_err(|e| glue_error(e.to_string()))
}

/// The first 512 bytes of `path` (fewer for a shorter file).
fn head(path: &Path) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let read_error = |source| CliError::Read {
        path: path.to_owned(),
        source,
    };
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .map_err(read_error)?
        .take(512)
        .read_to_end(&mut head)
        .map_err(read_error)?;
    Ok(head)
}
