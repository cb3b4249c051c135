//! `st_mode` and `d_type`: how a [`Stat`] reads in POSIX terms, once for
//! every ABI that shows them (Emscripten's `struct stat` and `dirent`,
//! Go's `fs.Stats`).

use crate::fs::{FileType, Stat};

/// `S_IFMT`: the file-type bits of `st_mode`.
pub const S_IFMT: u32 = 0o170000;
/// `S_IFSOCK`.
pub const S_IFSOCK: u32 = 0o140000;
/// `S_IFLNK`.
pub const S_IFLNK: u32 = 0o120000;
/// `S_IFREG`.
pub const S_IFREG: u32 = 0o100000;
/// `S_IFBLK`.
pub const S_IFBLK: u32 = 0o060000;
/// `S_IFDIR`.
pub const S_IFDIR: u32 = 0o040000;
/// `S_IFCHR`.
pub const S_IFCHR: u32 = 0o020000;
/// `S_IFIFO`.
pub const S_IFIFO: u32 = 0o010000;

impl FileType {
    /// The `S_IF*` bits of `st_mode` for this type. `Unknown` reads as a
    /// regular file: POSIX has no "unknown", and a program that tests
    /// `S_ISREG` on a stream it can read gets the answer it can use.
    pub fn s_ifmt(self) -> u32 {
        match self {
            FileType::Directory => S_IFDIR,
            FileType::RegularFile | FileType::Unknown => S_IFREG,
            FileType::SymbolicLink => S_IFLNK,
            FileType::CharacterDevice => S_IFCHR,
            FileType::BlockDevice => S_IFBLK,
            FileType::SocketStream | FileType::SocketDgram => S_IFSOCK,
            FileType::Pipe => S_IFIFO,
        }
    }

    /// The permission bits a file of this type shows when its file system
    /// keeps none, as a Linux host shows them: `0755` directories, `0644`
    /// files, `0777` links, sockets and devices `0666` (`/dev/null`), pipes
    /// `0600` (RATIONALE.md, "Permission bits in `st_mode`").
    pub fn default_permissions(self) -> u32 {
        match self {
            FileType::Directory => 0o755,
            FileType::RegularFile | FileType::Unknown => 0o644,
            FileType::SymbolicLink | FileType::SocketStream | FileType::SocketDgram => 0o777,
            FileType::CharacterDevice | FileType::BlockDevice => 0o666,
            FileType::Pipe => 0o600,
        }
    }

    /// `d_type` of a `struct dirent` (`DT_*` of Linux's `dirent.h`):
    /// `DT_UNKNOWN` 0, `DT_FIFO` 1, `DT_CHR` 2, `DT_DIR` 4, `DT_BLK` 6,
    /// `DT_REG` 8, `DT_LNK` 10, `DT_SOCK` 12.
    pub fn d_type(self) -> u8 {
        match self {
            FileType::Unknown => 0,
            FileType::Pipe => 1,
            FileType::CharacterDevice => 2,
            FileType::Directory => 4,
            FileType::BlockDevice => 6,
            FileType::RegularFile => 8,
            FileType::SymbolicLink => 10,
            FileType::SocketStream | FileType::SocketDgram => 12,
        }
    }
}

impl Stat {
    /// POSIX `st_mode`: the type bits and the permission bits the file
    /// system keeps, or the type's defaults where it keeps none
    /// ([`FileType::default_permissions`]).
    pub fn st_mode(&self) -> u32 {
        let perm = if self.mode != 0 {
            self.mode & 0o7777
        } else {
            self.filetype.default_permissions()
        };
        self.filetype.s_ifmt() | perm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_bits_win_over_defaults() {
        let dir = Stat {
            filetype: FileType::Directory,
            ..Stat::default()
        };
        assert_eq!(dir.st_mode(), 0o040755);
        let file = Stat {
            filetype: FileType::RegularFile,
            mode: 0o600,
            ..Stat::default()
        };
        assert_eq!(file.st_mode(), 0o100600);
        assert_eq!(FileType::Unknown.s_ifmt(), S_IFREG);
        assert_eq!(FileType::SymbolicLink.d_type(), 10);
    }
}
