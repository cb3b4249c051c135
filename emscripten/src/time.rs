//! Clocks, broken-down time and `strftime` (`src/library.js` of emcc
//! 3.1.6).
//!
//! The guest's time zone is always UTC: `_localtime_js` is `_gmtime_js`
//! plus `tm_gmtoff = 0`, `tm_isdst = 0`, and `_tzset_js` reports no
//! offset, no daylight saving time, and the zone name the glue reports
//! under `TZ=UTC` ("Coordinated Universal Time", taken by the glue from
//! node's `Date.toTimeString()`). `time_t` is 32-bit in 3.1.6.
//!
//! `struct tm` (44 bytes): `tm_sec` +0, `tm_min` +4, `tm_hour` +8,
//! `tm_mday` +12, `tm_mon` +16, `tm_year` +20, `tm_wday` +24, `tm_yday`
//! +28, `tm_isdst` +32, `tm_gmtoff` +36, `tm_zone` +40 (pointer).

use crate::guest::{malloc, mem_trap, set_errno};
use crate::Ctx;
use imports::{with_memory, Errno, GuestMemory};
use wasmer::RuntimeError;

/// The zone name `_tzset_js` reports (node's name for UTC).
pub const ZONE_NAME: &str = "Coordinated Universal Time";

const CLOCK_REALTIME: i32 = 0;
const CLOCK_MONOTONIC: i32 = 1;
const CLOCK_MONOTONIC_RAW: i32 = 4;
const CLOCKS_PER_SEC: u64 = 1_000_000;

fn walltime(ctx: &Ctx<'_>) -> u64 {
    ctx.data().host.walltime.walltime()
}

fn nanotime(ctx: &Ctx<'_>) -> u64 {
    ctx.data().host.nanotime.nanotime()
}

/// `emscripten_get_now() -> ms`: monotonic time in milliseconds (f64).
pub fn emscripten_get_now(ctx: Ctx<'_>) -> f64 {
    nanotime(&ctx) as f64 / 1e6
}

/// `clock_gettime(clock, tp) -> 0`: `CLOCK_REALTIME` or `CLOCK_MONOTONIC`
/// (`_RAW`) as `struct timespec` (i32 seconds, i32 ns). Another clock:
/// `-1` with `errno` `EINVAL`. A bad `tp` traps.
pub fn clock_gettime(mut ctx: Ctx<'_>, clock: i32, tp: u32) -> Result<i32, RuntimeError> {
    let ns = match clock {
        CLOCK_REALTIME => walltime(&ctx),
        CLOCK_MONOTONIC | CLOCK_MONOTONIC_RAW => nanotime(&ctx),
        _ => {
            set_errno(&mut ctx, Errno::Inval)?;
            return Ok(-1);
        }
    };
    with_memory(&mut ctx, |_, mem| {
        mem.write_u32(tp, (ns / 1_000_000_000) as u32)?;
        mem.write_u32(tp + 4, (ns % 1_000_000_000) as u32)
    })
    .map_err(mem_trap)?;
    Ok(0)
}

/// `clock() -> ticks`: microseconds (`CLOCKS_PER_SEC`) since the first call,
/// on the monotonic clock (as the glue does with `Date.now()`).
pub fn clock(mut ctx: Ctx<'_>) -> i32 {
    let now = nanotime(&ctx);
    let start = *ctx.data_mut().state.clock_start.get_or_insert(now);
    (now.saturating_sub(start) / (1_000_000_000 / CLOCKS_PER_SEC)) as i32
}

/// `time(ptr) -> seconds`: seconds since the epoch, also stored at `ptr`
/// unless it is null.
pub fn time(mut ctx: Ctx<'_>, ptr: u32) -> Result<i32, RuntimeError> {
    let secs = (walltime(&ctx) / 1_000_000_000) as i32;
    if ptr != 0 {
        with_memory(&mut ctx, |_, mem| mem.write_u32(ptr, secs as u32)).map_err(mem_trap)?;
    }
    Ok(secs)
}

/// `gettimeofday(tv, tz) -> 0`: `struct timeval` (i32 seconds, i32 µs).
pub fn gettimeofday(mut ctx: Ctx<'_>, tv: u32, _tz: u32) -> Result<i32, RuntimeError> {
    let ns = walltime(&ctx);
    with_memory(&mut ctx, |_, mem| {
        mem.write_u32(tv, (ns / 1_000_000_000) as u32)?;
        mem.write_u32(tv + 4, ((ns % 1_000_000_000) / 1000) as u32)
    })
    .map_err(mem_trap)?;
    Ok(0)
}

/// `_tzset_js(timezone, daylight, tzname)`: `*timezone = 0`, `*daylight =
/// 0`, `tzname[0] = tzname[1] =` [`ZONE_NAME`] (allocated once with the
/// guest's `malloc`; without one, left null).
pub fn tzset_js(mut ctx: Ctx<'_>, timezone: u32, daylight: u32, tzname: u32) -> Result<(), RuntimeError> {
    if std::mem::replace(&mut ctx.data_mut().state.tz_done, true) {
        return Ok(());
    }
    let has_malloc = ctx.data().state.guest.as_ref().is_some_and(|g| g.malloc.is_some());
    let name = if has_malloc {
        let p = malloc(&mut ctx, ZONE_NAME.len() as u32 + 1)?;
        with_memory(&mut ctx, |_, mem| {
            mem.write(p, ZONE_NAME.as_bytes())?;
            mem.write_u8(p + ZONE_NAME.len() as u32, 0)
        })
        .map_err(mem_trap)?;
        p
    } else {
        0
    };
    with_memory(&mut ctx, |_, mem| {
        mem.write_u32(timezone, 0)?;
        mem.write_u32(daylight, 0)?;
        mem.write_u32(tzname, name)?;
        mem.write_u32(tzname + 4, name)
    })
    .map_err(mem_trap)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month 1-12, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Broken-down UTC time of `t` seconds since the epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tm {
    sec: i32,
    min: i32,
    hour: i32,
    mday: i32,
    mon: i32,
    year: i32,
    wday: i32,
    yday: i32,
    isdst: i32,
    gmtoff: i32,
    zone: u32,
}

fn breakdown(t: i64) -> Tm {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    Tm {
        sec: (secs % 60) as i32,
        min: (secs / 60 % 60) as i32,
        hour: (secs / 3600) as i32,
        mday: d as i32,
        mon: (m - 1) as i32,
        year: (y - 1900) as i32,
        wday: (days + 4).rem_euclid(7) as i32,
        yday: (days - days_from_civil(y, 1, 1)) as i32,
        ..Tm::default()
    }
}

fn read_tm(mem: &GuestMemory<'_>, at: u32) -> Result<Tm, Errno> {
    let b = mem.slice(at, 44)?;
    let f = |i: usize| i32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]);
    Ok(Tm {
        sec: f(0),
        min: f(1),
        hour: f(2),
        mday: f(3),
        mon: f(4),
        year: f(5),
        wday: f(6),
        yday: f(7),
        isdst: f(8),
        gmtoff: f(9),
        zone: f(10) as u32,
    })
}

/// Writes every field but `tm_zone` (the glue leaves it to libc).
fn write_tm(mem: &mut GuestMemory<'_>, at: u32, tm: &Tm) -> Result<(), Errno> {
    let b = mem.slice_mut(at, 40)?;
    let fields = [
        tm.sec, tm.min, tm.hour, tm.mday, tm.mon, tm.year, tm.wday, tm.yday, tm.isdst, tm.gmtoff,
    ];
    for (i, v) in fields.iter().enumerate() {
        b[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
    }
    Ok(())
}

fn time_js(ctx: &mut Ctx<'_>, time: u32, tm: u32) -> Result<(), RuntimeError> {
    with_memory(ctx, |_, mem| {
        let t = mem.read_u32(time)? as i32;
        write_tm(mem, tm, &breakdown(i64::from(t)))
    })
    .map_err(mem_trap)
}

/// `_gmtime_js(time_ptr, tm)`: the broken-down UTC time of the 32-bit
/// `time_t` at `time_ptr`.
pub fn gmtime_js(mut ctx: Ctx<'_>, time: u32, tm: u32) -> Result<(), RuntimeError> {
    time_js(&mut ctx, time, tm)
}

/// `_localtime_js(time_ptr, tm)`: as `_gmtime_js` (local time is UTC),
/// with `tm_gmtoff = 0` and `tm_isdst = 0`.
pub fn localtime_js(mut ctx: Ctx<'_>, time: u32, tm: u32) -> Result<(), RuntimeError> {
    time_js(&mut ctx, time, tm)
}

/// Seconds since the epoch of `tm`'s fields, normalising out-of-range
/// values as `mktime` (and JavaScript's `Date`) do.
fn timegm(tm: &Tm) -> i64 {
    let mon = i64::from(tm.mon);
    let year = 1900 + i64::from(tm.year) + mon.div_euclid(12);
    let days = days_from_civil(year, mon.rem_euclid(12) + 1, 1) + i64::from(tm.mday) - 1;
    days * 86400 + i64::from(tm.hour) * 3600 + i64::from(tm.min) * 60 + i64::from(tm.sec)
}

fn mk(ctx: &mut Ctx<'_>, tm: u32) -> Result<i32, RuntimeError> {
    with_memory(ctx, |_, mem| {
        let t = timegm(&read_tm(mem, tm)?);
        write_tm(mem, tm, &breakdown(t))?;
        Ok(t as i32)
    })
    .map_err(mem_trap)
}

/// `_mktime_js(tm) -> time`: seconds since the epoch of the (local = UTC)
/// time in `tm`, normalising `tm` in place (`tm_isdst` becomes 0). The
/// result is truncated to 32 bits as the glue's `|0` does.
pub fn mktime_js(mut ctx: Ctx<'_>, tm: u32) -> Result<i32, RuntimeError> {
    mk(&mut ctx, tm)
}

/// `_timegm_js(tm) -> time`: as `_mktime_js` (UTC is local time).
pub fn timegm_js(mut ctx: Ctx<'_>, tm: u32) -> Result<i32, RuntimeError> {
    mk(&mut ctx, tm)
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// ISO 8601 week-based (year, week) of `tm`.
fn iso_week(tm: &Tm) -> (i64, i64) {
    let year = 1900 + i64::from(tm.year);
    let yday = i64::from(tm.yday);
    let wday = i64::from((tm.wday + 6) % 7); // Monday = 0
    let week = (yday - wday + 10).div_euclid(7);
    if week < 1 {
        let prev = year - 1;
        let prev_days = if is_leap(prev) { 366 } else { 365 };
        return (prev, (yday + prev_days - wday + 10).div_euclid(7));
    }
    let days = if is_leap(year) { 366 } else { 365 };
    if week == 53 && yday - wday + 3 >= days {
        return (year + 1, 1);
    }
    (year, week)
}

fn name<'a>(list: &[&'a str], i: i32) -> &'a str {
    usize::try_from(i)
        .ok()
        .and_then(|i| list.get(i))
        .copied()
        .unwrap_or("?")
}

/// Formats `tm` with `fmt` as the glue's `strftime` does (C locale).
fn format(fmt: &str, tm: &Tm, zone: &str) -> String {
    let mut out = String::with_capacity(fmt.len() * 2);
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // E and O modifiers select alternative representations; the C
        // locale has none.
        let mut spec = chars.next();
        if matches!(spec, Some('E') | Some('O')) {
            spec = chars.next();
        }
        let Some(spec) = spec else {
            out.push('%');
            break;
        };
        conversion(&mut out, spec, tm, zone);
    }
    out
}

/// Appends what `%<spec>` stands for (C locale), as the glue's
/// `EXPANSION_RULES_2` give it; an unknown one is kept as written.
fn conversion(out: &mut String, spec: char, tm: &Tm, zone: &str) {
    use std::fmt::Write as _;
    let year = 1900 + i64::from(tm.year);
    let hour12 = match tm.hour % 12 {
        0 => 12,
        h => h,
    };
    let _ = match spec {
        'a' => write!(out, "{:.3}", name(&WEEKDAYS, tm.wday)),
        'A' => write!(out, "{}", name(&WEEKDAYS, tm.wday)),
        'b' | 'h' => write!(out, "{:.3}", name(&MONTHS, tm.mon)),
        'B' => write!(out, "{}", name(&MONTHS, tm.mon)),
        'c' => write!(out, "{}", format("%a %b %d %H:%M:%S %Y", tm, zone)),
        'C' => write!(out, "{:02}", year.div_euclid(100)),
        'd' => write!(out, "{:02}", tm.mday),
        'D' | 'x' => write!(out, "{}", format("%m/%d/%y", tm, zone)),
        'e' => write!(out, "{:2}", tm.mday),
        'F' => write!(out, "{}", format("%Y-%m-%d", tm, zone)),
        'g' => write!(out, "{:02}", iso_week(tm).0.rem_euclid(100)),
        'G' => write!(out, "{}", iso_week(tm).0),
        'H' => write!(out, "{:02}", tm.hour),
        'I' => write!(out, "{hour12:02}"),
        'j' => write!(out, "{:03}", tm.yday + 1),
        'm' => write!(out, "{:02}", tm.mon + 1),
        'M' => write!(out, "{:02}", tm.min),
        'n' => writeln!(out),
        'p' => write!(out, "{}", if (0..12).contains(&tm.hour) { "AM" } else { "PM" }),
        'r' => write!(out, "{}", format("%I:%M:%S %p", tm, zone)),
        'R' => write!(out, "{}", format("%H:%M", tm, zone)),
        'S' => write!(out, "{:02}", tm.sec),
        't' => write!(out, "\t"),
        'T' | 'X' => write!(out, "{}", format("%H:%M:%S", tm, zone)),
        'u' => write!(out, "{}", if tm.wday == 0 { 7 } else { tm.wday }),
        'U' => write!(out, "{:02}", (tm.yday + 7 - tm.wday).div_euclid(7)),
        'V' => write!(out, "{:02}", iso_week(tm).1),
        'w' => write!(out, "{}", tm.wday),
        'W' => write!(out, "{:02}", (tm.yday + 7 - (tm.wday + 6) % 7).div_euclid(7)),
        'y' => write!(out, "{:02}", year.rem_euclid(100)),
        'Y' => write!(out, "{year}"),
        'z' => {
            let off = tm.gmtoff.unsigned_abs() / 60;
            let sign = if tm.gmtoff >= 0 { '+' } else { '-' };
            write!(out, "{sign}{:02}{:02}", off / 60, off % 60)
        }
        'Z' => write!(out, "{zone}"),
        '%' => write!(out, "%"),
        other => write!(out, "%{other}"),
    };
}

/// `strftime(s, maxsize, format, tm) -> length`: formats `tm` into `s` (C
/// locale; `%Z` is `tm_zone`'s string, empty when null). The result with
/// its NUL must fit in `maxsize`, else 0 and `s` is untouched. Bad
/// pointers trap.
pub fn strftime(mut ctx: Ctx<'_>, s: u32, maxsize: u32, fmt: u32, tm: u32) -> Result<u32, RuntimeError> {
    with_memory(&mut ctx, |_, mem| {
        let tm = read_tm(mem, tm)?;
        let fmt = c_string(mem, fmt)?;
        let zone = if tm.zone == 0 {
            String::new()
        } else {
            c_string(mem, tm.zone)?
        };
        let text = format(&fmt, &tm, &zone);
        if text.len() + 1 > maxsize as usize {
            return Ok(0);
        }
        mem.write(s, text.as_bytes())?;
        mem.write_u8(s + text.len() as u32, 0)?;
        Ok(text.len() as u32)
    })
    .map_err(mem_trap)
}

/// The NUL-terminated string at `ptr` (lossy UTF-8; at most 64 KiB, so a
/// missing NUL cannot make the host scan all of memory repeatedly).
fn c_string(mem: &GuestMemory<'_>, ptr: u32) -> Result<String, Errno> {
    let bytes = mem.bytes();
    let start = ptr as usize;
    if start >= bytes.len() {
        return Err(Errno::Fault);
    }
    let end = (start + 65536).min(bytes.len());
    let nul = bytes[start..end].iter().position(|&b| b == 0).ok_or(Errno::Fault)?;
    Ok(String::from_utf8_lossy(&bytes[start..start + nul]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for d in [-800_000i64, -1, 0, 1, 11_016, 19_675, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(breakdown(951_782_400).mday, 29);
        assert_eq!(breakdown(0).wday, 4);
    }

    #[test]
    fn iso_weeks() {
        // 1999-01-02 (Saturday) is in 1998's week 53; 1997-12-30 in 1998's week 1.
        let t = breakdown(days_from_civil(1999, 1, 2) * 86400);
        assert_eq!(iso_week(&t), (1998, 53));
        let t = breakdown(days_from_civil(1997, 12, 30) * 86400);
        assert_eq!(iso_week(&t), (1998, 1));
    }

    #[test]
    fn mktime_normalises() {
        let tm = Tm {
            year: 124,
            mon: 1,
            mday: 30,
            hour: 25,
            min: 61,
            ..Tm::default()
        };
        assert_eq!(timegm(&tm), 1_709_344_860);
    }
}
