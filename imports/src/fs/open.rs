//! Opening a resolved path: the POSIX `open` rules every import set
//! shares (WASI `path_open`, Emscripten `__syscall_openat`, Go's
//! `fs.open`), so a fix to them lands once.

use super::{File, FileSystem, FileType, OpenOptions, Resolved};
use crate::errno::{Errno, Result};

/// What an `open` asks for, in POSIX terms.
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenRequest {
    /// Follow a final symlink (no `O_NOFOLLOW`).
    pub follow: bool,
    /// `O_DIRECTORY`: fail unless it is a directory.
    pub directory: bool,
    /// Access, creation and truncation, passed to [`FileSystem::open`].
    pub options: OpenOptions,
}

impl OpenRequest {
    /// Whether to resolve the path following a final symlink: never with
    /// `O_CREAT|O_EXCL`, which must fail on a symlink, dangling or not
    /// (POSIX `open`).
    pub fn follows(&self) -> bool {
        self.follow && !(self.options.create && self.options.exclusive)
    }
}

/// What [`open_resolved`] opened.
#[derive(Debug)]
pub enum Opened {
    /// A file (anything but a directory).
    File {
        /// The open file.
        file: Box<dyn File>,
        /// Its type (`RegularFile` when just created).
        filetype: FileType,
        /// It did not exist before this open.
        created: bool,
        /// Its resolved path.
        path: String,
    },
    /// A directory at this resolved path; the caller makes its descriptor.
    Dir {
        /// The resolved path.
        path: String,
    },
}

/// Opens `r` (resolved with [`OpenRequest::follows`]) as `req` asks, with
/// POSIX's answers: `EEXIST` (`O_CREAT|O_EXCL` on anything that exists, a
/// symlink included), `EISDIR` (a directory for writing or truncation, or
/// a name ending in `/` or `.` to create), `ENOTDIR` (`O_DIRECTORY` or a
/// trailing `/` on a non-directory, `O_DIRECTORY` on a symlink not
/// followed), `ELOOP` (a symlink not followed), `ENOENT` (missing, no
/// `O_CREAT`), and whatever the file system's `open` reports (`EROFS`...).
pub fn open_resolved(fs: &dyn FileSystem, r: Resolved, req: &OpenRequest) -> Result<Opened> {
    let o = &req.options;
    let exclusive = o.create && o.exclusive;
    let existing = match fs.stat(&r.path) {
        Ok(st) => Some(st.filetype),
        Err(Errno::Noent) => None,
        Err(e) => return Err(e),
    };
    match existing {
        Some(FileType::Directory) if exclusive => Err(Errno::Exist),
        Some(FileType::Directory) if o.write || o.truncate => Err(Errno::Isdir),
        Some(FileType::Directory) => Ok(Opened::Dir { path: r.path }),
        Some(FileType::SymbolicLink) if exclusive => Err(Errno::Exist),
        Some(FileType::SymbolicLink) if req.directory => Err(Errno::Notdir),
        Some(FileType::SymbolicLink) => Err(Errno::Loop),
        Some(_) if req.directory || r.must_be_dir => Err(Errno::Notdir),
        Some(_) if exclusive => Err(Errno::Exist),
        None if !o.create => Err(Errno::Noent),
        None if r.must_be_dir || r.ends_in_dot => Err(Errno::Isdir),
        _ => {
            let file = fs.open(&r.path, o)?;
            Ok(Opened::File {
                file,
                filetype: existing.unwrap_or(FileType::RegularFile),
                created: existing.is_none(),
                path: r.path,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{resolve, MemFs};

    fn open(fs: &MemFs, path: &str, req: OpenRequest) -> Result<Opened> {
        let r = resolve(fs, "", path, req.follows())?;
        open_resolved(fs, r, &req)
    }

    fn req(create: bool, exclusive: bool) -> OpenRequest {
        OpenRequest {
            follow: true,
            directory: false,
            options: OpenOptions {
                read: true,
                write: true,
                create,
                exclusive,
                ..Default::default()
            },
        }
    }

    #[test]
    fn posix_answers() {
        let fs = MemFs::new();
        fs.write_file("f", b"x").unwrap();
        fs.create_dir("d").unwrap();
        fs.symlink("nowhere", "dangling").unwrap();
        fs.symlink("f", "to_f").unwrap();
        // O_CREAT|O_EXCL never follows, never creates through a link.
        assert_eq!(open(&fs, "dangling", req(true, true)).unwrap_err(), Errno::Exist);
        assert_eq!(open(&fs, "to_f", req(true, true)).unwrap_err(), Errno::Exist);
        assert!(fs.stat("nowhere").is_err());
        // Plain O_CREAT follows a dangling link and creates its target.
        assert!(matches!(
            open(&fs, "dangling", req(true, false)).unwrap(),
            Opened::File { created: true, .. }
        ));
        assert!(fs.stat("nowhere").is_ok());
        assert_eq!(open(&fs, "d", req(false, false)).unwrap_err(), Errno::Isdir);
        let mut ro = req(false, false);
        ro.options.write = false;
        assert!(matches!(open(&fs, "d", ro).unwrap(), Opened::Dir { .. }));
        ro.directory = true;
        assert_eq!(open(&fs, "f", ro).unwrap_err(), Errno::Notdir);
        ro.follow = false;
        assert_eq!(open(&fs, "to_f", ro).unwrap_err(), Errno::Notdir);
        ro.directory = false;
        assert_eq!(open(&fs, "to_f", ro).unwrap_err(), Errno::Loop);
        assert_eq!(open(&fs, "missing", ro).unwrap_err(), Errno::Noent);
        assert_eq!(open(&fs, "new/", req(true, false)).unwrap_err(), Errno::Isdir);
        assert_eq!(open(&fs, "f", req(true, true)).unwrap_err(), Errno::Exist);
    }
}
