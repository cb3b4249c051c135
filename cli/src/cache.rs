//! A cache of compiled modules, so a second run of the same `.wasm` skips
//! Cranelift.
//!
//! Entries live in the user's cache directory (`$XDG_CACHE_HOME` or
//! `~/.cache`, then `wasmer-imports/`), one file per module, named by the
//! BLAKE3 hash of the module's bytes together with this program's version,
//! the engine's configuration and the architecture, so no entry is ever
//! read by an engine that did not write it. Each file carries a BLAKE3
//! checksum of its payload: a truncated, corrupt or foreign file fails the
//! check and the module is recompiled (and the entry rewritten); it is
//! never handed to wasmer. Writes go to a temporary file renamed into
//! place, so a crash cannot leave a half-written entry behind.

use std::path::{Path, PathBuf};
use wasmer::{CompileError, Module, Store};

/// File header: magic, then the 32-byte checksum of the payload.
const MAGIC: &[u8; 8] = b"WIMCACHE";
const HEADER: usize = MAGIC.len() + 32;

/// Where compiled modules are kept; `None` disables caching.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    /// `--cache-dir DIR` wins; `--no-cache` disables; otherwise the user's
    /// cache directory, or none when the environment names none.
    pub fn new(dir: Option<PathBuf>, disabled: bool) -> Cache {
        if disabled {
            return Cache { dir: None };
        }
        let dir = dir.or_else(|| {
            let base = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
            Some(base.join("wasmer-imports"))
        });
        Cache { dir }
    }

    fn entry(&self, store: &Store, bytes: &[u8]) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let mut h = blake3::Hasher::new();
        h.update(bytes);
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(store.engine().deterministic_id().as_bytes());
        h.update(std::env::consts::ARCH.as_bytes());
        Some(dir.join(format!("{}.module", h.finalize().to_hex())))
    }

    /// The compiled module for `bytes`: from the cache when a valid entry
    /// exists, else compiled now and stored. Cache failures never fail the
    /// load; only a compile error does.
    pub fn load(&self, store: &Store, bytes: &[u8]) -> Result<Module, CompileError> {
        let entry = self.entry(store, bytes);
        if let Some(module) = entry.as_deref().and_then(|p| read(store, p)) {
            return Ok(module);
        }
        let module = Module::new(store, bytes)?;
        if let Some(path) = entry {
            write(&module, &path);
        }
        Ok(module)
    }
}

fn read(store: &Store, path: &Path) -> Option<Module> {
    let data = std::fs::read(path).ok()?;
    if data.len() < HEADER || &data[..MAGIC.len()] != MAGIC {
        return None;
    }
    let payload = &data[HEADER..];
    if blake3::hash(payload).as_bytes() != &data[MAGIC.len()..HEADER] {
        return None;
    }
    // SAFETY: the payload is byte for byte what `write` stored from
    // `Module::serialize` (the checksum proves it), under a name that
    // includes this engine's configuration and this program's version, so
    // it is an artifact this very engine produced.
    unsafe { Module::deserialize(store, payload.to_vec()) }.ok()
}

fn write(module: &Module, path: &Path) {
    let Ok(payload) = module.serialize() else { return };
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let mut data = Vec::with_capacity(HEADER + payload.len());
    data.extend_from_slice(MAGIC);
    data.extend_from_slice(blake3::hash(&payload).as_bytes());
    data.extend_from_slice(&payload);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, &data).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
