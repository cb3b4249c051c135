//! The one-root view of a guest's mounts, for the ABIs whose programs see
//! one file tree with a working directory (Emscripten, Go `js`), where
//! WASI sees only preopened directories.
//!
//! A path is made absolute against the working directory and normalised
//! lexically (`.`, `..`, `//`, as node's `path.resolve` and the Emscripten
//! glue's `PATH.normalize` do; `..` at `/` stays at `/`). The mount is the
//! longest prefix in the mount table ([`Mounts::find`]); a directory that
//! only holds mount points (`/` when only `/data` is mounted) is an empty,
//! read-only directory ([`NullFs`]), so every ancestor of a mount exists.
//! The rest is resolved beneath the mount by [`resolve`], so no path ever
//! leaves the mounts.

use super::{Located, Renamed};
use crate::errno::{Errno, Result};
use crate::fs::{check_path, resolve, FileSystem, FileType, NullFs, MAX_SYMLINK_HOPS};
use crate::mount::Mounts;
use std::collections::VecDeque;
use std::sync::Arc;

pub use crate::fs::PATH_MAX;

/// How symbolic links are followed in a [`Namespace`]. The ABIs differ
/// (RATIONALE.md, "Symbolic links in a one-root namespace").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Each mount is a sandbox of its own: a link resolves beneath the
    /// mount that holds it, and an absolute target, or one climbing out of
    /// the mount, is `EPERM`, as for WASI. Such targets are refused when a
    /// link is made. Emscripten.
    WithinMount,
    /// Links expand in the whole virtual root: an absolute target restarts
    /// at `/`, a relative one continues from the link's directory, and `..`
    /// climbs across mount points (stopping at `/`), as on a real system
    /// whose only files are the mounts. Go `js`.
    AcrossMounts,
}

/// A guest's one-root namespace: its working directory and how links are
/// followed. The mount table itself is the [`crate::Host`]'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    /// The working directory: absolute, normalised (see [`absolute`]).
    pub cwd: String,
    /// How links are followed.
    pub links: Links,
}

/// An absolute, lexically normalised guest path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Absolute {
    /// `/`-separated, no `.`/`..`/empty components, no trailing `/`
    /// (except the root itself).
    pub path: String,
    /// The original ended in `/`, `/.` or `/..` (so it must name a
    /// directory).
    pub trailing_slash: bool,
}

/// `path.resolve(cwd, p)`: `p` against `cwd`, `.` and `..` removed
/// lexically (`..` at the root stays at the root).
pub fn absolute(cwd: &str, p: &str) -> Absolute {
    let joined = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("{cwd}/{p}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    Absolute {
        path: format!("/{}", parts.join("/")),
        trailing_slash: p.ends_with('/') || p.ends_with("/.") || p.ends_with("/.."),
    }
}

impl Namespace {
    /// A namespace whose working directory is `/`.
    pub fn new(links: Links) -> Namespace {
        Namespace { cwd: "/".into(), links }
    }

    /// Looks `p` up, following a final symlink when `follow` (or when `p`
    /// ends in `/`).
    ///
    /// Errors: `ENOENT` (empty, or outside every mount), `ENAMETOOLONG`,
    /// `EINVAL` (a NUL byte), `ELOOP` (more than [`MAX_SYMLINK_HOPS`]
    /// links), `EPERM` (with [`Links::WithinMount`], a link leaving its
    /// mount), and [`resolve`]'s (`ENOTDIR`...).
    pub fn lookup(&self, mounts: &Mounts, p: &str, follow: bool) -> Result<Located> {
        check_path(p)?;
        let last = p.rsplit('/').find(|c| !c.is_empty()).unwrap_or("");
        let ends_in_dot = last == "." || last == "..";
        let trailing = p.ends_with('/');
        let abs = match self.links {
            Links::WithinMount => absolute(&self.cwd, p).path,
            Links::AcrossMounts => self.expand(mounts, p, follow || trailing)?,
        };
        let (fs, rest) = find(mounts, &abs).ok_or(Errno::Noent)?;
        let mut rel = if rest.is_empty() { ".".to_string() } else { rest };
        if trailing {
            rel.push('/');
        }
        let mut r = resolve(fs.as_ref(), "", &rel, follow)?;
        // The spelling decides: a mount's root reached as `/data` is not
        // `.` (so `rmdir` says `EBUSY`), though it is resolved as one.
        r.ends_in_dot = ends_in_dot;
        Ok(Located { fs, r })
    }

    /// The absolute path `p` names with every link but (unless `follow`)
    /// the last expanded across the virtual root.
    fn expand(&self, mounts: &Mounts, p: &str, follow: bool) -> Result<String> {
        let joined = if p.starts_with('/') {
            p.to_string()
        } else {
            format!("{}/{p}", self.cwd)
        };
        let mut pending = components(&joined);
        let mut walked: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(c) = pending.pop_front() {
            match c.as_str() {
                "." => continue,
                ".." => {
                    walked.pop();
                    continue;
                }
                _ => walked.push(c),
            }
            let is_last = pending.is_empty();
            let (fs, rest) = find(mounts, &format!("/{}", walked.join("/"))).ok_or(Errno::Noent)?;
            if rest.is_empty() {
                continue;
            }
            match fs.stat(&rest) {
                Ok(st) if st.filetype == FileType::SymbolicLink && (!is_last || follow) => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(Errno::Loop);
                    }
                    let target = fs.read_link(&rest)?;
                    splice(&mut walked, &mut pending, &target)?;
                }
                Ok(st) if st.filetype != FileType::Directory && !is_last => return Err(Errno::Notdir),
                Ok(_) => {}
                Err(Errno::Noent) if is_last => {}
                Err(e) => return Err(e),
            }
        }
        Ok(format!("/{}", walked.join("/")))
    }

    /// `chdir(p)`: `p` must be a directory; the working directory becomes
    /// its lexical absolute form. Errors: as [`Self::lookup`], `ENOTDIR`.
    pub fn chdir(&mut self, mounts: &Mounts, p: &str) -> Result<()> {
        let at = self.lookup(mounts, p, true)?;
        if at.fs.stat(&at.r.path)?.filetype != FileType::Directory {
            return Err(Errno::Notdir);
        }
        self.cwd = absolute(&self.cwd, p).path;
        Ok(())
    }

    /// After a rename, a working directory at or beneath the renamed
    /// directory is at or beneath its new name, as a process's working
    /// directory (an inode, not a path) is under POSIX. A working
    /// directory reached through a link is left as it is.
    pub fn follow_rename(&mut self, mounts: &Mounts, renamed: &Renamed) {
        let Some((mount, rest)) = mounts.find(&self.cwd) else {
            return;
        };
        if !Arc::ptr_eq(&mount.fs, &renamed.fs) {
            return;
        }
        let tail = match rest.strip_prefix(renamed.from.as_str()) {
            Some(tail) if tail.is_empty() || tail.starts_with('/') => tail,
            _ => return,
        };
        self.cwd = absolute("/", &format!("{}/{}{tail}", mount.guest_path, renamed.to)).path;
    }

    /// `fchdir`: the working directory becomes the directory `path` of the
    /// mounted `fs`. Its mount is not in the table: `ENOENT`.
    pub fn chdir_to(&mut self, mounts: &Mounts, fs: &Arc<dyn FileSystem>, path: &str) -> Result<()> {
        let mount = mounts.0.iter().find(|m| Arc::ptr_eq(&m.fs, fs)).ok_or(Errno::Noent)?;
        self.cwd = absolute("/", &format!("{}/{path}", mount.guest_path)).path;
        Ok(())
    }
}

/// Replaces the link just walked (the last of `walked`) by its `target`:
/// an absolute one restarts at the root.
fn splice(walked: &mut Vec<String>, pending: &mut VecDeque<String>, target: &str) -> Result<()> {
    if target.is_empty() {
        return Err(Errno::Noent);
    }
    if target.len() + pending.iter().map(|c| c.len() + 1).sum::<usize>() > PATH_MAX {
        return Err(Errno::Nametoolong);
    }
    walked.pop();
    if target.starts_with('/') {
        walked.clear();
    }
    for c in components(target).into_iter().rev() {
        pending.push_front(c);
    }
    Ok(())
}

/// The file system answering for the absolute, normalised `vpath`, and
/// the path within it: its mount, else (below a directory that only holds
/// mount points) an empty read-only [`NullFs`], so creating anything there
/// is `EROFS` as on a real system. `None` only when nothing is mounted.
fn find(mounts: &Mounts, vpath: &str) -> Option<(Arc<dyn FileSystem>, String)> {
    if let Some((m, rest)) = mounts.find(vpath) {
        return Some((m.fs.clone(), rest.to_string()));
    }
    let holds_mounts = |dir: &str| {
        let prefix = if dir == "/" { "/".to_string() } else { format!("{dir}/") };
        mounts
            .0
            .iter()
            .any(|m| absolute("/", &m.guest_path).path.starts_with(&prefix))
    };
    let mut dir = vpath;
    loop {
        if holds_mounts(dir) {
            let rest = vpath[dir.len()..].trim_start_matches('/').to_string();
            return Some((Arc::new(NullFs), rest));
        }
        if dir == "/" {
            return None;
        }
        dir = match dir.rfind('/') {
            Some(0) | None => "/",
            Some(i) => &dir[..i],
        };
    }
}

fn components(p: &str) -> VecDeque<String> {
    p.split('/').filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;
    use crate::mount::Mount;

    #[test]
    fn absolute_is_lexical() {
        assert_eq!(absolute("/", "a/b").path, "/a/b");
        assert_eq!(absolute("/x/y", "../z").path, "/x/z");
        assert_eq!(absolute("/x", "/../../etc").path, "/etc");
        assert_eq!(absolute("/", ".").path, "/");
        assert!(absolute("/", "a/").trailing_slash);
        assert!(!absolute("/", "a").trailing_slash);
    }

    fn mounts() -> Mounts {
        let root = MemFs::new();
        root.create_dir("dir").unwrap();
        root.write_file("dir/f", b"x").unwrap();
        root.symlink("/other/g", "to_other").unwrap();
        root.symlink("../other", "dir/rel_other").unwrap();
        let other = MemFs::new();
        other.write_file("g", b"y").unwrap();
        let m = |p: &str, fs: MemFs| Mount {
            guest_path: p.into(),
            fs: Arc::new(fs),
        };
        Mounts(vec![m("/", root), m("/other", other)])
    }

    #[test]
    fn links_within_a_mount_cannot_leave_it() {
        let ns = Namespace::new(Links::WithinMount);
        let m = mounts();
        assert_eq!(ns.lookup(&m, "/to_other", true).unwrap_err(), Errno::Perm);
        assert_eq!(ns.lookup(&m, "/to_other", false).unwrap().r.path, "to_other");
        // `..` in the spelling is lexical, across mounts: fine.
        assert_eq!(ns.lookup(&m, "/other/../dir/f", true).unwrap().r.path, "dir/f");
    }

    #[test]
    fn links_across_mounts_expand_in_the_root() {
        let ns = Namespace::new(Links::AcrossMounts);
        let m = mounts();
        let at = ns.lookup(&m, "/to_other", true).unwrap();
        assert_eq!(at.fs.stat(&at.r.path).unwrap().size, 1);
        let at = ns.lookup(&m, "/dir/rel_other/g", true).unwrap();
        assert_eq!(at.fs.stat(&at.r.path).unwrap().size, 1);
    }

    #[test]
    fn a_final_dot_is_kept_though_normalised_away() {
        for links in [Links::WithinMount, Links::AcrossMounts] {
            let ns = Namespace::new(links);
            let at = ns.lookup(&mounts(), "/dir/.", false).unwrap();
            assert_eq!(at.r.path, "dir");
            assert!(at.r.ends_in_dot, "{links:?}");
        }
    }

    #[test]
    fn the_working_directory_follows_a_rename_above_it() {
        let m = mounts();
        let root = m.0[0].fs.clone();
        root.create_dir("dir/sub").unwrap();
        let renamed = |from: &str, to: &str| Renamed {
            fs: root.clone(),
            from: from.into(),
            to: to.into(),
        };
        let mut ns = Namespace::new(Links::WithinMount);
        ns.chdir(&m, "/dir/sub").unwrap();
        // A sibling whose name starts the same is not above it.
        ns.follow_rename(&m, &renamed("di", "x"));
        assert_eq!(ns.cwd, "/dir/sub");
        ns.follow_rename(&m, &renamed("dir", "moved"));
        assert_eq!(ns.cwd, "/moved/sub");
        ns.follow_rename(&m, &renamed("moved/sub", "moved/deeper/sub"));
        assert_eq!(ns.cwd, "/moved/deeper/sub");
        // Another file system's rename of the same path is not this one.
        let other = Renamed {
            fs: m.0[1].fs.clone(),
            ..renamed("moved", "elsewhere")
        };
        ns.follow_rename(&m, &other);
        assert_eq!(ns.cwd, "/moved/deeper/sub");
    }
}
