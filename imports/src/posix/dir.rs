//! Directory listings: what `readdir` of a path and `getdents`/
//! `fd_readdir` of an open directory see.

use super::{locate, Base};
use crate::descriptor::OpenDir;
use crate::errno::Result;
use crate::fs::{DirEntry, FileSystem, FileType};
use crate::host::Host;

/// The entries of the directory at `path` (a final symlink followed),
/// without `.` and `..`, as node's `fs.readdir` lists them. Errors:
/// `ENOENT`, `ENOTDIR`, `EPERM`.
pub fn read_dir(host: &Host, base: Base<'_>, path: &str) -> Result<Vec<DirEntry>> {
    let at = locate(host, base, path, true)?;
    at.fs.read_dir(&at.r.path)
}

/// `.` and `..` of the directory `path` in `fs`, which every listing of
/// an open directory starts with: `..` of a mount's root is the root
/// itself, as the guest can climb no higher.
pub fn dots(fs: &dyn FileSystem, path: &str) -> [DirEntry; 2] {
    let ino = |p: &str| fs.stat(p).map(|s| s.ino).unwrap_or(0);
    let here = ino(path);
    let parent = match path.rfind('/') {
        Some(i) => ino(&path[..i]),
        None if path.is_empty() => here,
        None => ino(""),
    };
    let dot = |name: &str, ino| DirEntry {
        name: name.into(),
        filetype: FileType::Directory,
        ino,
    };
    [dot(".", here), dot("..", parent)]
}

/// The listing of the open directory `d`, `.` and `..` first, taken anew
/// (a guest reading it in parts keeps it in [`OpenDir::listing`], so one
/// pass sees one consistent listing). Errors: `ENOENT` (removed), `EIO`.
pub fn listing(d: &OpenDir) -> Result<Vec<DirEntry>> {
    let mut list = Vec::from(dots(d.fs.as_ref(), &d.path));
    list.extend(d.fs.read_dir(&d.path)?);
    Ok(list)
}
