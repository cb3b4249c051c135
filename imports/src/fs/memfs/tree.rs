//! The directory tree of a [`MemFs`](super::MemFs): inodes, directory
//! entries, symbolic links, the walk from path components to an inode,
//! and the operations that change the tree. Every method runs under the
//! tree's lock, which the caller holds (a shared lock for `&self`, the
//! exclusive one for `&mut self`).

use super::data::{lock, FileData, FileNode, Ino, Usage};
use super::times::{now_ns, Times};
use crate::errno::Result;
use crate::fs::{DirEntry, FileType, OpenOptions, SetTime, Stat};
use crate::Errno;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// The longest name one path component may have, in bytes (Linux's
/// `NAME_MAX`). Longer: `ENAMETOOLONG`.
const NAME_MAX: usize = 255;

/// Inode number of the root directory.
pub(super) const ROOT: Ino = 1;

/// All inodes of one tree, by number.
pub(super) struct Tree {
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

/// Splits `path` into components, skipping empty and `.` ones.
pub(super) fn components(path: &str) -> Result<Vec<&str>> {
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
    /// A tree holding only the root directory, its times `now`.
    pub(super) fn new(now: u64) -> Tree {
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
        Tree {
            nodes,
            next_ino: ROOT + 1,
        }
    }

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
    pub(super) fn lookup(&self, comps: &[&str]) -> Result<Ino> {
        let mut ino = ROOT;
        for c in comps {
            ino = *self.dir(ino)?.entries.get(*c).ok_or(Errno::Noent)?;
        }
        Ok(ino)
    }

    /// The directory at `parent` and the inode of its entry `name`.
    fn entry(&self, parent: &[&str], name: &str) -> Result<(Ino, Ino)> {
        let p = self.lookup(parent)?;
        let ino = *self.dir(p)?.entries.get(name).ok_or(Errno::Noent)?;
        Ok((p, ino))
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

    /// Enters `ino` as `name` in the directory `parent`, which changes.
    fn insert_entry(&mut self, parent: Ino, name: &str, ino: Ino, now: u64) -> Result<()> {
        let dir = self.dir_mut(parent)?;
        dir.entries.insert(name.to_owned(), ino);
        dir.times.modified(now);
        Ok(())
    }

    /// Removes the entry `name` (inode `ino`) from the directory `parent`
    /// and drops that link.
    fn remove_entry(&mut self, parent: Ino, name: &str, ino: Ino) -> Result<()> {
        let now = now_ns();
        self.dir_mut(parent)?.entries.remove(name);
        self.touch_dir(parent, now);
        self.drop_link(ino, now);
        Ok(())
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

    /// The attributes of `ino`, on device `dev`.
    pub(super) fn stat(&self, ino: Ino, dev: u64) -> Result<Stat> {
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

    /// The regular file `name` in the directory at `parent`, for an open:
    /// `None` when it is missing and `opts.create` is set (the caller
    /// creates it); missing otherwise: `ENOENT`; there: as
    /// [`Tree::existing_file`].
    pub(super) fn find_file(&self, parent: &[&str], name: &str, opts: &OpenOptions) -> Result<Option<Arc<FileNode>>> {
        let p = self.lookup(parent)?;
        match self.dir(p)?.entries.get(name).copied() {
            Some(ino) => Ok(Some(self.existing_file(ino, opts)?)),
            None if !opts.create => Err(Errno::Noent),
            None => Ok(None),
        }
    }

    /// The file at `ino` for an open: `EEXIST` with create + exclusive,
    /// `EISDIR` for a directory, `ELOOP` for a symlink.
    fn existing_file(&self, ino: Ino, opts: &OpenOptions) -> Result<Arc<FileNode>> {
        if opts.create && opts.exclusive {
            return Err(Errno::Exist);
        }
        match self.node(ino)? {
            Node::File(f) => Ok(Arc::clone(f)),
            Node::Dir(_) => Err(Errno::Isdir),
            Node::Symlink(_) => Err(Errno::Loop),
        }
    }

    /// Creates the empty regular file `name` in the directory at `parent`
    /// (which must not hold `name` yet), its bytes counted in `usage`.
    pub(super) fn create_file(
        &mut self, parent: &[&str], name: &str, dev: u64, usage: &Arc<Usage>,
    ) -> Result<Arc<FileNode>> {
        let p = self.lookup(parent)?;
        let ino = self.alloc_ino()?;
        let now = now_ns();
        let node = Arc::new(FileNode {
            ino,
            dev,
            usage: Arc::clone(usage),
            data: Mutex::new(FileData::new(now)),
        });
        self.nodes.insert(ino, Node::File(Arc::clone(&node)));
        self.insert_entry(p, name, ino, now)?;
        Ok(node)
    }

    /// The entries of the directory at `comps`, by name.
    pub(super) fn read_dir(&self, comps: &[&str]) -> Result<Vec<DirEntry>> {
        let dir = self.dir(self.lookup(comps)?)?;
        let mut out = Vec::new();
        out.try_reserve_exact(dir.entries.len()).map_err(|_| Errno::Nomem)?;
        for (name, &ino) in &dir.entries {
            out.push(DirEntry {
                name: name.clone(),
                filetype: self.filetype(ino),
                ino,
            });
        }
        Ok(out)
    }

    /// Creates the directory `name` in the directory at `parent`. Exists:
    /// `EEXIST`.
    pub(super) fn create_dir(&mut self, parent: &[&str], name: &str) -> Result<()> {
        let p = self.lookup(parent)?;
        if self.dir(p)?.entries.contains_key(name) {
            return Err(Errno::Exist);
        }
        self.mkdir_in(p, name).map(|_| ())
    }

    /// Creates the directory at `comps` and any missing parents (see
    /// [`MemFs::create_dir_all`](super::MemFs::create_dir_all)).
    pub(super) fn create_dir_all(&mut self, comps: &[&str]) -> Result<()> {
        let mut ino = ROOT;
        for (i, c) in comps.iter().enumerate() {
            let existing = self.dir(ino)?.entries.get(*c).copied();
            ino = match existing {
                Some(child) => match self.node(child)? {
                    Node::Dir(_) => child,
                    _ if i + 1 == comps.len() => return Err(Errno::Exist),
                    _ => return Err(Errno::Notdir),
                },
                None => self.mkdir_in(ino, c)?,
            };
        }
        Ok(())
    }

    /// Creates the directory `name` in directory `parent` (which must not
    /// hold `name` yet); returns its inode.
    fn mkdir_in(&mut self, parent: Ino, name: &str) -> Result<Ino> {
        let ino = self.alloc_ino()?;
        let now = now_ns();
        self.nodes.insert(
            ino,
            Node::Dir(DirNode {
                entries: BTreeMap::new(),
                parent,
                times: Times::new(now),
                mode: 0o755,
            }),
        );
        self.insert_entry(parent, name, ino, now)?;
        Ok(ino)
    }

    /// Removes the empty directory `name` of the directory at `parent`.
    /// Not empty: `ENOTEMPTY`; not a directory: `ENOTDIR`.
    pub(super) fn remove_dir(&mut self, parent: &[&str], name: &str) -> Result<()> {
        let (p, ino) = self.entry(parent, name)?;
        if !self.dir(ino)?.entries.is_empty() {
            return Err(Errno::Notempty);
        }
        self.remove_entry(p, name, ino)
    }

    /// Removes the file or symlink `name` of the directory at `parent`. A
    /// directory: `EISDIR`.
    pub(super) fn remove_file(&mut self, parent: &[&str], name: &str) -> Result<()> {
        let (p, ino) = self.entry(parent, name)?;
        if matches!(self.node(ino)?, Node::Dir(_)) {
            return Err(Errno::Isdir);
        }
        self.remove_entry(p, name, ino)
    }

    /// POSIX `rename` of the entry `fname` of the directory at `fparent`
    /// to `tname` in the one at `tparent` (see
    /// [`MemFs`](super::MemFs)'s `rename` for the rules).
    pub(super) fn rename(&mut self, fparent: &[&str], fname: &str, tparent: &[&str], tname: &str) -> Result<()> {
        let (fp, src) = self.entry(fparent, fname)?;
        let tp = self.lookup(tparent)?;
        let dst = self.dir(tp)?.entries.get(tname).copied();
        if dst == Some(src) {
            return Ok(());
        }
        let src_is_dir = matches!(self.node(src)?, Node::Dir(_));
        if src_is_dir {
            self.check_outside(tp, src)?;
        }
        if let Some(d) = dst {
            match (src_is_dir, self.node(d)?) {
                (true, Node::Dir(dd)) if !dd.entries.is_empty() => return Err(Errno::Notempty),
                (true, Node::Dir(_)) => {}
                (true, _) => return Err(Errno::Notdir),
                (false, Node::Dir(_)) => return Err(Errno::Isdir),
                (false, _) => {}
            }
        }
        let now = now_ns();
        if let Some(d) = dst {
            self.dir_mut(tp)?.entries.remove(tname);
            self.drop_link(d, now);
        }
        self.dir_mut(fp)?.entries.remove(fname);
        self.dir_mut(tp)?.entries.insert(tname.to_owned(), src);
        self.touch_dir(fp, now);
        self.touch_dir(tp, now);
        match self.nodes.get_mut(&src) {
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

    /// A directory moved into `new_parent` must not become its own
    /// ancestor: `new_parent` is not `dir` nor inside it, else `EINVAL`.
    fn check_outside(&self, new_parent: Ino, dir: Ino) -> Result<()> {
        let mut cur = new_parent;
        loop {
            if cur == dir {
                return Err(Errno::Inval);
            }
            if cur == ROOT {
                return Ok(());
            }
            cur = self.dir(cur)?.parent;
        }
    }

    /// Links the file or symlink at `from` as `tname` in the directory at
    /// `tparent`. A directory: `EPERM`; `tname` exists: `EEXIST`; too
    /// many links: `EMLINK`.
    pub(super) fn hard_link(&mut self, from: &[&str], tparent: &[&str], tname: &str) -> Result<()> {
        let src = self.lookup(from)?;
        if matches!(self.node(src)?, Node::Dir(_)) {
            return Err(Errno::Perm);
        }
        let tp = self.lookup(tparent)?;
        if self.dir(tp)?.entries.contains_key(tname) {
            return Err(Errno::Exist);
        }
        let now = now_ns();
        match self.nodes.get_mut(&src) {
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
        self.insert_entry(tp, tname, src, now)
    }

    /// Creates the symlink `name`, holding `target`, in the directory at
    /// `parent`. Exists: `EEXIST`.
    pub(super) fn symlink(&mut self, target: &str, parent: &[&str], name: &str) -> Result<()> {
        let p = self.lookup(parent)?;
        if self.dir(p)?.entries.contains_key(name) {
            return Err(Errno::Exist);
        }
        let ino = self.alloc_ino()?;
        let now = now_ns();
        self.nodes.insert(
            ino,
            Node::Symlink(SymlinkNode {
                target: target.to_owned(),
                nlink: 1,
                times: Times::new(now),
            }),
        );
        self.insert_entry(p, name, ino, now)
    }

    /// The target of the symlink at `comps`. Not a symlink: `EINVAL`.
    pub(super) fn read_link(&self, comps: &[&str]) -> Result<String> {
        match self.node(self.lookup(comps)?)? {
            Node::Symlink(s) => Ok(s.target.clone()),
            _ => Err(Errno::Inval),
        }
    }

    /// `chmod` of the node at `comps`, at `now` (see
    /// [`MemFs`](super::MemFs)'s `set_mode`).
    pub(super) fn set_mode(&mut self, comps: &[&str], mode: u32, now: u64) -> Result<()> {
        let ino = self.lookup(comps)?;
        match self.nodes.get_mut(&ino) {
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

    /// `utimensat` of the node at `comps`, never following a symlink.
    pub(super) fn set_times(&mut self, comps: &[&str], atim: SetTime, mtim: SetTime) -> Result<()> {
        let ino = self.lookup(comps)?;
        match self.nodes.get_mut(&ino) {
            Some(Node::Dir(d)) => d.times.set(atim, mtim),
            Some(Node::File(f)) => lock(&f.data).times.set(atim, mtim),
            Some(Node::Symlink(s)) => s.times.set(atim, mtim),
            None => return Err(Errno::Noent),
        }
        Ok(())
    }
}
