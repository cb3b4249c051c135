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

/// Both sets of scopes: `LogScopes::POLL | LogScopes::FILESYSTEM`.
impl std::ops::BitOr for LogScopes {
    type Output = LogScopes;
    fn bitor(self, other: LogScopes) -> LogScopes {
        LogScopes(self.0 | other.0)
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

/// How a [`wrap`]ped function's argument is shown, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// As a number.
    Value,
    /// A pointer to a NUL-terminated guest string, decoded.
    CStr,
    /// A pointer to an AssemblyScript string (UTF-16LE, its byte length
    /// the `u32` before it), decoded.
    Utf16,
}

/// Describes one function of an import set for logging: its scope, and
/// how to show its arguments (positions not listed are numbers). `None`
/// leaves the function unlogged.
pub type Classify = fn(&str) -> Option<(LogScopes, &'static [Show])>;

fn show_cstr(out: &mut String, mem: Option<&GuestMemory<'_>>, ptr: u32) {
    let bytes = mem.and_then(|m| m.bytes().get(ptr as usize..));
    match bytes {
        Some(b) => {
            let b = &b[..b.len().min(MAX_SHOWN + 1)];
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            let _ = write!(out, "{:?}", String::from_utf8_lossy(&b[..end.min(MAX_SHOWN)]));
            if end > MAX_SHOWN {
                out.push_str("...");
            }
        }
        None => {
            let _ = write!(out, "<bad pointer {ptr}>");
        }
    }
}

fn show_utf16(out: &mut String, mem: Option<&GuestMemory<'_>>, ptr: u32) {
    if ptr == 0 {
        out.push_str("null");
        return;
    }
    let units = mem.and_then(|m| {
        let len = m.read_u32(ptr.checked_sub(4)?).ok()?;
        m.slice(ptr, len.min(2 * MAX_SHOWN as u32)).ok().map(|b| (b, len))
    });
    match units {
        Some((b, len)) => {
            let text: String = char::decode_utf16(b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])))
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            let _ = write!(out, "{text:?}");
            if len as usize > 2 * MAX_SHOWN {
                out.push_str("...");
            }
        }
        None => {
            let _ = write!(out, "<bad pointer {ptr}>");
        }
    }
}

fn value_text(v: &wasmer::Value) -> String {
    match v {
        wasmer::Value::I32(x) => x.to_string(),
        wasmer::Value::I64(x) => x.to_string(),
        wasmer::Value::F32(x) => x.to_string(),
        wasmer::Value::F64(x) => x.to_string(),
        other => format!("{other:?}"),
    }
}

/// Wraps the functions of `exports` (an import set's, defined over `env`)
/// whose scope `classify` says is on in the guest's [`LogScopes`], so each
/// call logs `==> module.name(args)` and `<== (results)` / `<== (trap)`.
/// Functions whose scope is off are returned as they are: logging costs
/// nothing unless asked for. Argument names are positional (`a0`, `a1`...)
/// except where `classify` says to decode a string.
pub fn wrap<S: crate::AsHost>(
    store: &mut impl wasmer::AsStoreMut,
    env: &wasmer::FunctionEnv<S>,
    module: &'static str,
    exports: wasmer::Exports,
    classify: Classify,
) -> wasmer::Exports {
    let scopes = env.as_ref(store).host().log;
    if scopes == LogScopes::NONE {
        return exports;
    }
    let mut out = wasmer::Exports::new();
    for (name, ext) in exports.iter() {
        let wasmer::Extern::Function(inner) = ext else {
            out.insert(name.clone(), ext.clone());
            continue;
        };
        let Some((_, shows)) = classify(name).filter(|(s, _)| scopes.contains(*s)) else {
            out.insert(name.clone(), ext.clone());
            continue;
        };
        let ty = inner.ty(store);
        let inner = inner.clone();
        let fname = name.clone();
        let f = wasmer::Function::new_with_env(store, env, ty, move |mut ctx, args| {
            let mut line = String::new();
            {
                let _ = crate::with_memory(&mut ctx, |_, mem| {
                    line = call_line(module, &fname, args, shows, Some(mem));
                    Ok(())
                });
                if line.is_empty() {
                    line = call_line(module, &fname, args, shows, None);
                }
            }
            tracing::info!(target: TARGET, "{line}");
            let r = inner.call(&mut ctx, args);
            match &r {
                Ok(vals) => {
                    let v: Vec<String> = vals.iter().map(value_text).collect();
                    tracing::info!(target: TARGET, "<== ({})", v.join(","));
                }
                Err(_) => tracing::info!(target: TARGET, "<== (trap)"),
            }
            r.map(|b| b.into_vec())
        });
        out.insert(name.clone(), f);
    }
    out
}

fn call_line(
    module: &str,
    name: &str,
    args: &[wasmer::Value],
    shows: &[Show],
    mem: Option<&GuestMemory<'_>>,
) -> String {
    let mut line = format!("==> {module}.{name}(");
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let _ = write!(line, "a{i}=");
        match (shows.get(i), a) {
            (Some(Show::CStr), wasmer::Value::I32(p)) => show_cstr(&mut line, mem, *p as u32),
            (Some(Show::Utf16), wasmer::Value::I32(p)) => show_utf16(&mut line, mem, *p as u32),
            _ => line.push_str(&value_text(a)),
        }
    }
    line.push(')');
    line
}
