//! Tests of [`MemFs`].

use super::data::{CHUNK, MAX_FILE_SIZE};
use super::tree::ROOT;
use super::*;
use crate::fs::FileType;
use std::io::SeekFrom;

fn rw() -> OpenOptions {
    OpenOptions {
        read: true,
        write: true,
        ..Default::default()
    }
}

fn create() -> OpenOptions {
    OpenOptions {
        read: true,
        write: true,
        create: true,
        ..Default::default()
    }
}

fn write(f: &mut Box<dyn File>, data: &[u8]) -> Result<usize> {
    f.write_vectored(&[IoSlice::new(data)])
}

fn read(f: &mut Box<dyn File>, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let got = f.read_vectored(&mut [IoSliceMut::new(&mut buf)]).unwrap();
    buf.truncate(got);
    buf
}

#[test]
fn permission_bits() {
    let fs = MemFs::new();
    fs.write_file("f", b"x").unwrap();
    fs.create_dir("d").unwrap();
    fs.symlink("f", "l").unwrap();
    assert_eq!(fs.stat("f").unwrap().mode, 0o644);
    assert_eq!(fs.stat("d").unwrap().mode, 0o755);
    assert_eq!(fs.stat("l").unwrap().mode, 0o777);
    fs.set_mode("f", 0o100600).unwrap();
    assert_eq!(fs.stat("f").unwrap().mode, 0o600);
    fs.set_mode("d", 0o700).unwrap();
    assert_eq!(fs.stat("d").unwrap().mode, 0o700);
    assert_eq!(fs.set_mode("l", 0o600), Err(Errno::Notsup));
    assert_eq!(fs.set_mode("missing", 0o600), Err(Errno::Noent));
    let mut h = fs
        .open(
            "f",
            &OpenOptions {
                read: true,
                ..Default::default()
            },
        )
        .unwrap();
    h.set_mode(0o4755).unwrap();
    assert_eq!(h.stat().unwrap().mode, 0o4755);
    let ro = crate::fs::ReadOnly(fs.clone());
    assert_eq!(ro.set_mode("f", 0o600), Err(Errno::Rofs));
}

#[test]
fn root_is_an_empty_directory() {
    let fs = MemFs::new();
    let st = fs.stat("").unwrap();
    assert_eq!(st.filetype, FileType::Directory);
    assert_eq!(st.ino, ROOT);
    assert_eq!(st.nlink, 2);
    assert!(st.mtim > 0);
    assert!(fs.read_dir("").unwrap().is_empty());
    assert_eq!(fs.open("", &rw()).unwrap_err(), Errno::Isdir);
    assert_eq!(fs.remove_dir("").unwrap_err(), Errno::Busy);
    assert_eq!(fs.remove_file("").unwrap_err(), Errno::Isdir);
    assert_eq!(fs.create_dir("").unwrap_err(), Errno::Exist);
    assert!(!fs.is_read_only());
}

#[test]
fn create_write_read_seek() {
    let fs = MemFs::new();
    assert_eq!(fs.open("a", &rw()).unwrap_err(), Errno::Noent);
    let mut f = fs.open("a", &create()).unwrap();
    assert_eq!(
        f.write_vectored(&[IoSlice::new(b"hello"), IoSlice::new(b" "), IoSlice::new(b"world")])
            .unwrap(),
        11
    );
    assert_eq!(f.seek(SeekFrom::Current(0)).unwrap(), 11);
    assert_eq!(f.seek(SeekFrom::Start(0)).unwrap(), 0);
    let (mut a, mut b) = ([0u8; 3], [0u8; 20]);
    let n = f
        .read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])
        .unwrap();
    assert_eq!(n, 11);
    assert_eq!(&a, b"hel");
    assert_eq!(&b[..8], b"lo world");
    assert_eq!(read(&mut f, 4), b"");
    assert_eq!(f.seek(SeekFrom::End(-5)).unwrap(), 6);
    assert_eq!(read(&mut f, 10), b"world");
    assert_eq!(f.seek(SeekFrom::Current(-100)).unwrap_err(), Errno::Inval);
    assert_eq!(f.seek(SeekFrom::Start(u64::MAX)).unwrap_err(), Errno::Inval);
    assert_eq!(f.bytes_readable().unwrap(), Some(0));
    f.seek(SeekFrom::Start(1)).unwrap();
    assert_eq!(f.bytes_readable().unwrap(), Some(10));
    let st = f.stat().unwrap();
    assert_eq!((st.size, st.nlink, st.filetype), (11, 1, FileType::RegularFile));
    assert_eq!(st, fs.stat("a").unwrap());
    assert_eq!(fs.read_file("a").unwrap(), b"hello world");
    assert_eq!(fs.used_bytes(), 11);
}

#[test]
fn open_flags() {
    let fs = MemFs::new();
    fs.write_file("a", b"data").unwrap();
    let excl = OpenOptions {
        exclusive: true,
        ..create()
    };
    assert_eq!(fs.open("a", &excl).unwrap_err(), Errno::Exist);
    fs.open("new", &excl).unwrap();
    // O_RDONLY|O_CREAT is POSIX.
    let ro_create = OpenOptions {
        read: true,
        create: true,
        ..Default::default()
    };
    fs.open("ro", &ro_create).unwrap();
    assert_eq!(fs.stat("ro").unwrap().size, 0);
    // Truncate needs write.
    let bad = OpenOptions {
        read: true,
        truncate: true,
        ..Default::default()
    };
    assert_eq!(fs.open("a", &bad).unwrap_err(), Errno::Inval);
    assert_eq!(fs.read_file("a").unwrap(), b"data");
    let trunc = OpenOptions {
        write: true,
        truncate: true,
        ..Default::default()
    };
    drop(fs.open("a", &trunc).unwrap());
    assert_eq!(fs.read_file("a").unwrap(), b"");
    // Access modes are enforced.
    fs.write_file("a", b"data").unwrap();
    let mut r = fs
        .open(
            "a",
            &OpenOptions {
                read: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(write(&mut r, b"x").unwrap_err(), Errno::Badf);
    assert_eq!(r.set_len(0).unwrap_err(), Errno::Inval);
    let mut w = fs
        .open(
            "a",
            &OpenOptions {
                write: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        w.read_vectored(&mut [IoSliceMut::new(&mut [0u8; 4])]).unwrap_err(),
        Errno::Badf
    );
    // Neither read nor write: reads, as O_RDONLY.
    let mut none = fs.open("a", &OpenOptions::default()).unwrap();
    assert_eq!(read(&mut none, 10), b"data");
    // A missing parent, a file as parent.
    assert_eq!(fs.open("nope/a", &create()).unwrap_err(), Errno::Noent);
    assert_eq!(fs.open("a/b", &create()).unwrap_err(), Errno::Notdir);
    assert_eq!(fs.stat("a/b").unwrap_err(), Errno::Notdir);
    // Names.
    assert_eq!(fs.open(&"x".repeat(256), &create()).unwrap_err(), Errno::Nametoolong);
    assert_eq!(fs.open("a\0b", &create()).unwrap_err(), Errno::Inval);
    assert_eq!(fs.stat("../a").unwrap_err(), Errno::Inval);
    assert_eq!(fs.stat("./a").unwrap().size, 4);
}

#[test]
fn open_dir_and_symlink() {
    let fs = MemFs::new();
    fs.create_dir("d").unwrap();
    fs.symlink("d", "l").unwrap();
    assert_eq!(fs.open("d", &rw()).unwrap_err(), Errno::Isdir);
    assert_eq!(fs.open("d", &create()).unwrap_err(), Errno::Isdir);
    assert_eq!(fs.open("l", &rw()).unwrap_err(), Errno::Loop);
    assert_eq!(fs.open("l", &create()).unwrap_err(), Errno::Loop);
    let excl = OpenOptions {
        exclusive: true,
        ..create()
    };
    assert_eq!(fs.open("l", &excl).unwrap_err(), Errno::Exist);
    // Intermediate symlinks are never followed.
    assert_eq!(fs.stat("l/x").unwrap_err(), Errno::Notdir);
}

#[test]
fn append_mode() {
    let fs = MemFs::new();
    fs.write_file("a", b"abc").unwrap();
    let opts = OpenOptions {
        read: true,
        append: true,
        ..Default::default()
    };
    let mut f = fs.open("a", &opts).unwrap();
    assert!(f.is_append());
    assert_eq!(write(&mut f, b"de").unwrap(), 2);
    assert_eq!(f.seek(SeekFrom::Current(0)).unwrap(), 5);
    f.seek(SeekFrom::Start(0)).unwrap();
    write(&mut f, b"f").unwrap();
    assert_eq!(fs.read_file("a").unwrap(), b"abcdef");
    // pwrite writes at its offset, as POSIX says.
    f.pwrite(&[IoSlice::new(b"X")], 0).unwrap();
    assert_eq!(fs.read_file("a").unwrap(), b"Xbcdef");
    f.set_append(false).unwrap();
    assert!(!f.is_append());
    f.seek(SeekFrom::Start(1)).unwrap();
    write(&mut f, b"Y").unwrap();
    assert_eq!(fs.read_file("a").unwrap(), b"XYcdef");
    // Append with truncate is allowed.
    let opts = OpenOptions {
        append: true,
        truncate: true,
        ..Default::default()
    };
    let mut f = fs.open("a", &opts).unwrap();
    write(&mut f, b"z").unwrap();
    assert_eq!(fs.read_file("a").unwrap(), b"z");
}

#[test]
fn pread_pwrite_do_not_move_offset() {
    let fs = MemFs::new();
    let mut f = fs.open("a", &create()).unwrap();
    write(&mut f, b"0123456789").unwrap();
    f.seek(SeekFrom::Start(2)).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], 5).unwrap(), 4);
    assert_eq!(&buf, b"5678");
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], 100).unwrap(), 0);
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], u64::MAX).unwrap(), 0);
    assert_eq!(f.pwrite(&[IoSlice::new(b"ab"), IoSlice::new(b"c")], 1).unwrap(), 3);
    assert_eq!(f.seek(SeekFrom::Current(0)).unwrap(), 2);
    assert_eq!(fs.read_file("a").unwrap(), b"0abc456789");
}

#[test]
fn writes_past_eof_zero_fill() {
    let fs = MemFs::new();
    let mut f = fs.open("a", &create()).unwrap();
    write(&mut f, b"ab").unwrap();
    f.seek(SeekFrom::Start(5)).unwrap();
    write(&mut f, b"c").unwrap();
    assert_eq!(fs.read_file("a").unwrap(), b"ab\0\0\0c");
    // Over the end: the first bytes overwrite, the rest extend.
    f.pwrite(&[IoSlice::new(b"XYZ")], 4).unwrap();
    assert_eq!(fs.read_file("a").unwrap(), b"ab\0\0XYZ");
    assert_eq!(fs.used_bytes(), 7);
    f.set_len(6).unwrap();
    // Across chunk boundaries, with a hole chunk in between.
    let off = 3 * CHUNK as u64 - 2;
    f.pwrite(&[IoSlice::new(b"wxyz")], off).unwrap();
    let content = fs.read_file("a").unwrap();
    assert_eq!(content.len() as u64, off + 4);
    assert_eq!(&content[content.len() - 4..], b"wxyz");
    assert!(content[6..content.len() - 4].iter().all(|&b| b == 0));
    // Stored: chunk 0 up to byte 6, chunk 2 from its start, chunk 3's
    // first 2 bytes; chunk 1 is a hole.
    assert_eq!(fs.used_bytes(), 6 + CHUNK as u64 + 2);
    assert_eq!(fs.read_dir("").unwrap().len(), 1);
    // Shrink then grow: the old bytes must not come back.
    f.set_len(1).unwrap();
    f.set_len(10).unwrap();
    assert_eq!(fs.read_file("a").unwrap(), b"a\0\0\0\0\0\0\0\0\0");
    assert_eq!(fs.used_bytes(), 1);
    f.set_len(0).unwrap();
    assert_eq!(fs.used_bytes(), 0);
}

#[test]
fn huge_offsets_fail_cleanly() {
    let fs = MemFs::new();
    let mut f = fs.open("a", &create()).unwrap();
    assert_eq!(f.pwrite(&[IoSlice::new(b"x")], u64::MAX).unwrap_err(), Errno::Fbig);
    assert_eq!(f.pwrite(&[IoSlice::new(b"x")], MAX_FILE_SIZE).unwrap_err(), Errno::Fbig);
    // Up to the limit: a partial write, then EFBIG.
    assert_eq!(f.pwrite(&[IoSlice::new(b"xyz")], MAX_FILE_SIZE - 1).unwrap(), 1);
    assert_eq!(f.stat().unwrap().size, MAX_FILE_SIZE);
    assert_eq!(fs.used_bytes(), MAX_FILE_SIZE % CHUNK as u64);
    assert_eq!(f.set_len(u64::MAX).unwrap_err(), Errno::Fbig);
    assert_eq!(f.allocate(u64::MAX, 2).unwrap_err(), Errno::Fbig);
    // A sparse file too big for memory: read_file says ENOMEM.
    assert_eq!(fs.read_file("a").unwrap_err(), Errno::Nomem);
    // Reading near the end works.
    let mut buf = [7u8; 4];
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], MAX_FILE_SIZE - 2).unwrap(), 2);
    assert_eq!(&buf[..2], b"\0x");
    f.seek(SeekFrom::Start(MAX_FILE_SIZE)).unwrap();
    assert_eq!(write(&mut f, b"q").unwrap_err(), Errno::Fbig);
    assert_eq!(f.seek(SeekFrom::End(1)).unwrap_err(), Errno::Inval);
    f.set_len(0).unwrap();
    assert_eq!(fs.used_bytes(), 0);
    // Zero-length writes at absurd offsets are fine and change nothing.
    assert_eq!(f.pwrite(&[], u64::MAX).unwrap(), 0);
    f.allocate(10, 5).unwrap();
    assert_eq!(f.stat().unwrap().size, 15);
}

#[test]
fn capacity_limit() {
    let fs = MemFs::with_capacity_limit(10);
    let mut f = fs.open("a", &create()).unwrap();
    assert_eq!(write(&mut f, b"12345678").unwrap(), 8);
    // Cut short at the limit, then ENOSPC.
    assert_eq!(write(&mut f, b"abcd").unwrap(), 2);
    assert_eq!(write(&mut f, b"x").unwrap_err(), Errno::Nospc);
    assert_eq!(fs.write_file("b", b"x").unwrap_err(), Errno::Nospc);
    // Holes are free.
    f.set_len(1 << 40).unwrap();
    // Freed space is reusable; an open unlinked file keeps its bytes.
    fs.remove_file("a").unwrap();
    assert_eq!(fs.used_bytes(), 10);
    drop(f);
    assert_eq!(fs.used_bytes(), 0);
    fs.write_file("b", b"0123456789").unwrap();
    fs.write_file("b", b"abc").unwrap();
    assert_eq!(fs.used_bytes(), 3);
}

#[test]
fn unlinked_file_stays_usable_through_handle() {
    let fs = MemFs::new();
    let mut f = fs.open("a", &create()).unwrap();
    write(&mut f, b"keep").unwrap();
    fs.remove_file("a").unwrap();
    assert_eq!(fs.stat("a").unwrap_err(), Errno::Noent);
    assert_eq!(f.stat().unwrap().nlink, 0);
    write(&mut f, b" me").unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    assert_eq!(read(&mut f, 100), b"keep me");
    // A new file under the same name is a different inode.
    fs.write_file("a", b"new").unwrap();
    assert_ne!(fs.stat("a").unwrap().ino, f.stat().unwrap().ino);
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut [0u8; 2])], 0).unwrap(), 2);
}

#[test]
fn directories() {
    let fs = MemFs::new();
    fs.create_dir("d").unwrap();
    assert_eq!(fs.create_dir("d").unwrap_err(), Errno::Exist);
    fs.create_dir("d/e").unwrap();
    fs.write_file("d/f", b"").unwrap();
    fs.symlink("../x", "d/l").unwrap();
    assert_eq!(fs.stat("d").unwrap().nlink, 3);
    assert_eq!(fs.stat("").unwrap().nlink, 3);
    let names: Vec<_> = fs
        .read_dir("d")
        .unwrap()
        .into_iter()
        .map(|e| (e.name, e.filetype))
        .collect();
    assert_eq!(
        names,
        vec![
            ("e".to_string(), FileType::Directory),
            ("f".to_string(), FileType::RegularFile),
            ("l".to_string(), FileType::SymbolicLink),
        ]
    );
    let e = fs.read_dir("d").unwrap();
    assert_eq!(e[0].ino, fs.stat("d/e").unwrap().ino);
    assert_eq!(fs.read_dir("d/f").unwrap_err(), Errno::Notdir);
    assert_eq!(fs.read_dir("d/l").unwrap_err(), Errno::Notdir);
    assert_eq!(fs.read_dir("nope").unwrap_err(), Errno::Noent);
    assert_eq!(fs.remove_dir("d").unwrap_err(), Errno::Notempty);
    assert_eq!(fs.remove_dir("d/f").unwrap_err(), Errno::Notdir);
    assert_eq!(fs.remove_dir("d/l").unwrap_err(), Errno::Notdir);
    assert_eq!(fs.remove_file("d/e").unwrap_err(), Errno::Isdir);
    assert_eq!(fs.remove_file("d/nope").unwrap_err(), Errno::Noent);
    fs.remove_dir("d/e").unwrap();
    fs.remove_file("d/f").unwrap();
    fs.remove_file("d/l").unwrap();
    fs.remove_dir("d").unwrap();
    assert!(fs.read_dir("").unwrap().is_empty());
    fs.create_dir_all("x/y/z").unwrap();
    fs.create_dir_all("x/y/z").unwrap();
    fs.write_file("x/f", b"").unwrap();
    assert_eq!(fs.create_dir_all("x/f").unwrap_err(), Errno::Exist);
    assert_eq!(fs.create_dir_all("x/f/g").unwrap_err(), Errno::Notdir);
    assert_eq!(fs.stat("x/y/z").unwrap().filetype, FileType::Directory);
}

#[test]
fn rename_posix_rules() {
    let fs = MemFs::new();
    fs.write_file("a", b"A").unwrap();
    fs.write_file("b", b"B").unwrap();
    let ino_a = fs.stat("a").unwrap().ino;
    // File over file replaces.
    fs.rename("a", "b").unwrap();
    assert_eq!(fs.read_file("b").unwrap(), b"A");
    assert_eq!(fs.stat("b").unwrap().ino, ino_a);
    assert_eq!(fs.stat("a").unwrap_err(), Errno::Noent);
    assert_eq!(fs.rename("a", "c").unwrap_err(), Errno::Noent);
    // To itself: no-op.
    fs.rename("b", "b").unwrap();
    assert_eq!(fs.read_file("b").unwrap(), b"A");
    // Between hard links of one inode: no-op, both stay.
    fs.hard_link("b", "b2").unwrap();
    fs.rename("b", "b2").unwrap();
    assert_eq!(fs.stat("b").unwrap().nlink, 2);
    fs.remove_file("b2").unwrap();
    // Dir over empty dir replaces; over non-empty: ENOTEMPTY.
    fs.create_dir_all("d/sub").unwrap();
    fs.create_dir("empty").unwrap();
    fs.create_dir_all("full/x").unwrap();
    assert_eq!(fs.rename("d", "full").unwrap_err(), Errno::Notempty);
    fs.rename("d", "empty").unwrap();
    assert_eq!(fs.stat("empty/sub").unwrap().filetype, FileType::Directory);
    assert_eq!(fs.stat("d").unwrap_err(), Errno::Noent);
    // Dir over file: ENOTDIR; file over dir: EISDIR.
    assert_eq!(fs.rename("empty", "b").unwrap_err(), Errno::Notdir);
    assert_eq!(fs.rename("b", "empty").unwrap_err(), Errno::Isdir);
    // Into its own subtree: EINVAL.
    assert_eq!(fs.rename("empty", "empty/sub/x").unwrap_err(), Errno::Inval);
    assert_eq!(fs.rename("empty", "empty/x").unwrap_err(), Errno::Inval);
    // Onto an ancestor: that ancestor is not empty.
    assert_eq!(fs.rename("empty/sub", "empty").unwrap_err(), Errno::Notempty);
    // The root.
    assert_eq!(fs.rename("", "x").unwrap_err(), Errno::Busy);
    assert_eq!(fs.rename("b", "").unwrap_err(), Errno::Busy);
    // Missing target parent.
    assert_eq!(fs.rename("b", "nope/b").unwrap_err(), Errno::Noent);
    // Moving a directory updates its parent link: moving it back works.
    fs.rename("empty/sub", "full/x/sub").unwrap();
    assert_eq!(fs.rename("full", "full/x/sub/y").unwrap_err(), Errno::Inval);
    fs.rename("full/x/sub", "sub").unwrap();
    assert_eq!(fs.stat("full/x").unwrap().nlink, 2);
    // A symlink is renamed as itself.
    fs.symlink("b", "l").unwrap();
    fs.rename("l", "l2").unwrap();
    assert_eq!(fs.read_link("l2").unwrap(), "b");
    // A file over a symlink replaces the link, not its target.
    fs.write_file("c", b"C").unwrap();
    fs.rename("c", "l2").unwrap();
    assert_eq!(fs.read_file("l2").unwrap(), b"C");
    assert_eq!(fs.read_file("b").unwrap(), b"A");
}

#[test]
fn hard_links_share_the_inode() {
    let fs = MemFs::new();
    fs.write_file("a", b"one").unwrap();
    fs.hard_link("a", "b").unwrap();
    let (sa, sb) = (fs.stat("a").unwrap(), fs.stat("b").unwrap());
    assert_eq!(sa.ino, sb.ino);
    assert_eq!(sa.nlink, 2);
    fs.write_file("b", b"two").unwrap();
    assert_eq!(fs.read_file("a").unwrap(), b"two");
    fs.remove_file("a").unwrap();
    assert_eq!(fs.stat("b").unwrap().nlink, 1);
    assert_eq!(fs.hard_link("b", "b").unwrap_err(), Errno::Exist);
    assert_eq!(fs.hard_link("nope", "c").unwrap_err(), Errno::Noent);
    fs.create_dir("d").unwrap();
    assert_eq!(fs.hard_link("d", "d2").unwrap_err(), Errno::Perm);
    assert_eq!(fs.hard_link("", "d2").unwrap_err(), Errno::Perm);
    assert_eq!(fs.hard_link("b", "").unwrap_err(), Errno::Exist);
    // A link to a symlink links the symlink itself.
    fs.symlink("b", "l").unwrap();
    fs.hard_link("l", "l2").unwrap();
    assert_eq!(fs.read_link("l2").unwrap(), "b");
    assert_eq!(fs.stat("l").unwrap().nlink, 2);
}

#[test]
fn symlinks_are_stored_verbatim_and_never_followed() {
    let fs = MemFs::new();
    fs.write_file("t", b"target").unwrap();
    fs.symlink("/etc/passwd", "abs").unwrap();
    fs.symlink("../../x", "up").unwrap();
    fs.symlink("t", "rel").unwrap();
    assert_eq!(fs.read_link("abs").unwrap(), "/etc/passwd");
    assert_eq!(fs.read_link("up").unwrap(), "../../x");
    let st = fs.stat("rel").unwrap();
    assert_eq!((st.filetype, st.size), (FileType::SymbolicLink, 1));
    assert_eq!(fs.read_link("t").unwrap_err(), Errno::Inval);
    assert_eq!(fs.read_link("").unwrap_err(), Errno::Inval);
    assert_eq!(fs.symlink("x", "rel").unwrap_err(), Errno::Exist);
    assert_eq!(fs.symlink("", "e").unwrap_err(), Errno::Noent);
    assert_eq!(fs.read_file("rel").unwrap_err(), Errno::Loop);
    // Removing the link leaves the target.
    fs.remove_file("rel").unwrap();
    assert_eq!(fs.read_file("t").unwrap(), b"target");
    // set_times acts on the link.
    fs.set_times("abs", SetTime::At(5), SetTime::At(6)).unwrap();
    let st = fs.stat("abs").unwrap();
    assert_eq!((st.atim, st.mtim), (5, 6));
    assert_ne!(fs.stat("t").unwrap().mtim, 6);
}

#[test]
fn timestamps() {
    let fs = MemFs::new();
    fs.write_file("a", b"x").unwrap();
    fs.set_times("a", SetTime::At(1_000_000_123), SetTime::At(2_000_000_456))
        .unwrap();
    let st = fs.stat("a").unwrap();
    assert_eq!((st.atim, st.mtim), (1_000_000_123, 2_000_000_456));
    assert!(st.ctim > 2_000_000_456);
    fs.set_times("a", SetTime::Omit, SetTime::At(7)).unwrap();
    let st = fs.stat("a").unwrap();
    assert_eq!((st.atim, st.mtim), (1_000_000_123, 7));
    fs.set_times("a", SetTime::Now, SetTime::Omit).unwrap();
    let st2 = fs.stat("a").unwrap();
    assert!(st2.atim > 1_000_000_123);
    assert_eq!(st2.mtim, 7);
    // A write updates mtim; through a handle too.
    let mut f = fs.open("a", &rw()).unwrap();
    f.set_times(SetTime::At(3), SetTime::At(4)).unwrap();
    assert_eq!(fs.stat("a").unwrap().mtim, 4);
    write(&mut f, b"y").unwrap();
    assert!(fs.stat("a").unwrap().mtim > 4);
    // A read moves atim when it is not later than mtim or ctim
    // (relatime), and only then.
    f.set_times(SetTime::At(5), SetTime::At(6)).unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    read(&mut f, 1);
    assert!(fs.stat("a").unwrap().atim > 6);
    f.set_times(SetTime::At(u64::MAX), SetTime::Omit).unwrap();
    read(&mut f, 1);
    assert_eq!(fs.stat("a").unwrap().atim, u64::MAX);
    fs.set_times("", SetTime::At(9), SetTime::At(9)).unwrap();
    assert_eq!(fs.stat("").unwrap().mtim, 9);
    fs.create_dir("d").unwrap();
    assert!(fs.stat("").unwrap().mtim > 9);
    assert_eq!(
        fs.set_times("nope", SetTime::Now, SetTime::Now).unwrap_err(),
        Errno::Noent
    );
}

#[test]
fn clones_share_the_tree_and_trees_differ() {
    let a = MemFs::new();
    let b = a.clone();
    a.write_file("f", b"shared").unwrap();
    assert_eq!(b.read_file("f").unwrap(), b"shared");
    let other = MemFs::new();
    assert_ne!(other.stat("").unwrap().dev, a.stat("").unwrap().dev);
    assert_eq!(other.stat("f").unwrap_err(), Errno::Noent);
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<MemFs>();
}

#[test]
fn two_threads_share_one_file() {
    let fs = MemFs::new();
    fs.create_dir("shared").unwrap();
    let writer_fs = fs.clone();
    const N: usize = 200;
    let writer = std::thread::spawn(move || {
        let opts = OpenOptions {
            write: true,
            create: true,
            append: true,
            ..Default::default()
        };
        let mut f = writer_fs.open("shared/log", &opts).unwrap();
        for i in 0..N {
            let line = format!("line {i:04}\n");
            assert_eq!(f.write_vectored(&[IoSlice::new(line.as_bytes())]).unwrap(), 10);
        }
        writer_fs.write_file("shared/done", b"1").unwrap();
    });
    let reader = std::thread::spawn(move || {
        // Poll until the writer is done, reading whatever is there.
        loop {
            if let Ok(bytes) = fs.read_file("shared/log") {
                // Every snapshot is whole lines, in order.
                assert_eq!(bytes.len() % 10, 0);
                for (i, line) in bytes.chunks(10).enumerate() {
                    assert_eq!(line, format!("line {i:04}\n").as_bytes());
                }
            }
            if fs.stat("shared/done").is_ok() {
                return fs.read_file("shared/log").unwrap();
            }
            std::thread::yield_now();
        }
    });
    writer.join().unwrap();
    let bytes = reader.join().unwrap();
    assert_eq!(bytes.len(), N * 10);
}

#[test]
fn concurrent_renames_and_creates_stay_consistent() {
    let fs = MemFs::new();
    fs.create_dir_all("a/b").unwrap();
    fs.create_dir("c").unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let fs = fs.clone();
            std::thread::spawn(move || {
                for i in 0..200 {
                    let _ = fs.rename("a", "c/a");
                    let _ = fs.rename("c/a", "a");
                    let _ = fs.rename("c", "a/b/c");
                    let _ = fs.rename("a/b/c", "c");
                    let _ = fs.write_file(&format!("f{t}"), &[i as u8]);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // No directory became its own ancestor: every inode is reachable.
    fn count(fs: &MemFs, path: &str) -> usize {
        let mut n = 1;
        for e in fs.read_dir(path).unwrap() {
            let p = if path.is_empty() {
                e.name
            } else {
                format!("{path}/{}", e.name)
            };
            n += if e.filetype == FileType::Directory {
                count(fs, &p)
            } else {
                1
            };
        }
        n
    }
    assert_eq!(count(&fs, ""), 1 + 3 + 4);
}
