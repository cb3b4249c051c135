// symlink DIR: symlinks inside DIR (a writable mount holding target.txt and
// tdir/inner.txt): create, readlink, read through, lstat vs stat, a symlink to
// a directory, a dangling link, a loop, and links pointing outside the mount
// (creating them may succeed, following them must fail).
// Errors are printed as WASI errno names.
use std::fs::{self, File};
use std::io::{self, Read};

fn errname(e: &io::Error) -> String {
    let n = e.raw_os_error().unwrap_or(-1);
    let s = match n {
        2 => "EACCES",
        8 => "EBADF",
        20 => "EEXIST",
        28 => "EINVAL",
        29 => "EIO",
        31 => "EISDIR",
        32 => "ELOOP",
        37 => "ENAMETOOLONG",
        44 => "ENOENT",
        52 => "ENOSYS",
        54 => "ENOTDIR",
        55 => "ENOTEMPTY",
        58 => "ENOTSUP",
        63 => "EPERM",
        69 => "EROFS",
        75 => "EXDEV",
        76 => "ENOTCAPABLE",
        _ => return format!("E#{}", n),
    };
    s.to_string()
}

fn esc(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        if (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\' {
            s.push(c as char);
        } else {
            s.push_str(&format!("\\x{:02x}", c));
        }
    }
    s.push('"');
    s
}

fn kind(ft: fs::FileType) -> &'static str {
    if ft.is_symlink() {
        "symlink"
    } else if ft.is_dir() {
        "dir"
    } else if ft.is_file() {
        "file"
    } else {
        "other"
    }
}

#[allow(deprecated)]
fn mklink(target: &str, link: &str) -> io::Result<()> {
    fs::soft_link(target, link)
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: symlink DIR");
    let p = |name: &str| format!("{}/{}", dir, name);

    let do_symlink = |name: &str, target: &str| match mklink(target, &p(name)) {
        Ok(()) => println!("symlink {} -> {}: ok", name, target),
        Err(e) => println!("symlink {} -> {}: {}", name, target, errname(&e)),
    };
    let do_readlink = |name: &str| match fs::read_link(p(name)) {
        Ok(t) => println!("readlink {}: {}", name, t.display()),
        Err(e) => println!("readlink {}: {}", name, errname(&e)),
    };
    let do_read = |name: &str| {
        let r = File::open(p(name)).and_then(|mut f| {
            let mut b = Vec::new();
            f.read_to_end(&mut b).map(|_| b)
        });
        match r {
            Ok(b) => println!("read {}: {}", name, esc(&b)),
            Err(e) => println!("read {}: {}", name, errname(&e)),
        }
    };
    let do_lstat = |name: &str| match fs::symlink_metadata(p(name)) {
        Ok(m) => println!("lstat {}: {}", name, kind(m.file_type())),
        Err(e) => println!("lstat {}: {}", name, errname(&e)),
    };
    let do_stat = |name: &str| match fs::metadata(p(name)) {
        Ok(m) => println!("stat {}: {}", name, kind(m.file_type())),
        Err(e) => println!("stat {}: {}", name, errname(&e)),
    };
    let do_list = |name: &str| match fs::read_dir(p(name)) {
        Ok(rd) => {
            let mut v: Vec<String> = rd
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            let s: String = v.iter().map(|n| format!(" {}", n)).collect();
            println!("list {}:{}", name, s);
        }
        Err(e) => println!("list {}: {}", name, errname(&e)),
    };
    let do_unlink = |name: &str| match fs::remove_file(p(name)) {
        Ok(()) => println!("unlink {}: ok", name),
        Err(e) => println!("unlink {}: {}", name, errname(&e)),
    };

    do_symlink("link.txt", "target.txt");
    do_readlink("link.txt");
    do_read("link.txt");
    do_lstat("link.txt");
    do_stat("link.txt");

    do_symlink("linkdir", "tdir");
    do_list("linkdir");
    do_read("linkdir/inner.txt");
    do_lstat("linkdir");
    do_stat("linkdir");

    do_symlink("dangling", "nowhere.txt");
    do_readlink("dangling");
    do_read("dangling");
    do_lstat("dangling");
    do_stat("dangling");

    do_symlink("link.txt", "other.txt");

    do_symlink("loop_a", "loop_b");
    do_symlink("loop_b", "loop_a");
    do_read("loop_a");

    do_symlink("escape_rel", "../../etc/passwd");
    do_readlink("escape_rel");
    do_read("escape_rel");
    do_symlink("escape_abs", "/etc/passwd");
    do_readlink("escape_abs");
    do_read("escape_abs");
    do_symlink("up", "..");
    do_list("up");

    do_readlink("target.txt");
    do_unlink("link.txt");
    do_stat("target.txt");
    do_unlink("linkdir");
    do_stat("tdir");
}
