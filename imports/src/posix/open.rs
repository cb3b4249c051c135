//! `open`: from a path and what the caller asks for to a finished
//! descriptor at the lowest free number, for WASI's `path_open`,
//! Emscripten's `__syscall_openat` and Go's `fs.open`.

use super::{locate, Base};
use crate::descriptor::{Access, Descriptor, FdFlags, OpenDir, OpenFile};
use crate::errno::Result;
use crate::fs::{open_resolved, OpenRequest, Opened};
use crate::host::Host;

/// What an open asks for.
#[derive(Clone, Copy, Debug, Default)]
pub struct Open {
    /// The POSIX request: following, `O_DIRECTORY`, access, creation.
    pub request: OpenRequest,
    /// Flags of the new descriptor (`O_APPEND`, `O_NONBLOCK`...).
    pub flags: FdFlags,
    /// Permission bits for a file this open creates (the caller has
    /// applied its umask); `None` leaves the file system's default.
    pub mode: Option<u32>,
}

/// Opens (or creates) `path` from `base` as `o` asks and puts the result
/// at the lowest free descriptor, which it returns.
///
/// A file keeps the access `o.request` asked for. Errors: [`locate`]'s and [`open_resolved`]'s
/// (`ENOENT`, `EEXIST`, `EISDIR`, `ENOTDIR`, `ELOOP`, `EROFS`...), `EMFILE`.
pub fn open(host: &mut Host, base: Base<'_>, path: &str, o: &Open) -> Result<u32> {
    let at = locate(host, base, path, o.request.follows())?;
    let descriptor = match open_resolved(at.fs.as_ref(), at.r, &o.request)? {
        Opened::Dir { path } => Descriptor::Dir(OpenDir {
            fs: at.fs,
            path,
            preopen: None,
            flags: o.flags,
            listing: None,
        }),
        Opened::File {
            file,
            filetype,
            created,
            path,
        } => {
            if let (true, Some(mode)) = (created, o.mode) {
                // Best effort, as the file exists now: a file system that
                // keeps no permission bits shows its defaults.
                let _ = at.fs.set_mode(&path, mode & 0o7777);
            }
            let options = &o.request.options;
            Descriptor::File(OpenFile {
                file,
                filetype,
                access: Access {
                    read: options.read,
                    write: options.write,
                },
                flags: o.flags,
            })
        }
    };
    host.fds.insert(descriptor)
}
