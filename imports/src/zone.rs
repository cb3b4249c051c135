//! A guest's local time zone, and broken-down time in it.
//!
//! A [`Zone`] wraps a `jiff` time zone read from the host's time-zone
//! database (`/usr/share/zoneinfo`) or from a POSIX TZ string. The import
//! sets ask it what JavaScript's `Date` answers in the glue they follow
//! (Emscripten's `_localtime_js`/`_mktime_js`/`_tzset_js`, Go's
//! `getTimezoneOffset`), so its operations follow those: an instant is
//! `i64` seconds since the Unix epoch, offsets are seconds east of UTC,
//! and every instant must lie within JavaScript's `Date` range
//! ([`DATE_LIMIT`]), outside which the operations answer `None` as the glue
//! answers `NaN`.
//!
//! Where a guest's zone comes from is decided by [`crate::ModuleConfig`]:
//! an explicit [`crate::ModuleConfig::time_zone`], else the guest's own `TZ`
//! variable ([`Zone::parse`]), else the host's zone ([`Zone::system`]);
//! deterministic mode is UTC.

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The largest distance from the epoch, in seconds, that JavaScript's
/// `Date` holds (100,000,000 days); the glue's `Date` is `NaN` past it.
pub const DATE_LIMIT: i64 = 8_640_000_000_000;

/// Seconds in 400 Gregorian years, after which dates, weekdays and a zone's
/// yearly rules repeat.
const CYCLE: i64 = 146_097 * 86_400;

/// What jiff's instants hold, with two days to spare at each end (jiff
/// covers the years -9999 to 9999).
const JIFF_LO: i64 = -377_705_116_800 + 2 * 86_400;
const JIFF_HI: i64 = 253_402_207_200 - 2 * 86_400;

/// Broken-down time as C's `struct tm` holds it: `year` counts from 1900,
/// `mon` from 0, `yday` from 0, `wday` from Sunday = 0; `gmtoff` is
/// seconds east of UTC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Tm {
    pub sec: i32,
    pub min: i32,
    pub hour: i32,
    pub mday: i32,
    pub mon: i32,
    pub year: i32,
    pub wday: i32,
    pub yday: i32,
    pub isdst: i32,
    pub gmtoff: i32,
}

/// A zone's offset at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offset {
    /// Seconds east of UTC.
    pub seconds: i32,
    /// Whether the zone's data calls it daylight saving time.
    pub dst: bool,
    /// Its abbreviation ("EST", "IST", "+0530").
    pub abbreviation: String,
}

/// What `tzset` learns from a zone, the way Emscripten's `_tzset_js` learns
/// it: the offsets at local midnight of January 1 and July 1 of a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TzSet {
    /// The offset on January 1.
    pub winter: Offset,
    /// The offset on July 1.
    pub summer: Offset,
}

impl TzSet {
    /// Whether the zone observes daylight saving time (the two offsets
    /// differ): C's `daylight`.
    pub fn daylight(&self) -> bool {
        self.winter.seconds != self.summer.seconds
    }

    /// Standard time's offset, seconds east: the smaller of the two.
    /// C's `timezone` is its negation (seconds west).
    pub fn standard(&self) -> i32 {
        self.winter.seconds.min(self.summer.seconds)
    }

    /// (standard, daylight) offsets: summer is daylight time unless the
    /// zone is ahead in winter (the southern hemisphere), as the glue
    /// decides which name is `tzname[0]`.
    pub fn standard_and_daylight(&self) -> (&Offset, &Offset) {
        match self.summer.seconds > self.winter.seconds {
            true => (&self.winter, &self.summer),
            false => (&self.summer, &self.winter),
        }
    }
}

/// A guest's time zone. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Zone {
    tz: TimeZone,
    name: String,
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.tz == other.tz
    }
}

impl Zone {
    /// Coordinated Universal Time.
    pub fn utc() -> Zone {
        Zone {
            tz: TimeZone::UTC,
            name: "UTC".into(),
        }
    }

    /// The host's zone, as jiff finds it: the host's `TZ` variable, else
    /// `/etc/localtime`; UTC when neither gives one. Read once per
    /// process: every guest's set-up asks for it, and reading and parsing
    /// the zone file each time cost more than the rest of a WASI set-up
    /// (BENCHMARKS.md); a change of the host's zone while it runs is not
    /// seen.
    pub fn system() -> Zone {
        static SYSTEM: std::sync::OnceLock<Zone> = std::sync::OnceLock::new();
        SYSTEM
            .get_or_init(|| {
                let tz = TimeZone::try_system().unwrap_or(TimeZone::UTC);
                let name = tz.iana_name().unwrap_or("localtime").to_string();
                Zone { tz, name }
            })
            .clone()
    }

    /// The zone a `TZ` value names, as libc reads one: empty is UTC; a
    /// leading `:` is dropped; a zone name ("America/New_York", "EST5EDT",
    /// "UTC", or a path ending in `zoneinfo/<name>`) is looked up in the
    /// host's database, never read as a host path; otherwise a POSIX TZ
    /// string ("EST5EDT,M3.2.0,M11.1.0", "<+0530>-5:30", "UTC0"). A value
    /// that is none of these is UTC, as glibc and musl make an unknown zone
    /// (RATIONALE.md, "Local time").
    pub fn parse(value: &str) -> Zone {
        Zone {
            tz: Self::lookup(value).unwrap_or(TimeZone::UTC),
            name: value.to_string(),
        }
    }

    /// [`Zone::parse`]'s zone, `None` when the value names none.
    fn lookup(value: &str) -> Option<TimeZone> {
        let name = value.strip_prefix(':').unwrap_or(value);
        if name.is_empty() {
            return Some(TimeZone::UTC);
        }
        let name = name.rsplit_once("zoneinfo/").map_or(name, |(_, n)| n);
        let posix = || match value.starts_with(':') {
            true => None,
            false => TimeZone::posix(value).ok(),
        };
        TimeZone::get(name).ok().or_else(posix)
    }

    /// Whether [`Zone::parse`] would find a zone in `value` (rather than
    /// falling back to UTC).
    pub fn is_known(value: &str) -> bool {
        Self::lookup(value).is_some()
    }

    /// The name it was made from: the `TZ` value, the host's zone name, or
    /// "UTC".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The offset at `t` (seconds since the epoch); `None` past
    /// [`DATE_LIMIT`]. Past the years jiff holds (±9999), the zone's rules
    /// are taken to repeat every 400 years.
    pub fn offset(&self, t: i64) -> Option<Offset> {
        if !(-DATE_LIMIT..=DATE_LIMIT).contains(&t) {
            return None;
        }
        let (t, _) = fold(t);
        let ts = Timestamp::from_second(t).ok()?;
        let info = self.tz.to_offset_info(ts);
        Some(Offset {
            seconds: info.offset().seconds(),
            dst: info.dst().is_dst(),
            abbreviation: info.abbreviation().to_string(),
        })
    }

    /// The offset in seconds east at `t`; `None` past [`DATE_LIMIT`].
    pub fn offset_seconds(&self, t: i64) -> Option<i32> {
        self.offset(t).map(|o| o.seconds)
    }

    /// The instant of local time `local` (seconds since the epoch of the
    /// same wall-clock reading in UTC), as JavaScript's `Date` converts
    /// one: a time repeated when clocks go back is the earlier instant,
    /// one skipped when they go forward is read with the offset before
    /// the change (jiff's "compatible" rule). `None` past [`DATE_LIMIT`]
    /// (give or take a day).
    pub fn instant(&self, local: i64) -> Option<i64> {
        if !(-DATE_LIMIT - 86_400..=DATE_LIMIT + 86_400).contains(&local) {
            return None;
        }
        let (folded, shift) = fold(local);
        let dt = jiff::tz::Offset::UTC.to_datetime(Timestamp::from_second(folded).ok()?);
        let ts = self.tz.to_ambiguous_timestamp(dt).compatible().ok()?;
        Some(ts.as_second() + shift)
    }

    /// The offset at local midnight of `month` (1-12) day 1 of `year`, as
    /// `new Date(year, month - 1, 1).getTimezoneOffset()` finds it.
    fn offset_on(&self, year: i64, month: i64) -> Option<Offset> {
        self.offset(self.instant(days_from_civil(year, month, 1) * 86_400)?)
    }

    /// `tzset`'s view of `year` (the glue uses the current year); a year
    /// whose January 1 or July 1 is past [`DATE_LIMIT`] is UTC's.
    pub fn tzset(&self, year: i64) -> TzSet {
        self.year(year).unwrap_or_else(|| {
            let utc = Offset {
                seconds: 0,
                dst: false,
                abbreviation: "UTC".into(),
            };
            TzSet {
                winter: utc.clone(),
                summer: utc,
            }
        })
    }

    /// The offsets on January 1 and July 1 of `year`; `None` where one is
    /// past [`DATE_LIMIT`] (the glue's `NaN`).
    fn year(&self, year: i64) -> Option<TzSet> {
        Some(TzSet {
            winter: self.offset_on(year, 1)?,
            summer: self.offset_on(year, 7)?,
        })
    }

    /// Whether `offset` counts as daylight saving time in local `year`,
    /// as the glue decides it: the zone's January 1 and July 1 offsets
    /// differ and `offset` is the larger (so a zone whose data calls
    /// winter time "DST", or one without a change this year, says no;
    /// so does a year past [`DATE_LIMIT`], whose `NaN`s compare false).
    fn glue_isdst(&self, year: i64, offset: i32) -> bool {
        self.year(year)
            .is_some_and(|set| set.daylight() && offset == set.winter.seconds.max(set.summer.seconds))
    }

    /// `localtime`: the broken-down local time of `t`, with `gmtoff` and
    /// `isdst` as Emscripten's `_localtime_js` (libtime.js) sets them.
    /// `None` past [`DATE_LIMIT`].
    pub fn localtime(&self, t: i64) -> Option<Tm> {
        let off = self.offset_seconds(t)?;
        let mut tm = gmtime(t + i64::from(off))?;
        tm.gmtoff = off;
        tm.isdst = i32::from(self.glue_isdst(1900 + i64::from(tm.year), off));
        Some(tm)
    }

    /// `mktime`: the instant of the local time in `tm`'s fields, which may
    /// be out of range (month 14, day -3: they carry as in `timegm`), with
    /// `tm.isdst` as the hint, as Emscripten's `_mktime_js` (libtime.js)
    /// reads it: negative, the zone decides and the result says which;
    /// 0 or 1, and the zone's offset at the instant is not the one that
    /// hint means (the glue compares with the January 1 and July 1
    /// offsets), the instant moves by the difference, so `02:30, isdst=1`
    /// in a fall-back overlap is the first 02:30 and `isdst=0` in summer
    /// is an hour later. Returns the instant and the normalised local time
    /// of it, whose `isdst` is the hint when one was given and whose
    /// `gmtoff` is the offset. `None` when the instant is past
    /// [`DATE_LIMIT`] (the glue returns -1).
    pub fn mktime(&self, tm: &Tm) -> Option<(i64, Tm)> {
        let mut t = self.instant(timegm(tm))?;
        let guessed = self.offset_seconds(t)?;
        let year = gmtime(t + i64::from(guessed))?.year;
        // No offsets for the year: the glue's NaNs compare false, and a
        // move by a NaN offset is a NaN date.
        let set = self.year(1900 + i64::from(year));
        let dst_offset = set.as_ref().map(|s| s.winter.seconds.max(s.summer.seconds));
        let is_dst = dst_offset == Some(guessed);
        let isdst = match tm.isdst {
            h if h < 0 => i32::from(set.as_ref().is_some_and(TzSet::daylight) && is_dst),
            h => {
                if (h > 0) != is_dst {
                    let set = set.as_ref()?;
                    let wanted = if h > 0 { dst_offset? } else { set.standard() };
                    t += i64::from(guessed - wanted);
                }
                h
            }
        };
        let mut out = self.localtime(t)?;
        out.isdst = isdst;
        Some((t, out))
    }
}

/// Moves `t` by whole 400-year cycles into the years jiff holds: (moved,
/// what was taken off).
fn fold(t: i64) -> (i64, i64) {
    let shift = if t > JIFF_HI {
        (t - JIFF_HI).div_euclid(CYCLE) + 1
    } else if t < JIFF_LO {
        -((JIFF_LO - t).div_euclid(CYCLE) + 1)
    } else {
        0
    };
    (t - shift * CYCLE, shift * CYCLE)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). Exact
/// for any `i32` year.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month 1-12, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
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

/// `gmtime`: the broken-down UTC time of `t` (`isdst` and `gmtoff` 0).
/// `None` when the year does not fit `tm_year` (an `i32` from 1900).
pub fn gmtime(t: i64) -> Option<Tm> {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    Some(Tm {
        sec: (secs % 60) as i32,
        min: (secs / 60 % 60) as i32,
        hour: (secs / 3600) as i32,
        mday: d as i32,
        mon: (m - 1) as i32,
        year: i32::try_from(y - 1900).ok()?,
        wday: (days + 4).rem_euclid(7) as i32,
        yday: (days - days_from_civil(y, 1, 1)) as i32,
        isdst: 0,
        gmtoff: 0,
    })
}

/// `timegm`: seconds since the epoch of `tm`'s fields read as UTC, every
/// field carrying into the next as `mktime` (and JavaScript's `Date`)
/// carry them; `wday`, `yday`, `isdst` and `gmtoff` are ignored. Exact
/// (no overflow) for any `i32` fields.
pub fn timegm(tm: &Tm) -> i64 {
    let mon = i64::from(tm.mon);
    let year = 1900 + i64::from(tm.year) + mon.div_euclid(12);
    let days = days_from_civil(year, mon.rem_euclid(12) + 1, 1) + i64::from(tm.mday) - 1;
    days * 86400 + i64::from(tm.hour) * 3600 + i64::from(tm.min) * 60 + i64::from(tm.sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> Zone {
        Zone::parse("America/New_York")
    }

    #[test]
    fn parses_names_posix_strings_and_falls_back_to_utc() {
        assert_eq!(ny().offset_seconds(1_720_000_000), Some(-4 * 3600));
        assert_eq!(Zone::parse(":America/New_York").offset_seconds(0), Some(-5 * 3600));
        let posix = Zone::parse("EST5EDT,M3.2.0,M11.1.0");
        assert_eq!(posix.offset_seconds(1_720_000_000), Some(-4 * 3600));
        assert_eq!(Zone::parse("<+0530>-5:30").offset_seconds(0), Some(19_800));
        assert_eq!(Zone::parse("UTC").offset_seconds(0), Some(0));
        assert_eq!(
            Zone::parse("/usr/share/zoneinfo/Asia/Tokyo").offset_seconds(0),
            Some(9 * 3600)
        );
        for unknown in [
            "Mars/Olympus_Mons",
            "../../etc/passwd",
            ":EST5EDT,M3.2.0,M11.1.0",
            "\u{0}",
        ] {
            assert!(!Zone::is_known(unknown), "{unknown}");
            assert_eq!(Zone::parse(unknown), Zone::utc());
        }
    }

    #[test]
    fn localtime_on_both_sides_of_a_change() {
        let before = ny().localtime(1_710_053_999).unwrap();
        assert_eq!(
            (before.hour, before.min, before.isdst, before.gmtoff),
            (1, 59, 0, -18_000)
        );
        let after = ny().localtime(1_710_054_000).unwrap();
        assert_eq!((after.hour, after.isdst, after.gmtoff), (3, 1, -14_400));
        assert_eq!(ny().localtime(DATE_LIMIT + 1), None);
        assert!(ny().localtime(-DATE_LIMIT).is_some());
        // Beyond jiff's years, the rules repeat: July of year 200000 is EDT.
        let far = days_from_civil(200_000, 7, 1) * 86_400;
        assert_eq!(ny().offset_seconds(far), Some(-4 * 3600));
    }

    #[test]
    fn mktime_in_the_gap_and_the_overlap() {
        let at = |mon, mday, hour, min, isdst| Tm {
            year: 124,
            mon,
            mday,
            hour,
            min,
            isdst,
            ..Tm::default()
        };
        // 2024-03-10 02:30 does not exist: read with EST, it is 03:30 EDT.
        let (t, tm) = ny().mktime(&at(2, 10, 2, 30, -1)).unwrap();
        assert_eq!((t, tm.hour, tm.isdst), (1_710_055_800, 3, 1));
        // 2024-11-03 01:30 happens twice: the first (EDT) unless isdst=0.
        assert_eq!(ny().mktime(&at(10, 3, 1, 30, -1)).unwrap().0, 1_730_611_800);
        assert_eq!(ny().mktime(&at(10, 3, 1, 30, 1)).unwrap().0, 1_730_611_800);
        assert_eq!(ny().mktime(&at(10, 3, 1, 30, 0)).unwrap().0, 1_730_615_400);
        let huge = Tm {
            year: i32::MAX,
            mday: i32::MIN,
            sec: i32::MAX,
            ..Tm::default()
        };
        assert_eq!(ny().mktime(&huge), None);
    }

    #[test]
    fn tzset_of_north_south_and_no_dst() {
        let set = ny().tzset(2024);
        assert!(set.daylight());
        assert_eq!(set.standard(), -18_000);
        let (std, dst) = set.standard_and_daylight();
        assert_eq!((std.abbreviation.as_str(), dst.abbreviation.as_str()), ("EST", "EDT"));
        let sydney = Zone::parse("Australia/Sydney").tzset(2024);
        assert_eq!(sydney.standard(), 36_000);
        assert_eq!(sydney.standard_and_daylight().0.abbreviation, "AEST");
        assert!(!Zone::parse("Asia/Kolkata").tzset(2024).daylight());
    }

    #[test]
    fn the_config_picks_the_zone() {
        use crate::ModuleConfig;
        let tokyo = || Zone::parse("Asia/Tokyo");
        let zone = |c: ModuleConfig| c.build().unwrap().zone;
        assert_eq!(zone(ModuleConfig::new().env("TZ", "Asia/Tokyo")), tokyo());
        assert_eq!(zone(ModuleConfig::new().env("TZ", "UTC").time_zone(tokyo())), tokyo());
        let det = ModuleConfig::new().env("TZ", "Asia/Tokyo").deterministic(1);
        assert_eq!(zone(det), Zone::utc());
        assert_eq!(zone(ModuleConfig::new().deterministic(1).time_zone(tokyo())), tokyo());
        assert_eq!(zone(ModuleConfig::new()), Zone::system());
    }

    #[test]
    fn civil_round_trip() {
        for d in [-800_000i64, -1, 0, 1, 11_016, 19_675, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(gmtime(951_782_400).unwrap().mday, 29);
        assert_eq!(gmtime(0).unwrap().wday, 4);
        assert_eq!(gmtime(i64::MAX), None);
    }
}
