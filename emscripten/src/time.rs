//! Clocks, broken-down time and `strftime`, in the guest's time zone
//! (`Host::zone`, see `imports::zone`).
//!
//! Two generations of the glue's time functions: emcc 3.1.6's
//! (`src/library.js`: a 32-bit `time_t` behind a pointer, `_tzset_js`
//! allocating the zone names, `strftime` in JavaScript) and the current
//! one (emcc 3.1.5x to 6.x, `src/lib/libtime.js`: `i64` times, `_tzset_js`
//! writing the names into musl's buffers, `strftime` in musl). Both answer
//! what node's `Date` answers in the guest's zone: `_localtime_js` sets
//! `tm_gmtoff` (whole minutes, as `getTimezoneOffset` gives them) and
//! `tm_isdst` (the offset is the larger of January 1's and July 1's),
//! `_mktime_js` reads `tm_isdst` as the glue does (`imports::zone::Zone::mktime`),
//! and `_tzset_js` reports the offsets of January 1 and July 1 of the
//! current year. Names: the current glue's `UTC-0500`; for 3.1.6, whose
//! glue took ICU's long names from `Date.toTimeString()`, the zone's
//! abbreviations (`EST`), but "Coordinated Universal Time" for a zone
//! always at UTC, as the glue under `TZ=UTC` (RATIONALE.md, "Local time").
//!
//! `struct tm` (44 bytes): `tm_sec` +0, `tm_min` +4, `tm_hour` +8,
//! `tm_mday` +12, `tm_mon` +16, `tm_year` +20, `tm_wday` +24, `tm_yday`
//! +28, `tm_isdst` +32, `tm_gmtoff` +36, `tm_zone` +40 (pointer).

use crate::guest::{c_string, malloc, mem_trap, set_errno};
use crate::Ctx;
use imports::zone::{self, Offset, Tm};
use imports::{with_memory, Errno, GuestMemory};
use std::ops::Range;
use wasmer::RuntimeError;

/// The zone name 3.1.6's `_tzset_js` reports for a zone always at UTC
/// (node's name for UTC).
pub const ZONE_NAME: &str = "Coordinated Universal Time";

/// Bytes the current glue writes per zone name, its NUL included
/// (`TZNAME_MAX + 1` of Emscripten's musl).
const TZNAME_BYTES: usize = 17;

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

/// `emscripten_date_now() -> ms`: wall-clock time in whole milliseconds
/// since the epoch, as `Date.now()` (libcore.js).
pub fn emscripten_date_now(ctx: Ctx<'_>) -> f64 {
    (walltime(&ctx) / 1_000_000) as f64
}

/// `_emscripten_get_now_is_monotonic() -> 1`: `emscripten_get_now` is
/// monotonic here, as `performance.now()` is under node (libcore.js).
pub fn emscripten_get_now_is_monotonic(_ctx: Ctx<'_>) -> i32 {
    1
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

/// The zone's `tzset` view of the current local year (the glue's `new
/// Date().getFullYear()`).
fn tzset_now(ctx: &Ctx<'_>) -> zone::TzSet {
    let zone = &ctx.data().host.zone;
    let now = (walltime(ctx) / 1_000_000_000) as i64;
    let year = zone.localtime(now).map_or(1970, |tm| 1900 + i64::from(tm.year));
    zone.tzset(year)
}

/// `timezone`: standard time's offset in seconds west, from whole minutes.
fn seconds_west(set: &zone::TzSet) -> i32 {
    -(minutes(set.standard()) * 60)
}

/// An offset in whole minutes east, truncated as V8's
/// `getTimezoneOffset()` truncates (a local mean time of -4:56:02 is
/// -296).
fn minutes(offset_seconds: i32) -> i32 {
    offset_seconds / 60
}

/// The current glue's name of an offset: `UTC-0500` for five hours west,
/// `UTC+0530`, `UTC-0000` for UTC (libtime.js `extractZone`).
fn glue_name(offset_seconds: i32) -> String {
    let west = -minutes(offset_seconds);
    let sign = if west >= 0 { '-' } else { '+' };
    let m = west.unsigned_abs();
    format!("UTC{sign}{:02}{:02}", m / 60, m % 60)
}

/// 3.1.6's name of an offset: its abbreviation, or [`ZONE_NAME`] for a
/// zone always at UTC.
fn name_3_1_6(set: &zone::TzSet, o: &Offset) -> String {
    match !set.daylight() && o.seconds == 0 {
        true => ZONE_NAME.to_string(),
        false => o.abbreviation.clone(),
    }
}

/// `_tzset_js(timezone, daylight, std_name, dst_name)` (emcc 3.1.5x to
/// 6.x, libtime.js): `*timezone` = standard time's offset in seconds
/// west, `*daylight` = whether January 1 and July 1 differ, and the two
/// names (`UTC-0500`, `UTC-0400`) written into the guest's buffers, at
/// most 16 bytes and a NUL each. Bad pointers trap.
pub fn tzset_js_names(mut ctx: Ctx<'_>, timezone: u32, daylight: u32, std: u32, dst: u32) -> Result<(), RuntimeError> {
    let set = tzset_now(&ctx);
    let (s, d) = set.standard_and_daylight();
    let (s, d) = (glue_name(s.seconds), glue_name(d.seconds));
    with_memory(&mut ctx, |_, mem| {
        mem.write_u32(timezone, seconds_west(&set) as u32)?;
        mem.write_u32(daylight, u32::from(set.daylight()))?;
        write_name(mem, std, &s)?;
        write_name(mem, dst, &d)
    })
    .map_err(mem_trap)
}

/// Writes `name` as a C string of at most [`TZNAME_BYTES`].
fn write_name(mem: &mut GuestMemory<'_>, at: u32, name: &str) -> Result<(), Errno> {
    let n = name.len().min(TZNAME_BYTES - 1);
    mem.write(at, &name.as_bytes()[..n])?;
    mem.write_u8(at.checked_add(n as u32).ok_or(Errno::Fault)?, 0)
}

/// `_tzset_js(timezone, daylight, tzname)` (emcc 3.1.6): `*timezone` and
/// `*daylight` as the current form, and `tzname[0]`, `tzname[1]` = the
/// standard and daylight names, allocated with the guest's `malloc` once
/// (without one, left null).
pub fn tzset_js(mut ctx: Ctx<'_>, timezone: u32, daylight: u32, tzname: u32) -> Result<(), RuntimeError> {
    if std::mem::replace(&mut ctx.data_mut().state.tz_done, true) {
        return Ok(());
    }
    let set = tzset_now(&ctx);
    let (s, d) = set.standard_and_daylight();
    let (s, d) = (
        c_alloc(&mut ctx, &name_3_1_6(&set, s))?,
        c_alloc(&mut ctx, &name_3_1_6(&set, d))?,
    );
    with_memory(&mut ctx, |_, mem| {
        mem.write_u32(timezone, seconds_west(&set) as u32)?;
        mem.write_u32(daylight, u32::from(set.daylight()))?;
        mem.write_u32(tzname, s)?;
        mem.write_u32(tzname.checked_add(4).ok_or(Errno::Fault)?, d)
    })
    .map_err(mem_trap)
}

/// `text` as a C string in a block from the guest's `malloc`; 0 when the
/// guest exports no `malloc`.
fn c_alloc(ctx: &mut Ctx<'_>, text: &str) -> Result<u32, RuntimeError> {
    if ctx.data().state.guest.as_ref().is_none_or(|g| g.malloc.is_none()) {
        return Ok(0);
    }
    let p = malloc(ctx, text.len() as u32 + 1)?;
    with_memory(ctx, |_, mem| {
        mem.write(p, text.as_bytes())?;
        mem.write_u8(p.checked_add(text.len() as u32).ok_or(Errno::Fault)?, 0)
    })
    .map_err(mem_trap)?;
    Ok(p)
}

/// Every field `write_tm` can write, in `struct tm` order.
const ALL: Range<usize> = 0..10;
/// Those the glue's `_mktime_js` writes (not `tm_gmtoff`).
const BUT_GMTOFF: Range<usize> = 0..9;
/// Those the current glue's `_gmtime_js` writes (libc sets the rest).
const TO_YDAY: Range<usize> = 0..8;
/// `tm_wday` and `tm_yday`, all the current `_timegm_js` writes.
const WDAY_YDAY: Range<usize> = 6..8;

pub(crate) fn read_tm(mem: &GuestMemory<'_>, at: u32) -> Result<Tm, Errno> {
    let b = mem.slice(at, 40)?;
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
    })
}

/// Writes the fields `which` of `tm` (never `tm_zone`: libc sets it).
pub(crate) fn write_tm(mem: &mut GuestMemory<'_>, at: u32, tm: &Tm, which: Range<usize>) -> Result<(), Errno> {
    let b = mem.slice_mut(at, 40)?;
    let fields = [
        tm.sec, tm.min, tm.hour, tm.mday, tm.mon, tm.year, tm.wday, tm.yday, tm.isdst, tm.gmtoff,
    ];
    for i in which {
        b[4 * i..4 * i + 4].copy_from_slice(&fields[i].to_le_bytes());
    }
    Ok(())
}

/// `zone::Zone::localtime` with `tm_gmtoff` in whole minutes, as the glue
/// computes it from `getTimezoneOffset()`.
fn local(ctx: &Ctx<'_>, t: i64) -> Option<Tm> {
    let mut tm = ctx.data().host.zone.localtime(t)?;
    tm.gmtoff = minutes(tm.gmtoff) * 60;
    Some(tm)
}

/// `gmtime` of `t`, `None` where the glue's `Date` is `NaN`. Its `tm_yday`
/// is 0 in a year whose January 1 `Date` cannot hold (the glue's `NaN|0`;
/// only the first year, -271821).
fn utc(t: i64) -> Option<Tm> {
    if !(-zone::DATE_LIMIT..=zone::DATE_LIMIT).contains(&t) {
        return None;
    }
    let mut tm = zone::gmtime(t)?;
    if t - i64::from(tm.yday) * 86_400 - t.rem_euclid(86_400) < -zone::DATE_LIMIT {
        tm.yday = 0;
    }
    Some(tm)
}

/// Reads the 32-bit `time_t` at `time`, breaks it down with `f` and writes
/// every field to `tm` (3.1.6's forms).
fn time_js(ctx: &mut Ctx<'_>, time: u32, tm: u32, f: fn(&Ctx<'_>, i64) -> Option<Tm>) -> Result<(), RuntimeError> {
    let t = with_memory(ctx, |_, mem| mem.read_u32(time)).map_err(mem_trap)? as i32;
    let out = f(ctx, i64::from(t)).unwrap_or_default();
    with_memory(ctx, |_, mem| write_tm(mem, tm, &out, ALL)).map_err(mem_trap)
}

/// `_gmtime_js(time_ptr, tm)` (emcc 3.1.6): the broken-down UTC time of
/// the 32-bit `time_t` at `time_ptr`.
pub fn gmtime_js(mut ctx: Ctx<'_>, time: u32, tm: u32) -> Result<(), RuntimeError> {
    time_js(&mut ctx, time, tm, |_, t| utc(t))
}

/// `_localtime_js(time_ptr, tm)` (emcc 3.1.6): the broken-down local time
/// of the 32-bit `time_t` at `time_ptr`, with `tm_gmtoff` and `tm_isdst`.
pub fn localtime_js(mut ctx: Ctx<'_>, time: u32, tm: u32) -> Result<(), RuntimeError> {
    time_js(&mut ctx, time, tm, local)
}

/// Writes the fields `which` of `f(t)` to `tm`: 0, or 1 (writing nothing)
/// where the glue's `Date` is `NaN` (|t| past `zone::DATE_LIMIT`).
fn time64(
    ctx: &mut Ctx<'_>, t: i64, tm: u32, which: Range<usize>, f: fn(&Ctx<'_>, i64) -> Option<Tm>,
) -> Result<i32, RuntimeError> {
    let Some(out) = f(ctx, t) else {
        return Ok(1);
    };
    with_memory(ctx, |_, mem| write_tm(mem, tm, &out, which)).map_err(mem_trap)?;
    Ok(0)
}

/// `_gmtime_js(time, tm) -> 0 | 1` (emcc 6.x, libtime.js): the UTC
/// `tm_sec`..`tm_yday` of `time` (i64 seconds); 1, writing nothing, past
/// `Date`'s range. Bad `tm`: trap.
pub fn gmtime_js_i64(mut ctx: Ctx<'_>, time: i64, tm: u32) -> Result<i32, RuntimeError> {
    time64(&mut ctx, time, tm, TO_YDAY, |_, t| utc(t))
}

/// `_gmtime_js(time, tm)` (emcc 3.1.5x to 5.x): as the 6.x form, without
/// its result.
pub fn gmtime_js_i64_void(mut ctx: Ctx<'_>, time: i64, tm: u32) -> Result<(), RuntimeError> {
    time64(&mut ctx, time, tm, TO_YDAY, |_, t| utc(t)).map(drop)
}

/// `_localtime_js(time, tm) -> 0 | 1` (emcc 6.x, libtime.js): every field
/// of the local time of `time` (i64 seconds) but `tm_zone`; 1, writing
/// nothing, past `Date`'s range. Bad `tm`: trap.
pub fn localtime_js_i64(mut ctx: Ctx<'_>, time: i64, tm: u32) -> Result<i32, RuntimeError> {
    time64(&mut ctx, time, tm, ALL, local)
}

/// `_localtime_js(time, tm)` (emcc 3.1.5x to 5.x): as the 6.x form,
/// without its result.
pub fn localtime_js_i64_void(mut ctx: Ctx<'_>, time: i64, tm: u32) -> Result<(), RuntimeError> {
    time64(&mut ctx, time, tm, ALL, local).map(drop)
}

/// Reads `tm`, makes the instant of its local fields with the guest's
/// zone, and writes back the normalised fields but `tm_gmtoff`, as the
/// glue's `_mktime_js` does; `None` (`tm` untouched) past `Date`'s range.
fn mk(ctx: &mut Ctx<'_>, tm: u32) -> Result<Option<i64>, RuntimeError> {
    let fields = with_memory(ctx, |_, mem| read_tm(mem, tm)).map_err(mem_trap)?;
    let Some((t, out)) = ctx.data().host.zone.mktime(&fields) else {
        return Ok(None);
    };
    with_memory(ctx, |_, mem| write_tm(mem, tm, &out, BUT_GMTOFF)).map_err(mem_trap)?;
    Ok(Some(t))
}

/// `_mktime_js(tm) -> time` (emcc 3.1.5x to 6.x, libtime.js): the
/// instant (i64 seconds) of the local time in `tm`, whose fields may be
/// out of range and whose `tm_isdst` says which of two readings is meant
/// (`imports::zone::Zone::mktime`); `tm` is normalised in place (not
/// `tm_gmtoff`). -1, `tm` untouched, past `Date`'s range (musl then sets
/// `EOVERFLOW`). Bad `tm`: trap.
pub fn mktime_js_i64(mut ctx: Ctx<'_>, tm: u32) -> Result<i64, RuntimeError> {
    Ok(mk(&mut ctx, tm)?.unwrap_or(-1))
}

/// `_mktime_js(tm) -> time` (emcc 3.1.6): as the current form, the result
/// truncated to 32 bits as the glue's `|0` does; `tm_year` is normalised
/// too (the 3.1.6 glue forgets it).
pub fn mktime_js(mut ctx: Ctx<'_>, tm: u32) -> Result<i32, RuntimeError> {
    Ok(mk(&mut ctx, tm)?.unwrap_or(-1) as i32)
}

/// `_timegm_js(tm) -> time` (emcc 3.1.5x to 6.x, libtime.js): the instant
/// of `tm`'s fields read as UTC (out-of-range ones carry); only `tm_wday`
/// and `tm_yday` are written back, as the glue writes them. -1 past
/// `Date`'s range. Bad `tm`: trap.
pub fn timegm_js_i64(mut ctx: Ctx<'_>, tm: u32) -> Result<i64, RuntimeError> {
    with_memory(&mut ctx, |_, mem| {
        let t = zone::timegm(&read_tm(mem, tm)?);
        let Some(out) = utc(t) else {
            return Ok(-1);
        };
        write_tm(mem, tm, &out, WDAY_YDAY)?;
        Ok(t)
    })
    .map_err(mem_trap)
}

/// `_timegm_js(tm) -> time` (emcc 3.1.6): the instant of `tm`'s fields
/// read as UTC, truncated to 32 bits, `tm` normalised in place.
pub fn timegm_js(mut ctx: Ctx<'_>, tm: u32) -> Result<i32, RuntimeError> {
    with_memory(&mut ctx, |_, mem| {
        let t = zone::timegm(&read_tm(mem, tm)?);
        write_tm(mem, tm, &zone::gmtime(t).unwrap_or_default(), ALL)?;
        Ok(t as i32)
    })
    .map_err(mem_trap)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub(crate) const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
pub(crate) const MONTHS: [&str; 12] = [
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
    let wday = (i64::from(tm.wday) + 6) % 7; // Monday = 0
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
        // i64: the fields are the guest's, any i32.
        'j' => write!(out, "{:03}", i64::from(tm.yday) + 1),
        'm' => write!(out, "{:02}", i64::from(tm.mon) + 1),
        'M' => write!(out, "{:02}", tm.min),
        'n' => writeln!(out),
        'p' => write!(out, "{}", if (0..12).contains(&tm.hour) { "AM" } else { "PM" }),
        'r' => write!(out, "{}", format("%I:%M:%S %p", tm, zone)),
        'R' => write!(out, "{}", format("%H:%M", tm, zone)),
        'S' => write!(out, "{:02}", tm.sec),
        't' => write!(out, "\t"),
        'T' | 'X' => write!(out, "{}", format("%H:%M:%S", tm, zone)),
        'u' => write!(out, "{}", if tm.wday == 0 { 7 } else { tm.wday }),
        'U' => write!(
            out,
            "{:02}",
            (i64::from(tm.yday) + 7 - i64::from(tm.wday)).div_euclid(7)
        ),
        'V' => write!(out, "{:02}", iso_week(tm).1),
        'w' => write!(out, "{}", tm.wday),
        'W' => write!(
            out,
            "{:02}",
            (i64::from(tm.yday) + 7 - (i64::from(tm.wday) + 6) % 7).div_euclid(7)
        ),
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
        let zone_ptr = mem.read_u32(tm.checked_add(40).ok_or(Errno::Fault)?)?;
        let tm = read_tm(mem, tm)?;
        let fmt = c_string(mem, fmt)?;
        let zone = if zone_ptr == 0 {
            String::new()
        } else {
            c_string(mem, zone_ptr)?
        };
        let text = format(&fmt, &tm, &zone);
        if text.len() + 1 > maxsize as usize {
            return Ok(0);
        }
        mem.write(s, text.as_bytes())?;
        mem.write_u8(s.checked_add(text.len() as u32).ok_or(Errno::Fault)?, 0)?;
        Ok(text.len() as u32)
    })
    .map_err(mem_trap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks() {
        // 1999-01-02 (Saturday) is in 1998's week 53; 1997-12-30 in 1998's week 1.
        let t = zone::gmtime(zone::days_from_civil(1999, 1, 2) * 86400).unwrap();
        assert_eq!(iso_week(&t), (1998, 53));
        let t = zone::gmtime(zone::days_from_civil(1997, 12, 30) * 86400).unwrap();
        assert_eq!(iso_week(&t), (1998, 1));
    }

    #[test]
    fn glue_names() {
        assert_eq!(glue_name(-18_000), "UTC-0500");
        assert_eq!(glue_name(19_800), "UTC+0530");
        assert_eq!(glue_name(0), "UTC-0000");
        assert_eq!(glue_name(-17_762), "UTC-0456");
        assert_eq!(minutes(-17_762) * 60, -17_760);
    }
}
