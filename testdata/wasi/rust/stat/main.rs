// stat DIR: creates DIR/stat.txt, sets atime/mtime with nanosecond values
// (File::set_times -> fd_filestat_set_times), stats it and prints size, type
// and both timestamps in full nanoseconds; then sets only mtime; then stats a
// directory (type only) and a missing file.
use std::fs::{self, File, FileTimes};
use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

fn ts(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap();
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
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

fn show_times(path: &str) {
    let m = fs::metadata(path).unwrap();
    println!("atime={}", ts(m.accessed().unwrap()));
    println!("mtime={}", ts(m.modified().unwrap()));
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: stat DIR");
    let path = format!("{}/stat.txt", dir);

    let mut f = File::create(&path).unwrap();
    f.write_all(b"0123456789").unwrap();
    println!("create stat.txt: {} bytes", 10);
    let times = FileTimes::new()
        .set_accessed(UNIX_EPOCH + Duration::new(1_600_000_000, 123_456_789))
        .set_modified(UNIX_EPOCH + Duration::new(1_700_000_000, 987_654_321));
    match f.set_times(times) {
        Ok(()) => println!("set times: ok"),
        Err(e) => println!("set times: {}", errname(&e)),
    }
    drop(f);
    let m = fs::metadata(&path).unwrap();
    println!("stat.txt: size={} type={}", m.len(), kind(m.file_type()));
    show_times(&path);

    let f = File::options().write(true).open(&path).unwrap();
    let times = FileTimes::new().set_modified(UNIX_EPOCH + Duration::new(1_234_567_890, 1));
    match f.set_times(times) {
        Ok(()) => println!("set mtime only: ok"),
        Err(e) => println!("set mtime only: {}", errname(&e)),
    }
    drop(f);
    show_times(&path);

    match fs::metadata(format!("{}/sub", dir)) {
        Ok(m) => println!("stat sub: type={}", kind(m.file_type())),
        Err(e) => println!("stat sub: {}", errname(&e)),
    }
    match fs::metadata(format!("{}/missing.txt", dir)) {
        Ok(m) => println!("stat missing.txt: type={}", kind(m.file_type())),
        Err(e) => println!("stat missing.txt: {}", errname(&e)),
    }
    io::stdout().flush().unwrap();
}
