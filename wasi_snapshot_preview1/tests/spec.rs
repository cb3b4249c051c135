//! Spec-exact edge cases of WASI preview1, each checked on an in-memory
//! and on a host-directory mount (the same resolver and descriptor layer
//! sit over both, so both must answer alike).

mod common;

use common::{Guest, A, CREAT, DIRECTORY, EXCL, RW};
use imports::fs::{FileSystem, MemFs, OsDir};
use imports::{Errno, ModuleConfig};

/// Runs `check` once on a MemFs mount and once on an OsDir mount, both
/// holding `file` (content "data"), `dir/` and an empty `empty/`.
fn on_both(check: impl Fn(&mut Guest)) {
    let mem = MemFs::new();
    mem.write_file("file", b"data").unwrap();
    mem.create_dir("dir").unwrap();
    mem.create_dir("empty").unwrap();
    check(&mut Guest::new(ModuleConfig::new().mount("/m", mem)));

    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("file"), b"data").unwrap();
    std::fs::create_dir(t.path().join("dir")).unwrap();
    std::fs::create_dir(t.path().join("empty")).unwrap();
    check(&mut Guest::new(
        ModuleConfig::new().mount("/m", OsDir::open(t.path()).unwrap()),
    ));
}

fn symlink(g: &mut Guest, target: &str, link: &str) -> Errno {
    let (t, tl) = g.str(0x100, target);
    let (l, ll) = g.str(0x200, link);
    g.call("path_symlink", &[t, tl, 3.into(), l, ll])
}

fn names(g: &mut Guest, fd: u32) -> Vec<String> {
    assert_eq!(
        g.call(
            "fd_readdir",
            &[fd.into(), 0x1000.into(), 4096.into(), A::J(0), 0x900.into()]
        ),
        Errno::Success
    );
    let used = g.u32_at(0x900) as usize;
    let buf = g.read(0x1000, used);
    let mut at = 0;
    let mut out = vec![];
    while at + 24 <= buf.len() {
        let len = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        out.push(String::from_utf8(buf[at + 24..at + 24 + len].to_vec()).unwrap());
        at += 24 + len;
    }
    out.sort();
    out
}

#[test]
fn readdir_lists_dot_entries_even_when_empty() {
    on_both(|g| {
        let fd = g.open(3, "empty", DIRECTORY, 1 << 14, true).unwrap();
        assert_eq!(names(g, fd), [".", ".."]);
        assert_eq!(names(g, 3), [".", "..", "dir", "empty", "file"]);
    });
}

#[test]
fn symlinks_without_follow_are_eloop_or_enotdir() {
    on_both(|g| {
        assert_eq!(symlink(g, "nowhere", "dangling"), Errno::Success);
        assert_eq!(symlink(g, "dir", "to_dir"), Errno::Success);
        assert_eq!(symlink(g, "file", "to_file"), Errno::Success);
        // Without SYMLINK_FOLLOW: the link itself.
        assert_eq!(g.open(3, "dangling", DIRECTORY, 0, false), Err(Errno::Notdir));
        assert_eq!(g.open(3, "to_dir", DIRECTORY, 0, false), Err(Errno::Notdir));
        assert_eq!(g.open(3, "to_dir", 0, 0, false), Err(Errno::Loop));
        assert_eq!(g.open(3, "to_file", 0, RW, false), Err(Errno::Loop));
        // Following: the target.
        assert_eq!(g.open(3, "dangling", DIRECTORY, 0, true), Err(Errno::Noent));
        assert!(g.open(3, "to_dir", DIRECTORY, 1 << 13, true).is_ok());
        assert!(g.open(3, "to_file", 0, RW, true).is_ok());
        // O_CREAT|O_EXCL never follows a final link (POSIX): EEXIST, and
        // nothing is created at its target.
        assert_eq!(g.open(3, "dangling", CREAT | EXCL, RW, true), Err(Errno::Exist));
        assert_eq!(g.open(3, "nowhere", 0, RW, false), Err(Errno::Noent));
        // O_CREAT through a dangling link creates its target, as POSIX does.
        assert!(g.open(3, "dangling", CREAT, RW, true).is_ok());
        assert!(g.open(3, "nowhere", 0, RW, false).is_ok());
    });
}

#[test]
fn readlink_truncates_and_reports_bytes_written() {
    on_both(|g| {
        assert_eq!(symlink(g, "a-rather-long-target", "l"), Errno::Success);
        let (p, pl) = g.str(0x300, "l");
        g.write(0x400, &[0xEE; 8]);
        assert_eq!(
            g.call(
                "path_readlink",
                &[3.into(), p, pl, 0x400.into(), 5.into(), 0x500.into()]
            ),
            Errno::Success
        );
        assert_eq!(g.u32_at(0x500), 5);
        assert_eq!(g.read(0x400, 8), b"a-rat\xEE\xEE\xEE");
        let (p, pl) = g.str(0x300, "file");
        assert_eq!(
            g.call(
                "path_readlink",
                &[3.into(), p, pl, 0x400.into(), 64.into(), 0x500.into()]
            ),
            Errno::Inval
        );
    });
}

#[test]
fn timestamps_keep_nanoseconds() {
    on_both(|g| {
        let fd = g.open(3, "file", 0, RW | (1 << 23), true).unwrap();
        let (atim, mtim) = (1_600_000_000_123_456_789u64, 1_700_000_000_987_654_321u64);
        assert_eq!(
            g.call(
                "fd_filestat_set_times",
                &[fd.into(), A::J(atim), A::J(mtim), (1 | 4).into()]
            ),
            Errno::Success
        );
        assert_eq!(g.call("fd_filestat_get", &[fd.into(), 0x600.into()]), Errno::Success);
        assert_eq!((g.u64_at(0x600 + 40), g.u64_at(0x600 + 48)), (atim, mtim));
        // Through a path, too, and both a time and "now" is EINVAL.
        let (p, pl) = g.str(0x300, "dir");
        assert_eq!(
            g.call(
                "path_filestat_set_times",
                &[3.into(), 0.into(), p, pl, A::J(5), A::J(7), (1 | 4).into()]
            ),
            Errno::Success
        );
        let (p, pl) = g.str(0x300, "dir");
        assert_eq!(
            g.call("path_filestat_get", &[3.into(), 0.into(), p, pl, 0x600.into()]),
            Errno::Success
        );
        assert_eq!((g.u64_at(0x600 + 40), g.u64_at(0x600 + 48)), (5, 7));
        assert_eq!(
            g.call("fd_filestat_set_times", &[fd.into(), A::J(0), A::J(0), (1 | 2).into()]),
            Errno::Inval
        );
    });
}

#[test]
fn fdstat_reports_open_flags_and_none_for_preopens() {
    on_both(|g| {
        let (p, pl) = g.str(0x300, "file");
        // fdflags: APPEND | DSYNC | NONBLOCK.
        let flags = 1 | 2 | 4;
        assert_eq!(
            g.call(
                "path_open",
                &[
                    3.into(),
                    0.into(),
                    p,
                    pl,
                    0.into(),
                    A::J(RW),
                    A::J(0),
                    flags.into(),
                    0x700.into()
                ]
            ),
            Errno::Success
        );
        let fd = g.u32_at(0x700);
        assert_eq!(g.call("fd_fdstat_get", &[fd.into(), 0x800.into()]), Errno::Success);
        assert_eq!(g.read(0x800, 1)[0], 4); // regular file
        assert_eq!(u16::from_le_bytes(g.read(0x802, 2).try_into().unwrap()), flags as u16);
        assert_eq!(g.call("fd_fdstat_get", &[3.into(), 0x800.into()]), Errno::Success);
        assert_eq!(g.read(0x800, 1)[0], 3); // directory
        assert_eq!(u16::from_le_bytes(g.read(0x802, 2).try_into().unwrap()), 0);
        // Append mode really appends.
        g.write(0x900, b"XY");
        g.iovec(0x910, 0x900, 2);
        assert_eq!(
            g.call("fd_write", &[fd.into(), 0x910.into(), 1.into(), 0x920.into()]),
            Errno::Success
        );
        let r = g.open(3, "file", 0, RW, true).unwrap();
        g.iovec(0x910, 0xA00, 16);
        assert_eq!(
            g.call("fd_read", &[r.into(), 0x910.into(), 1.into(), 0x920.into()]),
            Errno::Success
        );
        assert_eq!(g.read(0xA00, g.u32_at(0x920) as usize), b"dataXY");
    });
}

#[test]
fn trailing_slashes_and_directory_renames() {
    on_both(|g| {
        assert_eq!(g.open(3, "file/", 0, RW, true), Err(Errno::Notdir));
        let (p, pl) = g.str(0x300, "file/");
        assert_eq!(g.call("path_unlink_file", &[3.into(), p, pl]), Errno::Notdir);
        let (p, pl) = g.str(0x300, "newdir/");
        assert_eq!(g.call("path_create_directory", &[3.into(), p, pl]), Errno::Success);
        let (p, pl) = g.str(0x300, "file/");
        assert_eq!(g.call("path_remove_directory", &[3.into(), p, pl]), Errno::Notdir);
        // A directory over an empty directory replaces it.
        let (a, al) = g.str(0x300, "newdir");
        let (b, bl) = g.str(0x400, "empty");
        assert_eq!(
            g.call("path_rename", &[3.into(), a, al, 3.into(), b, bl]),
            Errno::Success
        );
        // A directory over a non-empty one, or over a file, does not.
        let (a, al) = g.str(0x300, "empty");
        let (b, bl) = g.str(0x400, "file");
        assert_eq!(
            g.call("path_rename", &[3.into(), a, al, 3.into(), b, bl]),
            Errno::Notdir
        );
        let (p, pl) = g.str(0x300, "dir/x");
        assert_eq!(g.call("path_create_directory", &[3.into(), p, pl]), Errno::Success);
        let (a, al) = g.str(0x300, "empty");
        let (b, bl) = g.str(0x400, "dir");
        assert_eq!(
            g.call("path_rename", &[3.into(), a, al, 3.into(), b, bl]),
            Errno::Notempty
        );
        let (a, al) = g.str(0x300, "file");
        let (b, bl) = g.str(0x400, "file2/");
        assert_eq!(
            g.call("path_rename", &[3.into(), a, al, 3.into(), b, bl]),
            Errno::Notdir
        );
        // rmdir of a non-empty directory, and of the mount root.
        let (p, pl) = g.str(0x300, "dir");
        assert_eq!(g.call("path_remove_directory", &[3.into(), p, pl]), Errno::Notempty);
        let (p, pl) = g.str(0x300, ".");
        assert_eq!(g.call("path_remove_directory", &[3.into(), p, pl]), Errno::Inval);
    });
}

#[test]
fn seek_tell_pread_pwrite_and_sizes() {
    on_both(|g| {
        let fd = g.open(3, "file", 0, u64::MAX, true).unwrap();
        assert_eq!(
            g.call("fd_seek", &[fd.into(), A::J(-1i64 as u64), 0.into(), 0x10.into()]),
            Errno::Inval
        );
        assert_eq!(
            g.call("fd_seek", &[fd.into(), A::J(-2i64 as u64), 2.into(), 0x10.into()]),
            Errno::Success
        );
        assert_eq!(g.u64_at(0x10), 2);
        assert_eq!(g.call("fd_tell", &[fd.into(), 0x18.into()]), Errno::Success);
        assert_eq!(g.u64_at(0x18), 2);
        g.write(0x900, b"ZZ");
        g.iovec(0x910, 0x900, 2);
        assert_eq!(
            g.call("fd_pwrite", &[fd.into(), 0x910.into(), 1.into(), A::J(6), 0x920.into()]),
            Errno::Success
        );
        assert_eq!(g.call("fd_tell", &[fd.into(), 0x18.into()]), Errno::Success);
        assert_eq!(g.u64_at(0x18), 2, "pwrite does not move the offset");
        g.iovec(0x910, 0xA00, 8);
        assert_eq!(
            g.call("fd_pread", &[fd.into(), 0x910.into(), 1.into(), A::J(0), 0x920.into()]),
            Errno::Success
        );
        assert_eq!(g.read(0xA00, g.u32_at(0x920) as usize), b"data\0\0ZZ");
        assert_eq!(g.call("fd_filestat_set_size", &[fd.into(), A::J(3)]), Errno::Success);
        assert_eq!(g.call("fd_allocate", &[fd.into(), A::J(0), A::J(10)]), Errno::Success);
        assert_eq!(g.call("fd_filestat_get", &[fd.into(), 0x600.into()]), Errno::Success);
        assert_eq!(g.u64_at(0x600 + 32), 10);
        assert_eq!(
            g.call("fd_filestat_set_size", &[fd.into(), A::J(u64::MAX)]),
            Errno::Fbig
        );
        assert_eq!(
            g.call("fd_advise", &[fd.into(), A::J(0), A::J(10), 9.into()]),
            Errno::Inval
        );
        assert_eq!(
            g.call("fd_advise", &[fd.into(), A::J(0), A::J(10), 1.into()]),
            Errno::Success
        );
        // A directory cannot seek; a stream has no position.
        assert_eq!(
            g.call("fd_seek", &[3.into(), A::J(0), 0.into(), 0x10.into()]),
            Errno::Badf
        );
        assert_eq!(
            g.call("fd_seek", &[1.into(), A::J(0), 0.into(), 0x10.into()]),
            Errno::Spipe
        );
        assert_eq!(g.call("fd_tell", &[1.into(), 0x10.into()]), Errno::Spipe);
        g.iovec(0x910, 0x900, 2);
        assert_eq!(
            g.call("fd_pwrite", &[1.into(), 0x910.into(), 1.into(), A::J(0), 0x920.into()]),
            Errno::Spipe
        );
        assert_eq!(g.call("fd_sync", &[fd.into()]), Errno::Success);
        assert_eq!(g.call("fd_datasync", &[fd.into()]), Errno::Success);
    });
}

#[test]
fn hard_links_share_content() {
    on_both(|g| {
        let (a, al) = g.str(0x300, "file");
        let (b, bl) = g.str(0x400, "dir/linked");
        assert_eq!(
            g.call("path_link", &[3.into(), 0.into(), a, al, 3.into(), b, bl]),
            Errno::Success
        );
        let (p, pl) = g.str(0x300, "dir/linked");
        assert_eq!(
            g.call("path_filestat_get", &[3.into(), 0.into(), p, pl, 0x600.into()]),
            Errno::Success
        );
        assert_eq!(g.u64_at(0x600 + 24), 2);
        let (a, al) = g.str(0x300, "dir");
        let (b, bl) = g.str(0x400, "dir2");
        assert_eq!(
            g.call("path_link", &[3.into(), 0.into(), a, al, 3.into(), b, bl]),
            Errno::Perm
        );
        let (a, al) = g.str(0x300, "file");
        let (b, bl) = g.str(0x400, "dir/linked");
        assert_eq!(
            g.call("path_link", &[3.into(), 0.into(), a, al, 3.into(), b, bl]),
            Errno::Exist
        );
    });
}
