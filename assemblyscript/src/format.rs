//! Node's `util.format` for a string followed by numbers: what
//! `console.log(message, ...args)` prints, which is how asc's generated
//! bindings implement `trace` (node `lib/internal/util/inspect.js`,
//! `formatWithOptionsInternal`).

use crate::number::{inspect_number, js_number};

/// `util.format(message, ...args)` for a message (`None`: JavaScript's
/// `null`) and numbers. A string message is a format: `%s`, `%d`, `%i`,
/// `%f`, `%j`, `%o`, `%O` take the next number, `%c` takes one and prints
/// nothing, `%%` is `%`; numbers left over follow, each after a space, as
/// `util.inspect` prints them. Without numbers the message is printed as
/// it is. A `null` message prints `null`, then the numbers.
pub fn console_log(message: Option<&str>, args: &[f64]) -> String {
    let (mut out, rest) = match message {
        Some(m) if args.is_empty() => return m.to_string(),
        Some(m) => placeholders(m, args),
        None => ("null".to_string(), args),
    };
    for &a in rest {
        out.push(' ');
        out.push_str(&inspect_number(a));
    }
    out
}

/// The message with its placeholders filled from `args`, and the numbers
/// no placeholder took.
fn placeholders<'a>(message: &str, args: &'a [f64]) -> (String, &'a [f64]) {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        let Some(&spec) = chars.peek().filter(|_| c == '%') else {
            out.push(c);
            continue;
        };
        if spec == '%' {
            chars.next();
            out.push('%');
            continue;
        }
        match args.get(next).and_then(|&a| placeholder(spec, a)) {
            Some(text) => {
                chars.next();
                next += 1;
                out.push_str(&text);
            }
            None => out.push('%'),
        }
    }
    (out, &args[next.min(args.len())..])
}

/// What placeholder `%spec` prints for the number `a`; `None` when `spec`
/// is not a placeholder (the `%` then prints as it is).
fn placeholder(spec: char, a: f64) -> Option<String> {
    Some(match spec {
        's' | 'd' | 'o' | 'O' => inspect_number(a),
        'i' => inspect_number(parse_int(&js_number(a))),
        'f' => inspect_number(a + 0.0),
        'j' if a.is_finite() => js_number(a),
        'j' => "null".to_string(),
        'c' => String::new(),
        _ => return None,
    })
}

/// JavaScript's `parseInt(s)` for the text of a number: its leading
/// integer digits (`"1.5"` is 1, `"1e+21"` is 1), or NaN without any.
fn parse_int(s: &str) -> f64 {
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, s),
    };
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    match digits[..end].parse::<f64>() {
        Ok(n) => sign * n,
        Err(_) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::console_log;

    #[test]
    fn formats_as_util_format() {
        assert_eq!(console_log(Some("plain"), &[]), "plain");
        assert_eq!(console_log(Some("100%% %d"), &[]), "100%% %d");
        assert_eq!(console_log(Some("n"), &[1.5, -0.0]), "n 1.5 -0");
        assert_eq!(console_log(Some("%d and %s, %%"), &[1.0, 2.5, 3.0]), "1 and 2.5, % 3");
        assert_eq!(
            console_log(Some("%i %f %j %c."), &[1e21, -0.0, f64::NAN, 7.0]),
            "1 0 null ."
        );
        assert_eq!(console_log(Some("%x %d"), &[4.0]), "%x 4");
        assert_eq!(console_log(None, &[1.0]), "null 1");
    }
}
