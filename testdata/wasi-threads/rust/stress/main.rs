//! Threads of one guest hammering its shared state (wasm only: it calls
//! WASI directly, so there is no native build; its tests assert what it
//! prints). Run with `/data` mounted.
//!
//! - `fds`: 8 threads x 200 rounds of create, write, seek, read back,
//!   open a second file, `fd_renumber` it onto the first, close; each
//!   thread also appends one line per round to its own log. Afterwards no
//!   write is lost and no descriptor is left open.
//! - `limit`: spawns 6 threads that wait to be released; prints how many
//!   the runtime let it start (`--max-threads`).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsRawFd, IntoRawFd};
use std::sync::mpsc;
use std::thread;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn fd_renumber(from: u32, to: u32) -> u16;
    fn fd_fdstat_get(fd: u32, stat: *mut [u64; 3]) -> u16;
    fn fd_close(fd: u32) -> u16;
}

const THREADS: usize = 8;
const ROUNDS: usize = 200;

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("fds") => fds(),
        Some("limit") => limit(),
        _ => std::process::exit(2),
    }
}

fn round(t: usize, r: usize, log: &mut File) {
    let path = format!("/data/t{t}.txt");
    let mut f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path).expect("create");
    let line = format!("thread {t} round {r}\n");
    f.write_all(line.as_bytes()).expect("write");
    f.seek(SeekFrom::Start(0)).expect("seek");
    let mut back = String::new();
    f.read_to_string(&mut back).expect("read back");
    assert_eq!(back, line, "thread {t} read another's data");
    let other = File::open(&path).expect("open again").into_raw_fd() as u32;
    let first = f.into_raw_fd() as u32;
    assert_eq!(unsafe { fd_renumber(other, first) }, 0, "renumber");
    assert_eq!(unsafe { fd_close(first) }, 0, "close the renumbered");
    log.write_all(line.as_bytes()).expect("log");
}

fn fds() {
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            thread::spawn(move || {
                let _ = std::fs::remove_file(format!("/data/log{t}.txt"));
                let mut log = OpenOptions::new().create(true).append(true).open(format!("/data/log{t}.txt")).unwrap();
                assert!(log.as_raw_fd() > 3);
                for r in 0..ROUNDS {
                    round(t, r, &mut log);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let lines: usize = (0..THREADS)
        .map(|t| std::fs::read_to_string(format!("/data/log{t}.txt")).unwrap().lines().count())
        .sum();
    println!("{THREADS} threads x {ROUNDS} rounds: lines logged {lines} of {}", THREADS * ROUNDS);
    let open = (0..256).filter(|&fd| unsafe { fd_fdstat_get(fd, &mut [0; 3]) } == 0).count();
    println!("descriptors open: {open}");
}

fn limit() {
    let (release, wait) = mpsc::channel::<()>();
    let wait = std::sync::Arc::new(std::sync::Mutex::new(wait));
    let mut started = Vec::new();
    let mut refused = 0;
    for _ in 0..6 {
        let w = wait.clone();
        match thread::Builder::new().spawn(move || {
            let _ = w.lock().unwrap().recv();
        }) {
            Ok(h) => started.push(h),
            Err(_) => refused += 1,
        }
    }
    println!("started {}, refused {refused}", started.len());
    for _ in &started {
        release.send(()).unwrap();
    }
    for h in started {
        h.join().unwrap();
    }
}
