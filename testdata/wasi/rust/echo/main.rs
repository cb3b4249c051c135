//! A line-echo server on a preopened listening socket (`wasmer-imports
//! run --tcplisten HOST:PORT`, wasmtime's `--tcplisten`): accepts one
//! connection, reads one line, sends it back prefixed with `echo: `, and
//! exits. The listener is descriptor 3 unless argv[1] names another.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::wasi::io::FromRawFd;

fn main() {
    let fd = std::env::args().nth(1).map_or(3, |a| a.parse().expect("a descriptor number"));
    // SAFETY: the runtime preopened `fd` as a listening socket, and nothing
    // else in this program owns it.
    let listener = unsafe { TcpListener::from_raw_fd(fd) };
    let (stream, _) = listener.accept().expect("accept");
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).expect("read a line");
    (&stream).write_all(format!("echo: {line}").as_bytes()).expect("write");
    println!("served one connection: {:?}", line.trim_end());
}
