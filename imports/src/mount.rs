//! The mount table: which file system answers for which guest path.

use crate::fs::FileSystem;
use std::fmt;
use std::sync::Arc;

/// A file system mounted at a guest path. WASI exposes each mount as a
/// preopened directory named `guest_path`; ABIs with one absolute
/// namespace (Go `js`, Emscripten) resolve absolute paths through
/// [`Mounts::find`].
#[derive(Clone)]
pub struct Mount {
    /// Where the guest sees it, e.g. `/data` or `.`.
    pub guest_path: String,
    /// The file system.
    pub fs: Arc<dyn FileSystem>,
}

impl fmt::Debug for Mount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mount({:?} -> {:?})", self.guest_path, self.fs)
    }
}

/// The mounts of one guest, in configuration order.
#[derive(Clone, Debug, Default)]
pub struct Mounts(pub Vec<Mount>);

impl Mounts {
    /// The mount whose guest path is the longest prefix (by whole
    /// components) of the absolute path `path`, and the rest of `path`
    /// relative to it. `/` matches everything.
    pub fn find<'p>(&self, path: &'p str) -> Option<(&Mount, &'p str)> {
        let mut best: Option<(&Mount, &'p str, usize)> = None;
        for m in &self.0 {
            let root = m.guest_path.trim_end_matches('/');
            let rest = if root.is_empty() {
                path.strip_prefix('/')
            } else {
                path.strip_prefix(root)
                    .filter(|r| r.is_empty() || r.starts_with('/'))
                    .map(|r| r.trim_start_matches('/'))
            };
            if let Some(rest) = rest {
                if best.is_none_or(|(_, _, len)| root.len() >= len) {
                    best = Some((m, rest, root.len()));
                }
            }
        }
        best.map(|(m, rest, _)| (m, rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{MemFs, NullFs};

    #[test]
    fn longest_prefix_by_component() {
        let a: Arc<dyn FileSystem> = Arc::new(MemFs::new());
        let b: Arc<dyn FileSystem> = Arc::new(NullFs);
        let mounts = Mounts(vec![
            Mount {
                guest_path: "/".into(),
                fs: a,
            },
            Mount {
                guest_path: "/data".into(),
                fs: b,
            },
        ]);
        assert_eq!(mounts.find("/data/x/y").unwrap().0.guest_path, "/data");
        assert_eq!(mounts.find("/data/x/y").unwrap().1, "x/y");
        assert_eq!(mounts.find("/database").unwrap().0.guest_path, "/");
        assert_eq!(mounts.find("/database").unwrap().1, "database");
        assert_eq!(mounts.find("/data").unwrap().1, "");
    }
}
