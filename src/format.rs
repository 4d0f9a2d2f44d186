//! How numbers and text fields are written: every written quantity is snapped to 1e-6, printed
//! in its shortest round-trip form, and every CSV field is quoted by one rule.

/// Rounds to 1e-6 and turns -0 into 0.
pub fn snap(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Shortest round-trip form of a snapped number (`3`, not `3.0`).
pub fn fmt_float(v: f64) -> String {
    let s = format!("{}", snap(v));
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break or starts or ends with
/// whitespace (a reader that trims cells would lose it); quotes inside are doubled.
pub fn csv_field(s: &str) -> String {
    let needs_quotes =
        s.contains([',', '"', '\n', '\r']) || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace);
    if needs_quotes {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
