//! How a descriptor was opened: the descriptor flags ([`FdFlags`]) and
//! POSIX's [`Access`].

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
/// `read(2)` and `write(2)` may do with the open file. It is POSIX's, and
/// what decides; WASI's rights are only reported, by the WASI import set
/// (RATIONALE.md, "Rights report, access decides").
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
    /// Neither: what an operation needs that reads and writes no data
    /// (`fstat`, `fsync`, seeking).
    pub const NONE: Access = Access {
        read: false,
        write: false,
    };

    /// Whether this access includes all of `needed`.
    pub const fn covers(self, needed: Access) -> bool {
        (self.read || !needed.read) && (self.write || !needed.write)
    }
}
