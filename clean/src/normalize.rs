//! Character normalisation: one pass that makes the page's characters consistent.
//!
//! - ASCII punctuation in *Chinese context* (a Han character or CJK punctuation on either
//!   side) becomes its full-width form: `,` → `，`, `:` → `：`, `(` → `（`, `?` → `？`.
//!   Punctuation between digits or Latin letters (`1,000`, `10:30`, `8.7%`) stays ASCII.
//! - Full-width digits, Latin letters, `％` and `．` become ASCII, so numbers scan alike.
//! - Tabs, ideographic and no-break spaces become one ASCII space; runs of spaces collapse;
//!   lines are trimmed; `\r\n` and lone `\r` become `\n`. A line indented by two columns
//!   or more (`　　`, two spaces, a tab: how papers open a paragraph) keeps one ideographic
//!   space, [`INDENT`], as the mark of it: the layout reads it.
//! - Control and zero-width characters (ZWSP, ZWJ, BOM, soft hyphen) are removed.
//!
//! The result is idempotent: normalising twice changes nothing.

use crate::chars::{is_cjk_punct, is_han};

/// The mark a normalised line opens with when the page indented it.
pub(crate) const INDENT: char = '\u{3000}';

/// Columns a space takes at the start of a line: an ideographic space two, a tab four.
fn indent_columns(c: char) -> usize {
    match c {
        '\u{3000}' => 2,
        '\t' => 4,
        _ => 1,
    }
}

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

/// Width folding, spaces and invisibles for one character: `None` drops it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\r' => '\n',
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '％' => '%',
        c if is_space(c) => ' ',
        c if is_invisible(c) => return None,
        c => c,
    })
}

/// The next character after `rest` that is not a space, folded.
fn next_visible(rest: &str) -> Option<char> {
    rest.chars().filter_map(fold).find(|&c| c != ' ')
}

/// Normalises a page's text (see the module docs).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The last character written that is not a space: the left context of punctuation.
    let mut prev_visible: Option<char> = None;
    let mut pending_space = false;
    // The start of the run of such characters under way: copied as one slice when it ends.
    let mut run: Option<usize> = None;
    // Columns of space before the first visible character of the line under way.
    let mut lead = 0usize;
    for (i, raw) in text.char_indices() {
        // Han and CJK punctuation, nearly every character of a page, pass unchanged; so do
        // ASCII letters and digits (what follows would write them as they are).
        if (raw > '\u{3000}' && raw < '\u{FE00}') || raw.is_ascii_alphanumeric() {
            if run.is_none() {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                if lead >= 2 {
                    out.push(INDENT);
                }
                lead = 0;
                run = Some(i);
            }
            prev_visible = Some(raw);
            continue;
        }
        if let Some(start) = run.take() {
            out.push_str(&text[start..i]);
        }
        if raw == '\r' && text[i + 1..].starts_with('\n') {
            continue; // \r\n is one line break
        }
        let Some(c) = fold(raw) else {
            continue;
        };
        if c == ' ' {
            // Written only once something visible follows on the same line; at a line's
            // start, counted as its indent.
            if out.is_empty() || out.ends_with('\n') {
                lead += indent_columns(raw);
            } else {
                pending_space = true;
            }
            continue;
        }
        if c == '\n' {
            pending_space = false;
            lead = 0;
            out.push('\n');
            prev_visible = None;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if lead >= 2 {
            out.push(INDENT);
        }
        lead = 0;
        let rest = &text[i + raw.len_utf8()..];
        let c = match c {
            '．' if prev_visible.is_some_and(|p| p.is_ascii_digit())
                && next_visible(rest).is_some_and(|n| n.is_ascii_digit()) =>
            {
                '.'
            }
            c if c.is_ascii_punctuation() => match full_width_punct(c) {
                Some(wide)
                    if is_chinese_context(prev_visible)
                        || is_chinese_context(next_visible(rest)) =>
                {
                    wide
                }
                _ => c,
            },
            c => c,
        };
        out.push(c);
        prev_visible = Some(c);
    }
    if let Some(start) = run {
        out.push_str(&text[start..]);
    }
    out
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
                "\u{3000}\u{3000}本报讯 记者\n  二段\n 三段",
                "\u{3000}本报讯 记者\n\u{3000}二段\n三段",
            ),
            (
                "  颜石敦\u{3000}\u{3000}蒋睿 \r\n彭婷\t",
                "\u{3000}颜石敦 蒋睿\n彭婷",
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
