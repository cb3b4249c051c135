//! [`MemFs`]: an in-memory file system that several guests and threads can
//! share.
//!
//! The tree (directories, their entries, symbolic links) sits behind one
//! `RwLock`; the bytes and attributes of each regular file sit behind that
//! file's own `Mutex`, shared (`Arc`) by its directory entries and by every
//! open handle. Locks are taken in that order (tree, then file) and held only
//! while a method copies data in or out: never across a call into other
//! code. A poisoned lock is recovered, not propagated: every method leaves
//! the data consistent at each step.
//!
//! File contents are stored sparsely, in chunks of [`CHUNK`] bytes that are
//! allocated on first write: a hole (a write past the end, or `set_len`
//! growing a file) reads as zeros and costs no memory, so a guest writing at
//! offset 2^60 uses one chunk, not an exabyte.

use super::{DirEntry, File, FileSystem, FileType, OpenOptions, SetTime, Stat};
use crate::errno::Result;
use crate::Errno;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{IoSlice, IoSliceMut, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The largest size a [`MemFs`] file can have, in bytes (`i64::MAX`, as
/// `off_t` allows). Writing or extending beyond it is `EFBIG`.
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// Size in bytes of one storage chunk of a [`MemFs`] file. A chunk is
/// allocated (and grows up to this size) only where data is written.
pub const CHUNK: usize = 64 * 1024;

/// The longest name one path component may have, in bytes (Linux's
/// `NAME_MAX`). Longer: `ENAMETOOLONG`.
const NAME_MAX: usize = 255;

/// Inode number of the root directory.
const ROOT: u64 = 1;

/// Device numbers handed to new trees, so that (dev, ino) is unique across
/// several `MemFs`.
static NEXT_DEV: AtomicU64 = AtomicU64::new(0x6d65_6d00);

type Ino = u64;

/// An in-memory file system tree.
///
/// - `MemFs::new()` makes an empty tree (just the root directory).
/// - `Clone` is cheap and shares the same tree: mount one clone in each
///   guest and what one guest writes the other reads. `MemFs` is `Send +
///   Sync`; every method takes `&self`.
/// - Inodes have numbers (`ino`, the root is 1, never reused), a link count
///   (hard links share the inode; a directory has `2 +` its subdirectories),
///   and access/modification/status-change times in ns since the epoch.
/// - Symbolic links store their target verbatim; no method follows them.
/// - An open file (a `Box<dyn File>` from [`FileSystem::open`]) holds the
///   file's data itself, so it stays readable and writable after the file is
///   unlinked or renamed (POSIX).
/// - Sizes: a file holds at most `i64::MAX` bytes (`EFBIG` beyond).
///   The bytes stored by all files of a tree can be capped with
///   [`MemFs::with_capacity_limit`] (`ENOSPC` beyond); without a cap, a
///   failed allocation is `ENOSPC` too, never an abort. Holes cost nothing,
///   except that the zeros between the start of a 64 KiB chunk and the first
///   byte written in it are stored (and counted).
///
/// Paths are as [`FileSystem`] describes (relative, resolved); in addition,
/// empty and `.` components are skipped, `..` is `EINVAL`, a component
/// longer than 255 bytes is `ENAMETOOLONG` and one containing NUL is
/// `EINVAL`. A non-directory (or a symlink) in the middle of a path is
/// `ENOTDIR`.
#[derive(Clone)]
pub struct MemFs {
    inner: Arc<Inner>,
}

struct Inner {
    tree: RwLock<Tree>,
    usage: Arc<Usage>,
    dev: u64,
}

/// Bytes stored by the files of one tree, against its limit.
struct Usage {
    used: AtomicU64,
    limit: u64,
}

impl Usage {
    /// Accounts for `n` more bytes, or `ENOSPC` if that passes the limit.
    fn reserve(&self, n: u64) -> Result<()> {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| {
                u.checked_add(n).filter(|&t| t <= self.limit)
            })
            .map(|_| ())
            .map_err(|_| Errno::Nospc)
    }

    /// Bytes that can still be reserved now (at most `usize::MAX`).
    fn available(&self) -> usize {
        let free = self.limit.saturating_sub(self.used.load(Ordering::Acquire));
        usize::try_from(free).unwrap_or(usize::MAX)
    }

    /// Gives back `n` bytes.
    fn release(&self, n: u64) {
        if n > 0 {
            let _ = self
                .used
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| Some(u.saturating_sub(n)));
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Times {
    atim: u64,
    mtim: u64,
    ctim: u64,
}

impl Times {
    fn new(now: u64) -> Times {
        Times {
            atim: now,
            mtim: now,
            ctim: now,
        }
    }

    /// Records a read the way Linux's default `relatime` mount option
    /// does: the access time moves only when it is not later than the
    /// modification or status-change time, so rereading an unchanged
    /// file needs no clock reading. Linux also moves an access time that
    /// is a day old; this does not, as that check would need the clock on
    /// every read.
    fn accessed(&mut self) {
        if self.atim <= self.mtim || self.atim <= self.ctim {
            self.atim = now_ns();
        }
    }

    /// `utimensat` semantics: both `Omit` changes nothing; otherwise the
    /// given times are set and the status-change time becomes now.
    fn set(&mut self, atim: SetTime, mtim: SetTime) {
        if atim == SetTime::Omit && mtim == SetTime::Omit {
            return;
        }
        let now = now_ns();
        match atim {
            SetTime::Omit => {}
            SetTime::Now => self.atim = now,
            SetTime::At(t) => self.atim = t,
        }
        match mtim {
            SetTime::Omit => {}
            SetTime::Now => self.mtim = now,
            SetTime::At(t) => self.mtim = t,
        }
        self.ctim = now;
    }

    fn modified(&mut self, now: u64) {
        self.mtim = now;
        self.ctim = now;
    }
}

/// The host's wall clock in ns since the epoch (0 before the epoch,
/// saturating after 2554).
fn now_ns() -> u64 {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse);
        (t.tv_sec.max(0) as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(t.tv_nsec.max(0) as u64)
    }
    #[cfg(not(target_os = "linux"))]
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

struct Tree {
    nodes: HashMap<Ino, Node>,
    next_ino: Ino,
}

enum Node {
    Dir(DirNode),
    File(Arc<FileNode>),
    Symlink(SymlinkNode),
}

struct DirNode {
    entries: BTreeMap<String, Ino>,
    /// The directory containing this one (the root's is itself).
    parent: Ino,
    times: Times,
    /// Permission bits (`chmod`); 0o755 at creation.
    mode: u32,
}

struct SymlinkNode {
    target: String,
    nlink: u64,
    times: Times,
}

/// A regular file: shared by its directory entries and its open handles.
struct FileNode {
    ino: Ino,
    dev: u64,
    usage: Arc<Usage>,
    data: Mutex<FileData>,
}

impl Drop for FileNode {
    fn drop(&mut self) {
        let data = self.data.get_mut().unwrap_or_else(|e| e.into_inner());
        self.usage.release(data.stored());
    }
}

/// The contents and attributes of a regular file.
///
/// Invariant: every stored byte lies below `size`; chunk `i` holds bytes
/// `i * CHUNK ..`, and whatever lies between a chunk's end and the next
/// chunk (or `size`) is a hole that reads as zeros.
struct FileData {
    chunks: BTreeMap<u64, Vec<u8>>,
    size: u64,
    nlink: u64,
    times: Times,
    /// Permission bits (`chmod`); 0o644 at creation.
    mode: u32,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn read_lock<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

fn write_lock<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

impl FileData {
    fn new(now: u64) -> FileData {
        FileData {
            chunks: BTreeMap::new(),
            size: 0,
            nlink: 1,
            times: Times::new(now),
            mode: 0o644,
        }
    }

    /// Bytes actually stored (holes excluded).
    fn stored(&self) -> u64 {
        self.chunks.values().map(|c| c.len() as u64).sum()
    }

    fn stat(&self, dev: u64, ino: Ino) -> Stat {
        Stat {
            dev,
            ino,
            filetype: FileType::RegularFile,
            nlink: self.nlink,
            size: self.size,
            atim: self.times.atim,
            mtim: self.times.mtim,
            ctim: self.times.ctim,
            mode: self.mode,
        }
    }

    /// Copies bytes at `pos` into `dst`, up to the end of `pos`'s chunk.
    /// The caller keeps `pos + dst.len() <= size`. Returns the bytes copied.
    fn copy_out(&self, pos: u64, dst: &mut [u8]) -> usize {
        let idx = pos / CHUNK as u64;
        let within = (pos % CHUNK as u64) as usize;
        let n = dst.len().min(CHUNK - within);
        let dst = &mut dst[..n];
        match self.chunks.get(&idx) {
            Some(c) if within < c.len() => {
                let avail = n.min(c.len() - within);
                dst[..avail].copy_from_slice(&c[within..within + avail]);
                dst[avail..].fill(0);
            }
            _ => dst.fill(0),
        }
        n
    }

    /// Reads into `bufs` at `offset`; returns the bytes read (0 at or past
    /// the end).
    fn read_at(&self, offset: u64, bufs: &mut [IoSliceMut<'_>]) -> usize {
        let mut pos = offset;
        let mut total = 0usize;
        for buf in bufs.iter_mut() {
            let mut filled = 0usize;
            while filled < buf.len() && pos < self.size {
                let left = (self.size - pos).min((buf.len() - filled) as u64) as usize;
                let n = self.copy_out(pos, &mut buf[filled..filled + left]);
                filled += n;
                pos += n as u64;
            }
            total += filled;
            if pos >= self.size {
                break;
            }
        }
        total
    }

    /// Writes `src` at `pos`, up to the end of `pos`'s chunk, allocating as
    /// needed. Returns the bytes written; on error nothing was changed.
    fn write_piece(&mut self, pos: u64, src: &[u8], usage: &Usage) -> Result<usize> {
        let idx = pos / CHUNK as u64;
        let within = (pos % CHUNK as u64) as usize;
        let mut n = src.len().min(CHUNK - within);
        let mut end = within + n;
        let chunk = self.chunks.entry(idx).or_default();
        let mut grown = Ok(());
        if chunk.len() < end {
            grown = reserve_chunk(chunk, end, usage);
            if grown.is_err() {
                // Near the capacity limit: write what still fits.
                let fits = chunk.len().saturating_add(usage.available());
                if fits > within && fits < end {
                    end = fits;
                    n = end - within;
                    grown = reserve_chunk(chunk, end, usage);
                }
            }
        }
        match grown {
            Ok(()) => {
                // Bytes past the chunk's end are appended rather than
                // zeroed and then overwritten: one pass over them, not two.
                if chunk.len() < within {
                    chunk.resize(within, 0);
                }
                let overlap = (chunk.len() - within).min(n);
                chunk[within..within + overlap].copy_from_slice(&src[..overlap]);
                chunk.extend_from_slice(&src[overlap..n]);
                Ok(n)
            }
            Err(e) => {
                if chunk.is_empty() {
                    self.chunks.remove(&idx);
                }
                Err(e)
            }
        }
    }

    /// Writes `bufs` in order at `offset`, extending the file (with a hole
    /// if `offset` is past the end). A write that would pass
    /// [`MAX_FILE_SIZE`] or the capacity is cut short; if nothing can be
    /// written: `EFBIG` or `ENOSPC`.
    fn write_at(&mut self, offset: u64, bufs: &[IoSlice<'_>], usage: &Usage) -> Result<usize> {
        let total = bufs.iter().map(|b| b.len() as u64).fold(0u64, u64::saturating_add);
        if total == 0 {
            return Ok(0);
        }
        if offset >= MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        let limit = total.min(MAX_FILE_SIZE - offset);
        let mut pos = offset;
        let mut written = 0u64;
        let mut failure = None;
        'bufs: for buf in bufs {
            let mut src: &[u8] = buf;
            while !src.is_empty() {
                if written == limit {
                    break 'bufs;
                }
                let take = (src.len() as u64).min(limit - written) as usize;
                match self.write_piece(pos, &src[..take], usage) {
                    Ok(n) => {
                        pos += n as u64;
                        written += n as u64;
                        src = &src[n..];
                    }
                    Err(e) => {
                        failure = Some(e);
                        break 'bufs;
                    }
                }
            }
        }
        if written == 0 {
            return Err(failure.unwrap_or(Errno::Fbig));
        }
        if pos > self.size {
            self.size = pos;
        }
        self.times.modified(now_ns());
        Ok(written as usize)
    }

    /// Truncates or extends (with a hole) to `size` bytes.
    fn set_len(&mut self, size: u64, usage: &Usage) -> Result<()> {
        if size > MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        if size < self.size {
            // Chunks wholly at or past the new end go; the one straddling
            // it is cut.
            let first_dead = size.div_ceil(CHUNK as u64);
            let dead = self.chunks.split_off(&first_dead);
            usage.release(dead.values().map(|c| c.len() as u64).sum());
            let within = (size % CHUNK as u64) as usize;
            if within != 0 {
                if let Some(c) = self.chunks.get_mut(&(size / CHUNK as u64)) {
                    if c.len() > within {
                        usage.release((c.len() - within) as u64);
                        c.truncate(within);
                        c.shrink_to_fit();
                    }
                }
            }
        }
        if size != self.size {
            self.size = size;
            self.times.modified(now_ns());
        }
        Ok(())
    }
}

/// Makes room in `chunk` for `end` bytes (`end <= CHUNK`) and accounts
/// for the new ones; the caller then fills them. Errors: the capacity
/// limit (`ENOSPC`, from [`Usage::reserve`]); allocation failure, `ENOSPC`.
fn reserve_chunk(chunk: &mut Vec<u8>, end: usize, usage: &Usage) -> Result<()> {
    let grow = end - chunk.len();
    usage.reserve(grow as u64)?;
    if chunk.capacity() < end {
        let target = end.max(chunk.capacity().saturating_mul(2)).min(CHUNK);
        if chunk.try_reserve_exact(target - chunk.len()).is_err() {
            usage.release(grow as u64);
            return Err(Errno::Nospc);
        }
    }
    Ok(())
}

/// Splits `path` into components, skipping empty and `.` ones.
fn components(path: &str) -> Result<Vec<&str>> {
    let mut out = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => return Err(Errno::Inval),
            _ if c.len() > NAME_MAX => return Err(Errno::Nametoolong),
            _ if c.contains('\0') => return Err(Errno::Inval),
            _ => out.push(c),
        }
    }
    Ok(out)
}

impl Tree {
    fn node(&self, ino: Ino) -> Result<&Node> {
        self.nodes.get(&ino).ok_or(Errno::Noent)
    }

    fn dir(&self, ino: Ino) -> Result<&DirNode> {
        match self.node(ino)? {
            Node::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    fn dir_mut(&mut self, ino: Ino) -> Result<&mut DirNode> {
        match self.nodes.get_mut(&ino) {
            Some(Node::Dir(d)) => Ok(d),
            Some(_) => Err(Errno::Notdir),
            None => Err(Errno::Noent),
        }
    }

    /// The inode at `comps` (the root for none).
    fn lookup(&self, comps: &[&str]) -> Result<Ino> {
        let mut ino = ROOT;
        for c in comps {
            ino = *self.dir(ino)?.entries.get(*c).ok_or(Errno::Noent)?;
        }
        Ok(ino)
    }

    fn alloc_ino(&mut self) -> Result<Ino> {
        let ino = self.next_ino;
        self.next_ino = ino.checked_add(1).ok_or(Errno::Nospc)?;
        Ok(ino)
    }

    /// Marks a directory's entries as changed.
    fn touch_dir(&mut self, ino: Ino, now: u64) {
        if let Some(Node::Dir(d)) = self.nodes.get_mut(&ino) {
            d.times.modified(now);
        }
    }

    /// Drops one link to `ino` (its directory entry is already gone);
    /// forgets the inode when none is left. Open handles keep a file's data.
    fn drop_link(&mut self, ino: Ino, now: u64) {
        let gone = match self.nodes.get_mut(&ino) {
            Some(Node::File(f)) => {
                let mut d = lock(&f.data);
                d.nlink = d.nlink.saturating_sub(1);
                d.times.ctim = now;
                d.nlink == 0
            }
            Some(Node::Symlink(s)) => {
                s.nlink = s.nlink.saturating_sub(1);
                s.times.ctim = now;
                s.nlink == 0
            }
            Some(Node::Dir(_)) => true,
            None => false,
        };
        if gone {
            self.nodes.remove(&ino);
        }
    }

    fn stat(&self, ino: Ino, dev: u64) -> Result<Stat> {
        Ok(match self.node(ino)? {
            Node::Dir(d) => {
                let subdirs = d
                    .entries
                    .values()
                    .filter(|i| matches!(self.nodes.get(i), Some(Node::Dir(_))))
                    .count() as u64;
                Stat {
                    dev,
                    ino,
                    filetype: FileType::Directory,
                    nlink: 2 + subdirs,
                    size: 0,
                    atim: d.times.atim,
                    mtim: d.times.mtim,
                    ctim: d.times.ctim,
                    mode: d.mode,
                }
            }
            Node::File(f) => lock(&f.data).stat(dev, ino),
            Node::Symlink(s) => Stat {
                dev,
                ino,
                filetype: FileType::SymbolicLink,
                nlink: s.nlink,
                size: s.target.len() as u64,
                atim: s.times.atim,
                mtim: s.times.mtim,
                ctim: s.times.ctim,
                mode: 0o777,
            },
        })
    }

    fn filetype(&self, ino: Ino) -> FileType {
        match self.nodes.get(&ino) {
            Some(Node::Dir(_)) => FileType::Directory,
            Some(Node::File(_)) => FileType::RegularFile,
            Some(Node::Symlink(_)) => FileType::SymbolicLink,
            None => FileType::Unknown,
        }
    }
}

impl Default for MemFs {
    fn default() -> MemFs {
        MemFs::new()
    }
}

impl fmt::Debug for MemFs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemFs")
            .field("dev", &self.inner.dev)
            .field("used_bytes", &self.used_bytes())
            .finish_non_exhaustive()
    }
}

impl MemFs {
    /// An empty tree (only the root directory), with no capacity limit.
    pub fn new() -> MemFs {
        MemFs::with_capacity_limit(u64::MAX)
    }

    /// An empty tree whose files may store at most `bytes` bytes in all
    /// (holes excluded, see [`MemFs`]). A write or extension that needs more is cut short,
    /// or fails with `ENOSPC` if nothing could be written.
    pub fn with_capacity_limit(bytes: u64) -> MemFs {
        let now = now_ns();
        let mut nodes = HashMap::new();
        nodes.insert(
            ROOT,
            Node::Dir(DirNode {
                entries: BTreeMap::new(),
                parent: ROOT,
                times: Times::new(now),
                mode: 0o755,
            }),
        );
        MemFs {
            inner: Arc::new(Inner {
                tree: RwLock::new(Tree {
                    nodes,
                    next_ino: ROOT + 1,
                }),
                usage: Arc::new(Usage {
                    used: AtomicU64::new(0),
                    limit: bytes,
                }),
                dev: NEXT_DEV.fetch_add(1, Ordering::Relaxed),
            }),
        }
    }

    /// Bytes currently stored by the tree's files, including files that are
    /// unlinked but still open (holes excluded).
    pub fn used_bytes(&self) -> u64 {
        self.inner.usage.used.load(Ordering::Acquire)
    }

    /// Creates or replaces the regular file at `path` (relative to the root)
    /// with `bytes`. The parent directory must exist. Errors as
    /// [`FileSystem::open`] with create and truncate, plus `ENOSPC`.
    pub fn write_file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let opts = OpenOptions {
            write: true,
            create: true,
            truncate: true,
            ..Default::default()
        };
        let mut f = self.open(path, &opts)?;
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = f.write_vectored(&[IoSlice::new(rest)])?;
            if n == 0 {
                return Err(Errno::Nospc);
            }
            rest = &rest[n..];
        }
        Ok(())
    }

    /// The whole content of the regular file at `path`. A directory:
    /// `EISDIR`; a symlink: `ELOOP`; too large to hold in memory: `ENOMEM`.
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>> {
        let node = self.open_node(
            path,
            &OpenOptions {
                read: true,
                ..Default::default()
            },
        )?;
        let data = lock(&node.data);
        let size = usize::try_from(data.size).map_err(|_| Errno::Nomem)?;
        let mut out = Vec::new();
        out.try_reserve_exact(size).map_err(|_| Errno::Nomem)?;
        out.resize(size, 0);
        let n = data.read_at(0, &mut [IoSliceMut::new(&mut out)]);
        out.truncate(n);
        Ok(out)
    }

    /// Creates the directory at `path` and any missing parents. An existing
    /// directory is fine; an existing non-directory on the way: `EEXIST`
    /// (last component) or `ENOTDIR`.
    pub fn create_dir_all(&self, path: &str) -> Result<()> {
        let comps = components(path)?;
        let mut tree = write_lock(&self.inner.tree);
        let mut ino = ROOT;
        for (i, c) in comps.iter().enumerate() {
            let existing = tree.dir(ino)?.entries.get(*c).copied();
            ino = match existing {
                Some(child) => match tree.node(child)? {
                    Node::Dir(_) => child,
                    _ if i + 1 == comps.len() => return Err(Errno::Exist),
                    _ => return Err(Errno::Notdir),
                },
                None => mkdir_in(&mut tree, ino, c)?,
            };
        }
        Ok(())
    }

    /// Finds or creates the file `opts` asks for; truncates it if asked.
    fn open_node(&self, path: &str, opts: &OpenOptions) -> Result<Arc<FileNode>> {
        let writable = opts.write || opts.append;
        if opts.truncate && !writable {
            return Err(Errno::Inval);
        }
        let comps = components(path)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(if opts.create && opts.exclusive {
                Errno::Exist
            } else {
                Errno::Isdir
            });
        };
        let existing = {
            let tree = read_lock(&self.inner.tree);
            let p = tree.lookup(parent)?;
            let child = tree.dir(p)?.entries.get(*name).copied();
            match child {
                Some(ino) => Some(existing_file(&tree, ino, opts)?),
                None if !opts.create => return Err(Errno::Noent),
                None => None,
            }
        };
        let node = match existing {
            Some(node) => {
                if opts.truncate {
                    let mut d = lock(&node.data);
                    d.set_len(0, &self.inner.usage)?;
                    d.times.modified(now_ns());
                }
                node
            }
            None => {
                // Create, unless someone else did between the two locks.
                let mut tree = write_lock(&self.inner.tree);
                let p = tree.lookup(parent)?;
                let child = tree.dir(p)?.entries.get(*name).copied();
                if let Some(ino) = child {
                    let node = existing_file(&tree, ino, opts)?;
                    drop(tree);
                    if opts.truncate {
                        let mut d = lock(&node.data);
                        d.set_len(0, &self.inner.usage)?;
                        d.times.modified(now_ns());
                    }
                    return Ok(node);
                }
                let ino = tree.alloc_ino()?;
                let now = now_ns();
                let node = Arc::new(FileNode {
                    ino,
                    dev: self.inner.dev,
                    usage: Arc::clone(&self.inner.usage),
                    data: Mutex::new(FileData::new(now)),
                });
                tree.nodes.insert(ino, Node::File(Arc::clone(&node)));
                let dir = tree.dir_mut(p)?;
                dir.entries.insert((*name).to_owned(), ino);
                dir.times.modified(now);
                node
            }
        };
        Ok(node)
    }
}

/// The file at `ino` for an open: `EEXIST` with create + exclusive,
/// `EISDIR` for a directory, `ELOOP` for a symlink.
fn existing_file(tree: &Tree, ino: Ino, opts: &OpenOptions) -> Result<Arc<FileNode>> {
    if opts.create && opts.exclusive {
        return Err(Errno::Exist);
    }
    match tree.node(ino)? {
        Node::File(f) => Ok(Arc::clone(f)),
        Node::Dir(_) => Err(Errno::Isdir),
        Node::Symlink(_) => Err(Errno::Loop),
    }
}

/// Creates the directory `name` in directory `parent` (which must not hold
/// `name` yet); returns its inode.
fn mkdir_in(tree: &mut Tree, parent: Ino, name: &str) -> Result<Ino> {
    let ino = tree.alloc_ino()?;
    let now = now_ns();
    tree.nodes.insert(
        ino,
        Node::Dir(DirNode {
            entries: BTreeMap::new(),
            parent,
            times: Times::new(now),
            mode: 0o755,
        }),
    );
    let dir = tree.dir_mut(parent)?;
    dir.entries.insert(name.to_owned(), ino);
    dir.times.modified(now);
    Ok(ino)
}

impl FileSystem for MemFs {
    fn stat(&self, path: &str) -> Result<Stat> {
        let comps = components(path)?;
        let tree = read_lock(&self.inner.tree);
        let ino = tree.lookup(&comps)?;
        tree.stat(ino, self.inner.dev)
    }

    /// Opens a regular file. Beyond the trait's errors: `truncate` without
    /// `write`/`append` is `EINVAL`; `create` without `write` is allowed
    /// (POSIX `O_RDONLY|O_CREAT`). Without `write` or `append` the handle
    /// reads (as `O_RDONLY`); reads on a write-only handle and writes on a
    /// read-only one are `EBADF`.
    fn open(&self, path: &str, opts: &OpenOptions) -> Result<Box<dyn File>> {
        let node = self.open_node(path, opts)?;
        let writable = opts.write || opts.append;
        Ok(Box::new(MemFile {
            node,
            pos: 0,
            append: opts.append,
            readable: opts.read || !writable,
            writable,
        }))
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        let comps = components(path)?;
        let tree = read_lock(&self.inner.tree);
        let dir = tree.dir(tree.lookup(&comps)?)?;
        let mut out = Vec::new();
        out.try_reserve_exact(dir.entries.len()).map_err(|_| Errno::Nomem)?;
        for (name, &ino) in &dir.entries {
            out.push(DirEntry {
                name: name.clone(),
                filetype: tree.filetype(ino),
                ino,
            });
        }
        Ok(out)
    }

    fn create_dir(&self, path: &str) -> Result<()> {
        let comps = components(path)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(Errno::Exist);
        };
        let mut tree = write_lock(&self.inner.tree);
        let p = tree.lookup(parent)?;
        if tree.dir(p)?.entries.contains_key(*name) {
            return Err(Errno::Exist);
        }
        mkdir_in(&mut tree, p, name).map(|_| ())
    }

    /// Removes an empty directory. The root: `EBUSY`.
    fn remove_dir(&self, path: &str) -> Result<()> {
        let comps = components(path)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(Errno::Busy);
        };
        let mut tree = write_lock(&self.inner.tree);
        let p = tree.lookup(parent)?;
        let ino = *tree.dir(p)?.entries.get(*name).ok_or(Errno::Noent)?;
        if !tree.dir(ino)?.entries.is_empty() {
            return Err(Errno::Notempty);
        }
        let now = now_ns();
        tree.dir_mut(p)?.entries.remove(*name);
        tree.touch_dir(p, now);
        tree.drop_link(ino, now);
        Ok(())
    }

    /// Removes a file or symlink. The root or a directory: `EISDIR`.
    fn remove_file(&self, path: &str) -> Result<()> {
        let comps = components(path)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(Errno::Isdir);
        };
        let mut tree = write_lock(&self.inner.tree);
        let p = tree.lookup(parent)?;
        let ino = *tree.dir(p)?.entries.get(*name).ok_or(Errno::Noent)?;
        if matches!(tree.node(ino)?, Node::Dir(_)) {
            return Err(Errno::Isdir);
        }
        let now = now_ns();
        tree.dir_mut(p)?.entries.remove(*name);
        tree.touch_dir(p, now);
        tree.drop_link(ino, now);
        Ok(())
    }

    /// POSIX `rename`: a file replaces a file or symlink, a directory
    /// replaces an empty directory (non-empty: `ENOTEMPTY`); a directory
    /// over a non-directory is `ENOTDIR`, a non-directory over a directory
    /// `EISDIR`; a directory into its own subtree is `EINVAL`; the root on
    /// either side is `EBUSY`. Renaming onto itself, or onto another link to
    /// the same inode, does nothing.
    fn rename(&self, from: &str, to: &str) -> Result<()> {
        let fc = components(from)?;
        let tc = components(to)?;
        let (Some((fname, fparent)), Some((tname, tparent))) = (fc.split_last(), tc.split_last()) else {
            return Err(Errno::Busy);
        };
        let mut tree = write_lock(&self.inner.tree);
        let fp = tree.lookup(fparent)?;
        let src = *tree.dir(fp)?.entries.get(*fname).ok_or(Errno::Noent)?;
        let tp = tree.lookup(tparent)?;
        let dst = tree.dir(tp)?.entries.get(*tname).copied();
        if dst == Some(src) {
            return Ok(());
        }
        let src_is_dir = matches!(tree.node(src)?, Node::Dir(_));
        if src_is_dir {
            // The new parent must not be the directory or inside it.
            let mut cur = tp;
            loop {
                if cur == src {
                    return Err(Errno::Inval);
                }
                if cur == ROOT {
                    break;
                }
                cur = tree.dir(cur)?.parent;
            }
        }
        if let Some(d) = dst {
            match (src_is_dir, tree.node(d)?) {
                (true, Node::Dir(dd)) if !dd.entries.is_empty() => return Err(Errno::Notempty),
                (true, Node::Dir(_)) => {}
                (true, _) => return Err(Errno::Notdir),
                (false, Node::Dir(_)) => return Err(Errno::Isdir),
                (false, _) => {}
            }
        }
        let now = now_ns();
        if let Some(d) = dst {
            tree.dir_mut(tp)?.entries.remove(*tname);
            tree.drop_link(d, now);
        }
        tree.dir_mut(fp)?.entries.remove(*fname);
        tree.dir_mut(tp)?.entries.insert((*tname).to_owned(), src);
        tree.touch_dir(fp, now);
        tree.touch_dir(tp, now);
        match tree.nodes.get_mut(&src) {
            Some(Node::Dir(d)) => {
                d.parent = tp;
                d.times.ctim = now;
            }
            Some(Node::File(f)) => lock(&f.data).times.ctim = now,
            Some(Node::Symlink(s)) => s.times.ctim = now,
            None => {}
        }
        Ok(())
    }

    /// Links a file or symlink (the link itself, as `linkat` without
    /// `AT_SYMLINK_FOLLOW`). A directory (or the root): `EPERM`; `to`
    /// exists: `EEXIST`; too many links: `EMLINK`.
    fn hard_link(&self, from: &str, to: &str) -> Result<()> {
        let fc = components(from)?;
        let tc = components(to)?;
        if fc.is_empty() {
            return Err(Errno::Perm);
        }
        let Some((tname, tparent)) = tc.split_last() else {
            return Err(Errno::Exist);
        };
        let mut tree = write_lock(&self.inner.tree);
        let src = tree.lookup(&fc)?;
        if matches!(tree.node(src)?, Node::Dir(_)) {
            return Err(Errno::Perm);
        }
        let tp = tree.lookup(tparent)?;
        if tree.dir(tp)?.entries.contains_key(*tname) {
            return Err(Errno::Exist);
        }
        let now = now_ns();
        match tree.nodes.get_mut(&src) {
            Some(Node::File(f)) => {
                let mut d = lock(&f.data);
                d.nlink = d.nlink.checked_add(1).ok_or(Errno::Mlink)?;
                d.times.ctim = now;
            }
            Some(Node::Symlink(s)) => {
                s.nlink = s.nlink.checked_add(1).ok_or(Errno::Mlink)?;
                s.times.ctim = now;
            }
            _ => return Err(Errno::Perm),
        }
        let dir = tree.dir_mut(tp)?;
        dir.entries.insert((*tname).to_owned(), src);
        dir.times.modified(now);
        Ok(())
    }

    /// Creates a symlink holding `target` verbatim. An empty target:
    /// `ENOENT` (as Linux); one containing NUL: `EINVAL`; `link` exists (or
    /// is the root): `EEXIST`.
    fn symlink(&self, target: &str, link: &str) -> Result<()> {
        if target.is_empty() {
            return Err(Errno::Noent);
        }
        if target.contains('\0') {
            return Err(Errno::Inval);
        }
        let comps = components(link)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(Errno::Exist);
        };
        let mut tree = write_lock(&self.inner.tree);
        let p = tree.lookup(parent)?;
        if tree.dir(p)?.entries.contains_key(*name) {
            return Err(Errno::Exist);
        }
        let ino = tree.alloc_ino()?;
        let now = now_ns();
        tree.nodes.insert(
            ino,
            Node::Symlink(SymlinkNode {
                target: target.to_owned(),
                nlink: 1,
                times: Times::new(now),
            }),
        );
        let dir = tree.dir_mut(p)?;
        dir.entries.insert((*name).to_owned(), ino);
        dir.times.modified(now);
        Ok(())
    }

    fn read_link(&self, path: &str) -> Result<String> {
        let comps = components(path)?;
        let tree = read_lock(&self.inner.tree);
        match tree.node(tree.lookup(&comps)?)? {
            Node::Symlink(s) => Ok(s.target.clone()),
            _ => Err(Errno::Inval),
        }
    }

    /// `chmod`: keeps `mode & 0o7777` and updates the status-change time.
    /// A symbolic link's own mode cannot change (Linux): `ENOTSUP`.
    fn set_mode(&self, path: &str, mode: u32) -> Result<()> {
        let comps = components(path)?;
        let now = now_ns();
        let mut tree = write_lock(&self.inner.tree);
        let ino = tree.lookup(&comps)?;
        match tree.nodes.get_mut(&ino) {
            Some(Node::Dir(d)) => {
                d.mode = mode & 0o7777;
                d.times.ctim = now;
            }
            Some(Node::File(f)) => {
                let mut data = lock(&f.data);
                data.mode = mode & 0o7777;
                data.times.ctim = now;
            }
            Some(Node::Symlink(_)) => return Err(Errno::Notsup),
            None => return Err(Errno::Noent),
        }
        Ok(())
    }

    fn set_times(&self, path: &str, atim: SetTime, mtim: SetTime) -> Result<()> {
        let comps = components(path)?;
        let mut tree = write_lock(&self.inner.tree);
        let ino = tree.lookup(&comps)?;
        match tree.nodes.get_mut(&ino) {
            Some(Node::Dir(d)) => d.times.set(atim, mtim),
            Some(Node::File(f)) => lock(&f.data).times.set(atim, mtim),
            Some(Node::Symlink(s)) => s.times.set(atim, mtim),
            None => return Err(Errno::Noent),
        }
        Ok(())
    }
}

/// An open [`MemFs`] file: the shared file, this handle's offset and mode.
struct MemFile {
    node: Arc<FileNode>,
    pos: u64,
    append: bool,
    readable: bool,
    writable: bool,
}

impl fmt::Debug for MemFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemFile")
            .field("ino", &self.node.ino)
            .field("pos", &self.pos)
            .field("append", &self.append)
            .field("readable", &self.readable)
            .field("writable", &self.writable)
            .finish()
    }
}

impl File for MemFile {
    /// Not opened for reading: `EBADF`.
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
        let n = self.pread(bufs, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }

    /// Not opened for writing: `EBADF`; past [`MAX_FILE_SIZE`]: `EFBIG`;
    /// over the capacity: `ENOSPC` (a write that fits partly is cut short).
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        if !self.writable {
            return Err(Errno::Badf);
        }
        let mut d = lock(&self.node.data);
        if self.append {
            self.pos = d.size;
        }
        let n = d.write_at(self.pos, bufs, &self.node.usage)?;
        self.pos += n as u64;
        Ok(n)
    }

    /// Reads at `offset` (past the end: 0 bytes).
    fn pread(&mut self, bufs: &mut [IoSliceMut<'_>], offset: u64) -> Result<usize> {
        if !self.readable {
            return Err(Errno::Badf);
        }
        let mut d = lock(&self.node.data);
        let n = d.read_at(offset, bufs);
        d.times.accessed();
        Ok(n)
    }

    /// Writes at `offset`, even in append mode (as POSIX specifies; Linux
    /// would append instead).
    fn pwrite(&mut self, bufs: &[IoSlice<'_>], offset: u64) -> Result<usize> {
        if !self.writable {
            return Err(Errno::Badf);
        }
        lock(&self.node.data).write_at(offset, bufs, &self.node.usage)
    }

    /// A result below 0 or above [`MAX_FILE_SIZE`]: `EINVAL`. Seeking past
    /// the end is allowed; a later write leaves a hole.
    fn seek(&mut self, pos: SeekFrom) -> Result<u64> {
        let new = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => lock(&self.node.data).size.checked_add_signed(d),
        };
        match new {
            Some(n) if n <= MAX_FILE_SIZE => {
                self.pos = n;
                Ok(n)
            }
            _ => Err(Errno::Inval),
        }
    }

    fn stat(&mut self) -> Result<Stat> {
        Ok(lock(&self.node.data).stat(self.node.dev, self.node.ino))
    }

    /// Not opened for writing: `EINVAL` (as Linux's `ftruncate`); beyond
    /// [`MAX_FILE_SIZE`]: `EFBIG`. Extending leaves a hole (no memory used).
    fn set_len(&mut self, size: u64) -> Result<()> {
        if !self.writable {
            return Err(Errno::Inval);
        }
        lock(&self.node.data).set_len(size, &self.node.usage)
    }

    fn set_times(&mut self, atim: SetTime, mtim: SetTime) -> Result<()> {
        lock(&self.node.data).times.set(atim, mtim);
        Ok(())
    }

    /// `fchmod`, whatever the handle's access mode (as POSIX allows).
    fn set_mode(&mut self, mode: u32) -> Result<()> {
        let mut data = lock(&self.node.data);
        data.mode = mode & 0o7777;
        data.times.ctim = now_ns();
        Ok(())
    }

    /// Not opened for writing: `EBADF`; `offset + len` overflows or passes
    /// [`MAX_FILE_SIZE`]: `EFBIG`. Extends with a hole.
    fn allocate(&mut self, offset: u64, len: u64) -> Result<()> {
        if !self.writable {
            return Err(Errno::Badf);
        }
        let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
        let mut d = lock(&self.node.data);
        if end > d.size {
            d.set_len(end, &self.node.usage)?;
        }
        Ok(())
    }

    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        Ok(Some(lock(&self.node.data).size.saturating_sub(self.pos)))
    }

    fn is_append(&self) -> bool {
        self.append
    }

    fn set_append(&mut self, append: bool) -> Result<()> {
        self.append = append;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
