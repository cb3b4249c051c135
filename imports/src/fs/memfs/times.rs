//! The three times every [`MemFs`](super::MemFs) node keeps, and the clock
//! they are read from.

use crate::fs::SetTime;

/// Access, modification and status-change times, in ns since the epoch.
#[derive(Clone, Copy, Debug)]
pub(super) struct Times {
    pub(super) atim: u64,
    pub(super) mtim: u64,
    pub(super) ctim: u64,
}

impl Times {
    /// All three set to `now`.
    pub(super) fn new(now: u64) -> Times {
        Times {
            atim: now,
            mtim: now,
            ctim: now,
        }
    }

    /// Records a read the way Linux's default `relatime` mount option
    /// does: the access time moves only when it is not later than the
    /// modification or status-change time, so rereading an unchanged
    /// file needs no clock reading. Linux also moves an access time that
    /// is a day old; this does not, as that check would need the clock on
    /// every read.
    pub(super) fn accessed(&mut self) {
        if self.atim <= self.mtim || self.atim <= self.ctim {
            self.atim = now_ns();
        }
    }

    /// `utimensat` semantics: both `Omit` changes nothing; otherwise the
    /// given times are set and the status-change time becomes now.
    pub(super) fn set(&mut self, atim: SetTime, mtim: SetTime) {
        if atim == SetTime::Omit && mtim == SetTime::Omit {
            return;
        }
        let now = now_ns();
        match atim {
            SetTime::Omit => {}
            SetTime::Now => self.atim = now,
            SetTime::At(t) => self.atim = t,
        }
        match mtim {
            SetTime::Omit => {}
            SetTime::Now => self.mtim = now,
            SetTime::At(t) => self.mtim = t,
        }
        self.ctim = now;
    }

    /// Records a change of contents at `now`.
    pub(super) fn modified(&mut self, now: u64) {
        self.mtim = now;
        self.ctim = now;
    }
}

/// The host's wall clock in ns since the epoch (0 before the epoch,
/// saturating after 2554).
pub(super) fn now_ns() -> u64 {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse);
        (t.tv_sec.max(0) as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(t.tv_nsec.max(0) as u64)
    }
    #[cfg(not(target_os = "linux"))]
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
