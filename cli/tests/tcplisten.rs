//! A real guest serving a real client over a preopened socket: the Rust
//! `echo` program (`testdata/wasi/rust/echo`) accepts one connection on
//! the listener it was given, echoes one line and exits, through the CLI
//! (`--tcplisten`) and through the embedding API (`ModuleConfig::listener`).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn echo_wasm() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/wasi/rust/echo/echo.wasm")
}

/// Connects to `addr` once something listens there (the guest's runtime
/// binds it while starting), sends one line and returns the reply.
fn ask(addr: SocketAddr, line: &str) -> String {
    let start = Instant::now();
    let mut stream = loop {
        match TcpStream::connect(addr) {
            Ok(s) => break s,
            Err(_) if start.elapsed() < Duration::from_secs(60) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("nothing listened on {addr}: {e}"),
        }
    };
    stream.write_all(line.as_bytes()).unwrap();
    let mut reply = String::new();
    BufReader::new(&stream).read_line(&mut reply).unwrap();
    reply
}

/// A loopback port nothing listens on now (the kernel's pick, released).
fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

#[test]
fn cli_tcplisten_serves_a_client() {
    let addr = free_port();
    let guest = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--no-cache", "--tcplisten", &addr.to_string()])
        .arg(echo_wasm())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(ask(addr, "hello over tcp\n"), "echo: hello over tcp\n");
    let out = guest.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "served one connection: \"hello over tcp\"\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cli_tcplisten_socket_follows_the_mounts() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_port();
    let guest = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--no-cache", "--dir"])
        .arg(format!("{}::/data", dir.path().display()))
        .args(["--tcplisten", &addr.to_string()])
        .arg(echo_wasm())
        .arg("4")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(ask(addr, "after a mount\n"), "echo: after a mount\n");
    let out = guest.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn cli_tcplisten_on_a_bad_address_says_so() {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(["run", "--no-cache", "--tcplisten", "not-an-address"])
        .arg(echo_wasm())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--tcplisten not-an-address: cannot listen there"), "{err}");
}

#[test]
fn embedding_api_listener_serves_a_client() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let out = imports::stdio::OutputBuffer::new();
    let config = imports::ModuleConfig::new().stdout(out.clone()).listener(listener);
    let guest = std::thread::spawn(move || {
        let mut store = wasmer::Store::default();
        let module = wasmer::Module::new(&store, std::fs::read(echo_wasm()).unwrap()).unwrap();
        wasi_snapshot_preview1::run(&mut store, &module, config).unwrap()
    });
    assert_eq!(ask(addr, "via the API\n"), "echo: via the API\n");
    assert_eq!(guest.join().unwrap(), 0);
    assert_eq!(
        String::from_utf8_lossy(&out.contents()),
        "served one connection: \"via the API\"\n"
    );
}
