//! The POSIX corners the three ABIs used to answer each in their own way
//! (issue 14's "what drifted"), as WASI answers them now that one core
//! operation decides for all. The same cases run through Emscripten in
//! `emscripten/tests/posix.rs` and through Go in `gojs/src/fs.rs`.

mod common;

use common::Guest;
use imports::fs::{FileSystem, MemFs};
use imports::{Errno, ModuleConfig};

fn guest() -> Guest {
    let fs = MemFs::new();
    fs.create_dir("dir").unwrap();
    fs.write_file("file", b"x").unwrap();
    Guest::new(ModuleConfig::new().mount("/data", fs))
}

fn path_call(g: &mut Guest, name: &str, p: &str) -> Errno {
    let (ptr, len) = g.str(0x100, p);
    g.call(name, &[3.into(), ptr, len])
}

fn rename(g: &mut Guest, from: &str, to: &str) -> Errno {
    let (a, al) = g.str(0x100, from);
    let (b, bl) = g.str(0x200, to);
    g.call("path_rename", &[3.into(), a, al, 3.into(), b, bl])
}

#[test]
fn rename_refuses_a_trailing_slash_on_a_non_directory() {
    let mut g = guest();
    assert_eq!(rename(&mut g, "file", "new/"), Errno::Notdir);
    assert_eq!(rename(&mut g, "file/", "new"), Errno::Notdir);
    assert_eq!(rename(&mut g, "dir", "dir2/"), Errno::Success);
}

#[test]
fn final_dots_and_slashes() {
    let mut g = guest();
    assert_eq!(path_call(&mut g, "path_remove_directory", "dir/."), Errno::Inval);
    assert_eq!(path_call(&mut g, "path_remove_directory", "."), Errno::Inval);
    assert_eq!(path_call(&mut g, "path_unlink_file", "file/"), Errno::Notdir);
    assert_eq!(path_call(&mut g, "path_unlink_file", "dir/"), Errno::Isdir);
    assert_eq!(path_call(&mut g, "path_create_directory", "dir/."), Errno::Exist);
    assert_eq!(path_call(&mut g, "path_create_directory", ""), Errno::Noent);
}

#[test]
fn fstat_of_a_listening_socket_is_a_socket() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut g = Guest::new(ModuleConfig::new().listener(listener));
    assert_eq!(g.call("fd_filestat_get", &[3.into(), 0x10.into()]), Errno::Success);
    // filestat: filetype at +16; 6 is `socket_stream`.
    assert_eq!(g.read(0x10 + 16, 1), [6]);
}
