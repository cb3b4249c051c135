//! One POSIX error enum for every import set.
//!
//! Variant names and discriminants follow WASI preview1's `errno` type
//! (witx `typenames.witx`), which is a superset of the POSIX errors any of
//! our ABIs can report. Each ABI maps it to its own numbering: WASI uses the
//! discriminant as is, Go's `js` world uses [`Errno::code`] (`"ENOENT"`),
//! Emscripten negates its own Linux-style numbers.

use std::fmt;
use std::io;

macro_rules! errnos {
    ($($(#[$doc:meta])* $name:ident = $num:literal, $code:literal;)*) => {
        /// A POSIX error, numbered as WASI preview1's `errno`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Errno {
            $(#[doc = concat!("`", $code, "`.")] $(#[$doc])* $name = $num,)*
        }

        impl Errno {
            /// Every variant, in WASI numbering order.
            pub const ALL: &'static [Errno] = &[$(Errno::$name,)*];

            /// The symbolic name, as C and Node.js spell it: `"EBADF"`.
            /// `Success` is `"ESUCCESS"` (wazero's and WASI's logs spell it so).
            pub const fn code(self) -> &'static str {
                match self { $(Errno::$name => $code,)* }
            }

            /// The variant with this WASI `errno` number, if any.
            pub fn from_wasi(n: u16) -> Option<Errno> {
                match n { $($num => Some(Errno::$name),)* _ => None }
            }
        }
    };
}

errnos! {
    /// No error occurred.
    Success = 0, "ESUCCESS";
    /// Argument list too long.
    Toobig = 1, "E2BIG";
    /// Permission denied.
    Acces = 2, "EACCES";
    Addrinuse = 3, "EADDRINUSE";
    Addrnotavail = 4, "EADDRNOTAVAIL";
    Afnosupport = 5, "EAFNOSUPPORT";
    /// Resource unavailable, or operation would block.
    Again = 6, "EAGAIN";
    Already = 7, "EALREADY";
    /// Bad file descriptor.
    Badf = 8, "EBADF";
    Badmsg = 9, "EBADMSG";
    /// Device or resource busy.
    Busy = 10, "EBUSY";
    Canceled = 11, "ECANCELED";
    Child = 12, "ECHILD";
    Connaborted = 13, "ECONNABORTED";
    Connrefused = 14, "ECONNREFUSED";
    Connreset = 15, "ECONNRESET";
    Deadlk = 16, "EDEADLK";
    Destaddrreq = 17, "EDESTADDRREQ";
    Dom = 18, "EDOM";
    Dquot = 19, "EDQUOT";
    /// File exists.
    Exist = 20, "EEXIST";
    /// Bad address: a guest pointer or length outside its memory.
    Fault = 21, "EFAULT";
    /// File too large.
    Fbig = 22, "EFBIG";
    Hostunreach = 23, "EHOSTUNREACH";
    Idrm = 24, "EIDRM";
    /// Illegal byte sequence (a path that is not UTF-8).
    Ilseq = 25, "EILSEQ";
    Inprogress = 26, "EINPROGRESS";
    /// Interrupted function.
    Intr = 27, "EINTR";
    /// Invalid argument.
    Inval = 28, "EINVAL";
    /// I/O error.
    Io = 29, "EIO";
    Isconn = 30, "EISCONN";
    /// Is a directory.
    Isdir = 31, "EISDIR";
    /// Too many levels of symbolic links.
    Loop = 32, "ELOOP";
    /// File descriptor value too large.
    Mfile = 33, "EMFILE";
    /// Too many links.
    Mlink = 34, "EMLINK";
    Msgsize = 35, "EMSGSIZE";
    Multihop = 36, "EMULTIHOP";
    /// Filename too long.
    Nametoolong = 37, "ENAMETOOLONG";
    Netdown = 38, "ENETDOWN";
    Netreset = 39, "ENETRESET";
    Netunreach = 40, "ENETUNREACH";
    Nfile = 41, "ENFILE";
    Nobufs = 42, "ENOBUFS";
    Nodev = 43, "ENODEV";
    /// No such file or directory.
    Noent = 44, "ENOENT";
    Noexec = 45, "ENOEXEC";
    Nolck = 46, "ENOLCK";
    Nolink = 47, "ENOLINK";
    /// Not enough space.
    Nomem = 48, "ENOMEM";
    Nomsg = 49, "ENOMSG";
    Noprotoopt = 50, "ENOPROTOOPT";
    /// No space left on device.
    Nospc = 51, "ENOSPC";
    /// Function not supported.
    Nosys = 52, "ENOSYS";
    Notconn = 53, "ENOTCONN";
    /// Not a directory.
    Notdir = 54, "ENOTDIR";
    /// Directory not empty.
    Notempty = 55, "ENOTEMPTY";
    Notrecoverable = 56, "ENOTRECOVERABLE";
    /// Not a socket.
    Notsock = 57, "ENOTSOCK";
    /// Not supported.
    Notsup = 58, "ENOTSUP";
    /// Inappropriate I/O control operation.
    Notty = 59, "ENOTTY";
    Nxio = 60, "ENXIO";
    /// Value too large to be stored in data type.
    Overflow = 61, "EOVERFLOW";
    Ownerdead = 62, "EOWNERDEAD";
    /// Operation not permitted.
    Perm = 63, "EPERM";
    /// Broken pipe.
    Pipe = 64, "EPIPE";
    Proto = 65, "EPROTO";
    Protonosupport = 66, "EPROTONOSUPPORT";
    Prototype = 67, "EPROTOTYPE";
    /// Result too large.
    Range = 68, "ERANGE";
    /// Read-only file system.
    Rofs = 69, "EROFS";
    /// Invalid seek.
    Spipe = 70, "ESPIPE";
    Srch = 71, "ESRCH";
    Stale = 72, "ESTALE";
    Timedout = 73, "ETIMEDOUT";
    Txtbsy = 74, "ETXTBSY";
    /// Cross-device link.
    Xdev = 75, "EXDEV";
    /// Capabilities insufficient (WASI only).
    Notcapable = 76, "ENOTCAPABLE";
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for Errno {}

impl From<io::Error> for Errno {
    /// Maps a host I/O error. The raw OS error is used when there is one, so
    /// that `ENOTEMPTY`, `ELOOP` and friends survive; otherwise the
    /// `ErrorKind` decides, and anything unknown is `EIO`.
    fn from(e: io::Error) -> Errno {
        if let Some(n) = e.raw_os_error() {
            if let Some(errno) = from_raw_os_error(n) {
                return errno;
            }
        }
        use io::ErrorKind as K;
        match e.kind() {
            K::NotFound => Errno::Noent,
            // cap-std reports sandbox escapes as PermissionDenied (see RATIONALE.md).
            K::PermissionDenied => Errno::Perm,
            K::AlreadyExists => Errno::Exist,
            K::WouldBlock => Errno::Again,
            K::InvalidInput => Errno::Inval,
            K::InvalidData => Errno::Ilseq,
            K::Interrupted => Errno::Intr,
            K::Unsupported => Errno::Notsup,
            K::OutOfMemory => Errno::Nomem,
            K::BrokenPipe => Errno::Pipe,
            K::NotADirectory => Errno::Notdir,
            K::IsADirectory => Errno::Isdir,
            K::DirectoryNotEmpty => Errno::Notempty,
            K::ReadOnlyFilesystem => Errno::Rofs,
            K::StorageFull => Errno::Nospc,
            K::FileTooLarge => Errno::Fbig,
            K::CrossesDevices => Errno::Xdev,
            K::TooManyLinks => Errno::Mlink,
            K::InvalidFilename => Errno::Nametoolong,
            K::ConnectionRefused => Errno::Connrefused,
            K::ConnectionReset => Errno::Connreset,
            K::ConnectionAborted => Errno::Connaborted,
            K::NotConnected => Errno::Notconn,
            K::AddrInUse => Errno::Addrinuse,
            K::AddrNotAvailable => Errno::Addrnotavail,
            K::TimedOut => Errno::Timedout,
            K::UnexpectedEof => Errno::Io,
            _ => Errno::Io,
        }
    }
}

impl From<Errno> for io::Error {
    fn from(e: Errno) -> io::Error {
        io::Error::other(e)
    }
}

/// Linux errno numbers to `Errno`. Only the host's own numbers reach here
/// (via `io::Error::raw_os_error`), and the host is Linux.
fn from_raw_os_error(n: i32) -> Option<Errno> {
    use Errno::*;
    Some(match n {
        1 => Perm,
        2 => Noent,
        3 => Srch,
        4 => Intr,
        5 => Io,
        6 => Nxio,
        7 => Toobig,
        8 => Noexec,
        9 => Badf,
        10 => Child,
        11 => Again,
        12 => Nomem,
        13 => Acces,
        14 => Fault,
        16 => Busy,
        17 => Exist,
        18 => Xdev,
        19 => Nodev,
        20 => Notdir,
        21 => Isdir,
        22 => Inval,
        23 => Nfile,
        24 => Mfile,
        25 => Notty,
        26 => Txtbsy,
        27 => Fbig,
        28 => Nospc,
        29 => Spipe,
        30 => Rofs,
        31 => Mlink,
        32 => Pipe,
        33 => Dom,
        34 => Range,
        35 => Deadlk,
        36 => Nametoolong,
        37 => Nolck,
        38 => Nosys,
        39 => Notempty,
        40 => Loop,
        42 => Nomsg,
        43 => Idrm,
        61 => Nodev, // ENODATA: no WASI equivalent
        67 => Nolink,
        71 => Proto,
        72 => Multihop,
        74 => Badmsg,
        75 => Overflow,
        84 => Ilseq,
        88 => Notsock,
        89 => Destaddrreq,
        90 => Msgsize,
        91 => Prototype,
        92 => Noprotoopt,
        93 => Protonosupport,
        95 => Notsup,
        97 => Afnosupport,
        98 => Addrinuse,
        99 => Addrnotavail,
        100 => Netdown,
        101 => Netunreach,
        102 => Netreset,
        103 => Connaborted,
        104 => Connreset,
        105 => Nobufs,
        106 => Isconn,
        107 => Notconn,
        110 => Timedout,
        111 => Connrefused,
        113 => Hostunreach,
        114 => Already,
        115 => Inprogress,
        116 => Stale,
        122 => Dquot,
        125 => Canceled,
        130 => Ownerdead,
        131 => Notrecoverable,
        _ => return None,
    })
}

/// `Result` with an [`Errno`] error.
pub type Result<T, E = Errno> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_matches_wasi() {
        assert_eq!(Errno::Badf as u16, 8);
        assert_eq!(Errno::Noent as u16, 44);
        assert_eq!(Errno::Notcapable as u16, 76);
        assert_eq!(Errno::ALL.len(), 77);
        for (i, e) in Errno::ALL.iter().enumerate() {
            assert_eq!(*e as usize, i);
            assert_eq!(Errno::from_wasi(i as u16), Some(*e));
        }
    }

    #[test]
    fn io_errors_keep_their_os_number() {
        assert_eq!(Errno::from(io::Error::from_raw_os_error(39)), Errno::Notempty);
        assert_eq!(Errno::from(io::Error::from_raw_os_error(40)), Errno::Loop);
        assert_eq!(Errno::from(io::Error::from(io::ErrorKind::NotFound)), Errno::Noent);
        assert_eq!(Errno::Badf.to_string(), "EBADF");
    }
}
