//! JavaScript's number formatting, which the reference bindings' output
//! goes through: `Number.prototype.toString` (shortest round-trip digits),
//! `util.inspect` (the same, but `-0` keeps its sign) and node's
//! `console.time` durations.

use std::fmt::Write;

/// `String(x)` in JavaScript (ECMAScript `Number::toString(x, 10)`): the
/// shortest digits that round-trip, in plain notation for exponents from
/// -7 to 20 and as `1.5e+21` / `1e-7` outside; `NaN`, `Infinity`,
/// `-Infinity`; `-0` prints as `0`.
pub fn js_number(x: f64) -> String {
    let mut s = String::new();
    write_js_number(&mut s, x, false);
    s
}

/// How node's `console.log` (`util.inspect`) prints a number: as
/// [`js_number`], except that `-0` is `-0`.
pub fn inspect_number(x: f64) -> String {
    let mut s = String::new();
    write_js_number(&mut s, x, true);
    s
}

/// Appends `x` formatted as [`js_number`] (or [`inspect_number`] when
/// `signed_zero`) to `out`.
pub fn write_js_number(out: &mut String, x: f64, signed_zero: bool) {
    if x.is_nan() {
        out.push_str("NaN");
        return;
    }
    if x == 0.0 {
        out.push_str(if signed_zero && x.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    if x.is_infinite() {
        out.push_str(if x < 0.0 { "-Infinity" } else { "Infinity" });
        return;
    }
    if x < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` prints the shortest round-trip digits: "d.ddde-7".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().unwrap_or(0) + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = n - 1;
        let _ = write!(out, "e{}{}", if e < 0 { '-' } else { '+' }, e.abs());
    }
}

/// `x.toFixed(3)` for `0 <= x < 1e21`: exact decimal rounding with ties
/// away from zero, as ECMAScript specifies (Rust's `{:.3}` rounds ties to
/// even).
fn to_fixed3(x: f64) -> String {
    let scaled = x * 1000.0;
    let floor = scaled.floor();
    // A tie is exact only when x * 1000 lands on .5 with no rounding.
    let n = if scaled - floor == 0.5 && floor * 2.0 + 1.0 == x * 2000.0 {
        floor + 1.0
    } else {
        return format!("{x:.3}");
    };
    let n = n as u64;
    format!("{}.{:03}", n / 1000, n % 1000)
}

/// A `console.time` duration in milliseconds as node 20 prints it
/// (`formatTime` in node's `lib/internal/util/debuglog.js`): `0.583ms`,
/// `1.500s`, `1:00.300 (m:ss.mmm)`, `1:06:40.457 (h:mm:ss.mmm)`.
pub fn format_duration(ms: f64) -> String {
    const SECOND: f64 = 1000.0;
    const MINUTE: f64 = 60.0 * SECOND;
    const HOUR: f64 = 60.0 * MINUTE;
    let (mut hours, mut minutes, mut seconds) = (0.0, 0.0, 0.0);
    let mut ms = if ms.is_finite() && ms > 0.0 { ms } else { 0.0 };
    if ms >= SECOND {
        if ms >= MINUTE {
            if ms >= HOUR {
                hours = (ms / HOUR).floor();
                ms %= HOUR;
            }
            minutes = (ms / MINUTE).floor();
            ms %= MINUTE;
        }
        seconds = ms / SECOND;
    }
    if hours != 0.0 || minutes != 0.0 {
        let fixed = to_fixed3(seconds);
        let (s, frac) = fixed.split_once('.').unwrap_or((&fixed, "000"));
        let pad = |v: &str| format!("{v:0>2}");
        let lead = if hours != 0.0 {
            format!("{}:{}", hours, pad(&minutes.to_string()))
        } else {
            minutes.to_string()
        };
        let unit = if hours != 0.0 { "h:mm:ss.mmm" } else { "m:ss.mmm" };
        return format!("{lead}:{}.{frac} ({unit})", pad(s));
    }
    if seconds != 0.0 {
        return format!("{}s", to_fixed3(seconds));
    }
    let rounded: f64 = to_fixed3(ms).parse().unwrap_or(0.0);
    format!("{}ms", js_number(rounded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_as_javascript_does() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (1.5, "1.5"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (0.30000000000000004, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789.125, "123456789.125"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (-0.0, "0"),
            (2880067194370816000.0, "2880067194370816000"),
            (0.05000000074505806, "0.05000000074505806"),
        ];
        for (x, want) in cases {
            assert_eq!(js_number(*x), *want, "{x:e}");
        }
        assert_eq!(inspect_number(-0.0), "-0");
    }

    #[test]
    fn durations_format_as_node_does() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0ms"),
            (0.0001, "0ms"),
            (0.5834, "0.583ms"),
            (1.5, "1.5ms"),
            (100.0096, "100.01ms"),
            (999.9999, "1000ms"),
            (1000.0, "1.000s"),
            (1500.04, "1.500s"),
            (59999.9999, "60.000s"),
            (60300.3, "1:00.300 (m:ss.mmm)"),
            (4000457.4, "1:06:40.457 (h:mm:ss.mmm)"),
            (3601310.4, "1:00:01.310 (h:mm:ss.mmm)"),
            (3213601017.6, "892:40:01.018 (h:mm:ss.mmm)"),
            (0.0625, "0.063ms"),
        ];
        for (ms, want) in cases {
            assert_eq!(format_duration(*ms), *want, "{ms}");
        }
    }
}
