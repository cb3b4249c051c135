//! node's `fs`, as `syscall/fs_js.go` calls it, served by the host's
//! mounts as one virtual root.
//!
//! Every method but `writeSync` is callback-style: the last argument is
//! the callback, queued for the event loop with `(err)` or `(null,
//! result)` as node calls it after the operation. Errors carry node's
//! `code` strings (`"ENOENT"`), which Go's `mapJSError` turns back into
//! `syscall.Errno` through `syscall/tables_js.go`.
//!
//! Paths are made absolute against `process.cwd()` and normalised
//! lexically (as node's `path.resolve`, which Go >= 1.21 calls anyway),
//! the mount is found with [`imports::mount::Mounts::find`], and the rest
//! is resolved with [`imports::fs::resolve`], which keeps it inside the
//! mount. Open files live in the shared descriptor table.

pub use crate::natives::Op;
use crate::value::{HeapFull, Kind, Value};
use crate::world::{self, JsResult};
use crate::{GoJs, Trap};
use imports::descriptor::{Descriptor, FdFlags, OpenDir, OpenFile, Rights};
use imports::fs::{
    open_resolved, resolve, FileSystem, FileType, NullFs, OpenOptions, OpenRequest, Opened, Resolved, SetTime, Stat,
    MAX_SYMLINK_HOPS,
};
use imports::Errno;
use std::collections::VecDeque;
use std::io::{IoSlice, IoSliceMut};
use std::sync::Arc;

/// `S_IFMT`.
pub const S_IFMT: i64 = 0o170000;
/// `S_IFDIR`.
pub const S_IFDIR: i64 = 0o040000;
/// `S_IFREG`.
pub const S_IFREG: i64 = 0o100000;
/// `S_IFLNK`.
pub const S_IFLNK: i64 = 0o120000;

const O_WRONLY: i64 = 1;
const O_RDWR: i64 = 2;
const O_CREAT: i64 = 0o100;
const O_EXCL: i64 = 0o200;
const O_TRUNC: i64 = 0o1000;
const O_APPEND: i64 = 0o2000;
const O_DIRECTORY: i64 = 0o200000;
const O_NOFOLLOW: i64 = 0o400000;

/// `fs.constants` as node has them on Linux.
pub const CONSTANTS: &[(&str, f64)] = &[
    ("O_RDONLY", 0.0),
    ("O_WRONLY", O_WRONLY as f64),
    ("O_RDWR", O_RDWR as f64),
    ("O_CREAT", O_CREAT as f64),
    ("O_EXCL", O_EXCL as f64),
    ("O_TRUNC", O_TRUNC as f64),
    ("O_APPEND", O_APPEND as f64),
    ("O_DIRECTORY", O_DIRECTORY as f64),
    ("O_NOFOLLOW", O_NOFOLLOW as f64),
    ("O_SYNC", 0o4010000 as f64),
    ("S_IFMT", S_IFMT as f64),
    ("S_IFREG", S_IFREG as f64),
    ("S_IFDIR", S_IFDIR as f64),
    ("S_IFCHR", 0o020000 as f64),
    ("S_IFBLK", 0o060000 as f64),
    ("S_IFIFO", 0o010000 as f64),
    ("S_IFLNK", S_IFLNK as f64),
    ("S_IFSOCK", 0o140000 as f64),
    ("F_OK", 0.0),
    ("R_OK", 4.0),
    ("W_OK", 2.0),
    ("X_OK", 1.0),
];

/// Longest path accepted, in bytes, before and after expanding links
/// (Linux's `PATH_MAX`, as the core's `resolve`).
pub const PATH_MAX: usize = 4096;

/// An absolute, lexically normalised guest path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Absolute {
    /// `/`-separated, no `.`/`..`/empty components, no trailing `/`
    /// (except the root itself).
    pub path: String,
    /// The original ended in `/` (so it must name a directory).
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

/// Resolves `p` in the virtual root: made absolute against the working
/// directory, then walked component by component across mounts, with
/// `..` going up what was walked and symbolic links expanded (an absolute
/// target restarts at the virtual root, a relative one continues from the
/// link's directory, at most [`MAX_SYMLINK_HOPS`]). The final mount-relative
/// path, free of symlinks but possibly the last one when `follow` is off,
/// is then checked by the core's [`resolve`]. No mount for a component:
/// `ENOENT`; else what [`resolve`] and the file systems report (`ENOTDIR`,
/// `ELOOP`, ...).
pub fn lookup(s: &GoJs, p: &str, follow: bool) -> Result<(Arc<dyn FileSystem>, Resolved), Errno> {
    if p.is_empty() {
        return Err(Errno::Noent);
    }
    if p.len() > PATH_MAX {
        return Err(Errno::Nametoolong);
    }
    if p.contains('\0') {
        return Err(Errno::Inval);
    }
    let joined = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("{}/{p}", s.world.cwd)
    };
    let trailing = p.ends_with('/');
    let last = p.rsplit('/').find(|c| !c.is_empty()).unwrap_or("");
    let ends_in_dot = last == "." || last == "..";
    let mut pending: VecDeque<String> = components(&joined);
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
        let vpath = format!("/{}", walked.join("/"));
        let (fs, rest) = find(s, &vpath).ok_or(Errno::Noent)?;
        if rest.is_empty() {
            continue;
        }
        match fs.stat(&rest) {
            Ok(st) if st.filetype == FileType::SymbolicLink && (!is_last || follow || trailing) => {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(Errno::Loop);
                }
                let target = fs.read_link(&rest)?;
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
                for c in components(&target).into_iter().rev() {
                    pending.push_front(c);
                }
            }
            Ok(st) if st.filetype != FileType::Directory && !is_last => return Err(Errno::Notdir),
            Ok(_) => {}
            Err(Errno::Noent) if is_last => {}
            Err(e) => return Err(e),
        }
    }
    let vpath = format!("/{}", walked.join("/"));
    let (fs, rest) = find(s, &vpath).ok_or(Errno::Noent)?;
    let mut rel = if rest.is_empty() { ".".to_string() } else { rest };
    if trailing {
        rel.push('/');
    }
    let mut r = resolve(fs.as_ref(), "", &rel, follow)?;
    r.ends_in_dot |= ends_in_dot;
    Ok((fs, r))
}

/// The file system answering for the absolute, normalised `vpath`, and
/// the path within it: its mount; else, below a directory that only holds
/// mount points (`/` when only `/data` is mounted), an empty read-only
/// directory ([`NullFs`]), so that every ancestor of a mount exists and
/// creating anything there is `EROFS`, as on a real system. `None` only
/// when nothing is mounted at all.
fn find(s: &GoJs, vpath: &str) -> Option<(Arc<dyn FileSystem>, String)> {
    if let Some((m, rest)) = s.host.mounts.find(vpath) {
        return Some((m.fs.clone(), rest.to_string()));
    }
    let holds_mounts = |dir: &str| {
        let prefix = if dir == "/" { "/".to_string() } else { format!("{dir}/") };
        s.host
            .mounts
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

/// `process.chdir(p)`: `p` must be a directory. Errors: as [`lookup`],
/// `ENOTDIR`.
pub fn chdir(s: &mut GoJs, p: &str) -> Result<(), Errno> {
    let (fs, r) = lookup(s, p, true)?;
    if fs.stat(&r.path)?.filetype != FileType::Directory {
        return Err(Errno::Notdir);
    }
    s.world.cwd = absolute(&s.world.cwd, p).path;
    Ok(())
}

/// The `code` node gives an errno, restricted to the names Go's
/// `syscall/tables_js.go` knows (an unknown code makes Go panic).
pub fn code(e: Errno) -> &'static str {
    match e {
        // Rights are the descriptor table's; POSIX says EBADF.
        Errno::Notcapable => "EBADF",
        Errno::Success | Errno::Notrecoverable | Errno::Ownerdead | Errno::Txtbsy => "EIO",
        e => e.code(),
    }
}

/// A node system error for `e` from `syscall` on `path`:
/// `{code, message: "ENOENT: open 'x'"}`.
pub fn errno_error(s: &mut GoJs, e: Errno, syscall: &str, path: &str) -> Result<Value, HeapFull> {
    let c = code(e);
    let msg = if e == Errno::Nosys {
        format!("{c}: fs.{syscall} is not implemented: the shared file systems keep no owners or permission bits")
    } else if path.is_empty() {
        format!("{c}: {syscall}")
    } else {
        format!("{c}: {syscall} '{path}'")
    };
    let err = s.world.error("Error", &msg, Some(c))?;
    s.world.set_own(&err, "syscall", Value::str(syscall));
    Ok(err)
}

/// A node `fs.Stats` object.
fn stats(s: &mut GoJs, st: &Stat) -> Result<Value, HeapFull> {
    let (fmt, default_perm) = match st.filetype {
        FileType::Directory => (S_IFDIR, 0o755),
        FileType::RegularFile => (S_IFREG, 0o644),
        FileType::SymbolicLink => (S_IFLNK, 0o777),
        FileType::CharacterDevice => (0o020000, 0o620),
        FileType::BlockDevice => (0o060000, 0o660),
        FileType::Pipe => (0o010000, 0o600),
        FileType::SocketStream | FileType::SocketDgram => (0o140000, 0o755),
        FileType::Unknown => (0, 0o600),
    };
    // File systems that keep permission bits report them (0: none kept).
    let perm = if st.mode != 0 { i64::from(st.mode) } else { default_perm };
    let ms = |ns: u64| Value::Number(ns as f64 / 1e6);
    let n = |x: u64| Value::Number(x as f64);
    let w = &mut s.world;
    let props = [
        ("dev", n(st.dev)),
        ("ino", n(st.ino)),
        ("mode", n((fmt | perm) as u64)),
        ("nlink", n(st.nlink)),
        ("uid", Value::Number(world::UID)),
        ("gid", Value::Number(world::UID)),
        ("rdev", n(0)),
        ("size", n(st.size)),
        ("blksize", n(4096)),
        ("blocks", n(st.size.div_ceil(512))),
        ("atimeMs", ms(st.atim)),
        ("mtimeMs", ms(st.mtim)),
        ("ctimeMs", ms(st.ctim)),
        ("birthtimeMs", ms(st.ctim)),
        ("isDirectory", w.native(world::Native::IsDirectory)),
        ("isFile", w.native(world::Native::IsFile)),
        ("isSymbolicLink", w.native(world::Native::IsSymbolicLink)),
    ];
    Ok(Value::Object(w.object(&props)?))
}

/// A bad argument: node throws synchronously, before any callback.
enum BadArg {
    Type(&'static str, &'static str),
    Range(&'static str),
}

fn string_arg(args: &[Value], i: usize, name: &'static str) -> Result<Arc<str>, BadArg> {
    match args.get(i) {
        Some(Value::String(p)) => Ok(p.clone()),
        _ => Err(BadArg::Type(name, "string")),
    }
}

fn int_arg(args: &[Value], i: usize, name: &'static str) -> Result<i64, BadArg> {
    match args.get(i) {
        Some(Value::Number(n)) if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => {
            Ok(*n as i64)
        }
        Some(Value::Number(_)) => Err(BadArg::Range(name)),
        _ => Err(BadArg::Type(name, "number")),
    }
}

fn fd_arg(args: &[Value]) -> Result<u32, BadArg> {
    u32::try_from(int_arg(args, 0, "fd")?).map_err(|_| BadArg::Range("fd"))
}

/// What an operation produced: the callback's second argument, if any.
type Done = Result<Option<Value>, Errno>;

/// Calls `fs.<op>(...args)`.
pub(crate) fn call(s: &mut GoJs, op: Op, args: &[Value]) -> Result<JsResult, Trap> {
    if op == Op::WriteSync {
        return write_sync(s, args);
    }
    let cb = match args.last() {
        Some(cb) if s.world.is_function(cb) => cb.clone(),
        _ => {
            return world::throw(
                s,
                "TypeError",
                "The \"cb\" argument must be of type function",
                Some("ERR_INVALID_ARG_TYPE"),
            )
        }
    };
    let args = &args[..args.len() - 1];
    let (done, path) = match run(s, op, args) {
        Ok(r) => r,
        Err(BadArg::Type(name, ty)) => {
            let msg = format!("The \"{name}\" argument must be of type {ty}");
            return world::throw(s, "TypeError", &msg, Some("ERR_INVALID_ARG_TYPE"));
        }
        Err(BadArg::Range(name)) => {
            let msg = format!("The value of \"{name}\" is out of range");
            return world::throw(s, "RangeError", &msg, Some("ERR_OUT_OF_RANGE"));
        }
    };
    if s.host.log.contains(imports::log::LogScopes::FILESYSTEM) {
        log_fs_call(op, &path, args, &done);
    }
    let cb_args = match done {
        Ok(None) => vec![Value::Null],
        Ok(Some(v)) => vec![Value::Null, v],
        Err(e) => vec![errno_error(s, e, op.name(), &path)?],
    };
    s.world.queue.push_back((cb, cb_args));
    Ok(Ok(Value::Undefined))
}

/// Logs one `fs` call with its path decoded, in the host-call log's
/// format (`imports::log`): Go's imports only pass a stack pointer, so
/// this is where a reader sees what the program did.
fn log_fs_call(op: Op, path: &str, args: &[Value], done: &Done) {
    let numbers: Vec<String> = args
        .iter()
        .filter_map(|a| match a {
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    let mut call = format!("==> fs.{}(", op.name());
    if !path.is_empty() {
        call.push_str(&format!("path={path:?}"));
        if !numbers.is_empty() {
            call.push(',');
        }
    }
    call.push_str(&numbers.join(","));
    call.push(')');
    tracing::info!(target: imports::log::TARGET, "{call}");
    let result = match done {
        Ok(Some(Value::Number(n))) => format!("<== ({n},errno=ESUCCESS)"),
        Ok(_) => "<== (errno=ESUCCESS)".to_string(),
        Err(e) => format!("<== (errno={e})"),
    };
    tracing::info!(target: imports::log::TARGET, "{result}");
}

/// Runs one operation; returns its outcome and the path it was about
/// (for the error message).
fn run(s: &mut GoJs, op: Op, args: &[Value]) -> Result<(Done, String), BadArg> {
    let path = match op {
        Op::Open
        | Op::Stat
        | Op::Lstat
        | Op::Readdir
        | Op::Mkdir
        | Op::Rmdir
        | Op::Rename
        | Op::Unlink
        | Op::Utimes
        | Op::Chmod
        | Op::Chown
        | Op::Lchown
        | Op::Truncate
        | Op::Readlink
        | Op::Link => string_arg(args, 0, "path")?.to_string(),
        Op::Symlink => string_arg(args, 1, "path")?.to_string(),
        _ => String::new(),
    };
    let p = path.as_str();
    let done: Done = match op {
        Op::Open => {
            let flags = match args.get(1) {
                None | Some(Value::Undefined) => 0,
                _ => int_arg(args, 1, "flags")?,
            };
            // node: `mode` defaults to 0o666.
            let mode = match args.get(2) {
                None | Some(Value::Undefined) => 0o666,
                _ => mode_arg(args, 2)?,
            };
            open(s, p, flags, mode).map(|fd| Some(Value::Number(f64::from(fd))))
        }
        Op::Close => {
            let fd = fd_arg(args)?;
            s.host.fds.remove(fd).map(|_| None)
        }
        Op::Read | Op::Write => return Ok((transfer(s, op, args)?, path)),
        // Synchronous: `call` hands it to `write_sync` before this.
        Op::WriteSync => Err(Errno::Nosys),
        Op::Fstat => {
            let fd = fd_arg(args)?;
            fstat(s, fd).and_then(|st| stats(s, &st).map(Some).map_err(|_| Errno::Nomem))
        }
        Op::Stat | Op::Lstat => lookup(s, p, op == Op::Stat)
            .and_then(|(fs, r)| fs.stat(&r.path))
            .and_then(|st| stats(s, &st).map(Some).map_err(|_| Errno::Nomem)),
        Op::Readdir => lookup(s, p, true).and_then(|(fs, r)| {
            let mut names: Vec<String> = fs.read_dir(&r.path)?.into_iter().map(|e| e.name).collect();
            names.sort();
            let items = names.iter().map(|n| Value::str(n)).collect();
            let id = s.world.heap.alloc(Kind::Array(items)).map_err(|_| Errno::Nomem)?;
            Ok(Some(Value::Object(id)))
        }),
        Op::Mkdir => {
            // node: `mode` defaults to 0o777; the umask applies.
            let mode = match args.get(1) {
                None | Some(Value::Undefined) => 0o777,
                _ => mode_arg(args, 1)?,
            };
            lookup(s, p, false).and_then(|(fs, r)| {
                if r.ends_in_dot || r.path.is_empty() {
                    return Err(Errno::Exist);
                }
                fs.create_dir(&r.path)?;
                created_mode(s, fs.as_ref(), &r.path, mode);
                Ok(None)
            })
        }
        Op::Rmdir => lookup(s, p, false).and_then(|(fs, r)| {
            if r.ends_in_dot {
                return Err(Errno::Inval);
            }
            if r.path.is_empty() {
                return Err(Errno::Busy);
            }
            fs.remove_dir(&r.path).map(|_| None)
        }),
        Op::Unlink => lookup(s, p, false).and_then(|(fs, r)| {
            if r.ends_in_dot || r.path.is_empty() {
                return Err(Errno::Isdir);
            }
            if r.must_be_dir {
                return Err(match fs.stat(&r.path)?.filetype {
                    FileType::Directory => Errno::Isdir,
                    _ => Errno::Notdir,
                });
            }
            fs.remove_file(&r.path).map(|_| None)
        }),
        Op::Rename => {
            let to = string_arg(args, 1, "newPath")?;
            rename(s, p, &to).map(|_| None)
        }
        Op::Link => {
            let to = string_arg(args, 1, "newPath")?;
            link(s, p, &to).map(|_| None)
        }
        Op::Symlink => {
            let target = string_arg(args, 0, "target")?;
            symlink(s, &target, p).map(|_| None)
        }
        Op::Readlink => lookup(s, p, false)
            .and_then(|(fs, r)| fs.read_link(&r.path))
            .map(|t| Some(Value::str(&t))),
        Op::Utimes => {
            let a = time_arg(args, 1, "atime")?;
            let m = time_arg(args, 2, "mtime")?;
            lookup(s, p, true).and_then(|(fs, r)| fs.set_times(&r.path, a, m).map(|_| None))
        }
        Op::Truncate => {
            // node: `len` defaults to 0.
            let len = match args.get(1) {
                None | Some(Value::Undefined) => 0,
                _ => int_arg(args, 1, "len")?,
            };
            truncate(s, p, len).map(|_| None)
        }
        Op::Ftruncate => {
            let fd = fd_arg(args)?;
            let len = int_arg(args, 1, "len")?;
            u64::try_from(len).map_err(|_| Errno::Inval).and_then(|len| {
                s.host
                    .fds
                    .file(fd, Rights::FD_FILESTAT_SET_SIZE)
                    .and_then(|f| f.file.set_len(len))
                    .map(|_| None)
            })
        }
        Op::Fsync => {
            let fd = fd_arg(args)?;
            match s.host.fds.get_mut(fd) {
                Ok(Descriptor::File(f)) => f.file.sync().map(|_| None),
                Ok(_) => Ok(None),
                Err(e) => Err(e),
            }
        }
        Op::Chmod => {
            let mode = mode_arg(args, 1)?;
            lookup(s, p, true).and_then(|(fs, r)| fs.set_mode(&r.path, mode).map(|_| None))
        }
        Op::Fchmod => {
            let (fd, mode) = (fd_arg(args)?, mode_arg(args, 1)?);
            match s.host.fds.get_mut(fd) {
                Ok(Descriptor::File(f)) => f.file.set_mode(mode).map(|_| None),
                Ok(Descriptor::Dir(d)) => d.fs.set_mode(&d.path, mode).map(|_| None),
                Ok(Descriptor::Listener(_)) => Err(Errno::Badf),
                Err(e) => Err(e),
            }
        }
        Op::Chown | Op::Lchown => {
            let owner = owner_args(args)?;
            lookup(s, p, op == Op::Chown)
                .and_then(|(fs, r)| fs.stat(&r.path))
                .and(owner)
                .map(|_| None)
        }
        Op::Fchown => {
            let fd = fd_arg(args)?;
            let owner = owner_args(args)?;
            fstat(s, fd).and(owner).map(|_| None)
        }
    };
    Ok((done, path))
}

/// `atime`/`mtime` of `utimes`: seconds since the epoch (a number; Go
/// passes whole seconds).
fn time_arg(args: &[Value], i: usize, name: &'static str) -> Result<SetTime, BadArg> {
    match args.get(i) {
        Some(Value::Number(n)) if n.is_finite() && *n >= 0.0 && *n < 1.8e10 => Ok(SetTime::At((n * 1e9) as u64)),
        Some(Value::Number(_)) => Err(BadArg::Range(name)),
        _ => Err(BadArg::Type(name, "number")),
    }
}

/// Gives a file the guest just created the mode it asked for, less the
/// umask, as `open(2)`/`mkdir(2)` do. Best effort: a file system that keeps
/// no permission bits simply reports its defaults.
fn created_mode(s: &GoJs, fs: &dyn FileSystem, path: &str, mode: u32) {
    let _ = fs.set_mode(path, mode & !s.world.umask & 0o7777);
}

fn open(s: &mut GoJs, p: &str, flags: i64, mode: u32) -> Result<u32, Errno> {
    let write = flags & (O_WRONLY | O_RDWR) != 0;
    let read = flags & O_WRONLY == 0;
    let create = flags & O_CREAT != 0;
    let req = OpenRequest {
        follow: flags & O_NOFOLLOW == 0,
        directory: flags & O_DIRECTORY != 0,
        options: OpenOptions {
            read,
            write,
            append: flags & O_APPEND != 0,
            create,
            exclusive: create && flags & O_EXCL != 0,
            truncate: write && flags & O_TRUNC != 0,
        },
    };
    let (fs, r) = lookup(s, p, req.follows())?;
    let d = match open_resolved(fs.as_ref(), r, &req)? {
        Opened::Dir { path } => Descriptor::Dir(OpenDir {
            fs,
            path,
            preopen: None,
            rights: Rights::DIRECTORY,
            inheriting: Rights::NONE,
            flags: FdFlags::default(),
            listing: None,
        }),
        Opened::File {
            file,
            filetype,
            created,
            path,
        } => {
            if created {
                created_mode(s, fs.as_ref(), &path, mode);
            }
            let mut rights = Rights::REGULAR_FILE.0;
            if !read {
                rights &= !Rights::FD_READ.0;
            }
            if !write {
                rights &= !(Rights::FD_WRITE.0 | Rights::FD_FILESTAT_SET_SIZE.0);
            }
            Descriptor::File(OpenFile {
                file,
                filetype,
                rights: Rights(rights),
                inheriting: Rights::NONE,
                flags: if req.options.append {
                    FdFlags::APPEND
                } else {
                    FdFlags::default()
                },
            })
        }
    };
    s.host.fds.insert(d)
}

/// The `mode` of `chmod`/`fchmod`: permission bits.
fn mode_arg(args: &[Value], i: usize) -> Result<u32, BadArg> {
    let mode = int_arg(args, i, "mode")?;
    u32::try_from(mode)
        .map(|m| m & 0o7777)
        .map_err(|_| BadArg::Range("mode"))
}

/// The `uid`, `gid` of the `chown` family, as the outcome the call will
/// have once its target is found: the shared file systems have one owner,
/// the guest's own user ([`world::UID`]), so giving a file to it (or
/// keeping an id, `-1` or its `uint32` form) succeeds and giving it to anyone else is `EPERM`
/// (RATIONALE.md).
fn owner_args(args: &[Value]) -> Result<Result<(), Errno>, BadArg> {
    // (path or fd, uid, gid, callback)
    let uid = int_arg(args, 1, "uid")?;
    let gid = int_arg(args, 2, "gid")?;
    // "Keep this id" is -1, which Go's fs_js.go sends as uint32(-1).
    let ours = |id: i64| id == -1 || id == i64::from(u32::MAX) || id as f64 == world::UID;
    Ok(if ours(uid) && ours(gid) {
        Ok(())
    } else {
        Err(Errno::Perm)
    })
}

fn fstat(s: &mut GoJs, fd: u32) -> Result<Stat, Errno> {
    match s.host.fds.get_mut(fd)? {
        Descriptor::File(f) => f.file.stat(),
        Descriptor::Dir(d) => d.fs.stat(&d.path),
        Descriptor::Listener(_) => Err(Errno::Badf),
    }
}

/// `fs.read(fd, buffer, offset, length, position, cb)` and `fs.write`
/// with the same arguments: `position` null means the file's offset.
fn transfer(s: &mut GoJs, op: Op, args: &[Value]) -> Result<Done, BadArg> {
    let fd = fd_arg(args)?;
    let buffer = args.get(1).cloned().unwrap_or(Value::Undefined);
    let Some(len_total) = s.world.bytes(&buffer).map(<[u8]>::len) else {
        return Err(BadArg::Type("buffer", "Uint8Array"));
    };
    let offset = match args.get(2) {
        None | Some(Value::Undefined) => 0,
        _ => int_arg(args, 2, "offset")?,
    };
    let length = match args.get(3) {
        None | Some(Value::Undefined) => len_total as i64 - offset,
        _ => int_arg(args, 3, "length")?,
    };
    let (Ok(offset), Ok(length)) = (usize::try_from(offset), usize::try_from(length)) else {
        return Err(BadArg::Range("offset"));
    };
    if offset.checked_add(length).is_none_or(|end| end > len_total) {
        return Err(BadArg::Range("length"));
    }
    let position = match args.get(4) {
        Some(Value::Number(n)) if *n >= 0.0 => Some(int_arg(args, 4, "position")? as u64),
        Some(Value::Number(_)) | None | Some(Value::Undefined) | Some(Value::Null) => None,
        Some(_) => return Err(BadArg::Type("position", "number")),
    };
    let GoJs { host, world, .. } = s;
    let Some(bytes) = world.bytes_mut(&buffer) else {
        return Err(BadArg::Type("buffer", "Uint8Array"));
    };
    let buf = &mut bytes[offset..offset + length];
    let n = if op == Op::Read {
        host.fds.file(fd, Rights::FD_READ).and_then(|f| match position {
            None => f.file.read_vectored(&mut [IoSliceMut::new(buf)]),
            Some(at) => f.file.pread(&mut [IoSliceMut::new(buf)], at),
        })
    } else {
        host.fds.file(fd, Rights::FD_WRITE).and_then(|f| match position {
            None => f.file.write_vectored(&[IoSlice::new(buf)]),
            Some(at) => f.file.pwrite(&[IoSlice::new(buf)], at),
        })
    };
    Ok(n.map(|n| Some(Value::Number(n as f64))))
}

/// `fs.writeSync(fd, buffer)`: what `runtime.wasmWrite` uses; returns
/// the bytes written, throws node's error.
fn write_sync(s: &mut GoJs, args: &[Value]) -> Result<JsResult, Trap> {
    let Ok(fd) = fd_arg(args) else {
        return world::throw(s, "TypeError", "The \"fd\" argument must be of type number", None);
    };
    let buffer = args.get(1).cloned().unwrap_or(Value::Undefined);
    let GoJs { host, world, .. } = s;
    let Some(bytes) = world.bytes(&buffer) else {
        return world::throw(s, "TypeError", "The \"buffer\" argument must be a Uint8Array", None);
    };
    match write_all(host, fd, bytes) {
        Ok(()) => Ok(Ok(Value::Number(bytes.len() as f64))),
        Err(e) => Ok(Err(errno_error(s, e, "write", "")?)),
    }
}

/// Writes all of `bytes` to descriptor `fd`.
pub fn write_all(host: &mut imports::Host, fd: u32, mut bytes: &[u8]) -> Result<(), Errno> {
    let f = host.fds.file(fd, Rights::FD_WRITE)?;
    while !bytes.is_empty() {
        let n = f.file.write_vectored(&[IoSlice::new(bytes)])?;
        if n == 0 {
            return Err(Errno::Io);
        }
        bytes = &bytes[n.min(bytes.len())..];
    }
    Ok(())
}

fn two(s: &GoJs, from: &str, to: &str) -> Result<(Arc<dyn FileSystem>, Resolved, Resolved), Errno> {
    let (fs, a) = lookup(s, from, false)?;
    let (fs2, b) = lookup(s, to, false)?;
    if !Arc::ptr_eq(&fs, &fs2) {
        return Err(Errno::Xdev);
    }
    Ok((fs, a, b))
}

fn rename(s: &GoJs, from: &str, to: &str) -> Result<(), Errno> {
    let (fs, a, b) = two(s, from, to)?;
    if a.ends_in_dot || b.ends_in_dot {
        return Err(Errno::Inval);
    }
    if a.path.is_empty() || b.path.is_empty() {
        return Err(Errno::Busy);
    }
    let src = fs.stat(&a.path)?;
    if (a.must_be_dir || b.must_be_dir) && src.filetype != FileType::Directory {
        return Err(Errno::Notdir);
    }
    fs.rename(&a.path, &b.path)
}

fn link(s: &GoJs, from: &str, to: &str) -> Result<(), Errno> {
    let (fs, a, b) = two(s, from, to)?;
    if a.path.is_empty() || a.ends_in_dot || fs.stat(&a.path)?.filetype == FileType::Directory {
        return Err(Errno::Perm);
    }
    if b.path.is_empty() || b.ends_in_dot {
        return Err(Errno::Exist);
    }
    if b.must_be_dir {
        return Err(Errno::Noent);
    }
    fs.hard_link(&a.path, &b.path)
}

fn symlink(s: &GoJs, target: &str, p: &str) -> Result<(), Errno> {
    if target.contains('\0') {
        return Err(Errno::Inval);
    }
    // Absolute targets are fine: they name the virtual root, which is all
    // the guest can reach (RATIONALE.md).
    let (fs, r) = lookup(s, p, false)?;
    if r.path.is_empty() || r.ends_in_dot {
        return Err(Errno::Exist);
    }
    if r.must_be_dir {
        return Err(Errno::Noent);
    }
    fs.symlink(target, &r.path)
}

fn truncate(s: &GoJs, p: &str, len: i64) -> Result<(), Errno> {
    let len = u64::try_from(len).map_err(|_| Errno::Inval)?;
    let (fs, r) = lookup(s, p, true)?;
    match fs.stat(&r.path)?.filetype {
        FileType::Directory => return Err(Errno::Isdir),
        FileType::RegularFile => {}
        _ => return Err(Errno::Inval),
    }
    let mut f = fs.open(
        &r.path,
        &OpenOptions {
            write: true,
            ..OpenOptions::default()
        },
    )?;
    f.set_len(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_is_lexical() {
        assert_eq!(absolute("/", "a/b").path, "/a/b");
        assert_eq!(absolute("/x/y", "../z").path, "/x/z");
        assert_eq!(absolute("/x", "/../../etc").path, "/etc");
        assert_eq!(absolute("/", ".").path, "/");
        assert!(absolute("/", "a/").trailing_slash);
        assert!(!absolute("/", "a").trailing_slash);
    }

    fn guest() -> GoJs {
        let root = imports::fs::MemFs::new();
        root.create_dir("dir").unwrap();
        root.write_file("dir/f", b"x").unwrap();
        root.symlink("/other/g", "to_other").unwrap();
        root.symlink("loop2", "loop1").unwrap();
        root.symlink("loop1", "loop2").unwrap();
        root.symlink("../../../dir", "dir/up").unwrap();
        let other = imports::fs::MemFs::new();
        other.write_file("g", b"y").unwrap();
        let host = imports::ModuleConfig::new()
            .mount("/", root)
            .mount("/other", other)
            .build()
            .unwrap();
        GoJs {
            host,
            world: crate::world::World::new().unwrap(),
            abi: crate::Abi::GoJs,
            guest: None,
            depth: 0,
            reentries: 0,
        }
    }

    /// Runs `fs.<op>(args..., cb)` and returns the callback's arguments.
    fn fs_call(s: &mut GoJs, op: Op, mut args: Vec<Value>) -> Vec<Value> {
        args.push(s.world.native(crate::world::Native::Cwd));
        call(s, op, &args).unwrap().unwrap();
        s.world.queue.pop_back().unwrap().1
    }

    fn error_code(s: &GoJs, v: &[Value]) -> String {
        match s.world.get(&v[0], "code") {
            Some(Value::String(c)) => c.to_string(),
            other => panic!("not an error: {other:?}"),
        }
    }

    #[test]
    fn links_are_expanded_in_the_virtual_root() {
        let mut s = guest();
        let (fs, r) = lookup(&s, "/to_other", true).unwrap();
        assert_eq!(fs.stat(&r.path).unwrap().size, 1);
        assert_eq!(lookup(&s, "/loop1", true).unwrap_err(), Errno::Loop);
        assert_eq!(lookup(&s, "/loop1/x", false).unwrap_err(), Errno::Loop);
        // `..` above the root stays at the root, through links too.
        assert_eq!(lookup(&s, "/dir/up/f", true).unwrap().1.path, "dir/f");
        assert_eq!(lookup(&s, "/../../dir/f", true).unwrap().1.path, "dir/f");
        assert_eq!(lookup(&s, "/dir/f/x", true).unwrap_err(), Errno::Notdir);
        chdir(&mut s, "/dir").unwrap();
        assert_eq!(lookup(&s, "f", true).unwrap().1.path, "dir/f");
        assert_eq!(chdir(&mut s, "/dir/f").unwrap_err(), Errno::Notdir);
        assert_eq!(lookup(&s, &"a/".repeat(3000), true).unwrap_err(), Errno::Nametoolong);
    }

    #[test]
    fn ancestors_of_mounts_exist() {
        let host = imports::ModuleConfig::new()
            .mount("/a/b", imports::fs::MemFs::new())
            .build()
            .unwrap();
        let mut s = GoJs {
            host,
            world: crate::world::World::new().unwrap(),
            abi: crate::Abi::Go,
            guest: None,
            depth: 0,
            reentries: 0,
        };
        let (fs, r) = lookup(&s, "/a", true).unwrap();
        assert_eq!(fs.stat(&r.path).unwrap().filetype, FileType::Directory);
        chdir(&mut s, "/a/b").unwrap();
        assert_eq!(lookup(&s, "..", true).map(|_| ()), Ok(()));
        let r = fs_call(&mut s, Op::Stat, vec![Value::str("/c")]);
        assert_eq!(error_code(&s, &r), "ENOENT");
        let r = fs_call(&mut s, Op::Mkdir, vec![Value::str("/a/new"), Value::Number(493.0)]);
        assert_eq!(error_code(&s, &r), "EROFS");
    }

    #[test]
    fn fs_methods_report_node_codes() {
        let mut s = guest();
        let r = fs_call(&mut s, Op::Stat, vec![Value::str("/missing")]);
        assert_eq!(error_code(&s, &r), "ENOENT");
        let r = fs_call(
            &mut s,
            Op::Chmod,
            vec![Value::str("/dir/missing"), Value::Number(420.0)],
        );
        assert_eq!(error_code(&s, &r), "ENOENT");
        // The shared file systems have one owner: the guest's own user.
        let r = fs_call(
            &mut s,
            Op::Chown,
            vec![Value::str("/dir/f"), Value::Number(1000.0), Value::Number(0.0)],
        );
        assert_eq!(error_code(&s, &r), "EPERM");
        let r = fs_call(
            &mut s,
            Op::Lchown,
            vec![Value::str("/dir/missing"), Value::Number(0.0), Value::Number(0.0)],
        );
        assert_eq!(error_code(&s, &r), "ENOENT");
        let r = fs_call(&mut s, Op::Rename, vec![Value::str("/dir/f"), Value::str("/other/f")]);
        assert_eq!(error_code(&s, &r), "EXDEV");
        let r = fs_call(&mut s, Op::Mkdir, vec![Value::str("/dir"), Value::Number(493.0)]);
        assert_eq!(error_code(&s, &r), "EEXIST");
        // O_CREAT|O_EXCL on a dangling symlink: EEXIST, nothing created.
        let flags = Value::Number((O_CREAT | O_EXCL | O_WRONLY) as f64);
        let r = fs_call(
            &mut s,
            Op::Open,
            vec![Value::str("/loop1"), flags, Value::Number(420.0)],
        );
        assert_eq!(error_code(&s, &r), "EEXIST");
        let r = fs_call(&mut s, Op::Readdir, vec![Value::str("/dir")]);
        assert_eq!(r[0], Value::Null);
        assert_eq!(s.world.length(&r[1]), 2.0);
        // A bad buffer is a synchronous TypeError, before any callback.
        let args = [
            Value::Number(1.0),
            Value::str("not bytes"),
            s.world.native(crate::world::Native::Cwd),
        ];
        assert!(call(&mut s, Op::Write, &args).unwrap().is_err());
        assert!(s.world.queue.is_empty());
    }

    #[test]
    fn codes_are_ones_go_knows() {
        assert_eq!(code(Errno::Noent), "ENOENT");
        assert_eq!(code(Errno::Notcapable), "EBADF");
        assert_eq!(code(Errno::Success), "EIO");
    }
}
