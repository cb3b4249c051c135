//! Host-call logging: every host function can log its call and result,
//! by scope, through `tracing` (target [`TARGET`], level INFO), in the
//! form wazero's `-hostlogging` made familiar:
//!
//! ```text
//! ==> wasi_snapshot_preview1.path_open(fd=3,dirflags=1,path="data/in.txt",...)
//! <== (opened_fd=4,errno=ESUCCESS)
//! ```
//!
//! A guest's scopes live in its host state (`ModuleConfig::host_logging`),
//! and are read when its functions are defined: a function whose scope is
//! off is defined without logging and pays nothing for it. This module
//! only formats the lines; `define` (an import set's table) decides which
//! functions log and wraps them.

use crate::errno::Errno;
use crate::memory::GuestMemory;
use std::borrow::Cow;
use std::fmt::Write;
use wasmer::Value;

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

/// How one argument of a logged call is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// As the WebAssembly value it is (an `i32` signed).
    Value,
    /// As an unsigned number (WASI's `u32` and `u64` arguments).
    Unsigned,
    /// A pointer to a guest string whose length is the next argument,
    /// shown decoded and quoted.
    Str,
    /// A pointer the call writes a `u32` result to: its address here, the
    /// value in the result line.
    Out32,
    /// A pointer the call writes a `u64` result to: as [`Show::Out32`].
    Out64,
    /// A pointer to a NUL-terminated guest string, decoded.
    CStr,
    /// A pointer to an AssemblyScript string (UTF-16LE, its byte length
    /// the `u32` before it), decoded.
    Utf16,
}

/// One parameter of a logged function: its name (empty: shown by
/// position, `a0`, `a1`...) and how its value is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// The name, as the ABI's specification spells it.
    pub name: &'static str,
    /// How the value is shown.
    pub show: Show,
}

/// How the results of a logged call are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Results {
    /// As the values returned, comma-separated.
    Values,
    /// The one `i32` result is a WASI `errno`, shown by name
    /// (`errno=EBADF`) after the values the call wrote to its out-pointers
    /// (when it succeeded).
    Errno,
}

/// What a log line says of a function: the module it is imported from,
/// its name, how its parameters and results are shown. Parameters past
/// the end of `params` are shown by position, as values.
#[derive(Clone, Debug)]
pub struct Site {
    /// The import module, such as `wasi_snapshot_preview1`.
    pub module: &'static str,
    /// The function's import name (owned for a function made from the
    /// guest's own import, such as Emscripten's `invoke_vii`).
    pub name: Cow<'static, str>,
    /// Its parameters, in order.
    pub params: &'static [Param],
    /// How its results are shown.
    pub results: Results,
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

fn value_text(v: &Value) -> String {
    match v {
        Value::I32(x) => x.to_string(),
        Value::I64(x) => x.to_string(),
        Value::F32(x) => x.to_string(),
        Value::F64(x) => x.to_string(),
        other => format!("{other:?}"),
    }
}

/// `==> module.name(a=1,b="x",...)` for a call of `site` with `args`;
/// strings are read from `mem` (when there is one), out-pointers shown as
/// addresses.
pub fn call_line(site: &Site, args: &[Value], mem: Option<&GuestMemory<'_>>) -> String {
    let mut line = format!("==> {}.{}(", site.module, site.name);
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let param = site.params.get(i);
        match param.map(|p| p.name).filter(|n| !n.is_empty()) {
            Some(name) => line.push_str(name),
            None => {
                let _ = write!(line, "a{i}");
            }
        }
        line.push('=');
        let ptr = || a.i32().map(|p| p as u32);
        match (param.map(|p| p.show).unwrap_or(Show::Value), ptr()) {
            (Show::Str, Some(p)) => {
                let len = args.get(i + 1).and_then(Value::i32).map_or(0, |l| l as u32);
                show_str(&mut line, mem, p, len)
            }
            (Show::CStr, Some(p)) => show_cstr(&mut line, mem, p),
            (Show::Utf16, Some(p)) => show_utf16(&mut line, mem, p),
            (Show::Unsigned | Show::Out32 | Show::Out64, _) => line.push_str(&unsigned_text(a)),
            _ => line.push_str(&value_text(a)),
        }
    }
    line.push(')');
    line
}

/// `<== (out=..,errno=ENAME)` or `<== (v1,v2)` after a call of `site`
/// with `args` that returned `results`, or `<== (trap)` (`results` is
/// `None`). Out-pointers are read from `mem` after a successful call.
pub fn result_line(site: &Site, args: &[Value], results: Option<&[Value]>, mem: Option<&GuestMemory<'_>>) -> String {
    let mut line = String::from("<== (");
    match (results, site.results) {
        (None, _) => line.push_str("trap"),
        (Some(values), Results::Values) => {
            let shown: Vec<String> = values.iter().map(value_text).collect();
            line.push_str(&shown.join(","));
        }
        (Some(values), Results::Errno) => {
            let n = values.first().and_then(Value::i32).unwrap_or(-1);
            let errno = u16::try_from(n).ok().and_then(Errno::from_wasi);
            if errno == Some(Errno::Success) {
                show_outs(&mut line, site, args, mem);
            }
            match errno {
                Some(e) => {
                    let _ = write!(line, "errno={e}");
                }
                None => {
                    let _ = write!(line, "errno={n}");
                }
            }
        }
    }
    line.push(')');
    line
}

/// `name=value,` for each out-pointer of a call that succeeded.
fn show_outs(line: &mut String, site: &Site, args: &[Value], mem: Option<&GuestMemory<'_>>) {
    for (p, a) in site.params.iter().zip(args) {
        let ptr = a.i32().map_or(0, |p| p as u32);
        let v = match (p.show, mem) {
            (Show::Out32, Some(m)) => m.read_u32(ptr).map(u64::from).ok(),
            (Show::Out64, Some(m)) => m.read_u64(ptr).ok(),
            (Show::Out32 | Show::Out64, None) => None,
            _ => continue,
        };
        match v {
            Some(v) => {
                let _ = write!(line, "{}={v},", p.name);
            }
            None => {
                let _ = write!(line, "{}=<bad pointer>,", p.name);
            }
        }
    }
}

fn unsigned_text(v: &Value) -> String {
    match v {
        Value::I32(x) => (*x as u32).to_string(),
        Value::I64(x) => (*x as u64).to_string(),
        other => value_text(other),
    }
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

    const PARAMS: &[Param] = &[
        Param {
            name: "fd",
            show: Show::Unsigned,
        },
        Param {
            name: "path",
            show: Show::Str,
        },
        Param {
            name: "path_len",
            show: Show::Unsigned,
        },
        Param {
            name: "out",
            show: Show::Out32,
        },
    ];

    fn site(results: Results) -> Site {
        Site {
            module: "m",
            name: "f".into(),
            params: PARAMS,
            results,
        }
    }

    #[test]
    fn lines_show_names_strings_outs_and_errnos() {
        let mut bytes = vec![0u8; 32];
        bytes[..3].copy_from_slice(b"abc");
        bytes[16..20].copy_from_slice(&7u32.to_le_bytes());
        let mem = GuestMemory::new(&mut bytes);
        let args = [
            Value::I32(-1),
            Value::I32(0),
            Value::I32(3),
            Value::I32(16),
            Value::I32(-2),
        ];
        let call = call_line(&site(Results::Errno), &args, Some(&mem));
        assert_eq!(call, "==> m.f(fd=4294967295,path=\"abc\",path_len=3,out=16,a4=-2)");
        let ok = result_line(&site(Results::Errno), &args, Some(&[Value::I32(0)]), Some(&mem));
        assert_eq!(ok, "<== (out=7,errno=ESUCCESS)");
        let failed = result_line(&site(Results::Errno), &args, Some(&[Value::I32(8)]), Some(&mem));
        assert_eq!(failed, "<== (errno=EBADF)");
        assert_eq!(
            result_line(&site(Results::Errno), &args, None, Some(&mem)),
            "<== (trap)"
        );
        let values = [Value::I32(1), Value::F64(0.5)];
        assert_eq!(
            result_line(&site(Results::Values), &args, Some(&values), None),
            "<== (1,0.5)"
        );
        let unbound = call_line(&site(Results::Values), &args[..2], None);
        assert_eq!(unbound, "==> m.f(fd=4294967295,path=<bad pointer 0+0>)");
    }
}
