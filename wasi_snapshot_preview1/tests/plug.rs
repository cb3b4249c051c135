//! Every pluggable subsystem of the core, replaced by an implementation
//! written here, as an embedder would: clocks, random, environment, exit
//! behaviour, file system and socket listener.

mod common;

use common::{Guest, A};
use imports::clock::{Nanotime, Walltime};
use imports::descriptor::Listener;
use imports::environment::Environment;
use imports::fs::{DirEntry, File, FileSystem, FileType, OpenOptions, SetTime, Stat};
use imports::{Errno, ExitCallback, ExitHandler, ModuleConfig};
use std::io::{IoSlice, IoSliceMut};
use std::sync::{Arc, Mutex};

#[derive(Debug)]
struct Frozen;

impl Walltime for Frozen {
    fn walltime(&self) -> u64 {
        1_234_567_890_123_456_789
    }
}

impl Nanotime for Frozen {
    fn nanotime(&self) -> u64 {
        42
    }
}

#[test]
fn a_user_clock() {
    let mut g = Guest::new(
        ModuleConfig::new()
            .walltime(Arc::new(Frozen))
            .nanotime(Arc::new(Frozen)),
    );
    assert_eq!(
        g.call("clock_time_get", &[0.into(), A::J(0), 0x10.into()]),
        Errno::Success
    );
    assert_eq!(g.u64_at(0x10), 1_234_567_890_123_456_789);
    assert_eq!(
        g.call("clock_time_get", &[1.into(), A::J(0), 0x10.into()]),
        Errno::Success
    );
    assert_eq!(g.u64_at(0x10), 42);
}

struct Constant(u8);

impl rand::RngCore for Constant {
    fn next_u32(&mut self) -> u32 {
        u32::from_ne_bytes([self.0; 4])
    }
    fn next_u64(&mut self) -> u64 {
        u64::from_ne_bytes([self.0; 8])
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(self.0);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        dest.fill(self.0);
        Ok(())
    }
}

#[test]
fn a_user_random_source() {
    let mut g = Guest::new(ModuleConfig::new().random(Box::new(Constant(0xAB))));
    assert_eq!(g.call("random_get", &[0x20.into(), 8.into()]), Errno::Success);
    assert_eq!(g.read(0x20, 8), [0xAB; 8]);
}

#[derive(Debug)]
struct Fixed;

impl Environment for Fixed {
    fn args(&self) -> Vec<String> {
        vec!["from-env-source".into()]
    }
    fn vars(&self) -> Vec<(String, String)> {
        vec![("A".into(), "source".into()), ("B".into(), "source".into())]
    }
}

#[test]
fn a_user_environment() {
    let mut g = Guest::new(
        ModuleConfig::new()
            .environment(Fixed)
            .arg("explicit")
            .env("B", "explicit"),
    );
    assert_eq!(g.call("args_sizes_get", &[0.into(), 4.into()]), Errno::Success);
    assert_eq!(g.u32_at(0), 2);
    assert_eq!(g.call("args_get", &[0x100.into(), 0x200.into()]), Errno::Success);
    assert_eq!(g.read(0x200, 25), b"from-env-source\0explicit\0");
    assert_eq!(g.call("environ_get", &[0x100.into(), 0x200.into()]), Errno::Success);
    assert_eq!(g.read(0x200, 20), b"B=explicit\0A=source\0");
}

#[derive(Debug)]
struct Refuse;

impl ExitHandler for Refuse {
    fn exit(&self, code: u32) -> wasmer::RuntimeError {
        wasmer::RuntimeError::new(format!("exit {code} refused by the embedder"))
    }
}

#[test]
fn user_exit_behaviour() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut g = Guest::new(ModuleConfig::new().exit_handler(ExitCallback(move |c| log.lock().unwrap().push(c))));
    assert_eq!(g.exit_of("proc_exit", &[9.into()]), 9);
    assert_eq!(*seen.lock().unwrap(), [9]);

    let mut g = Guest::new(ModuleConfig::new().exit_handler(Refuse));
    let e = g.try_call("proc_exit", &[4.into()]).unwrap_err();
    assert!(e.message().contains("exit 4 refused by the embedder"), "{e}");
}

/// A read-only file system holding one file, `motd`.
#[derive(Debug)]
struct Motd;

#[derive(Debug)]
struct MotdFile(usize);

const MOTD: &[u8] = b"welcome\n";

impl FileSystem for Motd {
    fn stat(&self, path: &str) -> Result<Stat, Errno> {
        let (filetype, size) = match path {
            "" => (FileType::Directory, 0),
            "motd" => (FileType::RegularFile, MOTD.len() as u64),
            _ => return Err(Errno::Noent),
        };
        Ok(Stat {
            filetype,
            size,
            nlink: 1,
            ino: path.len() as u64 + 1,
            ..Stat::default()
        })
    }
    fn open(&self, path: &str, opts: &OpenOptions) -> Result<Box<dyn File>, Errno> {
        if opts.write || opts.create || opts.truncate || opts.append {
            return Err(Errno::Rofs);
        }
        match path {
            "motd" => Ok(Box::new(MotdFile(0))),
            "" => Err(Errno::Isdir),
            _ => Err(Errno::Noent),
        }
    }
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, Errno> {
        match path {
            "" => Ok(vec![DirEntry {
                name: "motd".into(),
                filetype: FileType::RegularFile,
                ino: 5,
            }]),
            _ => Err(Errno::Notdir),
        }
    }
    fn create_dir(&self, _: &str) -> Result<(), Errno> {
        Err(Errno::Rofs)
    }
    fn remove_dir(&self, _: &str) -> Result<(), Errno> {
        Err(Errno::Rofs)
    }
    fn remove_file(&self, _: &str) -> Result<(), Errno> {
        Err(Errno::Rofs)
    }
    fn rename(&self, _: &str, _: &str) -> Result<(), Errno> {
        Err(Errno::Rofs)
    }
    fn hard_link(&self, _: &str, _: &str) -> Result<(), Errno> {
        Err(Errno::Rofs)
    }
    fn symlink(&self, _: &str, _: &str) -> Result<(), Errno> {
        Err(Errno::Rofs)
    }
    fn read_link(&self, _: &str) -> Result<String, Errno> {
        Err(Errno::Inval)
    }
    fn set_times(&self, _: &str, _: SetTime, _: SetTime) -> Result<(), Errno> {
        Err(Errno::Rofs)
    }
    fn is_read_only(&self) -> bool {
        true
    }
}

impl File for MotdFile {
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize, Errno> {
        let mut n = 0;
        for b in bufs {
            let rest = &MOTD[self.0..];
            let k = rest.len().min(b.len());
            b[..k].copy_from_slice(&rest[..k]);
            self.0 += k;
            n += k;
        }
        Ok(n)
    }
    fn write_vectored(&mut self, _: &[IoSlice<'_>]) -> Result<usize, Errno> {
        Err(Errno::Badf)
    }
    fn stat(&mut self) -> Result<Stat, Errno> {
        Motd.stat("motd")
    }
}

#[test]
fn a_user_file_system() {
    let mut g = Guest::new(ModuleConfig::new().mount("/etc", Motd));
    let fd = g.open(3, "motd", 0, 1 << 1, true).unwrap();
    g.iovec(0x300, 0x400, 64);
    assert_eq!(
        g.call("fd_read", &[fd.into(), 0x300.into(), 1.into(), 0x310.into()]),
        Errno::Success
    );
    assert_eq!(g.read(0x400, g.u32_at(0x310) as usize), MOTD);
    assert_eq!(g.open(3, "other", 0, 1 << 1, true), Err(Errno::Noent));
    assert!(matches!(
        g.open(3, "motd", 8, u64::MAX, true),
        Err(Errno::Rofs) | Err(Errno::Notcapable)
    ));
    assert_eq!(g.open(3, "../motd", 0, 1 << 1, true), Err(Errno::Perm));
}

/// A listener whose connections are in-process: each accepted "socket"
/// says hello and records what the guest sends.
#[derive(Debug)]
struct Loopback(Arc<Mutex<Vec<u8>>>);

#[derive(Debug)]
struct Conn(&'static [u8], Arc<Mutex<Vec<u8>>>);

impl Listener for Loopback {
    fn accept(&mut self) -> Result<Box<dyn File>, Errno> {
        Ok(Box::new(Conn(b"hello guest", self.0.clone())))
    }
    fn set_nonblocking(&mut self, _: bool) -> Result<(), Errno> {
        Ok(())
    }
}

impl File for Conn {
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize, Errno> {
        let b = &mut bufs[0];
        let k = self.0.len().min(b.len());
        b[..k].copy_from_slice(&self.0[..k]);
        self.0 = &self.0[k..];
        Ok(k)
    }
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize, Errno> {
        let mut sent = self.1.lock().unwrap();
        bufs.iter().for_each(|b| sent.extend_from_slice(b));
        Ok(bufs.iter().map(|b| b.len()).sum())
    }
    fn stat(&mut self) -> Result<Stat, Errno> {
        Ok(Stat {
            filetype: FileType::SocketStream,
            ..Stat::default()
        })
    }
}

#[test]
fn a_user_socket_listener() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let mut g = Guest::new(ModuleConfig::new().listener_with(Loopback(sent.clone())));
    assert_eq!(
        g.call("sock_accept", &[3.into(), 0.into(), 0x10.into()]),
        Errno::Success
    );
    let conn = g.u32_at(0x10);
    g.iovec(0, 100, 32);
    assert_eq!(
        g.call(
            "sock_recv",
            &[conn.into(), 0.into(), 1.into(), 0.into(), 0x20.into(), 0x24.into()]
        ),
        Errno::Success
    );
    assert_eq!(g.read(100, g.u32_at(0x20) as usize), b"hello guest");
    g.write(100, b"thanks");
    g.iovec(0, 100, 6);
    assert_eq!(
        g.call("sock_send", &[conn.into(), 0.into(), 1.into(), 0.into(), 0x20.into()]),
        Errno::Success
    );
    assert_eq!(*sent.lock().unwrap(), b"thanks");
    // Not a real socket: shutdown is the trait's default, ENOTSOCK.
    assert_eq!(g.call("sock_shutdown", &[conn.into(), 3.into()]), Errno::Notsock);
}
