// fileops DIR: create / write / append / seek+overwrite / ftruncate / rename /
// unlink / mkdir / rmdir inside DIR (a writable mount holding existing.txt),
// printing every result. Errors are printed as WASI errno names.
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};

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

fn show(label: &str, r: io::Result<()>) {
    match r {
        Ok(()) => println!("{}: ok", label),
        Err(e) => println!("{}: {}", label, errname(&e)),
    }
}

fn show_read(label: &str, path: &str) {
    match fs::read(path) {
        Ok(b) => println!("{}: {}", label, esc(&b)),
        Err(e) => println!("{}: {}", label, errname(&e)),
    }
}

fn show_size(label: &str, path: &str) {
    match fs::metadata(path) {
        Ok(m) => println!("{}: size={}", label, m.len()),
        Err(e) => println!("{}: {}", label, errname(&e)),
    }
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: fileops DIR");
    let p = |name: &str| format!("{}/{}", dir, name);

    show_read("read existing.txt", &p("existing.txt"));

    let mut f = File::create(p("a.txt")).unwrap();
    f.write_all(b"hello world").unwrap();
    drop(f);
    println!("write a.txt: {} bytes", 11);

    let r = OpenOptions::new().write(true).create_new(true).open(p("a.txt"));
    show("create_new a.txt", r.map(|_| ()));

    // O_APPEND: writes go to the end even after seeking to 0.
    let mut f = OpenOptions::new().append(true).open(p("a.txt")).unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    f.write_all(b"!!").unwrap();
    f.write_all(b"??").unwrap();
    drop(f);
    let b = fs::read(p("a.txt")).unwrap();
    println!("append: size={} {}", b.len(), esc(&b));

    let mut f = OpenOptions::new().read(true).write(true).open(p("a.txt")).unwrap();
    f.seek(SeekFrom::Start(6)).unwrap();
    f.write_all(b"there").unwrap();
    println!("overwrite: pos={}", f.stream_position().unwrap());
    let end = f.seek(SeekFrom::End(-3)).unwrap();
    println!("seek end-3: pos={}", end);
    f.seek(SeekFrom::Start(0)).unwrap();
    let mut b = Vec::new();
    f.read_to_end(&mut b).unwrap();
    println!("overwrite: {}", esc(&b));

    f.set_len(5).unwrap();
    let n = f.metadata().unwrap().len();
    println!("truncate 5: size={} {}", n, esc(&fs::read(p("a.txt")).unwrap()));
    f.set_len(8).unwrap();
    let n = f.metadata().unwrap().len();
    println!("truncate 8: size={} {}", n, esc(&fs::read(p("a.txt")).unwrap()));
    drop(f);

    show("rename a.txt b.txt", fs::rename(p("a.txt"), p("b.txt")));
    show_size("stat a.txt", &p("a.txt"));
    show_size("stat b.txt", &p("b.txt"));

    fs::write(p("c.txt"), b"c").unwrap();
    show("rename b.txt c.txt (replace)", fs::rename(p("b.txt"), p("c.txt")));
    show_read("read c.txt", &p("c.txt"));
    show("unlink c.txt", fs::remove_file(p("c.txt")));
    show("unlink c.txt", fs::remove_file(p("c.txt")));

    show("mkdir d", fs::create_dir(p("d")));
    show("mkdir d", fs::create_dir(p("d")));
    fs::write(p("d/inner.txt"), b"x").unwrap();
    println!("write d/inner.txt: {} bytes", 1);
    show("rmdir d", fs::remove_dir(p("d")));
    show("unlink d", fs::remove_file(p("d")));
    show("rmdir existing.txt", fs::remove_dir(p("existing.txt")));
    show("unlink d/inner.txt", fs::remove_file(p("d/inner.txt")));
    show("rmdir d", fs::remove_dir(p("d")));
    show("rmdir d", fs::remove_dir(p("d")));
    show("open missing.txt", File::open(p("missing.txt")).map(|_| ()));

    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let s: String = names.iter().map(|n| format!(" {}", n)).collect();
    println!("final:{}", s);
}
