//! How rights asked of `path_open` bear on what the descriptor can do,
//! through the raw preview1 calls (libc would pick the rights itself).
//! Hand-written WAT and Go's `os.Root` open with rights sets libc never
//! asks for (none at all, write without seek); the reference runtime's
//! answers are the expected output. Run with `dir fixture::/data`.

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn path_open(
        fd: u32, dirflags: u32, path: *const u8, path_len: usize, oflags: u32, base: u64, inheriting: u64,
        fdflags: u32, opened: *mut u32,
    ) -> u16;
    fn fd_read(fd: u32, iovs: *const [usize; 2], iovs_len: usize, nread: *mut usize) -> u16;
    fn fd_write(fd: u32, iovs: *const [usize; 2], iovs_len: usize, nwritten: *mut usize) -> u16;
    fn fd_seek(fd: u32, offset: i64, whence: u8, newoffset: *mut u64) -> u16;
    fn fd_readdir(fd: u32, buf: *mut u8, buf_len: usize, cookie: u64, used: *mut usize) -> u16;
    fn fd_close(fd: u32) -> u16;
    fn fd_fdstat_get(fd: u32, stat: *mut [u64; 3]) -> u16;
    fn fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) -> u16;
    fn path_create_directory(fd: u32, path: *const u8, path_len: usize) -> u16;
    fn path_remove_directory(fd: u32, path: *const u8, path_len: usize) -> u16;
}

const FD_READ: u64 = 1 << 1;
const FD_SEEK: u64 = 1 << 2;
const FD_TELL: u64 = 1 << 5;
const FD_WRITE: u64 = 1 << 6;
const FD_READDIR: u64 = 1 << 14;
const ALL: u64 = (1 << 29) - 1;
const APPEND: u32 = 1;
const O_DIRECTORY: u32 = 2;
const O_TRUNC: u32 = 8;
const PREOPEN: u32 = 3;

fn open(path: &str, oflags: u32, base: u64, fdflags: u32) -> Result<u32, u16> {
    let mut fd = 0;
    match unsafe { path_open(PREOPEN, 1, path.as_ptr(), path.len(), oflags, base, 0, fdflags, &mut fd) } {
        0 => Ok(fd),
        e => Err(e),
    }
}

fn read(fd: u32) -> String {
    let mut buf = [0u8; 8];
    let iov = [buf.as_mut_ptr() as usize, buf.len()];
    let mut n = 0;
    match unsafe { fd_read(fd, &iov, 1, &mut n) } {
        0 => format!("{:?}", String::from_utf8_lossy(&buf[..n])),
        e => format!("errno {e}"),
    }
}

fn write(fd: u32) -> String {
    let data = b"+";
    let iov = [data.as_ptr() as usize, data.len()];
    let mut n = 0;
    match unsafe { fd_write(fd, &iov, 1, &mut n) } {
        0 => format!("{n}"),
        e => format!("errno {e}"),
    }
}

fn seek(fd: u32) -> String {
    let mut at = 0;
    match unsafe { fd_seek(fd, 0, 0, &mut at) } {
        0 => format!("{at}"),
        e => format!("errno {e}"),
    }
}

fn readdir(fd: u32) -> String {
    let mut buf = [0u8; 256];
    let mut used = 0;
    match unsafe { fd_readdir(fd, buf.as_mut_ptr(), buf.len(), 0, &mut used) } {
        0 => format!("ok ({} bytes)", used.min(1)),
        e => format!("errno {e}"),
    }
}

/// `fd_fdstat_get`'s rights, base and inheriting, in hex.
fn rights(fd: u32) -> String {
    let mut st = [0u64; 3];
    match unsafe { fd_fdstat_get(fd, &mut st) } {
        0 => format!("{:#x}/{:#x}", st[1], st[2]),
        e => format!("errno {e}"),
    }
}

/// Opens `path` with `base` rights, tries each operation and closes.
fn probe(label: &str, path: &str, oflags: u32, base: u64, fdflags: u32) {
    match open(path, oflags, base, fdflags) {
        Ok(fd) => {
            println!(
                "{label}: read {} write {} seek {} readdir {} rights {}",
                read(fd),
                write(fd),
                seek(fd),
                readdir(fd),
                rights(fd)
            );
            unsafe { fd_close(fd) };
        }
        Err(e) => println!("{label}: open errno {e}"),
    }
}

fn main() {
    std::fs::write("/data/file.txt", "abcdef").expect("fixture");
    probe("file, no rights", "file.txt", 0, 0, 0);
    probe("file, FD_READ", "file.txt", 0, FD_READ, 0);
    probe("file, FD_WRITE", "file.txt", 0, FD_WRITE, 0);
    probe("file, FD_WRITE append", "file.txt", 0, FD_WRITE, APPEND);
    probe("file, FD_WRITE|FD_SEEK|FD_TELL append", "file.txt", 0, FD_WRITE | FD_SEEK | FD_TELL, APPEND);
    probe("file, FD_READ|FD_WRITE", "file.txt", 0, FD_READ | FD_WRITE, 0);
    probe("file, all rights", "file.txt", 0, ALL, 0);
    probe("file, no rights, append", "file.txt", 0, 0, APPEND);
    probe("file, no rights, trunc", "file.txt", O_TRUNC, 0, 0);
    probe("file, O_DIRECTORY", "file.txt", O_DIRECTORY, ALL, 0);
    probe("dir, no rights", ".", O_DIRECTORY, 0, 0);
    probe("dir, FD_READDIR", ".", 0, FD_READDIR, 0);
    rights_shrink_and_path_calls();
    println!("file now {:?}", std::fs::read_to_string("/data/file.txt").expect("read back"));
}

/// What `fd_fdstat_set_rights` does, and whether a directory opened with
/// no rights can still be used as the base of path calls.
fn rights_shrink_and_path_calls() {
    let fd = open("file.txt", 0, FD_READ, 0).expect("open");
    println!("set_rights grow: errno {}", unsafe { fd_fdstat_set_rights(fd, ALL, 0) });
    println!("set_rights to none: errno {}", unsafe { fd_fdstat_set_rights(fd, 0, 0) });
    println!("after set_rights none: read {} seek {} rights {}", read(fd), seek(fd), rights(fd));
    unsafe { fd_close(fd) };
    let dir = open(".", O_DIRECTORY, 0, 0).expect("open dir");
    let sub = "sub";
    let made = unsafe { path_create_directory(dir, sub.as_ptr(), sub.len()) };
    let removed = unsafe { path_remove_directory(dir, sub.as_ptr(), sub.len()) };
    println!("dir with no rights: mkdir errno {made} rmdir errno {removed} rights {}", rights(dir));
    let mut inner = 0;
    let path = "file.txt";
    let e = unsafe { path_open(dir, 0, path.as_ptr(), path.len(), 0, FD_READ, 0, 0, &mut inner) };
    println!("open beneath it: errno {e}");
    unsafe { fd_close(dir) };
    println!("preopen rights {}", rights(PREOPEN));
    println!("stdout rights {}", rights(1));
}
