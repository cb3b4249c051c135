//! Proof that a guest cannot reach outside its mount. Each test builds
//! `outer/` holding a canary file and directory, a sibling `mnt-sibling/`
//! whose name extends the mount's, and the mount `mnt/`; it attacks from
//! the guest, then checks that the canaries were neither read nor changed
//! and that nothing appeared outside the mount.

mod common;

use common::{Guest, A, CREAT, DIRECTORY, EXCL, RW, TRUNC};
use imports::fs::{OsDir, ReadOnly};
use imports::{Errno, ModuleConfig};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

const CANARY: &[u8] = b"canary: must never be read or changed";

struct World {
    _t: tempfile::TempDir,
    outer: PathBuf,
    mnt: PathBuf,
    before: Vec<String>,
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out = vec![];
    for e in walk(dir) {
        let meta = std::fs::symlink_metadata(&e).unwrap();
        let content = if meta.is_file() {
            std::fs::read(&e).unwrap()
        } else {
            vec![]
        };
        out.push(format!(
            "{} {:?} {}",
            e.strip_prefix(dir).unwrap().display(),
            meta.file_type(),
            content.len()
        ));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        out.push(p.clone());
        if meta.is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}

impl World {
    fn new() -> World {
        let t = tempfile::tempdir().unwrap();
        let outer = t.path().join("outer");
        let mnt = outer.join("mnt");
        std::fs::create_dir_all(mnt.join("sub")).unwrap();
        std::fs::create_dir_all(outer.join("canary_dir")).unwrap();
        std::fs::create_dir_all(outer.join("mnt-sibling")).unwrap();
        std::fs::write(outer.join("canary.txt"), CANARY).unwrap();
        std::fs::write(outer.join("canary_dir/inside.txt"), CANARY).unwrap();
        std::fs::write(outer.join("mnt-sibling/file.txt"), CANARY).unwrap();
        std::fs::write(mnt.join("ok.txt"), b"inside").unwrap();
        std::fs::write(mnt.join("sub/ok.txt"), b"inside").unwrap();
        // Host-planted links pointing out, in every shape.
        let abs = outer.join("canary.txt");
        symlink(&abs, mnt.join("abs_file")).unwrap();
        symlink(outer.join("canary_dir"), mnt.join("abs_dir")).unwrap();
        symlink("../canary.txt", mnt.join("rel_file")).unwrap();
        symlink("../canary_dir", mnt.join("rel_dir")).unwrap();
        symlink("../canary_dir/", mnt.join("rel_dir_slash")).unwrap();
        symlink("../../canary.txt", mnt.join("sub/deep")).unwrap();
        symlink("rel_file", mnt.join("chain1")).unwrap();
        symlink("chain1", mnt.join("chain2")).unwrap();
        symlink("loop_b", mnt.join("loop_a")).unwrap();
        symlink("loop_a", mnt.join("loop_b")).unwrap();
        symlink("../new_outside.txt", mnt.join("dangling_out")).unwrap();
        symlink("../mnt-sibling/file.txt", mnt.join("sibling")).unwrap();
        let before = listing(&outer);
        World {
            _t: t,
            outer,
            mnt,
            before,
        }
    }

    fn guest(&self) -> Guest {
        Guest::new(ModuleConfig::new().mount("/", OsDir::open(&self.mnt).unwrap()))
    }

    /// The canaries are intact and nothing outside the mount changed.
    fn check(&self) {
        let now = listing(&self.outer);
        let outside = |l: &Vec<String>| l.iter().filter(|e| !e.starts_with("mnt/")).cloned().collect::<Vec<_>>();
        assert_eq!(
            outside(&now),
            outside(&self.before),
            "something outside the mount changed"
        );
        assert_eq!(std::fs::read(self.outer.join("canary.txt")).unwrap(), CANARY);
        assert_eq!(std::fs::read(self.outer.join("canary_dir/inside.txt")).unwrap(), CANARY);
        assert_eq!(std::fs::read(self.outer.join("mnt-sibling/file.txt")).unwrap(), CANARY);
    }
}

/// Reads whatever `fd` holds, for checking that no canary came through.
fn slurp(g: &mut Guest, fd: u32) -> Vec<u8> {
    g.iovec(0x910, 0xA000, 4096);
    assert_eq!(
        g.call("fd_read", &[fd.into(), 0x910.into(), 1.into(), 0x920.into()]),
        Errno::Success
    );
    g.read(0xA000, g.u32_at(0x920) as usize)
}

const ESCAPES: &[&str] = &[
    "..",
    "../canary.txt",
    "sub/../../canary.txt",
    "./sub/../../canary_dir/inside.txt",
    "/canary.txt",
    "/",
    "abs_file",
    "abs_dir/inside.txt",
    "rel_file",
    "rel_dir/inside.txt",
    "rel_dir_slash/",
    "rel_dir_slash/inside.txt",
    "sub/deep",
    "chain2",
    "sibling",
    "../mnt-sibling/file.txt",
];

#[test]
fn reads_and_stats_never_escape() {
    let w = World::new();
    let mut g = w.guest();
    for p in ESCAPES {
        assert_eq!(g.open(3, p, 0, RW, true), Err(Errno::Perm), "open {p}");
        assert_eq!(g.open(3, p, DIRECTORY, 1 << 14, true), Err(Errno::Perm), "opendir {p}");
        let (a, al) = g.str(0x300, p);
        assert_eq!(
            g.call("path_filestat_get", &[3.into(), 1.into(), a, al, 0x600.into()]),
            Errno::Perm,
            "stat {p}"
        );
    }
    assert_eq!(g.open(3, "loop_a", 0, RW, true), Err(Errno::Loop));
    // From a subdirectory descriptor, `..` is already outside.
    let sub = g.open(3, "sub", DIRECTORY, !(1u64 << 6), true).unwrap();
    assert_eq!(g.open(sub, "../ok.txt", 0, RW, true), Err(Errno::Perm));
    assert_eq!(g.open(sub, "deep", 0, RW, true), Err(Errno::Perm));
    let fd = g.open(sub, "ok.txt", 0, 1 << 1, true).unwrap();
    assert_eq!(slurp(&mut g, fd), b"inside");
    w.check();
}

#[test]
fn writes_never_escape() {
    let w = World::new();
    let mut g = w.guest();
    for p in ESCAPES.iter().chain(&[
        "dangling_out",
        "../new_outside.txt",
        "abs_dir/new.txt",
        "rel_dir/new.txt",
    ]) {
        assert_eq!(g.open(3, p, CREAT | TRUNC, RW, true), Err(Errno::Perm), "create {p}");
        // O_CREAT|O_EXCL does not follow a final link (POSIX): a planted
        // link simply exists. Either way nothing is created outside, which
        // `w.check()` proves below.
        let e = g.open(3, p, CREAT | EXCL, RW, true).unwrap_err();
        assert!(matches!(e, Errno::Perm | Errno::Exist), "create excl {p}: {e}");
        let (a, al) = g.str(0x300, p);
        // mkdir never follows the final component: a planted link there
        // simply exists.
        let e = g.call("path_create_directory", &[3.into(), a, al]);
        assert!(matches!(e, Errno::Perm | Errno::Exist), "mkdir {p}: {e}");
        let (a, al) = g.str(0x300, p);
        assert_eq!(
            g.call(
                "path_filestat_set_times",
                &[3.into(), 1.into(), a, al, A::J(0), A::J(0), 5.into()]
            ),
            Errno::Perm,
            "utimes {p}"
        );
    }
    // Unlinking a planted link removes the link, never its target.
    let (a, al) = g.str(0x300, "abs_file");
    assert_eq!(g.call("path_unlink_file", &[3.into(), a, al]), Errno::Success);
    let (a, al) = g.str(0x300, "../canary.txt");
    assert_eq!(g.call("path_unlink_file", &[3.into(), a, al]), Errno::Perm);
    let (a, al) = g.str(0x300, "rel_dir/inside.txt");
    assert_eq!(g.call("path_unlink_file", &[3.into(), a, al]), Errno::Perm);
    let (a, al) = g.str(0x300, "../canary_dir");
    assert_eq!(g.call("path_remove_directory", &[3.into(), a, al]), Errno::Perm);
    w.check();
}

#[test]
fn links_and_renames_never_escape() {
    let w = World::new();
    let mut g = w.guest();
    let pairs: &[(&str, &str)] = &[
        ("../canary.txt", "stolen"),
        ("rel_dir/inside.txt", "stolen"),
        ("ok.txt", "../planted.txt"),
        ("ok.txt", "rel_dir/planted.txt"),
        ("ok.txt", "abs_dir/planted.txt"),
        ("ok.txt", "../mnt-sibling/planted.txt"),
    ];
    for (from, to) in pairs {
        let (a, al) = g.str(0x300, from);
        let (b, bl) = g.str(0x400, to);
        assert_eq!(
            g.call("path_rename", &[3.into(), a, al, 3.into(), b, bl]),
            Errno::Perm,
            "rename {from} {to}"
        );
        let (a, al) = g.str(0x300, from);
        let (b, bl) = g.str(0x400, to);
        assert_eq!(
            g.call("path_link", &[3.into(), 0.into(), a, al, 3.into(), b, bl]),
            Errno::Perm,
            "link {from} {to}"
        );
    }
    // Hard-linking a planted symlink while following it would reach the canary.
    let (a, al) = g.str(0x300, "rel_file");
    let (b, bl) = g.str(0x400, "hard");
    assert_eq!(
        g.call("path_link", &[3.into(), 1.into(), a, al, 3.into(), b, bl]),
        Errno::Perm
    );
    // Guest-made links out can be created (relative) but not followed.
    let (t, tl) = g.str(0x300, "../canary.txt");
    let (l, ll) = g.str(0x400, "mine");
    assert_eq!(g.call("path_symlink", &[t, tl, 3.into(), l, ll]), Errno::Success);
    assert_eq!(g.open(3, "mine", 0, RW, true), Err(Errno::Perm));
    assert_eq!(g.open(3, "mine", CREAT | TRUNC, RW, true), Err(Errno::Perm));
    let (t, tl) = g.str(0x300, "/etc/passwd");
    let (l, ll) = g.str(0x400, "mine_abs");
    assert_eq!(g.call("path_symlink", &[t, tl, 3.into(), l, ll]), Errno::Perm);
    w.check();
}

#[test]
fn a_symlink_swapped_during_opens_never_lets_the_guest_out() {
    let w = World::new();
    std::fs::create_dir(w.mnt.join("d")).unwrap();
    std::fs::write(w.mnt.join("d/inside.txt"), b"inside").unwrap();
    std::fs::write(w.mnt.join("target.txt"), b"inside").unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // One thread flips `swap` between an inside and an outside target, and
    // `d` between a real directory and a link to the canary directory.
    let flipper = {
        let (mnt, stop) = (w.mnt.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let tmp = mnt.join("swap.tmp");
                let _ = std::fs::remove_file(&tmp);
                let _ = symlink(
                    if n.is_multiple_of(2) {
                        "target.txt"
                    } else {
                        "../canary.txt"
                    },
                    &tmp,
                );
                let _ = std::fs::rename(&tmp, mnt.join("swap"));
                if n.is_multiple_of(2) {
                    let _ = std::fs::rename(mnt.join("d"), mnt.join("d.real"));
                    let _ = symlink("../canary_dir", mnt.join("d"));
                } else {
                    let _ = std::fs::remove_file(mnt.join("d"));
                    let _ = std::fs::rename(mnt.join("d.real"), mnt.join("d"));
                }
                n += 1;
            }
        })
    };
    let mut g = w.guest();
    let mut opened = 0;
    for _ in 0..2000 {
        for p in ["swap", "d/inside.txt"] {
            if let Ok(fd) = g.open(3, p, 0, 1 << 1, true) {
                assert_ne!(slurp(&mut g, fd), CANARY, "{p} reached the canary");
                assert_eq!(g.call("fd_close", &[fd.into()]), Errno::Success);
                opened += 1;
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    flipper.join().unwrap();
    assert!(
        opened > 0,
        "the race never let an open through; the test proves nothing"
    );
    w.check();
}

#[test]
fn read_only_mounts_refuse_every_write_path() {
    let w = World::new();
    let ro = ReadOnly(OsDir::open(&w.mnt).unwrap());
    let mut g = Guest::new(ModuleConfig::new().mount("/", ro));
    let before = listing(&w.mnt);
    let denied = |e: Errno| matches!(e, Errno::Rofs | Errno::Notcapable | Errno::Badf);
    assert!(denied(g.open(3, "ok.txt", TRUNC, RW, true).unwrap_err()));
    assert!(denied(g.open(3, "new.txt", CREAT, RW, true).unwrap_err()));
    assert!(denied(g.open(3, "ok.txt", 0, RW, true).unwrap_err()));
    let fd = g
        .open(3, "ok.txt", 0, !((1u64 << 6) | (1 << 22) | (1 << 23) | (1 << 8)), true)
        .unwrap();
    g.iovec(0x910, 0x900, 4);
    assert!(denied(
        g.call("fd_write", &[fd.into(), 0x910.into(), 1.into(), 0x920.into()])
    ));
    assert!(denied(g.call(
        "fd_pwrite",
        &[fd.into(), 0x910.into(), 1.into(), A::J(0), 0x920.into()]
    )));
    assert!(denied(g.call("fd_allocate", &[fd.into(), A::J(0), A::J(100)])));
    assert!(denied(g.call("fd_filestat_set_size", &[fd.into(), A::J(0)])));
    assert!(denied(
        g.call("fd_filestat_set_times", &[fd.into(), A::J(0), A::J(0), 5.into()])
    ));
    let one = |g: &mut Guest, f: &str, p: &str| {
        let (a, al) = g.str(0x300, p);
        g.call(f, &[3.into(), a, al])
    };
    assert!(denied(one(&mut g, "path_create_directory", "newdir")));
    assert!(denied(one(&mut g, "path_unlink_file", "ok.txt")));
    assert!(denied(one(&mut g, "path_remove_directory", "sub")));
    let (a, al) = g.str(0x300, "ok.txt");
    assert!(denied(g.call(
        "path_filestat_set_times",
        &[3.into(), 0.into(), a, al, A::J(0), A::J(0), 5.into()]
    )));
    let (a, al) = g.str(0x300, "ok.txt");
    let (b, bl) = g.str(0x400, "renamed.txt");
    assert!(denied(g.call("path_rename", &[3.into(), a, al, 3.into(), b, bl])));
    let (a, al) = g.str(0x300, "ok.txt");
    let (b, bl) = g.str(0x400, "linked.txt");
    assert!(denied(
        g.call("path_link", &[3.into(), 0.into(), a, al, 3.into(), b, bl])
    ));
    let (a, al) = g.str(0x300, "ok.txt");
    let (b, bl) = g.str(0x400, "symlinked");
    assert!(denied(g.call("path_symlink", &[a, al, 3.into(), b, bl])));
    // Reads still work.
    let r = g.open(3, "ok.txt", 0, 1 << 1, true).unwrap();
    assert_eq!(slurp(&mut g, r), b"inside");
    assert_eq!(listing(&w.mnt), before);
    w.check();
}
