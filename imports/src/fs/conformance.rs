//! One conformance suite for the [`FileSystem`] and [`File`] traits, run
//! against every implementation: [`MemFs`], [`OsDir`] (in a temporary
//! directory), `ReadOnly<MemFs>` and `ReadOnly<OsDir>`.
//!
//! Each case is written once, against a [`Subject`], and `suite!` runs
//! it as one test per implementation. A read-only subject runs the same
//! cases as the writable ones: the subject checks that the wrapper
//! refuses every change a case makes with `EROFS`, leaving the file
//! system below as it was, then makes the change below; every read goes
//! through the wrapper and must answer as the file system below does. So
//! one case says both what a read-only file system refuses and that its
//! reads still work. Where implementations legitimately differ, the case
//! states each one's answer ([`Subject::pick`], [`Subject::ro_or`]).
//!
//! What is particular to one implementation (MemFs's capacity and
//! sharing, OsDir's sandbox) is tested beside it.

use super::{DirEntry, File, FileSystem, FileType, MemFs, OpenOptions, OsDir, ReadOnly, SetTime, Stat};
use crate::errno::{Errno, Result};
use std::fmt::Debug;
use std::io::{IoSlice, IoSliceMut, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::SystemTime;

/// A temporary host directory holding `root/` (what an [`OsDir`] opens)
/// and, beside it, `secret` and `outdir/inner`, which nothing done
/// through the `OsDir` may change.
#[derive(Debug)]
pub(super) struct HostDir {
    tmp: tempfile::TempDir,
    secret_modified: SystemTime,
}

impl HostDir {
    pub(super) fn new() -> HostDir {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("root")).unwrap();
        std::fs::write(tmp.path().join("secret"), b"secret").unwrap();
        std::fs::create_dir(tmp.path().join("outdir")).unwrap();
        std::fs::write(tmp.path().join("outdir/inner"), b"inner").unwrap();
        let secret_modified = std::fs::metadata(tmp.path().join("secret"))
            .unwrap()
            .modified()
            .unwrap();
        HostDir { tmp, secret_modified }
    }

    /// The host path of `root/`.
    pub(super) fn root(&self) -> PathBuf {
        self.tmp.path().join("root")
    }

    /// The host path of `name` beside `root/`.
    pub(super) fn outside(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// A new [`OsDir`] on `root/`.
    pub(super) fn open(&self) -> OsDir {
        OsDir::open(self.root()).unwrap()
    }

    /// Nothing beside `root/` changed, and nothing was added there.
    pub(super) fn assert_outside_untouched(&self) {
        let secret = self.outside("secret");
        assert_eq!(std::fs::read(&secret).unwrap(), b"secret");
        let modified = std::fs::metadata(&secret).unwrap().modified().unwrap();
        assert_eq!(modified, self.secret_modified);
        assert_eq!(std::fs::read(self.outside("outdir/inner")).unwrap(), b"inner");
        assert_eq!(names(self.outside("outdir")), ["inner"]);
        assert_eq!(names(self.tmp.path().to_owned()), ["outdir", "root", "secret"]);
    }
}

/// The sorted names in a host directory.
fn names(dir: PathBuf) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    out.sort();
    out
}

/// Where a subject's files live, to set them up and read them back
/// behind the file system's back.
#[derive(Debug)]
enum Store {
    Mem(MemFs),
    Host(HostDir),
}

/// One implementation under test. As a [`FileSystem`] it is the probe
/// the cases call (see the module documentation).
#[derive(Debug)]
struct Subject {
    /// The file system under test.
    fs: Box<dyn FileSystem>,
    /// For a read-only subject, the same files, writable.
    below: Option<Box<dyn FileSystem>>,
    store: Store,
}

impl Subject {
    fn mem_fs() -> Subject {
        Subject::over(Store::Mem(MemFs::new()), false)
    }

    fn os_dir() -> Subject {
        Subject::over(Store::Host(HostDir::new()), false)
    }

    fn read_only_mem_fs() -> Subject {
        Subject::over(Store::Mem(MemFs::new()), true)
    }

    fn read_only_os_dir() -> Subject {
        Subject::over(Store::Host(HostDir::new()), true)
    }

    /// The file system on `store`, wrapped in [`ReadOnly`] if asked.
    fn over(store: Store, read_only: bool) -> Subject {
        let fs: Box<dyn FileSystem> = match (&store, read_only) {
            (Store::Mem(m), false) => Box::new(m.clone()),
            (Store::Mem(m), true) => Box::new(ReadOnly(m.clone())),
            (Store::Host(h), false) => Box::new(h.open()),
            (Store::Host(h), true) => Box::new(ReadOnly(h.open())),
        };
        let below: Option<Box<dyn FileSystem>> = match &store {
            _ if !read_only => None,
            Store::Mem(m) => Some(Box::new(m.clone())),
            Store::Host(h) => Some(Box::new(h.open())),
        };
        Subject { fs, below, store }
    }

    /// Runs one case; for a host directory, then checks that nothing
    /// outside its root changed.
    fn run(self, case: fn(&Subject)) {
        case(&self);
        if let Store::Host(h) = &self.store {
            h.assert_outside_untouched();
        }
    }

    fn read_only(&self) -> bool {
        self.below.is_some()
    }

    /// What a MemFs answers, or what an OsDir does (read-only or not).
    fn pick<T>(&self, mem: T, os: T) -> T {
        match self.store {
            Store::Mem(_) => mem,
            Store::Host(_) => os,
        }
    }

    /// What a [`ReadOnly`] wrapper answers, or what the others do.
    fn ro_or<T>(&self, read_only: T, other: T) -> T {
        if self.read_only() {
            read_only
        } else {
            other
        }
    }

    /// The file system below a read-only subject (else the one tested).
    fn below(&self) -> &dyn FileSystem {
        self.below.as_deref().unwrap_or(&*self.fs)
    }

    /// Creates or replaces the file at `path` with `bytes`, behind the
    /// file system's back.
    fn put(&self, path: &str, bytes: &[u8]) {
        match &self.store {
            Store::Mem(m) => m.write_file(path, bytes).unwrap(),
            Store::Host(h) => std::fs::write(h.root().join(path), bytes).unwrap(),
        }
    }

    /// Creates the directory at `path` and its parents, behind the file
    /// system's back.
    fn put_dir(&self, path: &str) {
        match &self.store {
            Store::Mem(m) => m.create_dir_all(path).unwrap(),
            Store::Host(h) => std::fs::create_dir_all(h.root().join(path)).unwrap(),
        }
    }

    /// The content of the regular file at `path`, read behind the file
    /// system's back.
    fn contents(&self, path: &str) -> Vec<u8> {
        match &self.store {
            Store::Mem(m) => m.read_file(path).unwrap(),
            Store::Host(h) => std::fs::read(h.root().join(path)).unwrap(),
        }
    }

    /// The permission bits a new node at `path` has: MemFs's fixed
    /// defaults (`mem`), or what the host gave it (its umask applies).
    fn new_mode(&self, path: &str, mem: u32) -> u32 {
        match &self.store {
            Store::Mem(_) => mem,
            Store::Host(h) => std::fs::symlink_metadata(h.root().join(path)).unwrap().mode() & 0o7777,
        }
    }

    /// A read, through the file system under test; below a read-only one
    /// the answer must be the same.
    fn read<T: PartialEq + Debug>(&self, op: impl Fn(&dyn FileSystem) -> Result<T>) -> Result<T> {
        let got = op(&*self.fs);
        if let Some(below) = &self.below {
            assert_eq!(got, op(&**below), "a read through ReadOnly differs from the one below");
        }
        got
    }

    /// A change naming `paths`. On a read-only subject it must be refused
    /// with `EROFS` with every path below as it was; then it is made
    /// below.
    fn change<T: Debug>(&self, paths: &[&str], op: impl Fn(&dyn FileSystem) -> Result<T>) -> Result<T> {
        let Some(below) = &self.below else {
            return op(&*self.fs);
        };
        let stat_all = || paths.iter().map(|p| below.stat(p)).collect::<Vec<_>>();
        let before = stat_all();
        assert_eq!(op(&*self.fs).unwrap_err(), Errno::Rofs, "{paths:?}");
        assert_eq!(stat_all(), before, "a refused change reached the file system below");
        op(&**below)
    }
}

/// Whether an open asks to change something (what [`ReadOnly`] refuses).
fn changes(o: &OpenOptions) -> bool {
    o.write || o.append || o.create || o.truncate
}

impl FileSystem for Subject {
    fn stat(&self, path: &str) -> Result<Stat> {
        self.read(|fs| fs.stat(path))
    }

    fn open(&self, path: &str, opts: &OpenOptions) -> Result<Box<dyn File>> {
        if changes(opts) {
            return self.change(&[path], |fs| fs.open(path, opts));
        }
        let got = self.fs.open(path, opts);
        if let Some(below) = &self.below {
            let below_got = below.open(path, opts);
            assert_eq!(got.as_ref().err(), below_got.as_ref().err(), "{path}");
        }
        got
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        self.read(|fs| fs.read_dir(path))
    }

    fn create_dir(&self, path: &str) -> Result<()> {
        self.change(&[path], |fs| fs.create_dir(path))
    }

    fn remove_dir(&self, path: &str) -> Result<()> {
        self.change(&[path], |fs| fs.remove_dir(path))
    }

    fn remove_file(&self, path: &str) -> Result<()> {
        self.change(&[path], |fs| fs.remove_file(path))
    }

    fn rename(&self, from: &str, to: &str) -> Result<()> {
        self.change(&[from, to], |fs| fs.rename(from, to))
    }

    fn hard_link(&self, from: &str, to: &str) -> Result<()> {
        self.change(&[from, to], |fs| fs.hard_link(from, to))
    }

    fn symlink(&self, target: &str, link: &str) -> Result<()> {
        self.change(&[link], |fs| fs.symlink(target, link))
    }

    fn read_link(&self, path: &str) -> Result<String> {
        self.read(|fs| fs.read_link(path))
    }

    fn set_times(&self, path: &str, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.change(&[path], |fs| fs.set_times(path, atim, mtim))
    }

    fn set_mode(&self, path: &str, mode: u32) -> Result<()> {
        self.change(&[path], |fs| fs.set_mode(path, mode))
    }

    fn is_read_only(&self) -> bool {
        self.fs.is_read_only()
    }
}

/// Runs every case on every implementation, one test each, in a module
/// per implementation; a subject's bracketed cases run only there.
macro_rules! suite {
    ($($subject:ident $([$($only:ident),*])?;)*) => {$(
        mod $subject {
            suite!(@cases $subject:
                root_is_an_empty_directory,
                vectored_write_read_seek,
                positioned_io_sync_and_stat,
                pread_pwrite_do_not_move_offset,
                writes_past_the_end_leave_zeros,
                huge_offsets_fail_cleanly,
                open_creates_excludes_truncates,
                open_access_modes_and_names,
                open_dir_and_symlink,
                append_mode,
                unlinked_file_stays_usable_through_handle,
                directories,
                rename_files,
                rename_directories,
                hard_links_share_the_inode,
                symlinks_are_stored_verbatim,
                a_symlink_is_seen_as_itself,
                set_times_by_path,
                set_times_through_a_handle,
                permission_bits,
                reads,
                a_handle_opened_for_reading
                $($(, $only)*)?
            );
        }
    )*};
    (@cases $subject:ident: $($case:ident),*) => {$(
        #[test]
        fn $case() {
            super::Subject::$subject().run(super::$case);
        }
    )*};
}

suite! {
    mem_fs;
    os_dir;
    read_only_mem_fs [refused_opens_never_reach_below];
    read_only_os_dir [refused_opens_never_reach_below];
}

// Options and handle helpers, shared with the tests beside each
// implementation.

pub(super) fn read_only() -> OpenOptions {
    OpenOptions {
        read: true,
        ..Default::default()
    }
}

fn rw() -> OpenOptions {
    OpenOptions {
        read: true,
        write: true,
        ..Default::default()
    }
}

pub(super) fn create() -> OpenOptions {
    OpenOptions { create: true, ..rw() }
}

fn exclusive() -> OpenOptions {
    OpenOptions {
        exclusive: true,
        ..create()
    }
}

pub(super) fn write(f: &mut Box<dyn File>, data: &[u8]) -> Result<usize> {
    f.write_vectored(&[IoSlice::new(data)])
}

/// Up to `n` bytes read at the handle's offset.
pub(super) fn read(f: &mut Box<dyn File>, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let got = f.read_vectored(&mut [IoSliceMut::new(&mut buf)]).unwrap();
    buf.truncate(got);
    buf
}

fn root_is_an_empty_directory(s: &Subject) {
    let st = s.stat("").unwrap();
    assert_eq!(st.filetype, FileType::Directory);
    assert_eq!(st.nlink, 2);
    assert!(st.mtim > 0);
    assert!(s.read_dir("").unwrap().is_empty());
    assert_eq!(s.open("", &rw()).unwrap_err(), Errno::Isdir);
    assert_eq!(s.open("", &OpenOptions::default()).unwrap_err(), Errno::Isdir);
    assert_eq!(s.remove_dir("").unwrap_err(), Errno::Busy);
    assert_eq!(s.remove_file("").unwrap_err(), Errno::Isdir);
    assert_eq!(s.create_dir("").unwrap_err(), Errno::Exist);
    assert_eq!(s.is_read_only(), s.read_only());
}

fn vectored_write_read_seek(s: &Subject) {
    assert_eq!(s.open("a", &rw()).unwrap_err(), Errno::Noent);
    let mut f = s.open("a", &create()).unwrap();
    let hello = [IoSlice::new(b"hello"), IoSlice::new(b" "), IoSlice::new(b"world")];
    assert_eq!(f.write_vectored(&hello).unwrap(), 11);
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
    assert_eq!(st, s.stat("a").unwrap());
    assert_eq!(s.contents("a"), b"hello world");
}

fn positioned_io_sync_and_stat(s: &Subject) {
    let root = s.stat("").unwrap();
    let mut f = s.open("a", &create()).unwrap();
    let hello = [IoSlice::new(b"hello "), IoSlice::new(b"world")];
    assert_eq!(f.write_vectored(&hello).unwrap(), 11);
    assert_eq!(f.seek(SeekFrom::Start(0)).unwrap(), 0);
    let (mut a, mut b) = ([0u8; 5], [0u8; 10]);
    let n = f
        .read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])
        .unwrap();
    assert_eq!(n, 11);
    assert_eq!((&a, &b[..6]), (b"hello", &b" world"[..]));
    assert_eq!(f.seek(SeekFrom::End(-5)).unwrap(), 6);
    assert_eq!(f.bytes_readable().unwrap(), Some(5));
    let mut buf = [0u8; 5];
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], 0).unwrap(), 5);
    assert_eq!(&buf, b"hello");
    assert_eq!(f.pwrite(&[IoSlice::new(b"J")], 0).unwrap(), 1);
    assert_eq!(f.seek(SeekFrom::Current(0)).unwrap(), 6);
    assert_eq!(s.contents("a"), b"Jello world");
    let st = f.stat().unwrap();
    assert_eq!((st.size, st.nlink, st.filetype), (11, 1, FileType::RegularFile));
    assert_eq!(st.ino, s.stat("a").unwrap().ino);
    assert_eq!(st.dev, root.dev);
    f.pwrite(&[IoSlice::new(b"!")], 14).unwrap();
    assert_eq!(s.contents("a"), b"Jello world\0\0\0!");
    f.set_len(5).unwrap();
    f.sync().unwrap();
    f.sync_data().unwrap();
    f.allocate(0, 8).unwrap();
    assert_eq!(s.contents("a"), b"Jello\0\0\0");
}

fn pread_pwrite_do_not_move_offset(s: &Subject) {
    let mut f = s.open("a", &create()).unwrap();
    write(&mut f, b"0123456789").unwrap();
    f.seek(SeekFrom::Start(2)).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], 5).unwrap(), 4);
    assert_eq!(&buf, b"5678");
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], 100).unwrap(), 0);
    // An offset no host file can have: MemFs reads nothing, the host
    // refuses it as `preadv` would.
    let far = f.pread(&mut [IoSliceMut::new(&mut buf)], u64::MAX);
    assert_eq!(far, s.pick(Ok(0), Err(Errno::Inval)));
    assert_eq!(f.pwrite(&[IoSlice::new(b"ab"), IoSlice::new(b"c")], 1).unwrap(), 3);
    assert_eq!(f.seek(SeekFrom::Current(0)).unwrap(), 2);
    assert_eq!(s.contents("a"), b"0abc456789");
}

fn writes_past_the_end_leave_zeros(s: &Subject) {
    let mut f = s.open("a", &create()).unwrap();
    write(&mut f, b"ab").unwrap();
    f.seek(SeekFrom::Start(5)).unwrap();
    write(&mut f, b"c").unwrap();
    assert_eq!(s.contents("a"), b"ab\0\0\0c");
    // Over the end: the first bytes overwrite, the rest extend.
    f.pwrite(&[IoSlice::new(b"XYZ")], 4).unwrap();
    assert_eq!(s.contents("a"), b"ab\0\0XYZ");
    f.set_len(6).unwrap();
    // Far past the end, across MemFs's 64 KiB storage chunks.
    let off = 3 * 64 * 1024 - 2;
    f.pwrite(&[IoSlice::new(b"wxyz")], off).unwrap();
    let content = s.contents("a");
    assert_eq!(content.len() as u64, off + 4);
    assert_eq!(&content[content.len() - 4..], b"wxyz");
    assert!(content[6..content.len() - 4].iter().all(|&b| b == 0));
    assert_eq!(s.read_dir("").unwrap().len(), 1);
    // Shrink then grow: the old bytes must not come back.
    f.set_len(1).unwrap();
    f.set_len(10).unwrap();
    assert_eq!(s.contents("a"), b"a\0\0\0\0\0\0\0\0\0");
}

fn huge_offsets_fail_cleanly(s: &Subject) {
    let mut f = s.open("a", &create()).unwrap();
    // Past `i64::MAX`: MemFs says the file would be too big; the host
    // refuses the offset itself, as `pwritev` does.
    let past = f.pwrite(&[IoSlice::new(b"x")], u64::MAX).unwrap_err();
    assert_eq!(past, s.pick(Errno::Fbig, Errno::Inval));
    let at_max = f.pwrite(&[IoSlice::new(b"x")], i64::MAX as u64).unwrap_err();
    assert_eq!(at_max, s.pick(Errno::Fbig, Errno::Inval));
    assert_eq!(f.set_len(u64::MAX).unwrap_err(), Errno::Fbig);
    assert_eq!(f.allocate(u64::MAX, 2).unwrap_err(), Errno::Fbig);
    assert_eq!(f.seek(SeekFrom::Start(u64::MAX)).unwrap_err(), Errno::Inval);
    assert_eq!(f.stat().unwrap().size, 0);
}

fn open_creates_excludes_truncates(s: &Subject) {
    assert_eq!(s.open("a", &rw()).unwrap_err(), Errno::Noent);
    s.put("a", b"data");
    assert_eq!(s.open("a", &exclusive()).unwrap_err(), Errno::Exist);
    s.open("b", &exclusive()).unwrap();
    // O_RDONLY|O_CREAT, with and without O_EXCL, is POSIX.
    let ro_create = OpenOptions {
        create: true,
        ..read_only()
    };
    let mut f = s.open("a", &ro_create).unwrap();
    assert_eq!(read(&mut f, 100), b"data");
    assert_eq!(write(&mut f, b"x").unwrap_err(), Errno::Badf);
    s.open("c", &ro_create).unwrap();
    assert_eq!(s.stat("c").unwrap().size, 0);
    let ro_excl = OpenOptions {
        exclusive: true,
        ..ro_create
    };
    assert_eq!(s.open("c", &ro_excl).unwrap_err(), Errno::Exist);
    s.open("d", &ro_excl).unwrap();
    // Truncation needs write.
    let bad = OpenOptions {
        truncate: true,
        ..read_only()
    };
    assert_eq!(s.open("a", &bad).unwrap_err(), Errno::Inval);
    assert_eq!(s.contents("a"), b"data");
    let trunc = OpenOptions {
        write: true,
        truncate: true,
        ..Default::default()
    };
    drop(s.open("a", &trunc).unwrap());
    assert_eq!(s.contents("a"), b"");
}

fn open_access_modes_and_names(s: &Subject) {
    s.put("a", b"data");
    let mut r = s.open("a", &read_only()).unwrap();
    assert_eq!(write(&mut r, b"x").unwrap_err(), Errno::Badf);
    // Linux's ftruncate on a descriptor not open for writing: EINVAL.
    assert_eq!(r.set_len(0).unwrap_err(), s.ro_or(Errno::Rofs, Errno::Inval));
    let write_only = OpenOptions {
        write: true,
        ..Default::default()
    };
    let mut w = s.open("a", &write_only).unwrap();
    let mut buf = [0u8; 4];
    let refused = w.read_vectored(&mut [IoSliceMut::new(&mut buf)]);
    assert_eq!(refused.unwrap_err(), Errno::Badf);
    // Neither read nor write: reads, as O_RDONLY.
    let mut none = s.open("a", &OpenOptions::default()).unwrap();
    assert_eq!(read(&mut none, 10), b"data");
    // A missing parent, a file as parent.
    assert_eq!(s.open("nope/a", &create()).unwrap_err(), Errno::Noent);
    assert_eq!(s.open("a/b", &create()).unwrap_err(), Errno::Notdir);
    assert_eq!(s.stat("a/b").unwrap_err(), Errno::Notdir);
    // Names.
    assert_eq!(s.open(&"x".repeat(256), &create()).unwrap_err(), Errno::Nametoolong);
    assert_eq!(s.open("a\0b", &create()).unwrap_err(), Errno::Inval);
    assert_eq!(s.stat("./a").unwrap().size, 4);
    // `..`, which resolve() never passes down: MemFs refuses it as
    // invalid, cap-std as an escape from the root.
    assert_eq!(s.stat("../a").unwrap_err(), s.pick(Errno::Inval, Errno::Perm));
}

fn open_dir_and_symlink(s: &Subject) {
    s.create_dir("d").unwrap();
    s.symlink("d", "l").unwrap();
    assert_eq!(s.open("d", &rw()).unwrap_err(), Errno::Isdir);
    assert_eq!(s.open("d", &create()).unwrap_err(), Errno::Isdir);
    assert_eq!(s.open("d", &OpenOptions::default()).unwrap_err(), Errno::Isdir);
    assert_eq!(s.open("l", &rw()).unwrap_err(), Errno::Loop);
    assert_eq!(s.open("l", &create()).unwrap_err(), Errno::Loop);
    assert_eq!(s.open("l", &exclusive()).unwrap_err(), Errno::Exist);
    // A symlink in the middle of a path, which resolve() never passes
    // down: MemFs does not follow it, cap-std follows it within the root.
    assert_eq!(s.stat("l/x").unwrap_err(), s.pick(Errno::Notdir, Errno::Noent));
}

fn append_mode(s: &Subject) {
    s.put("a", b"abc");
    let opts = OpenOptions {
        append: true,
        ..read_only()
    };
    let mut f = s.open("a", &opts).unwrap();
    assert!(f.is_append());
    assert_eq!(write(&mut f, b"de").unwrap(), 2);
    assert_eq!(f.seek(SeekFrom::Current(0)).unwrap(), 5);
    f.seek(SeekFrom::Start(0)).unwrap();
    write(&mut f, b"f").unwrap();
    assert_eq!(s.contents("a"), b"abcdef");
    // pwrite writes at its offset, as POSIX says, and append stays on.
    f.pwrite(&[IoSlice::new(b"X")], 0).unwrap();
    assert_eq!(s.contents("a"), b"Xbcdef");
    write(&mut f, b"g").unwrap();
    assert_eq!(s.contents("a"), b"Xbcdefg");
    f.set_append(false).unwrap();
    assert!(!f.is_append());
    f.seek(SeekFrom::Start(1)).unwrap();
    write(&mut f, b"Y").unwrap();
    assert_eq!(s.contents("a"), b"XYcdefg");
    f.set_append(true).unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    write(&mut f, b"h").unwrap();
    assert_eq!(s.contents("a"), b"XYcdefgh");
    // Append with truncate is allowed (cap-std alone refuses the pair).
    let opts = OpenOptions {
        append: true,
        truncate: true,
        ..Default::default()
    };
    let mut f = s.open("a", &opts).unwrap();
    write(&mut f, b"z").unwrap();
    assert_eq!(s.contents("a"), b"z");
}

fn unlinked_file_stays_usable_through_handle(s: &Subject) {
    let mut f = s.open("a", &create()).unwrap();
    write(&mut f, b"keep").unwrap();
    s.remove_file("a").unwrap();
    assert_eq!(s.stat("a").unwrap_err(), Errno::Noent);
    assert_eq!(f.stat().unwrap().nlink, 0);
    write(&mut f, b" me").unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    assert_eq!(read(&mut f, 100), b"keep me");
    // A new file under the same name is a different inode.
    s.put("a", b"new");
    assert_ne!(s.stat("a").unwrap().ino, f.stat().unwrap().ino);
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut [0u8; 2])], 0).unwrap(), 2);
}

fn directories(s: &Subject) {
    s.create_dir("d").unwrap();
    assert_eq!(s.create_dir("d").unwrap_err(), Errno::Exist);
    s.create_dir("d/e").unwrap();
    s.put("d/f", b"");
    s.symlink("../x", "d/l").unwrap();
    assert_eq!(s.stat("d").unwrap().nlink, 3);
    assert_eq!(s.stat("").unwrap().nlink, 3);
    let entries = s.read_dir("d").unwrap();
    let names: Vec<_> = entries.iter().map(|e| (e.name.as_str(), e.filetype)).collect();
    let expected = [
        ("e", FileType::Directory),
        ("f", FileType::RegularFile),
        ("l", FileType::SymbolicLink),
    ];
    assert_eq!(names, expected);
    assert_eq!(entries[0].ino, s.stat("d/e").unwrap().ino);
    assert_eq!(entries[1].ino, s.stat("d/f").unwrap().ino);
    assert_eq!(s.read_dir("").unwrap().len(), 1);
    assert_eq!(s.read_dir("d/f").unwrap_err(), Errno::Notdir);
    assert_eq!(s.read_dir("d/l").unwrap_err(), Errno::Notdir);
    assert_eq!(s.read_dir("nope").unwrap_err(), Errno::Noent);
    assert_eq!(s.remove_dir("d").unwrap_err(), Errno::Notempty);
    assert_eq!(s.remove_dir("d/f").unwrap_err(), Errno::Notdir);
    assert_eq!(s.remove_dir("d/l").unwrap_err(), Errno::Notdir);
    assert_eq!(s.remove_file("d/e").unwrap_err(), Errno::Isdir);
    assert_eq!(s.remove_file("d/nope").unwrap_err(), Errno::Noent);
    s.remove_dir("d/e").unwrap();
    s.remove_file("d/f").unwrap();
    s.remove_file("d/l").unwrap();
    s.remove_dir("d").unwrap();
    assert!(s.read_dir("").unwrap().is_empty());
}

fn rename_files(s: &Subject) {
    s.put("a", b"A");
    s.put("b", b"B");
    let ino_a = s.stat("a").unwrap().ino;
    // File over file replaces.
    s.rename("a", "b").unwrap();
    assert_eq!(s.contents("b"), b"A");
    assert_eq!(s.stat("b").unwrap().ino, ino_a);
    assert_eq!(s.stat("a").unwrap_err(), Errno::Noent);
    assert_eq!(s.rename("a", "c").unwrap_err(), Errno::Noent);
    // To itself: no-op.
    s.rename("b", "b").unwrap();
    assert_eq!(s.contents("b"), b"A");
    // Between hard links of one inode: no-op, both stay.
    s.hard_link("b", "b2").unwrap();
    s.rename("b", "b2").unwrap();
    assert_eq!(s.stat("b").unwrap().nlink, 2);
    s.remove_file("b2").unwrap();
    // The root; a missing target parent.
    assert_eq!(s.rename("", "x").unwrap_err(), Errno::Busy);
    assert_eq!(s.rename("b", "").unwrap_err(), Errno::Busy);
    assert_eq!(s.rename("b", "nope/b").unwrap_err(), Errno::Noent);
    // A symlink is renamed as itself.
    s.symlink("b", "l").unwrap();
    s.rename("l", "l2").unwrap();
    assert_eq!(s.read_link("l2").unwrap(), "b");
    // A file over a symlink replaces the link, not its target.
    s.put("c", b"C");
    s.rename("c", "l2").unwrap();
    assert_eq!(s.contents("l2"), b"C");
    assert_eq!(s.stat("l2").unwrap().filetype, FileType::RegularFile);
    assert_eq!(s.contents("b"), b"A");
}

fn rename_directories(s: &Subject) {
    s.put("b", b"B");
    s.put_dir("d/sub");
    s.put_dir("empty");
    s.put_dir("full/x");
    // Dir over empty dir replaces; over non-empty: ENOTEMPTY.
    assert_eq!(s.rename("d", "full").unwrap_err(), Errno::Notempty);
    s.rename("d", "empty").unwrap();
    assert_eq!(s.stat("empty/sub").unwrap().filetype, FileType::Directory);
    assert_eq!(s.stat("d").unwrap_err(), Errno::Noent);
    // Dir over file: ENOTDIR; file over dir: EISDIR.
    assert_eq!(s.rename("empty", "b").unwrap_err(), Errno::Notdir);
    assert_eq!(s.rename("b", "empty").unwrap_err(), Errno::Isdir);
    // Into its own subtree: EINVAL.
    assert_eq!(s.rename("empty", "empty/sub/x").unwrap_err(), Errno::Inval);
    assert_eq!(s.rename("empty", "empty/x").unwrap_err(), Errno::Inval);
    // Onto an ancestor: that ancestor is not empty.
    assert_eq!(s.rename("empty/sub", "empty").unwrap_err(), Errno::Notempty);
    // Moving a directory updates its parent link: moving it back works.
    s.rename("empty/sub", "full/x/sub").unwrap();
    assert_eq!(s.rename("full", "full/x/sub/y").unwrap_err(), Errno::Inval);
    s.rename("full/x/sub", "sub").unwrap();
    assert_eq!(s.stat("full/x").unwrap().nlink, 2);
}

fn hard_links_share_the_inode(s: &Subject) {
    s.put("a", b"one");
    s.hard_link("a", "b").unwrap();
    let (sa, sb) = (s.stat("a").unwrap(), s.stat("b").unwrap());
    assert_eq!(sa.ino, sb.ino);
    assert_eq!(sa.nlink, 2);
    let trunc = OpenOptions { truncate: true, ..rw() };
    write(&mut s.open("b", &trunc).unwrap(), b"two").unwrap();
    assert_eq!(s.contents("a"), b"two");
    s.remove_file("a").unwrap();
    assert_eq!(s.stat("b").unwrap().nlink, 1);
    assert_eq!(s.hard_link("b", "b").unwrap_err(), Errno::Exist);
    assert_eq!(s.hard_link("nope", "c").unwrap_err(), Errno::Noent);
    s.create_dir("d").unwrap();
    assert_eq!(s.hard_link("d", "d2").unwrap_err(), Errno::Perm);
    assert_eq!(s.hard_link("", "d2").unwrap_err(), Errno::Perm);
    assert_eq!(s.hard_link("b", "").unwrap_err(), Errno::Exist);
    // A link to a symlink links the symlink itself.
    s.symlink("b", "l").unwrap();
    s.hard_link("l", "l2").unwrap();
    assert_eq!(s.read_link("l2").unwrap(), "b");
    assert_eq!(s.stat("l").unwrap().nlink, 2);
}

fn symlinks_are_stored_verbatim(s: &Subject) {
    s.put("t", b"target");
    s.symlink("/etc/passwd", "abs").unwrap();
    s.symlink("../../x", "up").unwrap();
    s.symlink("t", "rel").unwrap();
    assert_eq!(s.read_link("abs").unwrap(), "/etc/passwd");
    assert_eq!(s.read_link("up").unwrap(), "../../x");
    let st = s.stat("rel").unwrap();
    assert_eq!((st.filetype, st.size), (FileType::SymbolicLink, 1));
    assert_eq!(s.read_link("t").unwrap_err(), Errno::Inval);
    assert_eq!(s.read_link("").unwrap_err(), Errno::Inval);
    assert_eq!(s.symlink("x", "rel").unwrap_err(), Errno::Exist);
    assert_eq!(s.symlink("", "e").unwrap_err(), Errno::Noent);
    assert_eq!(s.open("rel", &read_only()).unwrap_err(), Errno::Loop);
    // Removing the link leaves the target.
    s.remove_file("rel").unwrap();
    assert_eq!(s.contents("t"), b"target");
    // set_times acts on the link.
    s.set_times("abs", SetTime::At(5), SetTime::At(6)).unwrap();
    let st = s.stat("abs").unwrap();
    assert_eq!((st.atim, st.mtim), (5, 6));
    assert_ne!(s.stat("t").unwrap().mtim, 6);
}

/// Every way of opening a file, for checking that none follows a link.
fn every_open() -> [OpenOptions; 6] {
    let append = OpenOptions {
        append: true,
        ..Default::default()
    };
    let trunc = OpenOptions {
        write: true,
        truncate: true,
        ..Default::default()
    };
    let ro_create = OpenOptions {
        create: true,
        ..read_only()
    };
    [read_only(), rw(), create(), trunc, append, ro_create]
}

/// Links whose targets lie outside the root (for an OsDir, real places
/// beside it): every method sees the link itself.
fn a_symlink_is_seen_as_itself(s: &Subject) {
    let outside = |name: &str| match &s.store {
        Store::Host(h) => h.outside(name).to_str().unwrap().to_owned(),
        Store::Mem(_) => format!("/{name}"),
    };
    let targets = [
        ("up", "../secret".to_owned()),
        ("passwd", "/etc/passwd".to_owned()),
        ("abs", outside("secret")),
        ("dotdot", "..".to_owned()),
        ("updir", "../outdir".to_owned()),
        ("absdir", outside("outdir")),
    ];
    for (link, target) in &targets {
        s.symlink(target, link).unwrap();
    }
    for (l, target) in &targets {
        let st = s.stat(l).unwrap();
        assert_eq!(st.filetype, FileType::SymbolicLink, "{l}");
        assert_eq!(s.read_link(l).unwrap(), *target);
        assert_eq!(st.size as usize, target.len(), "{l}");
        for o in every_open() {
            assert_eq!(s.open(l, &o).unwrap_err(), Errno::Loop, "{l} {o:?}");
        }
        assert_eq!(s.open(l, &exclusive()).unwrap_err(), Errno::Exist, "{l}");
        assert_eq!(s.read_dir(l).unwrap_err(), Errno::Notdir, "{l}");
        assert_eq!(s.remove_dir(l).unwrap_err(), Errno::Notdir, "{l}");
        assert_eq!(s.create_dir(l).unwrap_err(), Errno::Exist, "{l}");
        assert_eq!(s.symlink("x", l).unwrap_err(), Errno::Exist, "{l}");
        s.set_times(l, SetTime::At(1), SetTime::At(2)).unwrap();
        assert_eq!(s.stat(l).unwrap().mtim, 2);
        let copy = format!("{l}.hard");
        s.hard_link(l, &copy).unwrap();
        assert_eq!(s.stat(&copy).unwrap().filetype, FileType::SymbolicLink);
        assert_eq!(s.read_link(&copy).unwrap(), *target);
        let moved = format!("{l}.moved");
        s.rename(l, &moved).unwrap();
        assert_eq!(s.stat(&moved).unwrap().filetype, FileType::SymbolicLink);
        s.rename(&moved, l).unwrap();
        s.remove_file(l).unwrap();
        s.remove_file(&copy).unwrap();
    }
    assert!(s.read_dir("").unwrap().is_empty());
}

fn set_times_by_path(s: &Subject) {
    s.put("a", b"x");
    s.set_times("a", SetTime::At(1_000_000_123), SetTime::At(2_000_000_456))
        .unwrap();
    let st = s.stat("a").unwrap();
    assert_eq!((st.atim, st.mtim), (1_000_000_123, 2_000_000_456));
    assert!(st.ctim > 2_000_000_456);
    s.set_times("a", SetTime::Omit, SetTime::At(7)).unwrap();
    let st = s.stat("a").unwrap();
    assert_eq!((st.atim, st.mtim), (1_000_000_123, 7));
    s.set_times("a", SetTime::Now, SetTime::Omit).unwrap();
    let st = s.stat("a").unwrap();
    assert!(st.atim > 1_600_000_000_000_000_000);
    assert_eq!(st.mtim, 7);
    s.set_times("a", SetTime::Omit, SetTime::Omit).unwrap();
    assert_eq!(s.stat("a").unwrap(), st);
    let missing = [(SetTime::Omit, SetTime::Omit), (SetTime::Now, SetTime::Now)];
    for (atim, mtim) in missing {
        assert_eq!(s.set_times("nope", atim, mtim).unwrap_err(), Errno::Noent);
    }
    s.set_times("", SetTime::At(5), SetTime::At(6)).unwrap();
    let st = s.stat("").unwrap();
    assert_eq!((st.atim, st.mtim), (5, 6));
    s.create_dir("d").unwrap();
    assert!(s.stat("").unwrap().mtim > 6);
    // A symlink's own times change, not its target's.
    s.symlink("a", "l").unwrap();
    s.set_times("l", SetTime::At(8), SetTime::At(9)).unwrap();
    assert_eq!(s.stat("l").unwrap().mtim, 9);
    assert_eq!(s.stat("a").unwrap().mtim, 7);
}

fn set_times_through_a_handle(s: &Subject) {
    s.put("a", b"x");
    let mut f = s.open("a", &rw()).unwrap();
    f.set_times(SetTime::At(3_000_000_001), SetTime::At(4_000_000_002))
        .unwrap();
    let st = f.stat().unwrap();
    assert_eq!((st.atim, st.mtim), (3_000_000_001, 4_000_000_002));
    assert_eq!(s.stat("a").unwrap().mtim, 4_000_000_002);
    // A write moves the modification time.
    write(&mut f, b"y").unwrap();
    assert!(s.stat("a").unwrap().mtim > 4_000_000_002);
}

fn permission_bits(s: &Subject) {
    s.put("f", b"x");
    s.create_dir("d").unwrap();
    s.symlink("f", "l").unwrap();
    assert_eq!(s.stat("f").unwrap().mode, s.new_mode("f", 0o644));
    assert_eq!(s.stat("d").unwrap().mode, s.new_mode("d", 0o755));
    assert_eq!(s.stat("l").unwrap().mode, 0o777);
    s.set_mode("f", 0o100600).unwrap();
    assert_eq!(s.stat("f").unwrap().mode, 0o600);
    s.set_mode("d", 0o700).unwrap();
    assert_eq!(s.stat("d").unwrap().mode, 0o700);
    // A symlink, which resolve() follows before set_mode: MemFs refuses
    // to change a link's own mode, cap-std's chmod follows it.
    let on_link = s.set_mode("l", 0o640);
    assert_eq!(on_link, s.pick(Err(Errno::Notsup), Ok(())));
    assert_eq!(s.stat("f").unwrap().mode, s.pick(0o600, 0o640));
    assert_eq!(s.set_mode("missing", 0o600), Err(Errno::Noent));
    // fchmod works whatever the handle's access mode.
    let mut h = s.open("f", &read_only()).unwrap();
    assert_eq!(h.set_mode(0o4755), s.ro_or(Err(Errno::Rofs), Ok(())));
    assert_eq!(h.stat().unwrap().mode, s.ro_or(s.pick(0o600, 0o640), 0o4755));
}

fn populate(s: &Subject) {
    s.put_dir("d/e");
    s.put("d/f", b"content");
    s.symlink("f", "d/l").unwrap();
}

/// What a read-only file system must still do (the subject checks that
/// a read-only one answers as the file system below).
fn reads(s: &Subject) {
    populate(s);
    assert_eq!(s.stat("d/f").unwrap().size, 7);
    assert_eq!(s.read_dir("d").unwrap().len(), 3);
    assert_eq!(s.read_link("d/l").unwrap(), "f");
    let mut f = s.open("d/f", &read_only()).unwrap();
    let mut buf = [0u8; 16];
    let n = f.read_vectored(&mut [IoSliceMut::new(&mut buf)]).unwrap();
    assert_eq!(&buf[..n], b"content");
    assert_eq!(f.seek(SeekFrom::Start(3)).unwrap(), 3);
    assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], 1).unwrap(), 6);
    assert_eq!(f.stat().unwrap().size, 7);
    assert_eq!(f.bytes_readable().unwrap(), Some(4));
    // Errors from below pass through.
    assert_eq!(s.open("nope", &read_only()).unwrap_err(), Errno::Noent);
    assert_eq!(s.open("d", &read_only()).unwrap_err(), Errno::Isdir);
    assert_eq!(s.open("d/l", &read_only()).unwrap_err(), Errno::Loop);
}

/// A handle opened only for reading refuses to write. Only the
/// read-only wrapper refuses the rest (times, mode bits, append mode)
/// and says it cannot write; the others answer as Linux does for a
/// descriptor opened `O_RDONLY`, which `poll` reports writable.
fn a_handle_opened_for_reading(s: &Subject) {
    populate(s);
    let before = s.stat("d/f").unwrap();
    let mut f = s.open("d/f", &read_only()).unwrap();
    assert_eq!(f.write_vectored(&[IoSlice::new(b"x")]).unwrap_err(), Errno::Badf);
    assert_eq!(f.pwrite(&[IoSlice::new(b"x")], 0).unwrap_err(), Errno::Badf);
    assert_eq!(f.set_len(0).unwrap_err(), s.ro_or(Errno::Rofs, Errno::Inval));
    // MemFs says EBADF as posix_fallocate does; OsDir extends with
    // ftruncate, which says EINVAL.
    let allocate = f.allocate(0, 100).unwrap_err();
    assert_eq!(allocate, s.ro_or(Errno::Rofs, s.pick(Errno::Badf, Errno::Inval)));
    let times = f.set_times(SetTime::At(1), SetTime::At(1));
    assert_eq!(times, s.ro_or(Err(Errno::Rofs), Ok(())));
    assert_eq!(f.set_append(true), s.ro_or(Err(Errno::Rofs), Ok(())));
    assert_eq!(f.is_writable(), !s.read_only());
    f.sync().unwrap();
    // Only the times changed, and only where the handle could change them.
    let after = s.stat("d/f").unwrap();
    let times_set = Stat {
        atim: 1,
        mtim: 1,
        ctim: after.ctim,
        ..before
    };
    assert_eq!(after, s.ro_or(before, times_set));
    assert_eq!(s.contents("d/f"), b"content");
    assert_eq!(s.read_dir("d").unwrap().len(), 3);
}

/// Every open a read-only file system must refuse with `EROFS`.
pub(super) fn writing_opens() -> [OpenOptions; 7] {
    let with = |f: fn(&mut OpenOptions)| {
        let mut o = read_only();
        f(&mut o);
        o
    };
    [
        with(|o| o.write = true),
        with(|o| o.append = true),
        with(|o| o.create = true),
        with(|o| {
            o.create = true;
            o.exclusive = true
        }),
        with(|o| o.exclusive = true),
        with(|o| {
            o.write = true;
            o.truncate = true
        }),
        with(|o| o.truncate = true),
    ]
}

/// Opens [`ReadOnly`] must refuse, on a file that exists and one that
/// does not: none reaches the file system below (an `O_TRUNC` would
/// empty the file).
fn refused_opens_never_reach_below(s: &Subject) {
    populate(s);
    let before = s.below().stat("d/f").unwrap();
    for o in writing_opens() {
        assert_eq!(s.fs.open("d/f", &o).unwrap_err(), Errno::Rofs, "{o:?}");
        assert_eq!(s.fs.open("d/new", &o).unwrap_err(), Errno::Rofs, "{o:?}");
    }
    assert_eq!(s.below().stat("d/new").unwrap_err(), Errno::Noent);
    assert_eq!(s.below().stat("d/f").unwrap(), before);
    assert_eq!(s.contents("d/f"), b"content");
}
