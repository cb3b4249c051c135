//! WASI's rights, as this import set reports them and never checks.
//!
//! Preview1 gives every descriptor rights (`fdstat.fs_rights_base`,
//! `fs_rights_inheriting`) and lets `path_open` ask for some. Rights were
//! dropped from later WASI, and wasmtime no longer refuses anything for
//! their sake: what a descriptor can do follows what it is (a file, a
//! directory, a stream) and the access it was opened with, and a missing
//! access is `EBADF`, as POSIX says. We follow wasmtime (the reference
//! runtime of our WASI tests; RATIONALE.md, "Rights report, access
//! decides"): `path_open`'s rights pick the access only, `fd_fdstat_get`
//! reports the rights wasmtime reports for the same descriptor
//! ([`reported`]), and `fd_fdstat_set_rights` is `ENOTSUP`. The sandbox
//! does not rest on rights: mounts confine paths and a read-only file
//! system refuses every change itself.

use imports::descriptor::{Descriptor, OpenDir, OpenFile};
use imports::fs::FileType;

/// A set of rights, numbered as WASI preview1's `rights`
/// (`typenames.witx`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Rights(pub u64);

macro_rules! rights {
    ($($(#[$doc:meta])* $name:ident = $bit:literal;)*) => {
        impl Rights {
            $($(#[$doc])* pub const $name: Rights = Rights(1 << $bit);)*
            /// Every right WASI preview1 defines.
            pub const ALL: Rights = Rights(0 $(| (1 << $bit))*);
        }
    };
}

rights! {
    /// `fd_datasync`.
    FD_DATASYNC = 0;
    /// `fd_read`, `sock_recv`.
    FD_READ = 1;
    /// `fd_seek` (implies `FD_TELL`).
    FD_SEEK = 2;
    /// `fd_fdstat_set_flags`.
    FD_FDSTAT_SET_FLAGS = 3;
    /// `fd_sync`.
    FD_SYNC = 4;
    /// `fd_tell`, and `fd_seek` with offset 0 from the current position.
    FD_TELL = 5;
    /// `fd_write`, `sock_send`.
    FD_WRITE = 6;
    /// `fd_advise`.
    FD_ADVISE = 7;
    /// `fd_allocate`.
    FD_ALLOCATE = 8;
    /// `path_create_directory`.
    PATH_CREATE_DIRECTORY = 9;
    /// `path_open` with `O_CREAT`.
    PATH_CREATE_FILE = 10;
    /// `path_link` on the source directory.
    PATH_LINK_SOURCE = 11;
    /// `path_link` on the target directory.
    PATH_LINK_TARGET = 12;
    /// `path_open`.
    PATH_OPEN = 13;
    /// `fd_readdir`.
    FD_READDIR = 14;
    /// `path_readlink`.
    PATH_READLINK = 15;
    /// `path_rename` on the source directory.
    PATH_RENAME_SOURCE = 16;
    /// `path_rename` on the target directory.
    PATH_RENAME_TARGET = 17;
    /// `path_filestat_get`.
    PATH_FILESTAT_GET = 18;
    /// `path_open` with `O_TRUNC`.
    PATH_FILESTAT_SET_SIZE = 19;
    /// `path_filestat_set_times`.
    PATH_FILESTAT_SET_TIMES = 20;
    /// `fd_filestat_get`.
    FD_FILESTAT_GET = 21;
    /// `fd_filestat_set_size`.
    FD_FILESTAT_SET_SIZE = 22;
    /// `fd_filestat_set_times`.
    FD_FILESTAT_SET_TIMES = 23;
    /// `path_symlink`.
    PATH_SYMLINK = 24;
    /// `path_remove_directory`.
    PATH_REMOVE_DIRECTORY = 25;
    /// `path_unlink_file`.
    PATH_UNLINK_FILE = 26;
    /// `poll_oneoff` on `fd_read`/`fd_write` subscriptions.
    POLL_FD_READWRITE = 27;
    /// `sock_shutdown`.
    SOCK_SHUTDOWN = 28;
    /// `sock_accept`.
    SOCK_ACCEPT = 29;
}

impl Rights {
    /// No rights.
    pub const NONE: Rights = Rights(0);

    /// Whether every right in `other` is in `self`.
    pub const fn contains(self, other: Rights) -> bool {
        self.0 & other.0 == other.0
    }

    /// The rights in both.
    pub const fn intersect(self, other: Rights) -> Rights {
        Rights(self.0 & other.0)
    }

    /// The rights of `self` without those in `other`.
    pub const fn without(self, other: Rights) -> Rights {
        Rights(self.0 & !other.0)
    }
}

impl std::ops::BitOr for Rights {
    type Output = Rights;
    fn bitor(self, rhs: Rights) -> Rights {
        Rights(self.0 | rhs.0)
    }
}

/// What wasmtime reports for a directory opened by `path_open`: every
/// right but seeking, writing and the two set-size ones.
const DIRECTORY: Rights = Rights::ALL.without(Rights(
    Rights::FD_SEEK.0 | Rights::FD_WRITE.0 | Rights::PATH_FILESTAT_SET_SIZE.0 | Rights::FD_FILESTAT_SET_SIZE.0,
));

/// What wasmtime reports as a preopened directory's base rights: the
/// `path_*` operations and its own attributes.
const PREOPEN: Rights = Rights(0x07b7_fe00);

/// What wasmtime reports as a preopened directory's inheriting rights.
const PREOPEN_INHERITING: Rights = Rights(0x0ff7_ffff);

/// Rights that change something; a read-only mount reports none of them.
const CHANGES: Rights = Rights(
    Rights::FD_WRITE.0
        | Rights::FD_ALLOCATE.0
        | Rights::PATH_CREATE_DIRECTORY.0
        | Rights::PATH_CREATE_FILE.0
        | Rights::PATH_LINK_SOURCE.0
        | Rights::PATH_LINK_TARGET.0
        | Rights::PATH_RENAME_SOURCE.0
        | Rights::PATH_RENAME_TARGET.0
        | Rights::PATH_FILESTAT_SET_SIZE.0
        | Rights::PATH_FILESTAT_SET_TIMES.0
        | Rights::FD_FILESTAT_SET_SIZE.0
        | Rights::FD_FILESTAT_SET_TIMES.0
        | Rights::PATH_SYMLINK.0
        | Rights::PATH_REMOVE_DIRECTORY.0
        | Rights::PATH_UNLINK_FILE.0,
);

/// Rights of a listening socket.
const LISTENER: Rights = Rights(
    Rights::FD_FDSTAT_SET_FLAGS.0 | Rights::FD_FILESTAT_GET.0 | Rights::POLL_FD_READWRITE.0 | Rights::SOCK_ACCEPT.0,
);

/// The rights `fd_fdstat_get` reports for `d`, (base, inheriting), as
/// wasmtime reports them for the same descriptor.
pub fn reported(d: &Descriptor) -> (Rights, Rights) {
    match d {
        Descriptor::File(f) => file(f),
        Descriptor::Dir(d) => directory(d),
        Descriptor::Listener(_) => (LISTENER, Rights::NONE),
    }
}

/// A regular file: every right but the access it was not opened with
/// (no read: neither `FD_READ` nor `FD_READDIR`). A stream (stdio, a
/// pipe, a socket): only `FD_READ` and `FD_WRITE` as opened, so libc's
/// `isatty` (no `FD_SEEK`, no `FD_TELL`) sees a terminal-like stream.
fn file(f: &OpenFile) -> (Rights, Rights) {
    let regular = matches!(f.filetype, FileType::RegularFile | FileType::BlockDevice);
    let mut r = if regular {
        Rights::ALL
    } else {
        Rights::FD_READ | Rights::FD_WRITE
    };
    if !f.access.read {
        r = r.without(Rights::FD_READ | Rights::FD_READDIR);
    }
    if !f.access.write {
        r = r.without(Rights::FD_WRITE);
    }
    (r, r)
}

/// A directory: a preopen's rights or an opened one's, without the rights
/// that change something when its file system is read-only.
fn directory(d: &OpenDir) -> (Rights, Rights) {
    let (base, inheriting) = match d.preopen {
        Some(_) => (PREOPEN, PREOPEN_INHERITING),
        None => (DIRECTORY, DIRECTORY),
    };
    match d.fs.is_read_only() {
        true => (base.without(CHANGES), inheriting.without(CHANGES)),
        false => (base, inheriting),
    }
}
