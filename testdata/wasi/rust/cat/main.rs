// cat: copies each argument to stdout; `-` is stdin; no arguments means `-`.
// A file that cannot be opened prints `cat: <path>: error` and exits 1 at once.
use std::fs::File;
use std::io::{self, Write};

fn main() {
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        paths.push("-".to_string());
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for p in &paths {
        if p == "-" {
            io::copy(&mut io::stdin().lock(), &mut out).unwrap();
            continue;
        }
        match File::open(p) {
            Ok(mut f) => {
                io::copy(&mut f, &mut out).unwrap();
            }
            Err(_) => {
                writeln!(out, "cat: {}: error", p).unwrap();
                out.flush().unwrap();
                std::process::exit(1);
            }
        }
    }
    out.flush().unwrap();
}
