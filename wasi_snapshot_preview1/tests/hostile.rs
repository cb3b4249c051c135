//! Hostile and edge-case arguments to every kind of WASI call: each must
//! be an errno or a clean trap, never a host panic, and nothing outside a
//! mount may be read, written or listed.

mod common;

use common::{Guest, A, CREAT, DIRECTORY, EXCL, RW, TRUNC};
use imports::fs::{FileSystem, MemFs, OsDir, ReadOnly};
use imports::stdio::OutputBuffer;
use imports::{Errno, ModuleConfig};

const PAGE: u32 = 65536;

fn memfs_guest() -> (Guest, MemFs) {
    let fs = MemFs::new();
    fs.create_dir("sub").unwrap();
    fs.write_file("sub/file.txt", b"hello").unwrap();
    fs.write_file("top.txt", b"top").unwrap();
    let g = Guest::new(ModuleConfig::new().mount("/data", fs.clone()));
    (g, fs)
}

#[test]
fn fd_write_bad_pointers_are_efault_and_write_nothing() {
    let out = OutputBuffer::new();
    let mut g = Guest::new(ModuleConfig::new().stdout(out.clone()));
    g.write(100, b"hello");
    // iovec array out of bounds, or wrapping around.
    assert_eq!(
        g.call("fd_write", &[1.into(), (PAGE - 4).into(), 1.into(), 0.into()]),
        Errno::Fault
    );
    assert_eq!(
        g.call("fd_write", &[1.into(), u32::MAX.into(), 1.into(), 0.into()]),
        Errno::Fault
    );
    // iovs_len near u32::MAX: EFAULT at once, no long loop, no allocation.
    g.iovec(0, 100, 5);
    assert_eq!(
        g.call("fd_write", &[1.into(), 0.into(), u32::MAX.into(), 0.into()]),
        Errno::Fault
    );
    // A buffer out of bounds after a good one: nothing written at all.
    g.iovec(8, PAGE - 2, 5);
    assert_eq!(
        g.call("fd_write", &[1.into(), 0.into(), 2.into(), 200.into()]),
        Errno::Fault
    );
    assert_eq!(
        g.call("fd_write", &[1.into(), 0.into(), 1.into(), u32::MAX.into()]),
        Errno::Fault
    );
    assert!(out.contents().is_empty() || out.contents() == b"hello");
    // And the good call works.
    assert_eq!(
        g.call("fd_write", &[1.into(), 0.into(), 1.into(), 200.into()]),
        Errno::Success
    );
    assert_eq!(g.u32_at(200), 5);
    assert!(out.contents().ends_with(b"hello"));
}

#[test]
fn unknown_descriptors_are_ebadf() {
    let (mut g, _) = memfs_guest();
    for fd in [4u32, 99, u32::MAX] {
        assert_eq!(
            g.call("fd_write", &[fd.into(), 0.into(), 0.into(), 0.into()]),
            Errno::Badf
        );
        assert_eq!(
            g.call("fd_read", &[fd.into(), 0.into(), 0.into(), 0.into()]),
            Errno::Badf
        );
        assert_eq!(g.call("fd_close", &[fd.into()]), Errno::Badf);
        assert_eq!(g.call("fd_fdstat_get", &[fd.into(), 0.into()]), Errno::Badf);
        assert_eq!(g.call("fd_renumber", &[fd.into(), 0.into()]), Errno::Badf);
        assert_eq!(g.call("fd_renumber", &[0.into(), fd.into()]), Errno::Badf);
        assert_eq!(g.call("sock_shutdown", &[fd.into(), 3.into()]), Errno::Badf);
    }
    // Writing to a directory or reading stdout.
    assert_eq!(
        g.call("fd_write", &[3.into(), 0.into(), 0.into(), 0.into()]),
        Errno::Badf
    );
    assert_eq!(
        g.call("fd_read", &[1.into(), 0.into(), 0.into(), 0.into()]),
        Errno::Badf
    );
    assert_eq!(g.call("sock_shutdown", &[1.into(), 3.into()]), Errno::Notsock);
    assert_eq!(g.call("sock_shutdown", &[3.into(), 3.into()]), Errno::Notsock);
}

#[test]
fn paths_cannot_leave_the_mount() {
    let (mut g, _) = memfs_guest();
    for p in ["..", "../x", "sub/../../x", "/etc/passwd", "/data/top.txt"] {
        assert_eq!(g.open(3, p, 0, RW, true), Err(Errno::Perm), "{p}");
    }
    assert_eq!(g.open(3, "a\0b", 0, RW, true), Err(Errno::Inval));
    assert_eq!(g.open(3, "", 0, RW, true), Err(Errno::Noent));
    // A bad path pointer or length.
    assert_eq!(
        g.call(
            "path_open",
            &[
                3.into(),
                0.into(),
                (PAGE - 1).into(),
                10.into(),
                0.into(),
                A::J(RW),
                A::J(0),
                0.into(),
                0.into()
            ]
        ),
        Errno::Fault
    );
    // A subdirectory descriptor cannot climb back to its parent either.
    let sub = g.open(3, "sub", DIRECTORY, 1 << 13, true).unwrap();
    assert_eq!(g.open(sub, "../top.txt", 0, RW, true), Err(Errno::Perm));
    assert!(g.open(sub, "file.txt", 0, RW, true).is_ok());
    // Symlinks: creating one pointing out is fine, following it is not.
    let (t, tl) = g.str(0x100, "../../../etc/passwd");
    let (l, ll) = g.str(0x200, "escape");
    assert_eq!(g.call("path_symlink", &[t, tl, 3.into(), l, ll]), Errno::Success);
    assert_eq!(g.open(3, "escape", 0, RW, true), Err(Errno::Perm));
    assert_eq!(g.open(3, "escape", 0, RW, false), Err(Errno::Loop));
    let (t, tl) = g.str(0x100, "/etc/passwd");
    let (l, ll) = g.str(0x200, "abs");
    assert_eq!(g.call("path_symlink", &[t, tl, 3.into(), l, ll]), Errno::Perm);
}

#[test]
fn os_directories_are_sandboxed() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.txt"), b"secret").unwrap();
    let inner = outer.path().join("mnt");
    std::fs::create_dir(&inner).unwrap();
    // A symlink planted on the host, pointing out of the mount.
    std::os::unix::fs::symlink("../secret.txt", inner.join("planted")).unwrap();
    std::os::unix::fs::symlink(outer.path().join("secret.txt"), inner.join("planted_abs")).unwrap();
    let mut g = Guest::new(ModuleConfig::new().mount("/", OsDir::open(&inner).unwrap()));
    assert_eq!(g.open(3, "planted", 0, RW, true), Err(Errno::Perm));
    assert_eq!(g.open(3, "planted_abs", 0, RW, true), Err(Errno::Perm));
    assert_eq!(g.open(3, "../secret.txt", 0, RW, true), Err(Errno::Perm));
    // Creating through an escaping link, or renaming/linking out, fails.
    assert_eq!(g.open(3, "planted", CREAT | TRUNC, RW, true), Err(Errno::Perm));
    let (a, al) = g.str(0x100, "planted");
    let (b, bl) = g.str(0x200, "../stolen");
    assert_eq!(g.call("path_rename", &[3.into(), a, al, 3.into(), b, bl]), Errno::Perm);
    let (a, al) = g.str(0x100, "planted");
    let (b, bl) = g.str(0x200, "hard");
    // Hard-linking the symlink (not followed) is allowed, following is not.
    assert_eq!(
        g.call("path_link", &[3.into(), 1.into(), a, al, 3.into(), b, bl]),
        Errno::Perm
    );
    assert_eq!(std::fs::read(outer.path().join("secret.txt")).unwrap(), b"secret");
    assert!(!outer.path().join("stolen").exists());
}

#[test]
fn read_only_mounts_refuse_every_write() {
    let fs = MemFs::new();
    fs.write_file("f.txt", b"keep").unwrap();
    let mut g = Guest::new(ModuleConfig::new().mount("/ro", ReadOnly(fs.clone())));
    assert!(matches!(
        g.open(3, "f.txt", TRUNC, RW, true),
        Err(Errno::Rofs) | Err(Errno::Notcapable)
    ));
    assert!(matches!(
        g.open(3, "new.txt", CREAT, RW, true),
        Err(Errno::Rofs) | Err(Errno::Notcapable)
    ));
    let fd = g.open(3, "f.txt", 0, 1 << 1, true).unwrap();
    g.iovec(0, 100, 4);
    assert_eq!(
        g.call("fd_write", &[fd.into(), 0.into(), 1.into(), 8.into()]),
        Errno::Badf
    );
    assert_eq!(fs.read_file("f.txt").unwrap(), b"keep");
}

#[test]
fn fd_readdir_resumes_from_any_cookie_with_tiny_buffers() {
    let fs = MemFs::new();
    for i in 0..20 {
        fs.write_file(&format!("file-{i:02}"), b"").unwrap();
    }
    let mut g = Guest::new(ModuleConfig::new().mount("/d", fs));
    let dir = g.open(3, ".", DIRECTORY, 1 << 14, true).unwrap();
    // Read the whole listing with a big buffer.
    let read = |g: &mut Guest, cookie: u64, len: u32| -> Vec<u8> {
        assert_eq!(
            g.call(
                "fd_readdir",
                &[dir.into(), 0x1000.into(), len.into(), A::J(cookie), 0x900.into()]
            ),
            Errno::Success
        );
        let used = g.u32_at(0x900);
        g.read(0x1000, used as usize)
    };
    let parse = |buf: &[u8]| -> Vec<(u64, String)> {
        let mut at = 0;
        let mut out = vec![];
        while at + 24 <= buf.len() {
            let next = u64::from_le_bytes(buf[at..at + 8].try_into().unwrap());
            let len = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
            if at + 24 + len > buf.len() {
                break;
            }
            out.push((next, String::from_utf8(buf[at + 24..at + 24 + len].to_vec()).unwrap()));
            at += 24 + len;
        }
        out
    };
    let all = parse(&read(&mut g, 0, 4096));
    assert_eq!(all.len(), 22);
    assert_eq!(all[0].1, ".");
    assert_eq!(all[1].1, "..");
    // Resume entry by entry with a buffer that never holds two entries.
    let mut cookie = 0;
    let mut names = vec![];
    loop {
        let buf = read(&mut g, cookie, 24 + 7);
        let got = parse(&buf);
        if got.is_empty() {
            break;
        }
        cookie = got[0].0;
        names.push(got[0].1.clone());
    }
    assert_eq!(names, all.iter().map(|e| e.1.clone()).collect::<Vec<_>>());
    // A buffer smaller than a header is filled (truncated), never overrun.
    g.write(0x1000 + 10, &[0xAA; 4]);
    let buf = read(&mut g, 0, 10);
    assert_eq!(buf.len(), 10);
    assert_eq!(g.read(0x1000 + 10, 4), vec![0xAA; 4]);
    // A cookie past the end: nothing.
    assert!(read(&mut g, u64::MAX, 4096).is_empty());
}

#[test]
fn poll_oneoff_validates_and_sleeps_on_the_configured_clock() {
    let mut g = Guest::new(ModuleConfig::new().deterministic(1));
    assert_eq!(
        g.call("poll_oneoff", &[0.into(), 0x1000.into(), 0.into(), 0x2000.into()]),
        Errno::Inval
    );
    assert_eq!(
        g.call(
            "poll_oneoff",
            &[0.into(), 0x1000.into(), u32::MAX.into(), 0x2000.into()]
        ),
        Errno::Fault
    );
    // One relative monotonic clock subscription of 10 ms, userdata 42.
    let mut sub = [0u8; 48];
    sub[0..8].copy_from_slice(&42u64.to_le_bytes());
    sub[8] = 0; // clock
    sub[16..20].copy_from_slice(&1u32.to_le_bytes());
    sub[24..32].copy_from_slice(&10_000_000u64.to_le_bytes());
    g.write(0, &sub);
    g.write(0x50, &[0u8; 8]);
    assert_eq!(
        g.call("clock_time_get", &[1.into(), A::J(0), 0x50.into()]),
        Errno::Success
    );
    let before = g.u64_at(0x50);
    assert_eq!(
        g.call("poll_oneoff", &[0.into(), 0x1000.into(), 1.into(), 0x2000.into()]),
        Errno::Success
    );
    assert_eq!(g.u32_at(0x2000), 1);
    assert_eq!(g.u64_at(0x1000), 42);
    assert_eq!(
        g.call("clock_time_get", &[1.into(), A::J(0), 0x50.into()]),
        Errno::Success
    );
    assert!(g.u64_at(0x50) - before >= 10_000_000);
    // An unknown clock id fires at once with EINVAL in the event.
    sub[16..20].copy_from_slice(&9u32.to_le_bytes());
    g.write(0, &sub);
    assert_eq!(
        g.call("poll_oneoff", &[0.into(), 0x1000.into(), 1.into(), 0x2000.into()]),
        Errno::Success
    );
    assert_eq!(
        u16::from_le_bytes(g.read(0x1008, 2).try_into().unwrap()),
        Errno::Inval as u16
    );
    // An unknown event type.
    sub[8] = 9;
    g.write(0, &sub);
    assert_eq!(
        g.call("poll_oneoff", &[0.into(), 0x1000.into(), 1.into(), 0x2000.into()]),
        Errno::Inval
    );
}

#[test]
fn args_and_environ_check_every_pointer() {
    let mut g = Guest::new(ModuleConfig::new().arg("prog").arg("x".repeat(100)).env("A", "B"));
    assert_eq!(g.call("args_sizes_get", &[0.into(), 4.into()]), Errno::Success);
    assert_eq!((g.u32_at(0), g.u32_at(4)), (2, 5 + 101));
    assert_eq!(g.call("args_get", &[(PAGE - 4).into(), 0.into()]), Errno::Fault);
    assert_eq!(g.call("args_get", &[0.into(), (PAGE - 50).into()]), Errno::Fault);
    assert_eq!(g.call("environ_get", &[0.into(), u32::MAX.into()]), Errno::Fault);
    assert_eq!(g.call("environ_get", &[0.into(), 100.into()]), Errno::Success);
    assert_eq!(g.read(100, 4), b"A=B\0");
    assert_eq!(g.call("random_get", &[(PAGE - 10).into(), 11.into()]), Errno::Fault);
    assert_eq!(g.call("random_get", &[(PAGE - 10).into(), 10.into()]), Errno::Success);
    assert_eq!(g.call("clock_time_get", &[7.into(), A::J(0), 0.into()]), Errno::Inval);
    assert_eq!(g.call("clock_res_get", &[0.into(), (PAGE - 7).into()]), Errno::Fault);
}

#[test]
fn proc_exit_and_proc_raise_end_the_guest_cleanly() {
    let mut g = Guest::new(ModuleConfig::new());
    assert_eq!(g.exit_of("proc_exit", &[7.into()]), 7);
    assert_eq!(g.exit_of("proc_exit", &[u32::MAX.into()]), u32::MAX);
    assert_eq!(g.exit_of("proc_raise", &[15.into()]), 128 + 15);
    assert_eq!(g.call("proc_raise", &[0.into()]), Errno::Success);
    assert_eq!(g.call("proc_raise", &[16.into()]), Errno::Success);
    assert_eq!(g.call("proc_raise", &[31.into()]), Errno::Inval);
    assert_eq!(g.call("sched_yield", &[]), Errno::Success);
}

#[test]
fn prestat_and_rights() {
    let (mut g, _) = memfs_guest();
    assert_eq!(g.call("fd_prestat_get", &[3.into(), 0.into()]), Errno::Success);
    assert_eq!(g.u32_at(4), 5);
    assert_eq!(
        g.call("fd_prestat_dir_name", &[3.into(), 16.into(), 4.into()]),
        Errno::Nametoolong
    );
    assert_eq!(
        g.call("fd_prestat_dir_name", &[3.into(), 16.into(), 5.into()]),
        Errno::Success
    );
    assert_eq!(g.read(16, 5), b"/data");
    assert_eq!(g.call("fd_prestat_get", &[1.into(), 0.into()]), Errno::Badf);
    // A file opened read-only: no write. Rights refuse nothing and cannot
    // be changed, as under wasmtime (testdata/wasi/rust/rights records
    // it): seeking needs no FD_SEEK, fd_fdstat_set_rights is ENOTSUP.
    let fd = g.open(3, "top.txt", 0, 1 << 1, true).unwrap();
    g.iovec(0, 100, 3);
    assert_eq!(
        g.call("fd_write", &[fd.into(), 0.into(), 1.into(), 8.into()]),
        Errno::Badf
    );
    assert_eq!(
        g.call("fd_seek", &[fd.into(), A::J(1), 0.into(), 8.into()]),
        Errno::Success
    );
    assert_eq!(
        g.call("fd_fdstat_set_rights", &[fd.into(), A::J(RW), A::J(0)]),
        Errno::Notsup
    );
    assert_eq!(
        g.call("fd_fdstat_set_rights", &[fd.into(), A::J(0), A::J(0)]),
        Errno::Notsup
    );
    assert_eq!(
        g.call("fd_read", &[fd.into(), 0.into(), 1.into(), 8.into()]),
        Errno::Success
    );
    // Creating without EXCL/with EXCL.
    assert!(g.open(3, "new.txt", CREAT | EXCL, RW, true).is_ok());
    assert_eq!(g.open(3, "new.txt", CREAT | EXCL, RW, true), Err(Errno::Exist));
    assert_eq!(g.open(3, "top.txt/", 0, RW, true), Err(Errno::Notdir));
    assert_eq!(g.open(3, "top.txt", DIRECTORY, 0, true), Err(Errno::Notdir));
    assert_eq!(g.open(3, "sub", 0, RW, true), Err(Errno::Isdir));
}

#[test]
fn fd_renumber_and_lowest_free_reuse() {
    let (mut g, _) = memfs_guest();
    let a = g.open(3, "top.txt", 0, RW, true).unwrap();
    let b = g.open(3, "sub/file.txt", 0, RW, true).unwrap();
    assert_eq!((a, b), (4, 5));
    assert_eq!(g.call("fd_close", &[a.into()]), Errno::Success);
    assert_eq!(g.open(3, "top.txt", 0, RW, true), Ok(4));
    assert_eq!(g.call("fd_renumber", &[5.into(), 4.into()]), Errno::Success);
    // fd 4 is now sub/file.txt.
    g.iovec(0, 100, 5);
    assert_eq!(
        g.call("fd_read", &[4.into(), 0.into(), 1.into(), 8.into()]),
        Errno::Success
    );
    assert_eq!(g.read(100, 5), b"hello");
    assert_eq!(g.call("fd_close", &[5.into()]), Errno::Badf);
}

#[test]
fn two_guests_share_one_memfs() {
    let fs = MemFs::new();
    let mut writer = Guest::new(ModuleConfig::new().mount("/shared", fs.clone()));
    let mut reader = Guest::new(ModuleConfig::new().mount("/shared", fs.clone()));
    let fd = writer.open(3, "msg", CREAT, RW, true).unwrap();
    writer.write(100, b"from the writer");
    writer.iovec(0, 100, 15);
    assert_eq!(
        writer.call("fd_write", &[fd.into(), 0.into(), 1.into(), 8.into()]),
        Errno::Success
    );
    let rfd = reader.open(3, "msg", 0, RW, true).unwrap();
    reader.iovec(0, 200, 64);
    assert_eq!(
        reader.call("fd_read", &[rfd.into(), 0.into(), 1.into(), 8.into()]),
        Errno::Success
    );
    assert_eq!(reader.u32_at(8), 15);
    assert_eq!(reader.read(200, 15), b"from the writer");
}

#[test]
fn sockets_accept_recv_send_shutdown() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut g = Guest::new(ModuleConfig::new().listener(listener));
    let client = std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"ping").unwrap();
        let mut b = [0u8; 4];
        s.read_exact(&mut b).unwrap();
        b
    });
    assert_eq!(
        g.call("sock_accept", &[3.into(), 0.into(), 0x10.into()]),
        Errno::Success
    );
    let conn = g.u32_at(0x10);
    g.iovec(0, 100, 4);
    assert_eq!(
        g.call(
            "sock_recv",
            &[conn.into(), 0.into(), 1.into(), 2.into(), 0x20.into(), 0x24.into()]
        ),
        Errno::Success
    );
    assert_eq!(g.u32_at(0x20), 4);
    assert_eq!(g.read(100, 4), b"ping");
    g.write(100, b"pong");
    assert_eq!(
        g.call("sock_send", &[conn.into(), 0.into(), 1.into(), 0.into(), 0x20.into()]),
        Errno::Success
    );
    assert_eq!(client.join().unwrap(), *b"pong");
    assert_eq!(g.call("sock_shutdown", &[conn.into(), 0.into()]), Errno::Inval);
    assert_eq!(g.call("sock_shutdown", &[conn.into(), 3.into()]), Errno::Success);
    assert_eq!(
        g.call("sock_accept", &[0.into(), 0.into(), 0x10.into()]),
        Errno::Notsock
    );
}
