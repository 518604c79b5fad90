//! Numbers as people read them, for `stats` and `report`: digits grouped, large figures in
//! words.

/// `1234567` → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `part` as a percentage of `whole` (0 for an empty whole).
pub fn percent(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

/// A figure as a reader takes it in: digits grouped, at most two decimals, and the large
/// ones in words (`3806000000` → `3.81 billion`).
pub fn readable(value: f64) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    let words = [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")];
    if let Some((scale, word)) = words.iter().find(|(scale, _)| v >= *scale) {
        let short = format!("{:.2}", v / scale);
        let short = short.trim_end_matches('0').trim_end_matches('.');
        return format!("{sign}{short} {word}");
    }
    let rounded = format!("{v:.2}");
    let (whole, fraction) = rounded.split_once('.').unwrap_or((&rounded, ""));
    let fraction = fraction.trim_end_matches('0');
    let whole = grouped(whole.parse().unwrap_or(0));
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_printed_for_people() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(readable(3_806_000_000.0), "3.81 billion");
        assert_eq!(readable(2_000_000.0), "2 million");
        assert_eq!(readable(-45_000.0), "-45,000");
        assert_eq!(readable(13.4), "13.4");
        assert_eq!(readable(0.126), "0.13");
        assert_eq!(readable(12.999), "13");
        assert_eq!(readable(7.0), "7");
        assert_eq!(readable(999_999.999), "1,000,000");
        assert_eq!(percent(1, 4), 25.0);
        assert_eq!(percent(3, 0), 300.0);
    }
}
