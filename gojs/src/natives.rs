//! The host's JS functions by identity and JS name: the built-ins and
//! node's globals ([`Native`]) and node's `fs` methods ([`Op`]). A function
//! object on the heap names one of these; what each does is the
//! dispatcher's business (`dispatch.rs`), so the object model depends on
//! no behaviour.

macro_rules! ops {
    ($($variant:ident = $name:literal,)*) => {
        /// A method of node's `fs` that Go's `syscall/fs_js.go` calls.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Op { $(
            #[doc = concat!("`fs.", $name, "`.")]
            $variant,
        )* }

        impl Op {
            /// Every method.
            pub const ALL: &'static [Op] = &[$(Op::$variant,)*];

            /// The method's name.
            pub fn name(self) -> &'static str {
                match self { $(Op::$variant => $name,)* }
            }
        }
    };
}

ops! {
    Open = "open",
    Close = "close",
    Read = "read",
    Write = "write",
    WriteSync = "writeSync",
    Fstat = "fstat",
    Stat = "stat",
    Lstat = "lstat",
    Readdir = "readdir",
    Mkdir = "mkdir",
    Rmdir = "rmdir",
    Rename = "rename",
    Unlink = "unlink",
    Utimes = "utimes",
    Chmod = "chmod",
    Fchmod = "fchmod",
    Chown = "chown",
    Fchown = "fchown",
    Lchown = "lchown",
    Truncate = "truncate",
    Ftruncate = "ftruncate",
    Readlink = "readlink",
    Link = "link",
    Symlink = "symlink",
    Fsync = "fsync",
}

macro_rules! natives {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A function implemented by the host, named as JS names it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Native {
            $($(#[$doc])* $variant,)*
            /// A method of node's `fs`.
            Fs(Op),
        }

        impl Native {
            /// Every native but the `fs` methods.
            pub(crate) const PLAIN: &'static [Native] = &[$(Native::$variant,)*];

            /// The function's JS name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Native::$variant => $name,)*
                    Native::Fs(op) => op.name(),
                }
            }
        }
    };
}

natives! {
    /// `Object` (constructor).
    Object = "Object",
    /// `Array` (constructor).
    Array = "Array",
    /// `Uint8Array` (constructor).
    Uint8Array = "Uint8Array",
    /// `Date` (constructor).
    Date = "Date",
    /// `Error` (constructor).
    Error = "Error",
    /// `Date.now()`.
    DateNow = "now",
    /// `Date.prototype.getTimezoneOffset()`.
    GetTimezoneOffset = "getTimezoneOffset",
    /// `Date.prototype.getTime()`.
    GetTime = "getTime",
    /// `crypto.getRandomValues(typedArray)`.
    GetRandomValues = "getRandomValues",
    /// `performance.now()`.
    PerformanceNow = "now",
    /// `process.cwd()`.
    Cwd = "cwd",
    /// `process.chdir(path)`.
    Chdir = "chdir",
    /// `process.umask([mask])`.
    Umask = "umask",
    /// `process.getuid()`.
    Getuid = "getuid",
    /// `process.getgid()`.
    Getgid = "getgid",
    /// `process.geteuid()`.
    Geteuid = "geteuid",
    /// `process.getegid()`.
    Getegid = "getegid",
    /// `process.getgroups()`.
    Getgroups = "getgroups",
    /// `path.resolve(...paths)`.
    Resolve = "resolve",
    /// `Go.prototype._makeFuncWrapper(id)`.
    MakeFuncWrapper = "_makeFuncWrapper",
    /// `fs.Stats.prototype.isDirectory()`.
    IsDirectory = "isDirectory",
    /// `fs.Stats.prototype.isFile()`.
    IsFile = "isFile",
    /// `fs.Stats.prototype.isSymbolicLink()`.
    IsSymbolicLink = "isSymbolicLink",
}

impl Native {
    /// Every native, the `fs` methods last.
    pub fn all() -> impl Iterator<Item = Native> {
        Native::PLAIN
            .iter()
            .copied()
            .chain(Op::ALL.iter().map(|op| Native::Fs(*op)))
    }
}
