//! The features of each character: its neighbours, their classes, and what the lexicon
//! says of the words around it, hashed into a fixed table of weights.
//!
//! A feature is a template number and the characters (or values) it reads, hashed into
//! `bits` bits: no feature dictionary to store or look up, and the model is a flat table
//! indexed by the hash. The features are laid out for the cache: what one character (or
//! pair, or triple) says of each neighbour it is a feature of is one *block* of adjacent
//! rows, so a character's weights for the five positions it is seen from are one read,
//! not five scattered ones.

use crate::lexicon::{Lexicon, Word};

/// Features per character (every template fires once at every position).
pub(crate) const PER_CHAR: usize = 20;
/// The version of the templates below, stored in a model: a model of other features is
/// refused rather than read wrong.
pub(crate) const VERSION: u32 = 2;
/// Rows past the table's end, so that a block starting at its last row stays inside.
pub(crate) const SPILL: usize = 8;

/// A character's class: Han, digit, Latin letter, the middle dot of transliterated names,
/// punctuation or space, other.
#[inline(always)]
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

/// The start row of the block of `template` over `values`: a multiplicative hash, its top
/// `bits` bits.
#[inline(always)]
fn hash<const N: usize>(template: u32, values: [u32; N], bits: u32) -> u32 {
    let mut h = (u64::from(template) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for v in values {
        h = (h ^ u64::from(v)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        h ^= h >> 29;
    }
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as u32
}

/// The values the templates read, per position, kept between texts by the caller: a
/// text's features are computed without allocating once the buffers have grown.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Per position, padded by two on each side: character, class, lexicon tag, surname.
    chars: Vec<u32>,
    classes: Vec<u32>,
    lex: Vec<u32>,
    surnames: Vec<u32>,
    /// Per anchor `j` (−2 … n+1, stored at `j + 2`): the first row of the blocks of the
    /// character, the pair and the triple starting at `j`, and the skip pair (`j`, `j+2`).
    unigram: Vec<u32>,
    bigram: Vec<u32>,
    trigram: Vec<u32>,
    skip: Vec<u32>,
    /// Every position's rows, [`PER_CHAR`] a position (the decoder's second pass).
    pub(crate) all: Vec<u32>,
}

/// Calls `each(i, rows)` for every position `i` of `chars` with its [`PER_CHAR`] feature
/// rows. `lex` is [`lexicon_tags`] of the text.
///
/// What a character (pair, triple) says of each position it is a feature of is a block of
/// adjacent rows starting at the hash of its values: the character at `j` holds five rows,
/// for the positions `j+2` (it is their −2) down to `j−2` (their +2); the pair at `j`
/// four, the triple three. Each block is hashed once and read by the positions around it.
///
/// The templates, seen from a position: the characters at −2…+2; the pairs (−2,−1),
/// (−1,0), (0,+1), (+1,+2) and (−1,+1); the triples (−2,−1,0), (−1,0,+1), (0,+1,+2); the
/// classes at −1…+1; the lexicon tags at −1…+1, at −2 and +2, and at 0 with the
/// character; whether the character is a surname with the next lexicon tag and class;
/// whether the two before are surnames, with the lexicon tag before and the character;
/// and a bias.
#[inline(always)]
pub(crate) fn rows(
    lexicon: &Lexicon,
    chars: &[char],
    lex: &[u32],
    bits: u32,
    scratch: &mut Scratch,
    mut each: impl FnMut(usize, &[u32; PER_CHAR]),
) {
    const EDGE: u32 = 0x11_0000;
    let n = chars.len();
    let s = scratch;
    s.chars.clear();
    s.chars.extend([EDGE + 1, EDGE + 1]);
    s.chars.extend(chars.iter().map(|&c| c as u32));
    s.chars.extend([EDGE, EDGE]);
    s.classes.clear();
    s.classes.extend([0, 0]);
    s.classes.extend(chars.iter().map(|&c| class(c)));
    s.classes.extend([0, 0]);
    s.lex.clear();
    s.lex.extend([0, 0]);
    s.lex.extend_from_slice(&lex[..n]);
    s.lex.extend([0, 0]);
    s.surnames.clear();
    s.surnames.extend([0, 0]);
    s.surnames
        .extend(chars.iter().map(|&c| u32::from(lexicon.is_surname(c))));
    s.surnames.extend([0, 0]);
    // Anchors at padded index p = j + 2; the values past the padding read as the edge.
    let c = &s.chars;
    let at = |p: usize| c.get(p).copied().unwrap_or(EDGE);
    s.unigram.clear();
    s.bigram.clear();
    s.trigram.clear();
    s.skip.clear();
    for (p, &c0) in c.iter().enumerate() {
        let (c1, c2) = (at(p + 1), at(p + 2));
        s.unigram.push(hash(1, [c0], bits));
        s.bigram.push(hash(2, [c0, c1], bits));
        s.trigram.push(hash(3, [c0, c1, c2], bits));
        s.skip.push(hash(4, [c0, c2], bits));
    }
    let bias = hash(0, [], bits);
    let (cl, lx, sn) = (&s.classes, &s.lex, &s.surnames);
    for i in 0..n {
        // Position i at padded index q; anchor j at padded index j + 2.
        let q = i + 2;
        let (u, b, t) = (&s.unigram, &s.bigram, &s.trigram);
        let rows = [
            bias,
            // The character at −2 … +2: anchor q+d, its row 2−d.
            u[q - 2] + 4,
            u[q - 1] + 3,
            u[q] + 2,
            u[q + 1] + 1,
            u[q + 2],
            // The pair starting at −2 … +1: anchor q+d, its row 1−d.
            b[q - 2] + 3,
            b[q - 1] + 2,
            b[q] + 1,
            b[q + 1],
            // The triple starting at −2 … 0: anchor q+d, its row −d.
            t[q - 2] + 2,
            t[q - 1] + 1,
            t[q],
            s.skip[q - 1],
            hash(5, [cl[q - 1], cl[q], cl[q + 1]], bits),
            hash(6, [lx[q - 1], lx[q], lx[q + 1]], bits),
            hash(7, [lx[q], c[q]], bits),
            hash(8, [sn[q], lx[q + 1], cl[q + 1]], bits),
            hash(9, [lx[q - 2], lx[q + 2]], bits),
            hash(10, [sn[q - 1], sn[q - 2], lx[q - 1], c[q]], bits),
        ];
        each(i, &rows);
    }
}

/// The rows of every character of `chars` into `out`, [`PER_CHAR`] a character (what
/// training updates and reads).
pub(crate) fn features(
    lexicon: &Lexicon,
    chars: &[char],
    lex: &[u32],
    bits: u32,
    out: &mut Vec<u32>,
) {
    out.clear();
    out.reserve(chars.len() * PER_CHAR);
    let mut scratch = Scratch::default();
    rows(lexicon, chars, lex, bits, &mut scratch, |_, rows| {
        out.extend_from_slice(rows)
    });
}
