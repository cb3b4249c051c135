//! The glue's exception variables (`exceptionCaught`, `exceptionLast`,
//! `uncaughtExceptionCount` of `src/lib/libexceptions.js`), kept by the
//! host for both C++ exception models: emcc 3.1.6's (`exceptions.rs`)
//! and current emcc's (`cxa.rs`).

use crate::proc::Aborted;
use wasmer::RuntimeError;

/// Most handlers that may be active at once; past it, an abort. Real
/// programs nest a handful; the bound keeps a hostile guest from growing
/// the host's list without end.
pub const MAX_ACTIVE_HANDLERS: usize = 1 << 16;

/// The glue's exception variables.
#[derive(Debug, Default)]
pub struct Exceptions {
    /// Catch infos (3.1.6) or thrown objects (current emcc) of the
    /// handlers being run, innermost last; at most
    /// [`MAX_ACTIVE_HANDLERS`] (each entry is one active `catch`).
    pub caught: Vec<u32>,
    /// The thrown object last thrown (0: none).
    pub last: u32,
    /// `std::uncaught_exceptions()`.
    pub uncaught: i32,
}

impl Exceptions {
    /// `__cxa_begin_catch`'s bookkeeping: `handler` becomes the innermost
    /// active one. Errors: an abort past [`MAX_ACTIVE_HANDLERS`].
    pub fn begin_catch(&mut self, handler: u32) -> Result<(), RuntimeError> {
        if self.caught.len() >= MAX_ACTIVE_HANDLERS {
            return Err(Aborted(format!("more than {MAX_ACTIVE_HANDLERS} active C++ exception handlers")).trap());
        }
        self.caught.push(handler);
        Ok(())
    }
}
