// stdin: reads all of stdin 16 bytes at a time straight from fd 0 (not through
// std's 8 KiB Stdin buffer, so there are many small fd_reads, each a point
// where an Asyncify host may suspend while the pipe is empty), and prints every
// line upper-cased with its 1-based number, then the totals. A last line
// without '\n' is printed like the others. Prints the same text as ../../c/stdin.
use std::fs::File;
use std::io::{Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;

fn main() {
    // ManuallyDrop: never close fd 0.
    let mut stdin = ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
    let mut out = std::io::stdout();
    let mut buf = [0u8; 16];
    let mut line = Vec::new();
    let (mut lines, mut total) = (0, 0);
    let mut flush_line = |line: &mut Vec<u8>, lines: &mut u32| {
        *lines += 1;
        out.write_all(format!("{lines}: ").as_bytes()).unwrap();
        out.write_all(line).unwrap();
        out.write_all(b"\n").unwrap();
        out.flush().unwrap();
        line.clear();
    };
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(n) => n,
            Err(_) => {
                println!("read failed");
                std::process::exit(1);
            }
        };
        if n == 0 {
            break;
        }
        total += n;
        for &c in &buf[..n] {
            if c == b'\n' {
                flush_line(&mut line, &mut lines);
            } else if line.len() < 4096 {
                line.push(c.to_ascii_uppercase());
            }
        }
    }
    if !line.is_empty() {
        flush_line(&mut line, &mut lines);
    }
    println!("lines={lines} bytes={total}");
}
