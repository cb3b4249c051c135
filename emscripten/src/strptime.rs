//! `strptime(buf, format, tm) -> end`, as the glue's `_strptime`
//! (`src/lib/libtime.js`) parses: the format is matched from the start of
//! `buf`, case-insensitively, white space in the format matching any run
//! of white space (or none), each conversion what the glue's pattern for
//! it accepts. Fields the input does not give keep the `tm`'s own values
//! (clamped to the glue's ranges, years 1970 to 9999); the date is then
//! normalised in the guest's zone (as `new Date(y, m, d, h, mi, s)`), with
//! `tm_wday`/`tm_yday` filled in, `tm_isdst` 0 and `tm_gmtoff` from `%z`.
//! Returns the address after the matched text, or 0 (null) when the input
//! does not match. `%U`/`%W` with `%a` and no `%d` or `%j` give the date
//! of that weekday in that week of the year, as the glue computes it
//! except where it slips (RATIONALE.md, "strptime").

use crate::guest::{c_bytes, c_string, mem_trap};
use crate::time::{read_tm, write_tm, MONTHS, WEEKDAYS};
use crate::{Ctx, EmEnv};
use imports::{with_memory, zone::Tm, Errno, GuestMemory};
use wasmer::RuntimeError;

/// What a match found: the glue's `date` object.
#[derive(Default)]
struct Parsed {
    year: Option<i32>,
    century: Option<i32>,
    year2: Option<i32>,
    mon: Option<i32>,
    mday: Option<i32>,
    yday: Option<i32>,
    /// `%a`: days since Sunday.
    wday: Option<i32>,
    /// `%U` (weeks starting on Sunday), else `%W` (on Monday): the week
    /// and the weekday it starts on.
    week: Option<(i32, i32)>,
    hour: Option<i32>,
    hour12: Option<i32>,
    pm: Option<bool>,
    min: Option<i32>,
    sec: Option<i32>,
    gmtoff: Option<i32>,
}

/// The glue's `EQUIVALENT_MATCHERS`: conversions that stand for others.
fn expand(fmt: &str) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let spec = chars.next().unwrap_or('%');
        out.push_str(match spec {
            'c' => "%a %b %d %H:%M:%S %Y",
            'D' => "%m/%d/%y",
            'F' => "%Y-%m-%d",
            'R' => "%H:%M",
            'r' => "%I:%M:%S %p",
            'T' => "%H:%M:%S",
            'x' => "%m/%d/%y",
            'X' => "%H:%M:%S",
            'e' => "%d",
            'h' | 'B' => "%b",
            'A' => "%a",
            _ => {
                out.push('%');
                out.push(spec);
                continue;
            }
        });
    }
    out
}

/// Up to `max` digits at the start of `s`, as a number in `lo..=hi`.
fn number(s: &[u8], max: usize, lo: i32, hi: i32) -> Option<(i32, usize)> {
    let n = s.iter().take(max).take_while(|b| b.is_ascii_digit()).count();
    let v: i32 = std::str::from_utf8(&s[..n]).ok()?.parse().ok()?;
    (n > 0 && (lo..=hi).contains(&v)).then_some((v, n))
}

/// A name from `names` (its first three letters, or the whole name) at the
/// start of `s`, case-insensitively: its index and length.
fn name(s: &[u8], names: &[&str]) -> Option<(i32, usize)> {
    let starts = |p: &str| s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    names
        .iter()
        .enumerate()
        .find_map(|(i, full)| match (starts(full), starts(&full[..3])) {
            (true, _) => Some((i as i32, full.len())),
            (_, true) => Some((i as i32, 3)),
            _ => None,
        })
}

/// `%z`: `Z`, or `+hh`, `+hhmm`, `+hh:mm`: seconds east.
fn offset(s: &[u8]) -> Option<(i32, usize)> {
    if s.first().is_some_and(|b| b.eq_ignore_ascii_case(&b'z')) {
        return Some((0, 1));
    }
    let sign = match s.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, _) = number(s.get(1..3)?, 2, 0, 99).filter(|&(_, n)| n == 2)?;
    let colon = usize::from(s.get(3) == Some(&b':'));
    match number(s.get(3 + colon..).unwrap_or(&[]), 2, 0, 99) {
        Some((m, 2)) => Some((sign * (h * 3600 + m * 60), 5 + colon)),
        _ => Some((sign * h * 3600, 3)),
    }
}

/// Matches one conversion at the start of `s`; how much it took.
fn conversion(spec: char, s: &[u8], p: &mut Parsed) -> Option<usize> {
    let (v, n) = match spec {
        'a' => name(s, &WEEKDAYS)?,
        'b' => name(s, &MONTHS)?,
        'C' => number(s, 2, 0, 99).filter(|&(_, n)| n == 2)?,
        'd' => number(s, 2, 1, 31)?,
        'H' => number(s, 2, 0, 23)?,
        'I' => number(s, 2, 0, 12)?,
        'j' => number(s, 3, 1, 366)?,
        'm' => number(s, 2, 1, 12)?,
        'M' => number(s, 2, 0, 59)?,
        'S' => number(s, 2, 0, 60)?,
        'U' | 'W' => number(s, 2, 0, 53)?,
        'w' => number(s, 1, 0, 6)?,
        'y' => number(s, 2, 0, 99).filter(|&(_, n)| n == 2)?,
        'Y' => number(s, 4, 0, 9999).filter(|&(_, n)| n == 4)?,
        'z' => offset(s)?,
        'p' => {
            let t = ["AM", "PM", "A.M.", "P.M."]
                .iter()
                .find(|t| s.len() >= t.len() && s[..t.len()].eq_ignore_ascii_case(t.as_bytes()))?;
            (i32::from(t.starts_with('P')), t.len())
        }
        'n' | 't' => return (s.first() == Some(&b' ')).then_some(1),
        '%' => return (s.first() == Some(&b'%')).then_some(1),
        _ => return None,
    };
    let slot = match spec {
        'C' => &mut p.century,
        'd' => &mut p.mday,
        'H' => &mut p.hour,
        'I' => &mut p.hour12,
        'j' => &mut p.yday,
        'm' => &mut p.mon,
        'M' => &mut p.min,
        'S' => &mut p.sec,
        'y' => &mut p.year2,
        'Y' => &mut p.year,
        'z' => &mut p.gmtoff,
        'a' => &mut p.wday,
        'b' => {
            p.mon = Some(v + 1);
            return Some(n);
        }
        // The glue prefers %U when both are given.
        'U' => {
            p.week = Some((v, 0));
            return Some(n);
        }
        'W' => {
            p.week = p.week.filter(|&(_, first)| first == 0).or(Some((v, 1)));
            return Some(n);
        }
        'p' => {
            p.pm = Some(v == 1);
            return Some(n);
        }
        _ => return Some(n),
    };
    *slot = Some(v);
    Some(n)
}

/// Matches `fmt` (expanded) against the start of `s`: the bytes taken.
fn matches(fmt: &str, s: &[u8], p: &mut Parsed) -> Option<usize> {
    let mut at = 0;
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            at += s[at..].iter().take_while(|b| b.is_ascii_whitespace()).count();
        } else if c == '%' {
            at += conversion(chars.next()?, &s[at..], p)?;
        } else {
            let mut buf = [0u8; 4];
            let lit = c.encode_utf8(&mut buf).as_bytes();
            let here = s.get(at..at + lit.len())?;
            if !here.eq_ignore_ascii_case(lit) {
                return None;
            }
            at += lit.len();
        }
    }
    Some(at)
}

/// The broken-down local time `p` describes over the defaults in `tm`.
fn fields(p: &Parsed, tm: &Tm) -> Tm {
    let clamp = |v: i32, lo: i32, hi: i32| v.clamp(lo, hi);
    let year2 = p.year2.map(|y| match p.century {
        Some(c) => y + c * 100,
        None if y < 69 => y + 2000,
        None => y + 1900,
    });
    let year = p
        .year
        .or(year2)
        .unwrap_or_else(|| clamp(tm.year.saturating_add(1900), 1970, 9999));
    let mut hour = p.hour.unwrap_or(clamp(tm.hour, 0, 23));
    if let (None, Some(h)) = (p.hour, p.hour12) {
        hour = h + if p.pm == Some(true) { 12 } else { 0 };
    }
    let (mut mon, mut mday) = (
        p.mon.map_or(clamp(tm.mon, 0, 11), |m| m - 1),
        p.mday.unwrap_or(clamp(tm.mday, 1, 31)),
    );
    let jan1 = imports::zone::days_from_civil(i64::from(year), 1, 1);
    let yday = match (p.mday, p.yday, p.wday, p.week) {
        (Some(_), ..) => None,
        (None, Some(yday), ..) => Some(i64::from(yday) - 1),
        (None, None, Some(wday), Some((week, first))) => Some(week_day(jan1, wday, week, first)),
        _ => None,
    };
    if let Some(yday) = yday {
        let (_, m, d) = imports::zone::civil_from_days(jan1 + yday);
        (mon, mday) = (m as i32 - 1, d as i32);
    }
    Tm {
        sec: p.sec.unwrap_or(clamp(tm.sec, 0, 59)),
        min: p.min.unwrap_or(clamp(tm.min, 0, 59)),
        hour,
        mday,
        mon,
        year: year - 1900,
        isdst: -1,
        ..Tm::default()
    }
}

/// Days from January 1st (day number `jan1`, days since 1970-01-01) to
/// weekday `wday` (days since Sunday) of week `week` of the year, weeks
/// starting on weekday `first` (0 for `%U`, 1 for `%W`) and the days before
/// the first such weekday being week 0, as POSIX defines `%U` and `%W`.
/// Week 0 may reach back into December of the year before.
fn week_day(jan1: i64, wday: i32, week: i32, first: i32) -> i64 {
    // 1970-01-01 was a Thursday.
    let jan1_wday = (jan1 + 4).rem_euclid(7);
    let to_first_week = (7 - (jan1_wday - i64::from(first))).rem_euclid(7);
    to_first_week + 7 * (i64::from(week) - 1) + i64::from(wday - first).rem_euclid(7)
}

/// Parses the string at `buf` with the format at `fmt` over the defaults
/// in the `tm` at `tm`: the normalised result and the bytes matched.
fn parse(env: &EmEnv, mem: &GuestMemory<'_>, buf: u32, fmt: u32, tm: u32) -> Result<Option<(Tm, u32)>, Errno> {
    // The guest's own bytes, so the end returned is within its string.
    let input = c_bytes(mem, buf)?;
    let format = expand(&c_string(mem, fmt)?);
    let mut p = Parsed::default();
    let Some(n) = matches(&format, input, &mut p) else {
        return Ok(None);
    };
    let wanted = fields(&p, &read_tm(mem, tm)?);
    let Some((_, mut out)) = env.host.zone.mktime(&wanted) else {
        return Ok(None);
    };
    out.isdst = 0;
    out.gmtoff = p.gmtoff.unwrap_or(0);
    Ok(Some((out, n as u32)))
}

/// `strptime(buf, format, tm) -> end` (see the module's documentation).
/// Errors: a trap for a string or `tm` outside memory (the glue would
/// throw).
pub fn strptime(mut ctx: Ctx<'_>, buf: u32, format: u32, tm: u32) -> Result<u32, RuntimeError> {
    with_memory(&mut ctx, |env, mem| match parse(env, mem, buf, format, tm)? {
        None => Ok(0),
        Some((out, n)) => {
            write_tm(mem, tm, &out, 0..10)?;
            Ok(buf.saturating_add(n))
        }
    })
    .map_err(mem_trap)
}

#[cfg(test)]
mod tests {
    use super::week_day;
    use imports::zone::{civil_from_days, days_from_civil};

    /// The date of weekday `wday` in week `week` of `year` (`first`: 0 for
    /// `%U`, 1 for `%W`), as (year, month, day).
    fn date(year: i64, wday: i32, week: i32, first: i32) -> (i64, u32, u32) {
        let jan1 = days_from_civil(year, 1, 1);
        let (y, m, d) = civil_from_days(jan1 + week_day(jan1, wday, week, first));
        (y, m as u32, d as u32)
    }

    #[test]
    fn weeks_follow_posix_where_the_glue_agrees() {
        // 2024 begins on a Monday, 2026 on a Thursday (checked with date(1)).
        assert_eq!(date(2024, 3, 10, 0), (2024, 3, 13));
        assert_eq!(date(2024, 1, 1, 1), (2024, 1, 1));
        assert_eq!(date(2026, 5, 1, 1), (2026, 1, 9));
        assert_eq!(date(2026, 5, 0, 0), (2026, 1, 2));
        assert_eq!(date(2026, 0, 53, 0), (2027, 1, 3));
    }

    /// Where the glue slips: week 1 of a year beginning on a Sunday under
    /// `%W` (the glue counts a week too many), and week 0 reaching back
    /// into December (the glue stops at January 1st, a wrong weekday).
    #[test]
    fn weeks_follow_posix_where_the_glue_slips() {
        // 2023 begins on a Sunday: its first Monday is January 2nd.
        assert_eq!(date(2023, 1, 1, 1), (2023, 1, 2));
        assert_eq!(date(2023, 0, 0, 1), (2023, 1, 1));
        // The Sunday of 2026's week 0 under %U is 2025-12-28.
        assert_eq!(date(2026, 0, 0, 0), (2025, 12, 28));
    }
}
