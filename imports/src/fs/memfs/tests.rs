//! Tests of what is particular to [`MemFs`]: stored bytes and capacity,
//! its largest file, relatime, sharing between clones and threads. What
//! every file system must do is in the conformance suite
//! (`fs/conformance.rs`), which runs on `MemFs` too.

use super::data::{CHUNK, MAX_FILE_SIZE};
use super::tree::ROOT;
use super::*;
use crate::fs::conformance::{create, read, write};
use crate::fs::FileType;
use std::io::SeekFrom;

#[test]
fn root_is_inode_1() {
    assert_eq!(MemFs::new().stat("").unwrap().ino, ROOT);
}

/// Only written bytes are stored: holes are free, shrinking gives bytes
/// back.
#[test]
fn only_written_bytes_are_stored() {
    let fs = MemFs::new();
    fs.write_file("plain", b"hello world").unwrap();
    assert_eq!(fs.used_bytes(), 11);
    fs.remove_file("plain").unwrap();
    let mut f = fs.open("a", &create()).unwrap();
    write(&mut f, b"ab").unwrap();
    f.pwrite(&[IoSlice::new(b"c")], 5).unwrap();
    f.pwrite(&[IoSlice::new(b"XYZ")], 4).unwrap();
    assert_eq!(fs.used_bytes(), 7);
    f.set_len(6).unwrap();
    f.pwrite(&[IoSlice::new(b"wxyz")], 3 * CHUNK as u64 - 2).unwrap();
    // Stored: chunk 0 up to byte 6, chunk 2 from its start, chunk 3's
    // first 2 bytes; chunk 1 is a hole.
    assert_eq!(fs.used_bytes(), 6 + CHUNK as u64 + 2);
    f.set_len(1).unwrap();
    f.set_len(10).unwrap();
    assert_eq!(fs.used_bytes(), 1);
    f.set_len(0).unwrap();
    assert_eq!(fs.used_bytes(), 0);
}

#[test]
fn huge_offsets_fail_cleanly() {
    let fs = MemFs::new();
    let mut f = fs.open("a", &create()).unwrap();
    // Up to the limit: a partial write, then EFBIG.
    assert_eq!(f.pwrite(&[IoSlice::new(b"xyz")], MAX_FILE_SIZE - 1).unwrap(), 1);
    assert_eq!(f.stat().unwrap().size, MAX_FILE_SIZE);
    assert_eq!(fs.used_bytes(), MAX_FILE_SIZE % CHUNK as u64);
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
fn create_dir_all() {
    let fs = MemFs::new();
    fs.create_dir_all("x/y/z").unwrap();
    fs.create_dir_all("x/y/z").unwrap();
    fs.write_file("x/f", b"").unwrap();
    assert_eq!(fs.create_dir_all("x/f").unwrap_err(), Errno::Exist);
    assert_eq!(fs.create_dir_all("x/f/g").unwrap_err(), Errno::Notdir);
    assert_eq!(fs.stat("x/y/z").unwrap().filetype, FileType::Directory);
}

/// A read moves the access time when it is not later than the
/// modification or status-change time (relatime), and only then.
#[test]
fn reads_move_atime_as_relatime_does() {
    let fs = MemFs::new();
    fs.write_file("a", b"xy").unwrap();
    let mut f = fs.open("a", &create()).unwrap();
    f.set_times(SetTime::At(5), SetTime::At(6)).unwrap();
    read(&mut f, 1);
    assert!(fs.stat("a").unwrap().atim > 6);
    f.set_times(SetTime::At(u64::MAX), SetTime::Omit).unwrap();
    read(&mut f, 1);
    assert_eq!(fs.stat("a").unwrap().atim, u64::MAX);
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
