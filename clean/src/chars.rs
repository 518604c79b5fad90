//! Character classes shared by the cleaning steps.
//!
//! "Han" means a CJK ideograph (the unified blocks, their extensions and 〇). "Display width"
//! counts a wide (CJK, full-width) character as 2 and anything else as 1, which is how a
//! printed column measures a line: `16人从` is as wide as five Han characters, not six.
//!
//! The tests of one character are `#[inline]`: they run on every character of a page and
//! are called from other modules.

/// A CJK ideograph: the unified block and its extensions, the compatibility block, and
/// `〇`. The one definition newsprint uses (`clean::is_han`).
#[inline]
pub fn is_han(c: char) -> bool {
    // The unified block first, by one range test: nearly every character of a page is in
    // it, or is ASCII and fails the second test at once.
    let u = c as u32;
    if u.wrapping_sub(0x4E00) <= 0x9FFF - 0x4E00 {
        return true;
    }
    u >= 0x3007
        && matches!(c,
            '\u{3400}'..='\u{4DBF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{3134F}'
            | '〇')
}

/// Punctuation of CJK text: the CJK symbols block, full-width forms, curly quotes, dashes.
#[inline]
pub(crate) fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '\u{2018}'..='\u{201D}'
        | '—' | '…' | '·' | '•')
}

/// Printed width: 2 for wide characters, 1 otherwise. Read off the UTF-8 lead bytes: one-
/// and two-byte characters (ASCII, Latin, Greek, Cyrillic) are narrow, three- and four-byte
/// ones (CJK, full-width forms, CJK punctuation) wide. The few narrow three-byte symbols
/// (€, ™) count as wide, which no column-width estimate notices.
pub(crate) fn display_width(s: &str) -> usize {
    // Characters plus one for each lead byte of a three- or four-byte sequence. The lead
    // bytes are summed as bytes within chunks of 64, which compiles to vector code; a match
    // per byte, or a filtered count, did not (measured: a quarter of the layout step).
    let wide: usize = s
        .as_bytes()
        .chunks(64)
        .map(|chunk| usize::from(chunk.iter().map(|&b| u8::from(b >= 0xE0)).sum::<u8>()))
        .sum();
    s.chars().count() + wide
}

/// Characters that end a sentence.
#[inline]
pub(crate) fn is_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '…' | '!' | '?')
}

/// Characters that may follow a sentence end and still belong to it (closing quotes and
/// brackets).
#[inline]
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '》' | '"' | '\'' | '】'
    )
}

/// Whether the text ends a sentence: a terminal mark, possibly followed by closers, or by a
/// short bracketed note after it (`…落到实处。（记者王立芳）`, `。（完）`): papers close a
/// story with its reporter's name or an end mark in brackets.
pub(crate) fn ends_sentence(s: &str) -> bool {
    let mut chars = s.chars().rev().skip_while(|&c| is_closer(c));
    match chars.next() {
        Some(c) if is_terminal(c) => true,
        _ if s.ends_with(['）', ')']) => ends_with_note_after_sentence(s),
        _ => false,
    }
}

/// Longest bracketed note, in characters, seen as closing the sentence before it.
const NOTE_CHARS: usize = 24;

/// `…。（记者王立芳）`: a bracket group of up to [`NOTE_CHARS`] characters, with no bracket
/// inside, right after a sentence end.
fn ends_with_note_after_sentence(s: &str) -> bool {
    let inner = &s[..s.len() - s.chars().next_back().map_or(0, char::len_utf8)];
    // Only the note's bytes are searched, however long the line.
    let mut from = inner.len().saturating_sub(4 * (NOTE_CHARS + 1));
    while !inner.is_char_boundary(from) {
        from += 1;
    }
    let Some(open) = inner[from..].rfind(['（', '(']).map(|at| from + at) else {
        return false;
    };
    let note = &inner[open..];
    !note.contains(['）', ')'])
        && note.chars().count() <= NOTE_CHARS
        && inner[..open]
            .chars()
            .rev()
            .find(|&c| !is_closer(c))
            .is_some_and(is_terminal)
}

/// Whether quotes and brackets open in the text are closed in it.
pub(crate) fn is_balanced(s: &str) -> bool {
    closes_what_it_opens(s, false)
}

/// [`is_balanced`], and the corner quotes (`「」`, `『』`) opened in the text are closed in it
/// too. (Headlines of some presses close a quote they never opened, so the heading shape
/// asks only [`is_balanced`].)
pub(crate) fn is_balanced_with_corner_quotes(s: &str) -> bool {
    closes_what_it_opens(s, true)
}

/// Each kind of bracket and quote closed after it is opened and as often, in one pass; the
/// corner quotes counted when `corners` asks.
fn closes_what_it_opens(s: &str, corners: bool) -> bool {
    let mut depth = [0i32; 6];
    for c in s.chars() {
        let (slot, delta) = match c {
            '“' => (0, 1),
            '”' => (0, -1),
            '‘' => (1, 1),
            '’' => (1, -1),
            '（' | '(' => (2, 1),
            '）' | ')' => (2, -1),
            '《' => (3, 1),
            '》' => (3, -1),
            '「' if corners => (4, 1),
            '」' if corners => (4, -1),
            '『' if corners => (5, 1),
            '』' if corners => (5, -1),
            _ => continue,
        };
        depth[slot] += delta;
        if depth[slot] < 0 {
            return false;
        }
    }
    depth.iter().all(|&d| d == 0)
}

/// The characters compared when deciding whether two passages are the same text: Han,
/// letters and digits, lower-cased; punctuation, spaces and line breaks drop out.
pub fn comparable(s: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len() / 3 + 1);
    out.extend(s.chars().filter_map(comparable_char));
    out
}

/// One character as [`comparable`] keeps it: Han and ASCII digits as they are, letters
/// lower-cased, everything else dropped. (Letters with a multi-character lower case keep
/// their first character: close enough for comparing passages.)
#[inline]
pub(crate) fn comparable_char(c: char) -> Option<char> {
    // Han and ASCII cover nearly every character; Unicode tables only for the rest.
    if is_han(c) || c.is_ascii_digit() || c.is_ascii_lowercase() {
        Some(c)
    } else if c.is_ascii_uppercase() {
        Some(c.to_ascii_lowercase())
    } else if !c.is_ascii() && !is_cjk_punct(c) && c.is_alphanumeric() {
        c.to_lowercase().next()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends_see_through_closing_quotes() {
        assert!(ends_sentence("行，有效破解产城割裂、布局分散问题。”"));
        assert!(!ends_sentence("既考核专业能力，"));
        assert!(!ends_sentence("高校科研成果从“书架”走向“货架”"));
        assert!(ends_sentence("等工作制度落到实处。（记者王立芳）"));
        assert!(ends_sentence("陷入瘫痪。(完)"));
        assert!(!ends_sentence("塔利班定本地时间傍晚（台湾时间）"));
        assert!(!ends_sentence("落到实处。（记者王立芳）（"));
    }

    #[test]
    fn widths_count_wide_characters_twice() {
        assert_eq!(display_width("16人从"), 6);
        assert_eq!(display_width("湘潭"), 4);
    }

    #[test]
    fn balance_tracks_each_kind_of_quote() {
        assert!(is_balanced("非凡“十四五”·“厅”说答卷"));
        assert!(!is_balanced("“湖南真是一个让人安心扎根的地"));
        assert!(!is_balanced("务专员”助力企业"));
    }
}
