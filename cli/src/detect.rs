//! Which toolchain built a module, read from its imports.

use std::fmt;
use wasmer::{ExternType, Module};

/// The import sets a module may need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolchain {
    /// Imports only `wasi_snapshot_preview1` (Rust, C/wasi-libc, Zig, Go wasip1, ...).
    Wasi,
    /// WASI with threads: imports `wasi.thread-spawn` and a shared memory
    /// (Rust's `wasm32-wasip1-threads`, wasi-libc's threads variant).
    WasiThreads,
    /// Imports `wasi_unstable` (WASI preview0, older toolchains).
    WasiPreview0,
    /// Emscripten: an `env` module with Emscripten's functions (`invoke_*`,
    /// `__syscall_*`, `emscripten_*`), usually with WASI too.
    Emscripten,
    /// AssemblyScript: `env.abort(i32, i32, i32, i32)`.
    AssemblyScript,
    /// Go `GOOS=js GOARCH=wasm`: module `go` (Go <= 1.20) or `gojs` (>= 1.21).
    GoJs,
    /// Imports nothing.
    None,
}

impl fmt::Display for Toolchain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Toolchain::Wasi => "WASI preview1",
            Toolchain::WasiThreads => "WASI preview1 with threads (wasi-threads)",
            Toolchain::WasiPreview0 => "WASI preview0 (wasi_unstable)",
            Toolchain::Emscripten => "Emscripten",
            Toolchain::AssemblyScript => "AssemblyScript",
            Toolchain::GoJs => "Go js/wasm",
            Toolchain::None => "none (no imports)",
        })
    }
}

/// Decides from the module's imports. Foreign modules are not judged here:
/// the import check names them.
pub fn detect(module: &Module) -> Toolchain {
    let mut wasi = false;
    let mut preview0 = false;
    let mut env_names: Vec<String> = Vec::new();
    let mut as_abort = false;
    let mut go = false;
    for imp in module.imports() {
        match imp.module() {
            "wasi_snapshot_preview1" => wasi = true,
            "wasi_unstable" => preview0 = true,
            "go" | "gojs" => go = true,
            "env" => {
                if imp.name() == "abort" {
                    if let ExternType::Function(ft) = imp.ty() {
                        as_abort = ft.params().len() == 4 && ft.results().is_empty();
                    }
                }
                env_names.push(imp.name().to_string());
            }
            _ => {}
        }
    }
    let emscripten = env_names.iter().any(|n| {
        n.starts_with("invoke_")
            || n.starts_with("__syscall_")
            || n.starts_with("emscripten_")
            || n.starts_with("_emscripten_")
            || n.starts_with("__cxa_")
            || n == "setTempRet0"
            || n == "getTempRet0"
            || (n.starts_with('_') && n.ends_with("_js"))
    });
    // A glue-style Emscripten build of a simple program may import only
    // WASI; it still expects the glue's entry sequence (ctors, then main),
    // which it shows by exporting `main` and `__wasm_call_ctors` but no
    // `_start`.
    let exports = |name: &str| module.exports().any(|e| e.name() == name);
    let emscripten = emscripten || (exports("main") && exports("__wasm_call_ctors") && !exports("_start"));
    if wasi_snapshot_preview1::threads::is_threaded(module) {
        Toolchain::WasiThreads
    } else if go {
        Toolchain::GoJs
    } else if emscripten {
        Toolchain::Emscripten
    } else if as_abort {
        Toolchain::AssemblyScript
    } else if wasi {
        Toolchain::Wasi
    } else if preview0 {
        Toolchain::WasiPreview0
    } else {
        Toolchain::None
    }
}
