//! Clocks a guest can read: wall time, monotonic time, CPU time, and sleep.
//!
//! Each is a trait so embedders can plug their own; [`SystemClock`] reads
//! the host's clocks and [`FakeClock`] is deterministic (wazero's
//! `WithWalltime`/`WithNanotime` fakes follow the same idea). Units are
//! nanoseconds throughout.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Wall-clock time (`CLOCK_REALTIME`).
pub trait Walltime: Send + Sync + Debug {
    /// Nanoseconds since the Unix epoch.
    fn walltime(&self) -> u64;
    /// Resolution in nanoseconds.
    fn walltime_resolution(&self) -> u64 {
        1_000
    }
}

/// A monotonic clock (`CLOCK_MONOTONIC`): never goes backwards.
pub trait Nanotime: Send + Sync + Debug {
    /// Nanoseconds since an arbitrary fixed start.
    fn nanotime(&self) -> u64;
    /// Resolution in nanoseconds.
    fn nanotime_resolution(&self) -> u64 {
        1
    }
}

/// Sleeping (`nanosleep`, WASI `poll_oneoff` on a clock).
pub trait Nanosleep: Send + Sync + Debug {
    /// Blocks the calling guest for `ns` nanoseconds.
    fn nanosleep(&self, ns: u64);

    /// Whether [`Self::nanosleep`] really waits. A clock whose sleep only
    /// moves time forward (as [`FakeClock`]'s does) returns `false`, so an
    /// async driver calls it instead of suspending the guest.
    fn blocks(&self) -> bool {
        true
    }
}

/// CPU time (`CLOCK_PROCESS_CPUTIME_ID`, `CLOCK_THREAD_CPUTIME_ID`).
pub trait CpuTime: Send + Sync + Debug {
    /// CPU time used by the process, in nanoseconds.
    fn process_cputime(&self) -> u64;
    /// CPU time used by the calling thread, in nanoseconds.
    fn thread_cputime(&self) -> u64;
    /// Resolution in nanoseconds.
    fn cputime_resolution(&self) -> u64 {
        1
    }
}

/// The host's real clocks.
#[derive(Debug)]
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    /// A clock whose monotonic time counts from now.
    pub fn new() -> Self {
        SystemClock { start: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

fn saturating_ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Walltime for SystemClock {
    fn walltime(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(saturating_ns)
            .unwrap_or(0)
    }
}

impl Nanotime for SystemClock {
    fn nanotime(&self) -> u64 {
        // Start at 1 s rather than 0: some guests treat 0 as "unset".
        saturating_ns(self.start.elapsed()).saturating_add(1_000_000_000)
    }
}

impl Nanosleep for SystemClock {
    fn nanosleep(&self, ns: u64) {
        std::thread::sleep(Duration::from_nanos(ns));
    }
}

impl CpuTime for SystemClock {
    fn process_cputime(&self) -> u64 {
        timespec_ns(rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime))
    }
    fn thread_cputime(&self) -> u64 {
        timespec_ns(rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime))
    }
}

fn timespec_ns(ts: rustix::time::Timespec) -> u64 {
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(ts.tv_nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nanos)
}

/// Deterministic clocks for reproducible runs.
///
/// Wall time starts at 2022-01-01T00:00:00Z and advances 1 ms per read;
/// monotonic time starts at 0 and advances 1 ms per read; sleeping does not
/// block but advances both clocks by the requested time; CPU time is the
/// monotonic time. Two runs of the same guest read the same values.
#[derive(Debug)]
pub struct FakeClock {
    wall: AtomicU64,
    mono: AtomicU64,
    step: u64,
}

/// 2022-01-01T00:00:00Z in nanoseconds since the epoch (wazero's fake
/// walltime starts here too).
pub const FAKE_EPOCH_NS: u64 = 1_640_995_200_000_000_000;

impl FakeClock {
    /// A fake clock at [`FAKE_EPOCH_NS`] advancing 1 ms per read.
    pub fn new() -> Self {
        FakeClock {
            wall: AtomicU64::new(FAKE_EPOCH_NS),
            mono: AtomicU64::new(0),
            step: 1_000_000,
        }
    }
}

impl Default for FakeClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Walltime for FakeClock {
    fn walltime(&self) -> u64 {
        self.wall.fetch_add(self.step, Ordering::Relaxed)
    }
    fn walltime_resolution(&self) -> u64 {
        1
    }
}

impl Nanotime for FakeClock {
    fn nanotime(&self) -> u64 {
        self.mono.fetch_add(self.step, Ordering::Relaxed)
    }
}

impl Nanosleep for FakeClock {
    fn nanosleep(&self, ns: u64) {
        self.mono.fetch_add(ns, Ordering::Relaxed);
        self.wall.fetch_add(ns, Ordering::Relaxed);
    }
    fn blocks(&self) -> bool {
        false
    }
}

impl CpuTime for FakeClock {
    fn process_cputime(&self) -> u64 {
        self.nanotime()
    }
    fn thread_cputime(&self) -> u64 {
        self.nanotime()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_clock_is_deterministic_and_sleep_advances() {
        let a = FakeClock::new();
        let b = FakeClock::new();
        assert_eq!(a.walltime(), FAKE_EPOCH_NS);
        assert_eq!(a.walltime(), b.walltime() + 1_000_000);
        let t0 = a.nanotime();
        a.nanosleep(50_000_000);
        assert!(a.nanotime() - t0 >= 50_000_000);
    }

    #[test]
    fn system_clock_moves_forward() {
        let c = SystemClock::new();
        let t0 = c.nanotime();
        c.nanosleep(1_000_000);
        assert!(c.nanotime() >= t0 + 1_000_000);
        assert!(c.walltime() > 1_600_000_000_000_000_000);
        assert!(c.process_cputime() > 0);
    }
}
