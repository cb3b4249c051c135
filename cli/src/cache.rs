//! A cache of compiled modules, so a second run of the same `.wasm` skips
//! Cranelift.
//!
//! Entries live in the user's cache directory (`$XDG_CACHE_HOME` or
//! `~/.cache`, then `wasmer-imports/`), one file per module, named by the
//! BLAKE3 hash of the module's bytes together with this program's version,
//! the engine's configuration and the architecture, so no entry is ever
//! read by an engine that did not write it. An entry is two files: the
//! serialized module (`<name>.module`, exactly what `Module::serialize`
//! gave, so wasmer maps it from the file instead of copying it) and its
//! BLAKE3 checksum with a magic (`<name>.sum`): a truncated, corrupt or
//! foreign entry fails the check and the module is recompiled (and the
//! entry rewritten); it is never handed to wasmer. Writes go to temporary
//! files renamed into place, module first, so a crash cannot leave a
//! half-written entry that passes the check.
//!
//! Nothing here holds a whole module or entry in memory: the module's
//! hash and the entry's checksum are computed by streaming the files
//! (a 69 MB module and its 270 MB entry would otherwise be read into
//! memory, and the entry copied once more, before wasmer maps it).

use std::path::{Path, PathBuf};
use wasmer::{CompileError, Module, Store};

/// The checksum file: magic, then the 32-byte BLAKE3 of the module file.
const MAGIC: &[u8; 8] = b"WIMCACHE";

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

    fn entry(&self, store: &Store, module: &Source<'_>) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let mut h = blake3::Hasher::new();
        match module {
            Source::Bytes(bytes) => {
                h.update(bytes);
            }
            Source::File(path) => {
                h.update_reader(std::fs::File::open(path).ok()?).ok()?;
            }
        }
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(store.engine().deterministic_id().as_bytes());
        h.update(std::env::consts::ARCH.as_bytes());
        Some(dir.join(format!("{}.module", h.finalize().to_hex())))
    }

    /// The compiled module for `module`: from the cache when a valid entry
    /// exists, else compiled now (a file is read only then) and stored.
    /// Cache failures never fail the load; only a compile error (or a
    /// module file that cannot be read) does.
    pub fn load(&self, store: &Store, module: Source<'_>) -> Result<Module, CompileError> {
        let entry = self.entry(store, &module);
        if let Some(cached) = entry.as_deref().and_then(|p| read(store, p)) {
            return Ok(cached);
        }
        let compiled = match module {
            Source::Bytes(bytes) => Module::new(store, bytes)?,
            Source::File(path) => {
                let bytes = std::fs::read(path).map_err(|e| CompileError::Validate(e.to_string()))?;
                Module::new(store, bytes)?
            }
        };
        if let Some(path) = entry {
            write(&compiled, &path);
        }
        Ok(compiled)
    }
}

/// A module to load: its bytes, or a binary module's file (hashed as it
/// streams, read whole only to compile).
pub enum Source<'a> {
    /// The module's bytes (a text module, already read).
    Bytes(&'a [u8]),
    /// A binary module's file.
    File(&'a Path),
}

/// The checksum file beside `entry`.
fn sum_path(entry: &Path) -> PathBuf {
    entry.with_extension("sum")
}

/// The entry at `path`, if its checksum file vouches for it.
fn read(store: &Store, path: &Path) -> Option<Module> {
    let sum = std::fs::read(sum_path(path)).ok()?;
    if sum.len() != MAGIC.len() + 32 || &sum[..MAGIC.len()] != MAGIC {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut h = blake3::Hasher::new();
    h.update_reader(&file).ok()?;
    if h.finalize().as_bytes() != &sum[MAGIC.len()..] {
        return None;
    }
    // wasmer maps the very file just checked, through its descriptor: an
    // entry renamed into place meanwhile is not the one mapped. Without
    // `/proc` the load fails and the module is recompiled.
    let checked = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&file));
    // SAFETY: the file is byte for byte what `write` stored from
    // `Module::serialize` (the checksum proves it), under a name that
    // includes this engine's configuration and this program's version, so
    // it is an artifact this very engine produced. Entries are replaced
    // by rename, never rewritten in place, so the mapped file does not
    // change under wasmer.
    unsafe { Module::deserialize_from_file(store, checked) }.ok()
}

fn write(module: &Module, path: &Path) {
    let Ok(payload) = module.serialize() else { return };
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let mut sum = MAGIC.to_vec();
    sum.extend_from_slice(blake3::hash(&payload).as_bytes());
    if put(path, &payload) {
        put(&sum_path(path), &sum);
    }
}

/// Writes `data` to a temporary file renamed to `path`; whether it landed.
fn put(path: &Path, data: &[u8]) -> bool {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, data).is_ok() && std::fs::rename(&tmp, path).is_ok() {
        return true;
    }
    let _ = std::fs::remove_file(&tmp);
    false
}
