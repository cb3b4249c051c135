//! POSIX operations on a guest's files, written once for every import set.
//!
//! Each ABI's host function decodes its arguments (WASI's `path_*`,
//! Emscripten's `__syscall_*`, Go's `fs.*` methods), calls one operation
//! here, and encodes the result. The rules of POSIX that the ABIs share
//! (what `rmdir(".")` answers, when a trailing `/` is `ENOTDIR`, which
//! renames cross a mount) live here and nowhere else, so a fix lands once.
//!
//! A path is looked up from a [`Base`]: a directory descriptor, beneath
//! which it must stay (WASI's capability rule), or the guest's one
//! [`Namespace`], which resolves absolute paths and the working directory
//! over the mount table (Emscripten, Go). WASI's rights are not read
//! here: the WASI adapter only reports them.
//!
//! - [`namespace`]: the one-root view of the mount table.
//! - [`path`]: operations on a path (`mkdir`, `unlink`, `rename`, `stat`...).
//! - [`fd`]: operations on an open descriptor (`fstat`, `ftruncate`...).
//! - [`open`]: `open`, from the flags to a finished descriptor.
//! - [`dir`]: directory listings with `.` and `..`.
//! - [`pipe`]: in-process pipes, and `poll` readiness.
//! - [`mode`]: `st_mode` and `d_type` from a [`crate::fs::Stat`].
//! - [`linux`]: the Linux numbering of `O_*`/`AT_*`/`S_IF*` that
//!   Emscripten's musl and node (for Go) share.

pub mod dir;
pub mod fd;
pub mod linux;
pub mod mode;
pub mod namespace;
pub mod open;
pub mod path;
pub mod pipe;

pub use namespace::{Links, Namespace};

use crate::descriptor::Descriptor;
use crate::errno::{Errno, Result};
use crate::fs::{resolve, FileSystem, Resolved};
use crate::host::Host;
use std::sync::Arc;

/// What a path is relative to.
#[derive(Clone, Copy, Debug)]
pub enum Base<'a> {
    /// Beneath the directory descriptor `fd`, which the path can never
    /// leave: `..` above it, an absolute path or a link out is `EPERM`
    /// (WASI's `path_*` functions, and the `*at` calls of Emscripten with
    /// a real directory descriptor).
    Dir(u32),
    /// The guest's one namespace: absolute paths from its root, relative
    /// ones from its working directory (Emscripten's `AT_FDCWD` and
    /// absolute paths, all of Go's paths).
    Root(&'a Namespace),
}

/// A looked-up path: the file system that holds it and where it is in it.
#[derive(Clone, Debug)]
pub struct Located {
    /// The file system the path is in.
    pub fs: Arc<dyn FileSystem>,
    /// The path within it, with what its spelling said (a trailing `/`, a
    /// final `.`).
    pub r: Resolved,
}

impl Located {
    /// Whether `self` and `other` are in the same file system, so that a
    /// rename or hard link between them is possible (else `EXDEV`).
    pub fn same_fs(&self, other: &Located) -> bool {
        Arc::ptr_eq(&self.fs, &other.fs)
    }
}

/// What a successful `rename` moved: `from` to `to`, paths in `fs`. The
/// core's descriptors follow it at once; a [`Namespace`]'s working
/// directory follows it through [`Namespace::follow_rename`].
#[derive(Clone, Debug)]
pub struct Renamed {
    /// The file system both paths are in.
    pub fs: Arc<dyn FileSystem>,
    /// The old path, within `fs`.
    pub from: String,
    /// The new path, within `fs`.
    pub to: String,
}

/// Looks `path` up from `base`, following a final symlink when `follow`.
///
/// Errors: `ENOENT` (empty path, outside every mount), `EBADF` (`base` is
/// not an open descriptor), `ENOTDIR` (`base` is not a directory, a
/// non-directory in the middle), `EPERM` (leaving the base or a mount),
/// `ELOOP`, `ENAMETOOLONG`, `EINVAL` (a NUL byte), as [`resolve`].
pub fn locate(host: &Host, base: Base<'_>, path: &str, follow: bool) -> Result<Located> {
    match base {
        Base::Dir(fd) => {
            let Descriptor::Dir(d) = host.fds.get(fd)? else {
                return Err(Errno::Notdir);
            };
            let r = resolve(d.fs.as_ref(), &d.path, path, follow)?;
            Ok(Located { fs: d.fs.clone(), r })
        }
        Base::Root(ns) => ns.lookup(&host.mounts, path, follow),
    }
}
