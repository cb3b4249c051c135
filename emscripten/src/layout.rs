//! The C structs `__syscall_*` fill in guest memory, in the layouts of
//! the emcc versions that wrote the guest (`src/struct_info_generated.json`
//! of each version gives the offsets).
//!
//! `struct stat` changed in emcc 3.1.42 (emscripten-core/emscripten#19569
//! dropped musl's Linux padding fields): 88 bytes with `st_mode` at +12
//! before, 96 bytes with `st_mode` at +4 and 64-bit `tv_sec`s after. The
//! `__syscall_*stat*` imports kept their names and types, so the module's
//! imports only hint at the version ([`StatLayout::of`]).

use imports::fs::Stat;
use imports::{Errno, GuestMemory};
use wasmer::Module;

/// Which `struct stat` the guest's libc has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatLayout {
    /// emcc up to 3.1.41: 88 bytes (`st_dev` +0, `__st_ino_truncated` +8,
    /// `st_mode` +12, `st_nlink` +16, `st_size` +40, `st_blksize` +48,
    /// `st_blocks` +52, times +56/+64/+72 as i32 seconds and ns, `st_ino`
    /// +80).
    Legacy,
    /// emcc 3.1.42 and later: 96 bytes (`st_dev` +0, `st_mode` +4,
    /// `st_nlink` +8, `st_uid`/`st_gid`/`st_rdev` +12/+16/+20, `st_size`
    /// +24, `st_blksize` +32, `st_blocks` +36, times +40/+56/+72 as i64
    /// seconds and i32 ns, `st_ino` +88).
    #[default]
    Current,
}

impl StatLayout {
    /// The layout a module's imports point to: [`StatLayout::Legacy`] when
    /// it imports what only emcc before 3.1.20 did (`setTempRet0`,
    /// `getTempRet0`, `__syscall_fstatat64`), else
    /// [`StatLayout::Current`]. Modules of 3.1.20 to 3.1.41 cannot be told
    /// apart and need [`crate::Options::stat_layout`] (RATIONALE.md,
    /// "Emscripten's struct stat").
    pub fn of(module: &Module) -> StatLayout {
        match module.imports().any(|i| Self::is_legacy_import(i.module(), i.name())) {
            true => StatLayout::Legacy,
            false => StatLayout::Current,
        }
    }

    /// Whether the import `module.name` is one only emcc before 3.1.20
    /// made (see [`StatLayout::of`]).
    pub fn is_legacy_import(module: &str, name: &str) -> bool {
        module == crate::MODULE && ["setTempRet0", "getTempRet0", "__syscall_fstatat64"].contains(&name)
    }

    /// Bytes of `struct stat`.
    pub fn stat_size(self) -> u32 {
        match self {
            StatLayout::Legacy => 88,
            StatLayout::Current => 96,
        }
    }
}

/// Writes `st` as `struct stat` at `buf`, as the glue's `doStat` /
/// `writeStat` does (uid, gid and rdev 0; `st_blksize` 4096; `st_blocks`
/// in 512-byte units). Errors: `EFAULT`.
pub fn write_stat(mem: &mut GuestMemory<'_>, buf: u32, st: &Stat, layout: StatLayout) -> Result<(), Errno> {
    let b = mem.slice_mut(buf, layout.stat_size())?;
    b.fill(0);
    let mut put = |off: usize, bytes: &[u8]| b[off..off + bytes.len()].copy_from_slice(bytes);
    let blocks = st.size.div_ceil(512).min(u64::from(u32::MAX)) as u32;
    let nlink = st.nlink.min(u64::from(u32::MAX)) as u32;
    let times = [st.atim, st.mtim, st.ctim];
    put(0, &(st.dev as u32).to_le_bytes());
    match layout {
        StatLayout::Legacy => {
            put(8, &(st.ino as u32).to_le_bytes());
            put(12, &st.st_mode().to_le_bytes());
            put(16, &nlink.to_le_bytes());
            put(40, &st.size.to_le_bytes());
            put(48, &4096u32.to_le_bytes());
            put(52, &blocks.to_le_bytes());
            for (off, t) in [56, 64, 72].into_iter().zip(times) {
                put(off, &((t / 1_000_000_000) as u32).to_le_bytes());
                put(off + 4, &((t % 1_000_000_000) as u32).to_le_bytes());
            }
            put(80, &st.ino.to_le_bytes());
        }
        StatLayout::Current => {
            put(4, &st.st_mode().to_le_bytes());
            put(8, &nlink.to_le_bytes());
            put(24, &st.size.to_le_bytes());
            put(32, &4096u32.to_le_bytes());
            put(36, &blocks.to_le_bytes());
            for (off, t) in [40, 56, 72].into_iter().zip(times) {
                put(off, &(t / 1_000_000_000).to_le_bytes());
                put(off + 8, &((t % 1_000_000_000) as u32).to_le_bytes());
            }
            put(88, &st.ino.to_le_bytes());
        }
    }
    Ok(())
}

/// Bytes of `struct statfs` (the same in every version).
pub const STATFS_SIZE: u32 = 88;

/// Writes `struct statfs` at `buf` with the values the glue's
/// `doStatFs` reports for any file system (`f_bsize` 4096, a million
/// blocks and inodes, half free, `f_namelen` 255, `f_fsid` 42, `f_flags`
/// `ST_NOSUID`): the mounts' real capacity is the host's business, and
/// the guest gets what it would under the glue. Errors: `EFAULT`.
pub fn write_statfs(mem: &mut GuestMemory<'_>, buf: u32) -> Result<(), Errno> {
    let b = mem.slice_mut(buf, STATFS_SIZE)?;
    b.fill(0);
    let mut put = |off: usize, bytes: &[u8]| b[off..off + bytes.len()].copy_from_slice(bytes);
    put(4, &4096u32.to_le_bytes());
    put(60, &4096u32.to_le_bytes());
    put(8, &1_000_000u64.to_le_bytes());
    put(16, &500_000u64.to_le_bytes());
    put(24, &500_000u64.to_le_bytes());
    put(32, &1_000_000u64.to_le_bytes());
    put(40, &500_000u64.to_le_bytes());
    put(48, &42u32.to_le_bytes());
    put(56, &255u32.to_le_bytes());
    put(64, &2u32.to_le_bytes());
    Ok(())
}
