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
//! File contents are stored sparsely, in chunks of [`CHUNK`](data::CHUNK) bytes that are
//! allocated on first write: a hole (a write past the end, or `set_len`
//! growing a file) reads as zeros and costs no memory, so a guest writing at
//! offset 2^60 uses one chunk, not an exabyte.
//!
//! Layout, lowest layer first: `times` (the clock and each node's times),
//! `data` (a regular file's chunks and the capacity account), `tree`
//! (directories, links, lookup and the operations that change the tree
//! under its lock), `file` (an open handle), and here the shareable
//! [`MemFs`] that locks the tree and calls into it.

mod data;
mod file;
mod times;
mod tree;

use super::{DirEntry, File, FileSystem, OpenOptions, SetTime, Stat};
use crate::errno::Result;
use crate::Errno;
use data::{lock, FileNode, Usage};
use file::MemFile;
use std::fmt;
use std::io::{IoSlice, IoSliceMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use times::now_ns;
use tree::{components, Tree};

/// Device numbers handed to new trees, so that (dev, ino) is unique across
/// several `MemFs`.
static NEXT_DEV: AtomicU64 = AtomicU64::new(0x6d65_6d00);

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

fn read_lock<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

fn write_lock<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
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
        MemFs {
            inner: Arc::new(Inner {
                tree: RwLock::new(Tree::new(now_ns())),
                usage: Arc::new(Usage::new(bytes)),
                dev: NEXT_DEV.fetch_add(1, Ordering::Relaxed),
            }),
        }
    }

    /// Bytes currently stored by the tree's files, including files that are
    /// unlinked but still open (holes excluded).
    pub fn used_bytes(&self) -> u64 {
        self.inner.usage.used()
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
        write_lock(&self.inner.tree).create_dir_all(&comps)
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
        let existing = read_lock(&self.inner.tree).find_file(parent, name, opts)?;
        let node = match existing {
            Some(node) => node,
            None => {
                // Create, unless someone else did between the two locks.
                let mut tree = write_lock(&self.inner.tree);
                match tree.find_file(parent, name, opts)? {
                    Some(node) => node,
                    None => return tree.create_file(parent, name, self.inner.dev, &self.inner.usage),
                }
            }
        };
        if opts.truncate {
            let mut d = lock(&node.data);
            d.set_len(0, &self.inner.usage)?;
            d.times.modified(now_ns());
        }
        Ok(node)
    }
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
        Ok(Box::new(MemFile::new(node, opts)))
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        let comps = components(path)?;
        read_lock(&self.inner.tree).read_dir(&comps)
    }

    fn create_dir(&self, path: &str) -> Result<()> {
        let comps = components(path)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(Errno::Exist);
        };
        write_lock(&self.inner.tree).create_dir(parent, name)
    }

    /// Removes an empty directory. The root: `EBUSY`.
    fn remove_dir(&self, path: &str) -> Result<()> {
        let comps = components(path)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(Errno::Busy);
        };
        write_lock(&self.inner.tree).remove_dir(parent, name)
    }

    /// Removes a file or symlink. The root or a directory: `EISDIR`.
    fn remove_file(&self, path: &str) -> Result<()> {
        let comps = components(path)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(Errno::Isdir);
        };
        write_lock(&self.inner.tree).remove_file(parent, name)
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
        write_lock(&self.inner.tree).rename(fparent, fname, tparent, tname)
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
        write_lock(&self.inner.tree).hard_link(&fc, tparent, tname)
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
        write_lock(&self.inner.tree).symlink(target, parent, name)
    }

    fn read_link(&self, path: &str) -> Result<String> {
        let comps = components(path)?;
        read_lock(&self.inner.tree).read_link(&comps)
    }

    /// `chmod`: keeps `mode & 0o7777` and updates the status-change time.
    /// A symbolic link's own mode cannot change (Linux): `ENOTSUP`.
    fn set_mode(&self, path: &str, mode: u32) -> Result<()> {
        let comps = components(path)?;
        let now = now_ns();
        write_lock(&self.inner.tree).set_mode(&comps, mode, now)
    }

    fn set_times(&self, path: &str, atim: SetTime, mtim: SetTime) -> Result<()> {
        let comps = components(path)?;
        write_lock(&self.inner.tree).set_times(&comps, atim, mtim)
    }
}

#[cfg(test)]
mod tests;
