//! Character normalisation: one pass that makes the page's characters consistent.
//!
//! - ASCII punctuation in *Chinese context* (a Han character or CJK punctuation on either
//!   side) becomes its full-width form: `,` → `，`, `:` → `：`, `(` → `（`, `?` → `？`.
//!   Punctuation between digits or Latin letters (`1,000`, `10:30`, `8.7%`) stays ASCII.
//! - Full-width digits, Latin letters, `％` and `．` become ASCII, so numbers scan alike.
//! - Tabs, ideographic and no-break spaces become one ASCII space; runs of spaces collapse;
//!   lines are trimmed; `\r\n` and lone `\r` become `\n`.
//! - Control and zero-width characters (ZWSP, ZWJ, BOM, soft hyphen) are removed.
//!
//! The result is idempotent: normalising twice changes nothing.

use crate::chars::{is_cjk_punct, is_han};

fn is_chinese_context(c: Option<char>) -> bool {
    c.is_some_and(|c| is_han(c) || is_cjk_punct(c))
}

fn full_width_punct(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{3000}' | '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}'
    )
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
    ) || (c.is_control() && c != '\n')
}

/// Normalises a page's text (see the module docs).
pub fn normalize(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    // First pass: width folding, spaces and invisibles, so the context test below sees the
    // final neighbours.
    let mut folded: Vec<char> = Vec::with_capacity(text.len() / 2);
    for c in text.chars() {
        let c = match c {
            '\r' => '\n',
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFF10 + 0x30).unwrap_or(c)
            }
            '％' => '%',
            c if is_space(c) => ' ',
            c if is_invisible(c) => continue,
            c => c,
        };
        if c == ' ' && matches!(folded.last(), Some(' ' | '\n') | None) {
            continue;
        }
        if c == '\n' && folded.last() == Some(&' ') {
            folded.pop();
        }
        folded.push(c);
    }
    if folded.last() == Some(&' ') {
        folded.pop();
    }
    let mut out = String::with_capacity(text.len());
    for i in 0..folded.len() {
        let c = folded[i];
        let prev = prev_visible(&folded, i);
        let next = next_visible(&folded, i);
        let c = match c {
            '．' if prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit()) =>
            {
                '.'
            }
            c if c.is_ascii_punctuation() => match full_width_punct(c) {
                Some(wide) if is_chinese_context(prev) || is_chinese_context(next) => wide,
                _ => c,
            },
            c => c,
        };
        out.push(c);
    }
    out
}

fn prev_visible(chars: &[char], i: usize) -> Option<char> {
    chars[..i].iter().rev().find(|&&c| c != ' ').copied()
}

fn next_visible(chars: &[char], i: usize) -> Option<char> {
    chars[i + 1..].iter().find(|&&c| c != ' ').copied()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn ascii_punctuation_in_chinese_becomes_full_width() {
        let cases = [
            ("成效明显:省一级", "成效明显：省一级"),
            ("2025年底,湘潭市", "2025年底，湘潭市"),
            ("智能LCV(轻型商用车)项目", "智能LCV（轻型商用车）项目"),
            ("如何确保?", "如何确保？"),
            ("增长8.7%;全口径", "增长8.7%；全口径"),
            ("共1,000人", "共1,000人"),
            ("10:30 at 3.5", "10:30 at 3.5"),
            ("ＬＣＶ１２３％", "LCV123%"),
            ("a\u{200B}b\u{FEFF}", "ab"),
            (
                "  颜石敦\u{3000}\u{3000}蒋睿 \r\n彭婷\t",
                "颜石敦 蒋睿\n彭婷",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "{input:?}");
        }
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        let page = include_str!("../../data/pages/000_5e6263fb01fcad50.txt");
        let once = normalize(page);
        assert_eq!(normalize(&once), once);
    }
}
