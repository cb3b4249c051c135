//! WASI preview1 ABI constants and record layouts, as in
//! `wasi_snapshot_preview1.witx`/`typenames.witx` (WebAssembly/WASI,
//! `legacy/preview1`). Offsets are in bytes, little-endian.

use imports::fs::{FileType, Stat};
use imports::{Errno, GuestMemory};

/// `filetype` numbering.
pub fn filetype(t: FileType) -> u8 {
    match t {
        FileType::Unknown | FileType::Pipe => 0,
        FileType::BlockDevice => 1,
        FileType::CharacterDevice => 2,
        FileType::Directory => 3,
        FileType::RegularFile => 4,
        FileType::SocketDgram => 5,
        FileType::SocketStream => 6,
        FileType::SymbolicLink => 7,
    }
}

/// `oflags`.
pub mod oflags {
    /// Create file if it does not exist.
    pub const CREAT: u32 = 1 << 0;
    /// Fail if not a directory.
    pub const DIRECTORY: u32 = 1 << 1;
    /// Fail if file already exists.
    pub const EXCL: u32 = 1 << 2;
    /// Truncate file to size 0.
    pub const TRUNC: u32 = 1 << 3;
}

/// `lookupflags`: follow a final symlink.
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1 << 0;

/// `fstflags`.
pub mod fstflags {
    /// Set atime to the given value.
    pub const ATIM: u32 = 1 << 0;
    /// Set atime to now.
    pub const ATIM_NOW: u32 = 1 << 1;
    /// Set mtime to the given value.
    pub const MTIM: u32 = 1 << 2;
    /// Set mtime to now.
    pub const MTIM_NOW: u32 = 1 << 3;
}

/// `whence`.
pub mod whence {
    /// From the start.
    pub const SET: u32 = 0;
    /// From the current offset.
    pub const CUR: u32 = 1;
    /// From the end.
    pub const END: u32 = 2;
}

/// `clockid`.
pub mod clockid {
    /// Wall-clock time.
    pub const REALTIME: u32 = 0;
    /// Monotonic time.
    pub const MONOTONIC: u32 = 1;
    /// Process CPU time.
    pub const PROCESS_CPUTIME_ID: u32 = 2;
    /// Thread CPU time.
    pub const THREAD_CPUTIME_ID: u32 = 3;
}

/// `eventtype`.
pub mod eventtype {
    /// A clock subscription fired.
    pub const CLOCK: u8 = 0;
    /// A descriptor is readable.
    pub const FD_READ: u8 = 1;
    /// A descriptor is writable.
    pub const FD_WRITE: u8 = 2;
}

/// `subclockflags`: the timeout is an absolute time.
pub const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1 << 0;

/// `riflags`.
pub mod riflags {
    /// Peek, don't consume.
    pub const RECV_PEEK: u32 = 1 << 0;
    /// Wait until the buffers are full.
    pub const RECV_WAITALL: u32 = 1 << 1;
}

/// `sdflags`.
pub mod sdflags {
    /// Shut down reads.
    pub const RD: u32 = 1 << 0;
    /// Shut down writes.
    pub const WR: u32 = 1 << 1;
}

/// `preopentype`: a directory.
pub const PREOPENTYPE_DIR: u8 = 0;

/// Size of `fdstat`.
pub const FDSTAT_SIZE: u32 = 24;
/// Size of `filestat`.
pub const FILESTAT_SIZE: u32 = 64;
/// Size of a `dirent` header (the name follows it).
pub const DIRENT_SIZE: usize = 24;
/// Size of `event`.
pub const EVENT_SIZE: u32 = 32;

/// Where a `subscription`'s clock fields sit: preview0 has an extra
/// `identifier` before them.
pub struct SubscriptionLayout {
    /// Size of one `subscription`.
    pub size: u32,
    /// Offset of `subscription_clock::id` (the clock fields follow it at
    /// +8 `timeout`, +24 `flags`).
    pub clock_id: u32,
}

/// The layouts that differ between preview1 and preview0
/// (`wasi_unstable`), so that a function seeing them is written once and
/// registered for each (`fd_filestat_get::<S, Preview0>`).
pub trait Layout: Send + Sync + 'static {
    /// `subscription`'s size and where its clock fields are.
    const SUBSCRIPTION: SubscriptionLayout;
    /// Writes a `filestat` at `ptr`.
    fn write_filestat(mem: &mut GuestMemory<'_>, ptr: u32, st: &Stat) -> Result<(), Errno>;
}

/// preview1's layouts: 48-byte subscriptions, 64-byte `filestat`.
pub struct Preview1;

impl Layout for Preview1 {
    const SUBSCRIPTION: SubscriptionLayout = SubscriptionLayout { size: 48, clock_id: 16 };
    fn write_filestat(mem: &mut GuestMemory<'_>, ptr: u32, st: &Stat) -> Result<(), Errno> {
        write_filestat(mem, ptr, st)
    }
}

/// Writes a `filestat` at `ptr`.
pub fn write_filestat(mem: &mut GuestMemory<'_>, ptr: u32, st: &Stat) -> Result<(), Errno> {
    let b = mem.slice_mut(ptr, FILESTAT_SIZE)?;
    b.fill(0);
    b[0..8].copy_from_slice(&st.dev.to_le_bytes());
    b[8..16].copy_from_slice(&st.ino.to_le_bytes());
    b[16] = filetype(st.filetype);
    b[24..32].copy_from_slice(&st.nlink.to_le_bytes());
    b[32..40].copy_from_slice(&st.size.to_le_bytes());
    b[40..48].copy_from_slice(&st.atim.to_le_bytes());
    b[48..56].copy_from_slice(&st.mtim.to_le_bytes());
    b[56..64].copy_from_slice(&st.ctim.to_le_bytes());
    Ok(())
}

/// Writes a `dirent` header into `out` (24 bytes).
pub fn dirent(next: u64, ino: u64, namlen: u32, t: FileType) -> [u8; DIRENT_SIZE] {
    let mut b = [0u8; DIRENT_SIZE];
    b[0..8].copy_from_slice(&next.to_le_bytes());
    b[8..16].copy_from_slice(&ino.to_le_bytes());
    b[16..20].copy_from_slice(&namlen.to_le_bytes());
    b[20] = filetype(t);
    b
}
