//! Guest path resolution: the one place where `..`, absolute paths and
//! symbolic links are interpreted, for every file system and import set.
//!
//! The rules are WASI's capability rules, as wasmtime (through cap-std)
//! enforces them: a path is resolved beneath the directory it is relative
//! to and may never leave it, whether by `..`, by an absolute path, or by a
//! symbolic link whose target does either. Such attempts are `EPERM`
//! (RATIONALE.md: "Sandbox escapes are EPERM").

use super::{FileSystem, FileType};
use crate::errno::{Errno, Result};
use std::collections::VecDeque;

/// How many symbolic links one resolution may follow before `ELOOP`
/// (Linux's `MAXSYMLINKS`).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// Longest guest path accepted, in bytes (Linux's `PATH_MAX`); longer is
/// `ENAMETOOLONG`. Bounds the work one call can cause.
pub const PATH_MAX: usize = 4096;

/// A resolved path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The path relative to the mount root: components joined by `/`, no
    /// `.`/`..`, no symlink in any component but possibly the last (when the
    /// caller asked not to follow it). `""` is the mount root.
    pub path: String,
    /// The guest path ended in `/` (or in a symlink whose target did): the
    /// final component must be a directory if it exists (else `ENOTDIR`,
    /// already checked) and must not be created as a file.
    pub must_be_dir: bool,
    /// The final component was `.` or `..` (or the path was only those): it
    /// names an existing directory that cannot be created, removed or
    /// renamed through this path.
    pub ends_in_dot: bool,
}

impl Resolved {
    /// The final component (`""` for the mount root).
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or("")
    }
}

/// Checks a guest path before any lookup: empty is `ENOENT`, longer than
/// [`PATH_MAX`] `ENAMETOOLONG`, a NUL byte `EINVAL`.
pub fn check_path(path: &str) -> Result<()> {
    if path.is_empty() {
        return Err(Errno::Noent);
    }
    if path.len() > PATH_MAX {
        return Err(Errno::Nametoolong);
    }
    if path.contains('\0') {
        return Err(Errno::Inval);
    }
    Ok(())
}

/// Resolves the guest `path` relative to the directory `base` (a resolved
/// path in `fs`, the floor that `..` cannot rise above).
///
/// Every component but the last must be an existing directory (or a
/// symlink to one, which is followed): else `ENOENT`/`ENOTDIR`. The last is
/// followed when it is a symlink and `follow` is set (or the path ends in
/// `/`); it need not exist.
///
/// Errors: `ENOENT` (empty path, missing intermediate), `ENOTDIR`,
/// `EPERM` (absolute path, `..` above `base`, a symlink target that is
/// absolute or climbs above `base`), `ELOOP` (more than
/// [`MAX_SYMLINK_HOPS`] links), `EINVAL` (a NUL byte), `ENAMETOOLONG`,
/// and whatever `fs.stat`/`fs.read_link` report.
pub fn resolve(fs: &dyn FileSystem, base: &str, path: &str, follow: bool) -> Result<Resolved> {
    check_path(path)?;
    if path.starts_with('/') {
        return Err(Errno::Perm);
    }
    let stack: Vec<String> = base.split('/').filter(|c| !c.is_empty()).map(str::to_owned).collect();
    let (pending, must_be_dir) = split(path);
    let mut walk = Walk {
        fs,
        floor: stack.len(),
        stack,
        pending,
        must_be_dir,
        ends_in_dot: false,
        hops: 0,
    };
    while let Some(component) = walk.pending.pop_front() {
        walk.step(&component, follow)?;
    }
    Ok(Resolved {
        path: walk.stack.join("/"),
        must_be_dir: walk.must_be_dir,
        ends_in_dot: walk.ends_in_dot,
    })
}

/// One resolution under way: the components resolved so far and those
/// still to walk (a followed symlink's target is pushed in front).
struct Walk<'f> {
    fs: &'f dyn FileSystem,
    /// Resolved components, `base`'s first.
    stack: Vec<String>,
    /// How many of `stack` are `base`'s, which `..` may not pop.
    floor: usize,
    pending: VecDeque<String>,
    must_be_dir: bool,
    ends_in_dot: bool,
    /// Symbolic links followed so far.
    hops: usize,
}

impl Walk<'_> {
    /// Walks one component (`.`, `..` or a name); `follow` is whether a
    /// final symlink is followed.
    fn step(&mut self, component: &str, follow: bool) -> Result<()> {
        let is_last = self.pending.is_empty();
        match component {
            "." => {
                self.ends_in_dot = is_last;
                check_dir(self.fs, &self.stack)
            }
            ".." => {
                if self.stack.len() <= self.floor {
                    return Err(Errno::Perm);
                }
                self.stack.pop();
                self.ends_in_dot = is_last;
                Ok(())
            }
            name => self.enter(name, is_last, follow),
        }
    }

    /// Walks into `name`: a symlink to follow is replaced by its target;
    /// anything else must be a directory unless it is last (and need not
    /// exist then).
    fn enter(&mut self, name: &str, is_last: bool, follow: bool) -> Result<()> {
        self.stack.push(name.to_owned());
        self.ends_in_dot = false;
        let follow_this = !is_last || follow || self.must_be_dir;
        let joined = self.stack.join("/");
        match self.fs.stat(&joined) {
            Ok(st) if st.filetype == FileType::SymbolicLink && follow_this => self.follow_link(&joined, is_last),
            Ok(st) if st.filetype != FileType::Directory && (!is_last || self.must_be_dir) => {
                if st.filetype == FileType::SymbolicLink {
                    // Only reachable for a final symlink not followed.
                    return Err(Errno::Loop);
                }
                Err(Errno::Notdir)
            }
            Ok(_) => Ok(()),
            Err(Errno::Noent) if is_last => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Replaces the symlink at `joined` (the top of the stack) by its
    /// target's components, within the hop and length limits.
    fn follow_link(&mut self, joined: &str, is_last: bool) -> Result<()> {
        self.hops += 1;
        if self.hops > MAX_SYMLINK_HOPS {
            return Err(Errno::Loop);
        }
        let target = self.fs.read_link(joined)?;
        self.stack.pop();
        if target.is_empty() {
            return Err(Errno::Noent);
        }
        if target.starts_with('/') {
            return Err(Errno::Perm);
        }
        if target.len() + self.pending.iter().map(|c| c.len() + 1).sum::<usize>() > PATH_MAX {
            return Err(Errno::Nametoolong);
        }
        let (expanded, slash) = split(&target);
        if is_last && slash {
            self.must_be_dir = true;
        }
        for c in expanded.into_iter().rev() {
            self.pending.push_front(c);
        }
        Ok(())
    }
}

/// Splits a relative path into its components, dropping empty ones; the
/// flag says whether it ended in `/`.
fn split(path: &str) -> (VecDeque<String>, bool) {
    let trailing = path.ends_with('/');
    let parts = path.split('/').filter(|c| !c.is_empty()).map(str::to_owned).collect();
    (parts, trailing)
}

/// `.` is only valid after a directory: `file/.` is `ENOTDIR`.
fn check_dir(fs: &dyn FileSystem, stack: &[String]) -> Result<()> {
    if stack.is_empty() {
        return Ok(());
    }
    match fs.stat(&stack.join("/"))?.filetype {
        FileType::Directory => Ok(()),
        _ => Err(Errno::Notdir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    fn tree() -> MemFs {
        let fs = MemFs::new();
        fs.create_dir("a").unwrap();
        fs.create_dir("a/b").unwrap();
        fs.write_file("a/b/f", b"x").unwrap();
        fs.write_file("top", b"y").unwrap();
        fs.symlink("b/f", "a/to_f").unwrap();
        fs.symlink("..", "a/b/up").unwrap();
        fs.symlink("../..", "a/b/up2").unwrap();
        fs.symlink("/etc/passwd", "abs").unwrap();
        fs.symlink("loop2", "loop1").unwrap();
        fs.symlink("loop1", "loop2").unwrap();
        fs.symlink("a/b/", "slashdir").unwrap();
        fs
    }

    fn ok(fs: &MemFs, base: &str, p: &str, follow: bool) -> String {
        resolve(fs, base, p, follow).unwrap().path
    }

    fn err(fs: &MemFs, base: &str, p: &str, follow: bool) -> Errno {
        resolve(fs, base, p, follow).unwrap_err()
    }

    #[test]
    fn plain_and_dot_paths() {
        let fs = tree();
        assert_eq!(ok(&fs, "", "a/b/f", true), "a/b/f");
        assert_eq!(ok(&fs, "", "./a/./b//f", true), "a/b/f");
        assert_eq!(ok(&fs, "", "a/b/../b/f", true), "a/b/f");
        assert_eq!(ok(&fs, "", ".", true), "");
        assert!(resolve(&fs, "", ".", true).unwrap().ends_in_dot);
        assert_eq!(ok(&fs, "a", "b/f", true), "a/b/f");
        assert_eq!(ok(&fs, "", "a/new", true), "a/new");
    }

    #[test]
    fn escapes_are_eperm() {
        let fs = tree();
        assert_eq!(err(&fs, "", "..", true), Errno::Perm);
        assert_eq!(err(&fs, "", "a/../..", true), Errno::Perm);
        assert_eq!(err(&fs, "a", "../top", true), Errno::Perm);
        assert_eq!(err(&fs, "", "/etc/passwd", true), Errno::Perm);
        assert_eq!(err(&fs, "", "abs", true), Errno::Perm);
        // A symlink climbing above the directory the path is relative to.
        assert_eq!(err(&fs, "a/b", "up/b/f", true), Errno::Perm);
        assert_eq!(err(&fs, "", "a/b/up2/..", true), Errno::Perm);
        // ...but within it, fine.
        assert_eq!(ok(&fs, "", "a/b/up/b/f", true), "a/b/f");
        assert_eq!(ok(&fs, "", "a/b/up2/top", true), "top");
    }

    #[test]
    fn symlinks_follow_only_when_asked() {
        let fs = tree();
        assert_eq!(ok(&fs, "", "a/to_f", true), "a/b/f");
        assert_eq!(ok(&fs, "", "a/to_f", false), "a/to_f");
        assert_eq!(ok(&fs, "", "abs", false), "abs");
        assert_eq!(err(&fs, "", "loop1", true), Errno::Loop);
        assert_eq!(ok(&fs, "", "loop1", false), "loop1");
        assert_eq!(err(&fs, "", "loop1/x", false), Errno::Loop);
        let r = resolve(&fs, "", "slashdir", true).unwrap();
        assert_eq!(r.path, "a/b");
        assert!(r.must_be_dir);
    }

    #[test]
    fn non_directories_in_the_middle() {
        let fs = tree();
        assert_eq!(err(&fs, "", "top/x", true), Errno::Notdir);
        assert_eq!(err(&fs, "", "top/", true), Errno::Notdir);
        assert_eq!(err(&fs, "", "top/.", true), Errno::Notdir);
        assert_eq!(err(&fs, "", "top/..", true), Errno::Notdir);
        assert_eq!(err(&fs, "", "missing/x", true), Errno::Noent);
        let r = resolve(&fs, "", "newdir/", true).unwrap();
        assert_eq!(r.path, "newdir");
        assert!(r.must_be_dir);
    }

    #[test]
    fn hostile_strings() {
        let fs = tree();
        assert_eq!(err(&fs, "", "", true), Errno::Noent);
        assert_eq!(err(&fs, "", "a\0b", true), Errno::Inval);
        assert_eq!(err(&fs, "", &"a/".repeat(3000), true), Errno::Nametoolong);
    }
}
