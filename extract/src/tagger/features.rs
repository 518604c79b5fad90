//! The features of each character: its neighbours, their classes, and what the lexicon
//! says of the words around it, hashed into a fixed table of weights.
//!
//! A feature is a template number and the characters (or values) it reads, hashed with
//! FNV-1a into `bits` bits: no feature dictionary to store or look up, and the model is a
//! flat table indexed by the hash.

use crate::lexicon::{Lexicon, Word};

/// Features per character (every template fires once at every position).
pub(crate) const PER_CHAR: usize = 20;

/// A character's class: Han, digit, Latin letter, the middle dot of transliterated names,
/// punctuation or space, other.
fn class(c: char) -> u32 {
    match c {
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => 1,
        '0'..='9' | '０'..='９' | '〇' => 2,
        'a'..='z' | 'A'..='Z' | 'ａ'..='ｚ' | 'Ａ'..='Ｚ' => 3,
        '·' | '•' | '・' => 4,
        c if c.is_whitespace() || c.is_ascii_punctuation() => 5,
        '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF0F}' | '\u{2010}'..='\u{206F}' => 5,
        _ => 6,
    }
}

/// What the lexicon says of the character at a position: the kind of lexicon word covering
/// it and where in that word it stands (begin, inside, end, single), or nothing.
pub(crate) fn lexicon_tags(
    len: usize,
    words: impl Iterator<Item = (usize, usize, Word)>,
    tags: &mut Vec<u32>,
) {
    tags.clear();
    tags.resize(len, 0);
    for (start, end, word) in words {
        let kind = match word {
            Word::Place { .. } => 1,
            Word::Head(_) => 2,
            Word::Organization => 3,
            Word::Title => 4,
            Word::Speech => 5,
            Word::NamePart => 6,
            Word::Stop => 7,
        };
        for (k, tag) in tags[start..end].iter_mut().enumerate() {
            let position = match (k, end - start) {
                (_, 1) => 3,
                (0, _) => 0,
                (k, n) if k + 1 == n => 2,
                _ => 1,
            };
            *tag = kind * 4 + position + 1;
        }
    }
}

/// The lexicon's words in `chars`, as [`lexicon_tags`] takes them.
pub(crate) fn words_in<'a>(
    lexicon: &'a Lexicon,
    chars: &'a [char],
) -> impl Iterator<Item = (usize, usize, Word)> + 'a {
    lexicon
        .trie
        .find_iter(chars)
        .map(|(start, end, word)| (start, end, lexicon.words[word as usize]))
}

fn hash(template: u32, values: &[u32], mask: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(template);
    h = h.wrapping_mul(0x0100_0000_01b3);
    for &v in values {
        h ^= u64::from(v);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ((h ^ (h >> 32)) as u32) & mask
}

/// The hashed features of every character of `chars` into `out` ([`PER_CHAR`] a
/// character), for a table of `1 << bits` rows; `lex` is [`lexicon_tags`] of the text.
pub(crate) fn features(
    lexicon: &Lexicon,
    chars: &[char],
    lex: &[u32],
    bits: u32,
    out: &mut Vec<u32>,
) {
    out.clear();
    out.reserve(chars.len() * PER_CHAR);
    let mask = (1u32 << bits) - 1;
    const EDGE: u32 = 0x11_0000;
    let at = |i: isize| -> u32 {
        if i < 0 || i as usize >= chars.len() {
            EDGE + (i < 0) as u32
        } else {
            chars[i as usize] as u32
        }
    };
    let class_at = |i: isize| -> u32 {
        if i < 0 || i as usize >= chars.len() {
            0
        } else {
            class(chars[i as usize])
        }
    };
    let lex_at = |i: isize| -> u32 {
        if i < 0 || i as usize >= chars.len() {
            0
        } else {
            lex[i as usize]
        }
    };
    for i in 0..chars.len() as isize {
        let (p2, p1, c, n1, n2) = (at(i - 2), at(i - 1), at(i), at(i + 1), at(i + 2));
        let surname = |k: isize| -> u32 {
            let j = i + k;
            u32::from(j >= 0 && (j as usize) < chars.len() && lexicon.is_surname(chars[j as usize]))
        };
        out.extend_from_slice(&[
            hash(0, &[], mask),
            hash(1, &[p2], mask),
            hash(2, &[p1], mask),
            hash(3, &[c], mask),
            hash(4, &[n1], mask),
            hash(5, &[n2], mask),
            hash(6, &[p2, p1], mask),
            hash(7, &[p1, c], mask),
            hash(8, &[c, n1], mask),
            hash(9, &[n1, n2], mask),
            hash(10, &[p1, n1], mask),
            hash(11, &[class_at(i - 1), class_at(i), class_at(i + 1)], mask),
            hash(12, &[lex_at(i - 1), lex_at(i), lex_at(i + 1)], mask),
            hash(13, &[lex_at(i), c], mask),
            hash(14, &[surname(0), lex_at(i + 1), class_at(i + 1)], mask),
            hash(15, &[lex_at(i - 2), lex_at(i + 2)], mask),
            hash(16, &[p1, c, n1], mask),
            hash(17, &[p2, p1, c], mask),
            hash(18, &[c, n1, n2], mask),
            hash(19, &[surname(-1), surname(-2), lex_at(i - 1), c], mask),
        ]);
    }
}
