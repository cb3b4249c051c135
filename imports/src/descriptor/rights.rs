//! What a descriptor may do and how it was opened: WASI's [`Rights`],
//! the descriptor flags ([`FdFlags`]) and POSIX's [`Access`].

use crate::errno::{Errno, Result};

/// Rights a descriptor carries: a bit set numbered as WASI preview1's
/// `rights` (`typenames.witx`). An operation whose right is missing is
/// `ENOTCAPABLE`.
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

    /// Rights that make sense on a regular file.
    pub const REGULAR_FILE: Rights = Rights(
        Self::FD_DATASYNC.0
            | Self::FD_READ.0
            | Self::FD_SEEK.0
            | Self::FD_FDSTAT_SET_FLAGS.0
            | Self::FD_SYNC.0
            | Self::FD_TELL.0
            | Self::FD_WRITE.0
            | Self::FD_ADVISE.0
            | Self::FD_ALLOCATE.0
            | Self::FD_FILESTAT_GET.0
            | Self::FD_FILESTAT_SET_SIZE.0
            | Self::FD_FILESTAT_SET_TIMES.0
            | Self::POLL_FD_READWRITE.0,
    );

    /// Rights that make sense on a directory (for itself).
    pub const DIRECTORY: Rights = Rights(
        Self::FD_FDSTAT_SET_FLAGS.0
            | Self::FD_SYNC.0
            | Self::FD_ADVISE.0
            | Self::PATH_CREATE_DIRECTORY.0
            | Self::PATH_CREATE_FILE.0
            | Self::PATH_LINK_SOURCE.0
            | Self::PATH_LINK_TARGET.0
            | Self::PATH_OPEN.0
            | Self::FD_READDIR.0
            | Self::PATH_READLINK.0
            | Self::PATH_RENAME_SOURCE.0
            | Self::PATH_RENAME_TARGET.0
            | Self::PATH_FILESTAT_GET.0
            | Self::PATH_FILESTAT_SET_SIZE.0
            | Self::PATH_FILESTAT_SET_TIMES.0
            | Self::FD_FILESTAT_GET.0
            | Self::FD_FILESTAT_SET_TIMES.0
            | Self::PATH_SYMLINK.0
            | Self::PATH_REMOVE_DIRECTORY.0
            | Self::PATH_UNLINK_FILE.0,
    );

    /// Rights of a stdio stream or other character device: no seek/tell,
    /// so that libc's `isatty` answers as it would on a terminal.
    pub const STREAM: Rights = Rights(
        Self::FD_READ.0
            | Self::FD_WRITE.0
            | Self::FD_FDSTAT_SET_FLAGS.0
            | Self::FD_FILESTAT_GET.0
            | Self::POLL_FD_READWRITE.0,
    );

    /// Rights of a connected stream socket.
    pub const SOCKET: Rights = Rights(
        Self::FD_READ.0
            | Self::FD_WRITE.0
            | Self::FD_FDSTAT_SET_FLAGS.0
            | Self::FD_FILESTAT_GET.0
            | Self::POLL_FD_READWRITE.0
            | Self::SOCK_SHUTDOWN.0,
    );

    /// Rights of a listening socket.
    pub const LISTENER: Rights =
        Rights(Self::FD_FDSTAT_SET_FLAGS.0 | Self::FD_FILESTAT_GET.0 | Self::POLL_FD_READWRITE.0 | Self::SOCK_ACCEPT.0);

    /// Whether every right in `other` is in `self`.
    pub const fn contains(self, other: Rights) -> bool {
        self.0 & other.0 == other.0
    }

    /// The rights in both.
    pub const fn intersect(self, other: Rights) -> Rights {
        Rights(self.0 & other.0)
    }

    /// `Ok` if `self` holds `needed`, else `ENOTCAPABLE`.
    pub fn require(self, needed: Rights) -> Result<()> {
        if self.contains(needed) {
            Ok(())
        } else {
            Err(Errno::Notcapable)
        }
    }
}

impl std::ops::BitOr for Rights {
    type Output = Rights;
    fn bitor(self, rhs: Rights) -> Rights {
        Rights(self.0 | rhs.0)
    }
}

/// Descriptor flags, as WASI preview1's `fdflags` (POSIX `O_APPEND`,
/// `O_DSYNC`, `O_NONBLOCK`, `O_RSYNC`, `O_SYNC`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct FdFlags(pub u16);

impl FdFlags {
    /// Writes append to the end.
    pub const APPEND: FdFlags = FdFlags(1 << 0);
    /// Synchronised data writes.
    pub const DSYNC: FdFlags = FdFlags(1 << 1);
    /// Non-blocking mode.
    pub const NONBLOCK: FdFlags = FdFlags(1 << 2);
    /// Synchronised reads.
    pub const RSYNC: FdFlags = FdFlags(1 << 3);
    /// Synchronised writes.
    pub const SYNC: FdFlags = FdFlags(1 << 4);
    /// All flags WASI defines.
    pub const ALL: FdFlags = FdFlags(0x1f);

    /// Whether `flag` is set.
    pub const fn contains(self, flag: FdFlags) -> bool {
        self.0 & flag.0 == flag.0
    }
}

/// The access an open granted (`O_RDONLY`, `O_WRONLY`, `O_RDWR`): what
/// `read(2)` and `write(2)` may do with the open file. It is POSIX's, kept
/// apart from WASI's [`Rights`], which only the WASI import set reads
/// (RATIONALE.md, "One POSIX core").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Access {
    /// Open for reading.
    pub read: bool,
    /// Open for writing.
    pub write: bool,
}

impl Access {
    /// Reading only (`O_RDONLY`).
    pub const READ: Access = Access {
        read: true,
        write: false,
    };
    /// Writing only (`O_WRONLY`).
    pub const WRITE: Access = Access {
        read: false,
        write: true,
    };
    /// Both (`O_RDWR`).
    pub const READ_WRITE: Access = Access {
        read: true,
        write: true,
    };
}
