//! How numbers and text fields are written: every written quantity lies on the grid of
//! millionths (1e-6), printed in its shortest round-trip form, and every CSV field is quoted by
//! one rule. Every rounding to that grid is here: to the nearest ([`snap`]), up and down
//! ([`ceil_micro`], [`floor_micro`]), and to the nearest with ties down ([`snap_ties_down`]).

/// A distance from a millionth smaller than this (in millionths, so 1e-9 of a unit) is
/// floating-point noise: [`ceil_micro`] and [`floor_micro`] do not round across it.
const MICRO_NOISE: f64 = 1e-3;

/// Rounds to 1e-6 and turns -0 into 0.
pub fn snap(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Rounds up to the next 1e-6, ignoring noise of less than 1e-9 above a millionth.
pub(crate) fn ceil_micro(v: f64) -> f64 {
    (v * 1e6 - MICRO_NOISE).ceil() / 1e6
}

/// Rounds down to 1e-6, ignoring noise of less than 1e-9 below a millionth.
pub(crate) fn floor_micro(v: f64) -> f64 {
    (v * 1e6 + MICRO_NOISE).floor() / 1e6
}

/// [`snap`] of `max(v, 0)`, except that a tie (a remainder of half a millionth, to 1e-12) goes
/// down. The result is within 5e-7 of `v` either way; for a stock, rounding a tie down writes
/// the cheaper number (rounding it up would hold a millionth that is not there).
pub(crate) fn snap_ties_down(v: f64) -> f64 {
    snap(((v.max(0.0) * 1e6 - 1e-6).round()) / 1e6)
}

/// Shortest round-trip form of a snapped number (`3`, not `3.0`).
pub(crate) fn fmt_float(v: f64) -> String {
    let s = format!("{}", snap(v));
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break or starts or ends with
/// whitespace (a reader that trims cells would lose it); quotes inside are doubled.
pub(crate) fn csv_field(s: &str) -> String {
    let needs_quotes =
        s.contains([',', '"', '\n', '\r']) || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace);
    if needs_quotes {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `1234567.891` with `decimals` 2 as `1,234,567.89` (the report's numbers, the examples'
/// tables); `-` when not finite.
pub fn thousands(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "-".to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (k, digit) in whole.chars().enumerate() {
        if k > 0 && (whole.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits_and_keeps_the_sign() {
        assert_eq!(thousands(1234567.891, 2), "1,234,567.89");
        assert_eq!(thousands(-1234.6, 0), "-1,235");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(-0.001, 2), "0.00");
        assert_eq!(thousands(f64::NAN, 2), "-");
    }
}
