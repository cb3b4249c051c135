//! Host-call logging: every host function can log its call and result,
//! by scope, through `tracing` (target [`TARGET`], level INFO), in the
//! form wazero's `-hostlogging` made familiar:
//!
//! ```text
//! ==> wasi_snapshot_preview1.path_open(fd=3,dirflags=1,path="data/in.txt",...)
//! <== (opened_fd=4,errno=ESUCCESS)
//! ```
//!
//! A guest's scopes live in its [`crate::Host`] (`ModuleConfig::host_logging`);
//! a host function whose scope is off pays one load and one branch.

use crate::errno::Errno;
use crate::memory::GuestMemory;
use std::fmt::Write;

/// The `tracing` target of host-call log lines.
pub const TARGET: &str = "wasmer_imports::hostlog";

/// Which host calls are logged: a set of scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LogScopes(pub u32);

impl LogScopes {
    /// Nothing is logged.
    pub const NONE: LogScopes = LogScopes(0);
    /// Files, directories, descriptors and stdio.
    pub const FILESYSTEM: LogScopes = LogScopes(1 << 0);
    /// Clocks and sleeping.
    pub const CLOCK: LogScopes = LogScopes(1 << 1);
    /// Random bytes.
    pub const RANDOM: LogScopes = LogScopes(1 << 2);
    /// Arguments, environment, exit, signals.
    pub const PROC: LogScopes = LogScopes(1 << 3);
    /// Polling and scheduling.
    pub const POLL: LogScopes = LogScopes(1 << 4);
    /// Sockets.
    pub const SOCK: LogScopes = LogScopes(1 << 5);
    /// Memory growth and management.
    pub const MEMORY: LogScopes = LogScopes(1 << 6);
    /// Exceptions, setjmp/longjmp.
    pub const EXCEPTIONS: LogScopes = LogScopes(1 << 7);
    /// Everything.
    pub const ALL: LogScopes = LogScopes(u32::MAX);

    const NAMES: &'static [(&'static str, LogScopes)] = &[
        ("filesystem", Self::FILESYSTEM),
        ("clock", Self::CLOCK),
        ("random", Self::RANDOM),
        ("proc", Self::PROC),
        ("poll", Self::POLL),
        ("sock", Self::SOCK),
        ("memory", Self::MEMORY),
        ("exceptions", Self::EXCEPTIONS),
        ("all", Self::ALL),
    ];

    /// Parses `SCOPE[,SCOPE]...` (`filesystem`, `clock`, `random`, `proc`,
    /// `poll`, `sock`, `memory`, `exceptions`, `all`). An unknown scope is
    /// an error naming it and the valid ones.
    pub fn parse(s: &str) -> Result<LogScopes, String> {
        let mut out = LogScopes::NONE;
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match Self::NAMES.iter().find(|(n, _)| *n == part) {
                Some((_, scope)) => out.0 |= scope.0,
                None => {
                    let valid: Vec<&str> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                    return Err(format!(
                        "unknown host-logging scope {part:?} (valid: {})",
                        valid.join(", ")
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Whether any scope of `other` is on.
    #[inline]
    pub const fn contains(self, other: LogScopes) -> bool {
        self.0 & other.0 != 0
    }
}

/// How to show one argument of a logged call.
#[derive(Clone, Copy, Debug)]
pub enum Arg {
    /// A number, shown in decimal.
    Value(u64),
    /// A guest string at (pointer, length), shown decoded and quoted.
    Str(u32, u32),
    /// A pointer the call writes a `u32` result to: shown in the result line.
    Out32(u32),
    /// A pointer the call writes a `u64` result to: shown in the result line.
    Out64(u32),
}

/// Longest string shown in a log line; longer ones are cut with `...`.
const MAX_SHOWN: usize = 256;

fn show_str(out: &mut String, mem: Option<&GuestMemory<'_>>, ptr: u32, len: u32) {
    let shown = len.min(MAX_SHOWN as u32);
    match mem.and_then(|m| m.slice(ptr, shown).ok()) {
        Some(b) => {
            let _ = write!(out, "{:?}", String::from_utf8_lossy(b));
            if shown < len {
                out.push_str("...");
            }
        }
        None => {
            let _ = write!(out, "<bad pointer {ptr}+{len}>");
        }
    }
}

/// Logs `==> module.name(a=1,b="x",...)`; out-pointers are shown as
/// addresses.
pub fn call(module: &str, name: &str, args: &[(&str, Arg)], mem: Option<&GuestMemory<'_>>) {
    let mut line = format!("==> {module}.{name}(");
    for (i, (n, a)) in args.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(n);
        line.push('=');
        match *a {
            Arg::Value(v) => {
                let _ = write!(line, "{v}");
            }
            Arg::Str(p, l) => show_str(&mut line, mem, p, l),
            Arg::Out32(p) | Arg::Out64(p) => {
                let _ = write!(line, "{p}");
            }
        }
    }
    line.push(')');
    tracing::info!(target: TARGET, "{line}");
}

/// Logs `<== (out=..,errno=ENAME)` after a call: the values written to
/// its out-pointers (when it succeeded) and its errno.
pub fn result(args: &[(&str, Arg)], errno: Option<Errno>, mem: Option<&GuestMemory<'_>>) {
    let mut line = String::from("<== (");
    for (n, a) in args {
        let v = match (*a, mem, errno) {
            (Arg::Out32(p), Some(m), Some(Errno::Success)) => m.read_u32(p).map(u64::from).ok(),
            (Arg::Out64(p), Some(m), Some(Errno::Success)) => m.read_u64(p).ok(),
            _ => continue,
        };
        match v {
            Some(v) => {
                let _ = write!(line, "{n}={v},");
            }
            None => {
                let _ = write!(line, "{n}=<bad pointer>,");
            }
        }
    }
    match errno {
        Some(e) => {
            let _ = write!(line, "errno={e}");
        }
        None => line.push_str("trap"),
    }
    line.push(')');
    tracing::info!(target: TARGET, "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse() {
        assert_eq!(LogScopes::parse("filesystem,clock").unwrap(), LogScopes(3));
        assert!(LogScopes::parse("all").unwrap().contains(LogScopes::SOCK));
        assert!(LogScopes::parse("files").unwrap_err().contains("valid: filesystem"));
        assert_eq!(LogScopes::parse("").unwrap(), LogScopes::NONE);
    }
}
