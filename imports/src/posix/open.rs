//! `open`: from a path and what the caller asks for to a finished
//! descriptor at the lowest free number, for WASI's `path_open`,
//! Emscripten's `__syscall_openat` and Go's `fs.open`.

use super::{locate, Base};
use crate::descriptor::{Access, Descriptor, FdFlags, OpenDir, OpenFile, Rights};
use crate::errno::Result;
use crate::fs::{open_resolved, OpenRequest, Opened};
use crate::host::Host;

/// What an open asks for.
#[derive(Clone, Copy, Debug)]
pub struct Open {
    /// The POSIX request: following, `O_DIRECTORY`, access, creation.
    pub request: OpenRequest,
    /// Flags of the new descriptor (`O_APPEND`, `O_NONBLOCK`...).
    pub flags: FdFlags,
    /// Permission bits for a file this open creates (the caller has
    /// applied its umask); `None` leaves the file system's default.
    pub mode: Option<u32>,
    /// The most rights the new descriptor may carry: WASI's `rights_base`
    /// narrowed by what the directory may hand on. Other ABIs leave it at
    /// [`Rights::ALL`]; the file's type and access mode narrow it further.
    pub rights: Rights,
    /// Rights descriptors opened through the new one may have: WASI's
    /// `rights_inheriting`.
    pub inheriting: Rights,
}

impl Default for Open {
    fn default() -> Self {
        Open {
            request: OpenRequest::default(),
            flags: FdFlags::default(),
            mode: None,
            rights: Rights::ALL,
            inheriting: Rights::ALL,
        }
    }
}

/// Opens (or creates) `path` from `base` as `o` asks and puts the result
/// at the lowest free descriptor, which it returns.
///
/// A directory gets [`Rights::DIRECTORY`], a file [`Rights::REGULAR_FILE`]
/// without `FD_READ` or `FD_WRITE` where the access mode lacks them, both
/// within `o.rights`. Errors: [`locate`]'s and [`open_resolved`]'s
/// (`ENOENT`, `EEXIST`, `EISDIR`, `ENOTDIR`, `ELOOP`, `EROFS`...), `EMFILE`.
pub fn open(host: &mut Host, base: Base<'_>, path: &str, o: &Open) -> Result<u32> {
    let at = locate(host, base, path, o.request.follows())?;
    let descriptor = match open_resolved(at.fs.as_ref(), at.r, &o.request)? {
        Opened::Dir { path } => Descriptor::Dir(OpenDir {
            fs: at.fs,
            path,
            preopen: None,
            rights: o.rights.intersect(Rights::DIRECTORY),
            inheriting: o.inheriting,
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
                rights: file_rights(o),
                inheriting: o.inheriting,
                flags: o.flags,
            })
        }
    };
    host.fds.insert(descriptor)
}

/// The rights of an opened file: those of its type, within what was asked
/// for, without the access the open did not ask for.
fn file_rights(o: &Open) -> Rights {
    let mut rights = o.rights.intersect(Rights::REGULAR_FILE).0;
    if !o.request.options.read {
        rights &= !Rights::FD_READ.0;
    }
    if !o.request.options.write {
        rights &= !Rights::FD_WRITE.0;
    }
    Rights(rights)
}
