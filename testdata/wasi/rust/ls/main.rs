// ls DIR [TARGET LINK]: if TARGET and LINK are given, first creates the
// symlink LINK -> TARGET (fixtures carry no symlinks). Then lists DIR sorted
// by name (bytewise), one `<name> <type>` line, type in dir/file/symlink/other,
// INCLUDING `.` and `..` exactly as fd_readdir returns them.
//
// std::fs::read_dir drops `.` and `..`, so this calls the WASI import
// fd_readdir directly (with cookies and a growable buffer).
use std::fs::File;
use std::os::fd::AsRawFd;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn fd_readdir(fd: u32, buf: *mut u8, buf_len: usize, cookie: u64, bufused: *mut usize) -> u16;
}

const DIRENT_SIZE: usize = 24; // d_next u64, d_ino u64, d_namlen u32, d_type u8, 3 pad

fn type_name(t: u8) -> &'static str {
    match t {
        3 => "dir",
        4 => "file",
        7 => "symlink",
        _ => "other",
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = &args[1];
    if args.len() >= 4 {
        #[allow(deprecated)]
        let r = std::fs::soft_link(&args[2], &args[3]);
        if let Err(e) = r {
            println!("symlink failed: {}", e.raw_os_error().unwrap_or(-1));
            std::process::exit(1);
        }
    }
    let f = match File::open(dir) {
        Ok(f) => f,
        Err(_) => {
            println!("ls: {}: error", dir);
            std::process::exit(1);
        }
    };
    let fd = f.as_raw_fd() as u32;
    let mut entries: Vec<(Vec<u8>, u8)> = Vec::new();
    let mut buf = vec![0u8; 256];
    let mut cookie: u64 = 0;
    loop {
        let mut used: usize = 0;
        let rc = unsafe { fd_readdir(fd, buf.as_mut_ptr(), buf.len(), cookie, &mut used) };
        if rc != 0 {
            println!("fd_readdir failed: {}", rc);
            std::process::exit(1);
        }
        let mut off = 0;
        let mut progressed = false;
        while off + DIRENT_SIZE <= used {
            let next = u64::from_le_bytes(buf[off..off + 8].try_into().unwrap());
            let namlen = u32::from_le_bytes(buf[off + 16..off + 20].try_into().unwrap()) as usize;
            let typ = buf[off + 20];
            if off + DIRENT_SIZE + namlen > used {
                break; // truncated entry: re-read from `cookie`
            }
            let name = buf[off + DIRENT_SIZE..off + DIRENT_SIZE + namlen].to_vec();
            entries.push((name, typ));
            cookie = next;
            off += DIRENT_SIZE + namlen;
            progressed = true;
        }
        if used < buf.len() {
            break; // end of directory
        }
        if !progressed {
            let n = buf.len() * 2;
            buf.resize(n, 0);
        }
    }
    entries.sort();
    for (name, typ) in entries {
        println!("{} {}", String::from_utf8_lossy(&name), type_name(typ));
    }
}
