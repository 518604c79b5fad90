//! Passages the OCR emitted twice on one page.
//!
//! A *passage* here is a reflowed paragraph. Two passages are compared on their comparable
//! characters (Han, letters, digits; see `chars::comparable`), as sets of hashed character
//! 5-grams: so line breaks, widths and punctuation do not matter and a few changed characters
//! cost only the few 5-grams that cover them. The measure is *containment*, |A∩B| / |A|: a
//! fragment of a paragraph is fully contained in it even though their Jaccard similarity is
//! low. A passage is removed when another passage that is kept contains it (≥ 0.8) and is
//! the more complete copy; of two copies as complete, the one that reads better
//! (`reading.rs`: one of them has a character misread), or the earlier in reading order
//! when they read alike: so a passage that occurs once is never removed, and the result
//! depends on the text alone. Short passages right after a removed copy that the kept copy
//! holds past it go with it (the last line of a wrapped copy that opened a sentence).
//!
//! Passages shorter than [`MIN_CHARS`] comparable characters (subheads, short lines) are
//! only removed as exact repeats: a short phrase inside a long paragraph is a quotation as
//! often as it is a duplicate.

use crate::hashing::BuildMix;
use std::collections::HashMap;

use crate::chars::comparable_char;
use crate::reading;

/// Shortest passage compared by containment.
pub(crate) const MIN_CHARS: usize = 12;
/// Containment at or above which a passage is a copy.
pub(crate) const THRESHOLD: f32 = 0.8;
const SHINGLE: usize = 5;

/// Why a passage was removed: the index of the kept copy, the similarity, and the method.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Copy {
    pub kept: usize,
    pub similarity: f32,
    pub method: &'static str,
}

struct Signature {
    chars: usize,
    exact: u64,
    /// Hashes of the passage's 5-grams (or of the whole passage when shorter), unsorted.
    shingles: Vec<u64>,
}

/// A passage's comparable characters with its sentences, read once for both searches (the
/// passages' and the sentences'), which used to decode and filter every paragraph each.
pub(crate) struct Comparable {
    chars: Vec<char>,
    /// Each sentence: its byte range in the text and its characters' range in `chars`. A
    /// sentence runs through a terminal mark and the closing quotes after it.
    sentences: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

pub(crate) fn comparable_sentences(text: &str) -> Comparable {
    let mut chars = Vec::with_capacity(text.len() / 3 + 1);
    let mut sentences = Vec::new();
    let (mut start, mut first_char, mut ended) = (0, 0, false);
    for (i, c) in text.char_indices() {
        if ended && !matches!(c, '”' | '’' | '）' | '」') {
            sentences.push((start..i, first_char..chars.len()));
            (start, first_char, ended) = (i, chars.len(), false);
        }
        if let Some(k) = comparable_char(c) {
            chars.push(k);
        }
        ended |= matches!(c, '。' | '！' | '？');
    }
    if start < text.len() {
        sentences.push((start..text.len(), first_char..chars.len()));
    }
    Comparable { chars, sentences }
}

fn signature(comparable: &Comparable) -> Signature {
    let chars = &comparable.chars;
    let exact = hash_chars(chars);
    let shingles: Vec<u64> = if chars.len() >= SHINGLE {
        shingle_hashes(chars, SHINGLE)
    } else {
        vec![exact]
    };
    Signature {
        chars: chars.len(),
        exact,
        shingles,
    }
}

/// Hashes of every `n`-gram, rolled along the characters (two multiplications a character
/// instead of `n`), then mixed so nearby windows spread over the table.
pub fn shingle_hashes(chars: &[char], n: usize) -> Vec<u64> {
    const BASE: u64 = 0x0000_0100_0000_01B3;
    let base_pow = (1..n).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut out = Vec::with_capacity(chars.len().saturating_sub(n - 1));
    let mut h: u64 = 0;
    for (i, &c) in chars.iter().enumerate() {
        if i >= n {
            h = h.wrapping_sub((chars[i - n] as u64).wrapping_mul(base_pow));
        }
        h = h.wrapping_mul(BASE).wrapping_add(c as u64);
        if i + 1 >= n {
            out.push((h ^ (h >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
    }
    out
}

/// FNV-1a over the characters: stable across runs and platforms, unlike `DefaultHasher`.
fn hash_chars(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in chars {
        h ^= c as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// For each passage, the passages it shares distinct shingles with and how many, and each
/// passage's distinct count. One hash map of shingles: only passages that share a shingle
/// are ever paired, and the counts are kept per pair that shares one, not for every pair
/// of the page (a page of 500 passages would otherwise zero a megabyte to count a few
/// dozen pairs).
fn shared_counts(sigs: &[Signature]) -> (Vec<Vec<(u32, u32)>>, Vec<u32>) {
    thread_local! {
        // One page's table, cleared and kept for the thread's next page: a table of a few
        // thousand entries allocated afresh is memory touched for the first time.
        static SEEN: std::cell::RefCell<HashMap<u32, u32, BuildMix>> =
            std::cell::RefCell::new(HashMap::default());
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        seen.clear();
        count_shared(sigs, &mut seen)
    })
}

/// Passages a shingle pairs with each other at most: a 5-gram printed in more passages
/// than this (a stock table's column, a title line printed a thousand times) is no evidence
/// that two of them are copies, and pairing every passage it holds with every other would
/// cost time quadratic in their number. Exact copies are found by their hash instead.
const MAX_SHARERS: usize = 16;

/// [`shared_counts`] with its table. Shingles are keyed by the top 32 bits of their hash
/// (8-byte entries; two distinct shingles of a page share a key with probability about
/// 2⁻³² per pair, which moves a count by one); a value is the one passage the shingle was
/// seen in, or with [`MANY`] set, the index of the list of passages.
fn count_shared(
    sigs: &[Signature],
    seen: &mut HashMap<u32, u32, BuildMix>,
) -> (Vec<Vec<(u32, u32)>>, Vec<u32>) {
    const MANY: u32 = 1 << 31;
    let n = sigs.len();
    let total: usize = sigs.iter().map(|s| s.shingles.len()).sum();
    seen.reserve(total);
    // The passages of shingles met in several, as linked lists in one vector: (passage,
    // next entry), [`END`] closing a list; no allocation a shingle. A list's length, and
    // the last passage that met it once it is full, are kept at its head's entry in `heads`.
    const END: u32 = u32::MAX;
    let mut members: Vec<(u32, u32)> = Vec::with_capacity(total / 8);
    let mut heads: Vec<(u8, u32)> = Vec::with_capacity(total / 8);
    let mut distinct = vec![0u32; n];
    // For each passage, (other passage, shingles shared).
    let mut neighbours: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    // The earlier passages the current one meets, once per shingle they share; counted by
    // sorting when the passage is done, so sharing with many costs no search of a list.
    let mut met: Vec<u32> = Vec::new();
    for (i, sig) in sigs.iter().enumerate() {
        let i = i as u32;
        met.clear();
        for &h in &sig.shingles {
            match seen.entry((h >> 32) as u32) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                    distinct[i as usize] += 1;
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    let value = *slot.get();
                    if value == i {
                    } else if value & MANY == 0 {
                        met.push(value);
                        distinct[i as usize] += 1;
                        members.push((value, END));
                        heads.push((1, value));
                        members.push((i, members.len() as u32 - 1));
                        heads.push((2, i));
                        *slot.get_mut() = MANY | (members.len() as u32 - 1);
                    } else {
                        let head = value & !MANY;
                        // Passages are added in order, so `i`, if there, is at the head.
                        if members[head as usize].0 == i {
                            continue;
                        }
                        let (length, last) = heads[head as usize];
                        if usize::from(length) >= MAX_SHARERS {
                            if last != i {
                                heads[head as usize].1 = i;
                                distinct[i as usize] += 1;
                            }
                            continue;
                        }
                        distinct[i as usize] += 1;
                        let mut at = head;
                        while at != END {
                            let (p, next) = members[at as usize];
                            met.push(p);
                            at = next;
                        }
                        members.push((i, head));
                        heads.push((length + 1, i));
                        *slot.get_mut() = MANY | (members.len() as u32 - 1);
                    }
                }
            }
        }
        met.sort_unstable();
        for run in met.chunk_by(|x, y| x == y) {
            let (p, count) = (run[0], run.len() as u32);
            neighbours[p as usize].push((i, count));
            neighbours[i as usize].push((p, count));
        }
    }
    (neighbours, distinct)
}

/// A passage to compare; `exact_only` passages (headings) are removed only as exact
/// repeats, since a headline restates its article's first sentence by design.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Passage<'a> {
    pub text: &'a str,
    pub exact_only: bool,
}

/// Passages that share at least a sentence's worth of 5-grams with another passage: the only
/// ones where a repeated sentence can stand, or be repeated.
pub(crate) type Overlapping = Vec<bool>;

/// For each passage, `Some(copy)` when it is a second copy of another passage; and which
/// passages overlap another at all.
#[cfg(test)]
pub(crate) fn find_copies(passages: &[Passage]) -> (Vec<Option<Copy>>, Overlapping) {
    let comparables: Vec<Comparable> = passages
        .iter()
        .map(|p| comparable_sentences(p.text))
        .collect();
    find_copies_in(passages, &comparables)
}

/// [`find_copies`] with each passage's [`comparable_sentences`].
pub(crate) fn find_copies_in(
    passages: &[Passage],
    comparables: &[Comparable],
) -> (Vec<Option<Copy>>, Overlapping) {
    let sigs: Vec<Signature> = comparables.iter().map(signature).collect();
    let n = sigs.len();
    let (neighbours, distinct) = shared_counts(&sigs);
    // The first passage with each text: an exact copy is found by its hash however many
    // passages share its shingles.
    let mut first_exact: HashMap<(u64, usize), u32> = HashMap::with_capacity(n);
    for (i, sig) in sigs.iter().enumerate() {
        first_exact
            .entry((sig.exact, sig.chars))
            .or_insert(i as u32);
    }
    let mut result: Vec<Option<Copy>> = vec![None; n];
    // The passages as the reading model sees them, read the first time two copies equally
    // complete are weighed.
    let mut page: Option<reading::Page> = None;
    // Smallest first, later first among equals: a passage is judged before anything it could
    // be the kept copy of is removed, so removal never leaves text with no copy at all.
    let mut order: Vec<usize> = (0..n).filter(|&i| sigs[i].chars > 0).collect();
    order.sort_by_key(|&i| (sigs[i].chars, std::cmp::Reverse(i)));
    for &i in &order {
        let a = &sigs[i];
        let mut best: Option<Copy> = None;
        let mut candidates = neighbours[i].clone();
        let first = first_exact[&(a.exact, a.chars)];
        if first as usize != i && !candidates.iter().any(|&(j, _)| j == first) {
            candidates.push((first, distinct[i]));
        }
        candidates.sort_unstable();
        for (j, shared) in candidates.into_iter().map(|(j, s)| (j as usize, s)) {
            let b = &sigs[j];
            if result[j].is_some() || b.chars == 0 {
                continue;
            }
            let copy = if a.exact == b.exact && a.chars == b.chars {
                Some(Copy {
                    kept: j,
                    similarity: 1.0,
                    method: "exact",
                })
            } else if a.chars >= MIN_CHARS && !passages[i].exact_only {
                let containment = shared as f32 / distinct[i].max(1) as f32;
                if containment >= THRESHOLD {
                    Some(Copy {
                        kept: j,
                        similarity: containment,
                        method: "containment-5gram",
                    })
                } else if containment >= NEAR_FLOOR
                    && within_edits(&comparables[i].chars, &comparables[j].chars, NEAR_EDITS)
                {
                    // A short passage with a character misread loses five 5-grams of a
                    // few dozen: containment alone misses it, its edits do not.
                    Some(Copy {
                        kept: j,
                        similarity: containment,
                        method: "near-exact",
                    })
                } else {
                    None
                }
            } else {
                None
            };
            let Some(copy) = copy else {
                continue;
            };
            // Within 2% in length the copies are equally complete: the better reading is
            // kept (one of them has a character misread), the earlier when they read alike.
            // (Weighed only once the passages are known to be copies: it reads them.)
            let tie = b.chars.abs_diff(a.chars) <= a.chars.max(b.chars) / 50;
            let can_be_kept = if !tie {
                b.chars > a.chars
            } else if a.exact == b.exact {
                j < i
            } else {
                let page =
                    page.get_or_insert_with(|| reading::Page::new(passages.iter().map(|p| p.text)));
                match page.compare(j, i) {
                    std::cmp::Ordering::Equal => j < i,
                    better => better.is_gt(),
                }
            };
            if !can_be_kept {
                continue;
            }
            if best.as_ref().is_none_or(|b| copy.similarity > b.similarity) {
                best = Some(copy);
            }
        }
        result[i] = best;
    }
    take_rests_of_copies(passages, comparables, &sigs, &mut result);
    let overlapping = (0..n)
        .map(|i| {
            neighbours[i]
                .iter()
                .any(|&(_, shared)| shared as usize > MIN_CHARS - SHINGLE)
        })
        .collect();
    (result, overlapping)
}

/// Characters two passages may differ by (changed, added or left out) and still be copies,
/// whatever their containment: a misread character or two.
const NEAR_EDITS: usize = 2;
/// Containment below which the edits are not counted (passages that share little are not
/// copies, and counting costs their length).
const NEAR_FLOOR: f32 = 0.5;

/// Whether `a` becomes `b` by at most `k` characters changed, added or left out: an edit
/// distance computed only within `k` of the diagonal, so in time linear in their length.
fn within_edits(a: &[char], b: &[char], k: usize) -> bool {
    if a.len().abs_diff(b.len()) > k {
        return false;
    }
    let width = 2 * k + 1;
    // row[d] holds the distance at (i, i + d - k); beyond the band counts as over k.
    let over = k + 1;
    let mut row: Vec<usize> = (0..width)
        .map(|d| if d >= k { d - k } else { over })
        .collect();
    let mut next = vec![over; width];
    for i in 1..=a.len() {
        let mut best = over;
        for d in 0..width {
            let Some(j) = (i + d).checked_sub(k).filter(|&j| j <= b.len()) else {
                next[d] = over;
                continue;
            };
            let mut v = if j == 0 {
                i
            } else {
                // Substitution or match: from (i-1, j-1), the same diagonal; insertion into
                // a: from (i, j-1), the diagonal to the left.
                let changed = row[d] + usize::from(a[i - 1] != b[j - 1]);
                if d > 0 {
                    changed.min(next[d - 1] + 1)
                } else {
                    changed
                }
            };
            // Deletion from a: from (i-1, j), the diagonal to the right.
            if d + 1 < width {
                v = v.min(row[d + 1] + 1);
            }
            next[d] = v.min(over);
            best = best.min(next[d]);
        }
        if best > k {
            return false;
        }
        std::mem::swap(&mut row, &mut next);
    }
    let d = b.len() + k - a.len();
    row.get(d).is_some_and(|&v| v <= k)
}

/// Longest kept copy searched for the rest of a removed one.
const REST_SEARCH_CHARS: usize = 4_000;

/// The rest of a copy: short passages right after a removed copy (the last line of a wrapped
/// paragraph that happened to open a sentence, `游击队已两度展延期限。`), each found word for
/// word in the kept copy past the first half of what the removed copy covers, go with it.
/// Alone they are too short to be compared.
fn take_rests_of_copies(
    passages: &[Passage],
    comparables: &[Comparable],
    sigs: &[Signature],
    result: &mut [Option<Copy>],
) {
    for i in 0..result.len() {
        let Some(kept) = result[i].as_ref().map(|c| c.kept) else {
            continue;
        };
        if sigs[i].chars < MIN_CHARS {
            continue;
        }
        let whole = &comparables[kept].chars;
        // (A paragraph's length at most: a page of thousands of copies after one huge
        // passage must not search it for each.)
        if whole.len() > REST_SEARCH_CHARS {
            continue;
        }
        let mut j = i + 1;
        while j < result.len()
            && result[j].is_none()
            && !passages[j].exact_only
            && (1..MIN_CHARS).contains(&sigs[j].chars)
        {
            let short = comparables[j].chars.as_slice();
            let at = whole.windows(short.len()).position(|w| w == short);
            if at.is_none_or(|at| at < sigs[i].chars / 2) {
                break;
            }
            result[j] = Some(Copy {
                kept,
                similarity: 1.0,
                method: "exact-after-copy",
            });
            j += 1;
        }
    }
}

/// A copy of a paragraph's own beginning glued onto it after a cut sentence: returns the
/// byte offset of the join where the copy starts, when what follows the join is contained
/// (≥ [`THRESHOLD`]) in what precedes it. `joins` are the byte offsets where reflow joined
/// a line to the paragraph.
///
/// The paragraph is hashed once; each 5-gram learns the first place its hash occurs, so a
/// join is tested by counting the 5-grams after it whose first occurrence lies before it.
pub(crate) fn self_copy(text: &str, joins: &[usize]) -> Option<(usize, f32)> {
    // A glued copy restarts the paragraph: the four comparable characters after its join
    // are the paragraph's first four. Checking that costs a few characters a join; most
    // paragraphs have no such join and need no hashing at all.
    let first_four = |s: &str| -> [char; 4] {
        let mut out = ['\0'; 4];
        for (slot, c) in out.iter_mut().zip(s.chars().filter_map(comparable_char)) {
            *slot = c;
        }
        out
    };
    let opening = first_four(text);
    if opening[3] == '\0' || !joins.iter().any(|&j| first_four(&text[j..]) == opening) {
        return None;
    }
    // Comparable characters with the byte offset each came from.
    let mut chars = Vec::with_capacity(text.len() / 3);
    let mut offsets = Vec::with_capacity(text.len() / 3);
    for (at, c) in text.char_indices() {
        if let Some(c) = comparable_char(c) {
            chars.push(c);
            offsets.push(at);
        }
    }
    if chars.len() < 2 * MIN_CHARS {
        return None;
    }
    // Only a join where the text restarts the paragraph or one of its sentences (the first
    // four characters match) can begin a glued copy; most paragraphs have none.
    let starts: Vec<&[char]> = std::iter::once(0)
        .chain(sentence_starts(text, &offsets))
        .filter_map(|k| chars.get(k..k + 4))
        .collect();
    let candidates: Vec<usize> = joins
        .iter()
        .copied()
        .filter(|&join| {
            let k = offsets.partition_point(|&o| o < join);
            chars
                .get(k..k + 4)
                .is_some_and(|head| starts.contains(&head))
        })
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let joins = &candidates;
    let hashes: Vec<u64> = shingle_hashes(&chars, SHINGLE);
    let mut first_at: HashMap<u64, u32, BuildMix> =
        HashMap::with_capacity_and_hasher(hashes.len(), BuildMix::default());
    let first: Vec<u32> = hashes
        .iter()
        .enumerate()
        .map(|(i, h)| *first_at.entry(*h).or_insert(i as u32))
        .collect();
    for &join in joins {
        let k = offsets.partition_point(|&o| o < join);
        let tail = chars.len() - k;
        if tail < MIN_CHARS || k * 5 < tail * 4 || k + SHINGLE > hashes.len() + SHINGLE - 1 {
            continue;
        }
        // A copy starts with text seen before: test the first 5-gram before counting.
        if k >= hashes.len() || first[k] as usize >= k {
            continue;
        }
        let tail_grams = &first[k..];
        let seen = tail_grams.iter().filter(|&&f| (f as usize) < k).count();
        let containment = seen as f32 / tail_grams.len().max(1) as f32;
        if containment >= THRESHOLD {
            return Some((join, containment));
        }
    }
    None
}

/// Indexes into the comparable characters where a sentence starts after the first.
fn sentence_starts<'a>(text: &'a str, offsets: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
    sentence_ranges(text)
        .into_iter()
        .skip(1)
        .map(move |r| offsets.partition_point(|&o| o < r.start))
}

/// A sentence printed again after its first occurrence on the page.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Repeat {
    /// The passage holding the repeat.
    pub passage: usize,
    /// Its byte range in that passage.
    pub range: std::ops::Range<usize>,
    /// The passage holding the first occurrence.
    pub first: usize,
    /// Share of the repeat's 5-grams seen before (1 for a word-for-word repeat).
    pub similarity: f32,
}

/// Sentences repeated after their first occurrence on the page, word for word or with a few
/// characters changed (≥ [`THRESHOLD`] of their 5-grams seen in earlier sentences). This
/// catches what passage comparison cannot: a copy merged into a paragraph with other text,
/// or two paragraphs that overlap by a sentence. Only sentences of at least [`MIN_CHARS`]
/// comparable characters count: short ones repeat legitimately (`他说。`).
#[cfg(test)]
pub(crate) fn repeated_sentences(passages: &[&str], overlapping: &[bool]) -> Vec<Repeat> {
    let comparables: Vec<Comparable> = passages.iter().map(|p| comparable_sentences(p)).collect();
    repeated_sentences_in(passages, &comparables, overlapping)
}

/// [`repeated_sentences`] with each passage's [`comparable_sentences`] (an empty passage is
/// skipped whatever its entry).
pub(crate) fn repeated_sentences_in(
    passages: &[&str],
    comparables: &[Comparable],
    overlapping: &[bool],
) -> Vec<Repeat> {
    // Sized for the page up front: growing them a rehash at a time cost a third of this step.
    let page_chars: usize = passages.iter().map(|p| p.len()).sum::<usize>() / 3;
    let mut exact: HashMap<u64, usize, BuildMix> =
        HashMap::with_capacity_and_hasher(page_chars / 16, BuildMix::default());
    // Only passages that overlap another fill this one: sized when the first does.
    let mut grams: HashMap<u64, usize, BuildMix> = HashMap::default();
    let mut repeats = Vec::new();
    // Each passage's short sentences, to tell whether the kept copy has one too (a search
    // of the kept passage's text would cost its length for every such sentence); gathered
    // the first time a short sentence follows a repeat, which most pages never see.
    let mut short: Option<std::collections::HashSet<(usize, &str)>> = None;
    let short_sentences = || {
        let mut set = std::collections::HashSet::new();
        for (i, (text, comparable)) in passages.iter().zip(comparables).enumerate() {
            for (range, in_chars) in &comparable.sentences {
                if !text.is_empty() && in_chars.len() < MIN_CHARS {
                    set.insert((i, text[range.clone()].trim()));
                }
            }
        }
        set
    };
    for (i, (text, comparable)) in passages.iter().zip(comparables).enumerate() {
        if text.is_empty() {
            continue;
        }
        // The repeat just before, within this passage: a short sentence after it (`她坦言。`
        // after a repeated quotation) goes with it when the kept copy has it too.
        let mut after_repeat: Option<(usize, f32)> = None;
        for (range, in_chars) in comparable.sentences.iter().cloned() {
            let chars = &comparable.chars[in_chars];
            let (hash, len) = (hash_chars(chars), chars.len());
            if len < MIN_CHARS {
                if let Some((first, similarity)) = after_repeat.take() {
                    let short = short.get_or_insert_with(short_sentences);
                    if short.contains(&(first, text[range.clone()].trim())) {
                        repeats.push(Repeat {
                            passage: i,
                            range,
                            first,
                            similarity,
                        });
                    }
                }
                continue;
            }
            after_repeat = None;
            if let Some(&first) = exact.get(&hash) {
                repeats.push(Repeat {
                    passage: i,
                    range,
                    first,
                    similarity: 1.0,
                });
                after_repeat = Some((first, 1.0));
                continue;
            }
            // A sentence with a few characters changed can only repeat one of a passage that
            // shares 5-grams with this one.
            if !overlapping.get(i).copied().unwrap_or(false) {
                exact.insert(hash, i);
                continue;
            }
            let hashes = shingle_hashes(chars, SHINGLE);
            let seen: Vec<usize> = hashes
                .iter()
                .filter_map(|h| grams.get(h).copied())
                .collect();
            let similarity = seen.len() as f32 / hashes.len().max(1) as f32;
            if similarity >= THRESHOLD {
                // The kept copy is where most of the seen 5-grams came from.
                let first = seen.iter().copied().min().unwrap_or(i);
                repeats.push(Repeat {
                    passage: i,
                    range,
                    first,
                    similarity,
                });
                after_repeat = Some((first, similarity));
                continue;
            }
            exact.insert(hash, i);
            if grams.capacity() == 0 {
                grams.reserve(page_chars);
            }
            for h in hashes {
                grams.entry(h).or_insert(i);
            }
        }
    }
    repeats
}

/// Byte ranges of the sentences of `text`: through a terminal mark and its closing quotes.
fn sentence_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '。' | '！' | '？') {
            let mut end = i + c.len_utf8();
            while let Some(&(j, next)) = chars.peek() {
                if matches!(next, '”' | '’' | '）' | '」') {
                    end = j + next.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            ranges.push(start..end);
            start = end;
        }
    }
    if start < text.len() {
        ranges.push(start..text.len());
    }
    ranges
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_pass_sentences_match_sentence_ranges() {
        for text in [
            "",
            "他说。",
            "“好。”他说。然后",
            "甲。”乙！？丙",
            "无标点的句子",
            "A股，19.32亿元。Ｂ段",
        ] {
            let comparable = comparable_sentences(text);
            let ranges: Vec<_> = comparable.sentences.iter().map(|s| s.0.clone()).collect();
            assert_eq!(ranges, sentence_ranges(text), "{text:?}");
            // Each sentence's characters are the comparable characters of its text.
            for (bytes, chars) in &comparable.sentences {
                assert_eq!(
                    comparable.chars[chars.clone()],
                    crate::chars::comparable(&text[bytes.clone()])[..],
                    "{text:?}"
                );
            }
            assert_eq!(comparable.chars, crate::chars::comparable(text));
        }
    }

    #[test]
    fn sentences_repeated_across_overlapping_paragraphs_are_found() {
        let first = "园区规模工业增加值增长百分之八。全口径税收增长百分之十三，其中国家级园区税收增长更快。";
        let second =
            "全口径税收增长百分之十三，其中国家级园区税收增长更快。园区税收占全市比重进一步提高。";
        let short = "他说。今天天气很好。他说。";
        let quoted = "“实现教育公平，提升教育质量的关键在于资源的合理配置。”余伟良指出。";
        let again = "五年来，湖南持续发力。“实现教育公平，提升教育质量的关键在于资源的合理配置。”余伟良指出。";
        let repeats = repeated_sentences(&[quoted, again], &[true, true]);
        assert_eq!(
            repeats.len(),
            2,
            "the quotation and its attribution: {repeats:?}"
        );
        assert_eq!(&again[repeats[1].range.clone()], "余伟良指出。");
        let repeats = repeated_sentences(&[first, second, short], &[true, true, false]);
        assert_eq!(repeats.len(), 1, "{repeats:?}");
        let repeat = &repeats[0];
        assert_eq!((repeat.passage, repeat.first), (1, 0));
        assert!(second[repeat.range.clone()].starts_with("全口径税收"));

        // A copy with one character changed is still a repeat; a sentence on its own is not.
        let changed = "两年多前，唐伏莲的身份还是湘潭高新区社会事务局副局长，同天打交道的是社区纠纷。其后另有一句新的内容在这里。";
        let original =
            "两年多前，唐伏莲的身份还是湘潭高新区社会事务局副局长，每天打交道的是社区纠纷。";
        let repeats = repeated_sentences(&[original, changed], &[true, true]);
        assert_eq!(repeats.len(), 1, "{repeats:?}");
        assert!(repeats[0].similarity > 0.8 && repeats[0].similarity < 1.0);
        assert!(changed[repeats[0].range.clone()].contains("同天"));
    }

    #[test]
    fn a_copy_glued_after_a_cut_sentence_is_found_at_the_join() {
        let head = "本届大赛由省民政厅联合主办，以“崇德精技”为主题。赛事坚持理论与实践并重，既考核专业能力，";
        let text = format!("{head}本届大赛由省民政厅联合主办，以“崇德精技”为主题。赛事坚持理论与实践并重，既考核专业能力，");
        let half = head.char_indices().nth(20).map_or(0, |(i, _)| i);
        let joins = [half, head.len()];
        let (at, similarity) = self_copy(&text, &joins).expect("the glued copy is found");
        assert_eq!(at, head.len());
        let _ = &text[at..];
        assert!(similarity > 0.95);
        assert!(self_copy(head, &[half]).is_none());
    }
    use super::*;

    fn plain<'a>(texts: &[&'a str]) -> Vec<Passage<'a>> {
        texts
            .iter()
            .map(|&text| Passage {
                text,
                exact_only: false,
            })
            .collect()
    }

    #[test]
    fn headings_go_only_as_exact_repeats() {
        let title = Passage {
            text: "湖南省第二届民政行业职业技能大赛开赛",
            exact_only: true,
        };
        let body = Passage {
            text: "今天，湖南省第二届民政行业职业技能大赛在长沙开赛，来自14个市州的选手参赛。",
            exact_only: false,
        };
        assert!(find_copies(&[title, body]).0.iter().all(Option::is_none));
    }

    #[test]
    fn second_copies_go_and_single_passages_stay() {
        let whole = "“湖南真是一个让人安心扎根的地方。”他鼓励此次来湘就业的毕业生，“勇敢去尝试，主动去融入。”";
        let tail = "方。”他鼓励此次来湘就业的毕业生，“勇敢去尝试，主动去融入。”";
        let other = "省民政厅党组书记、厅长李永军表示，下一步将加强供需对接，拓宽就业渠道。";
        let copies = find_copies(&plain(&[tail, other, whole])).0;
        assert_eq!(
            copies[0].as_ref().map(|c| c.kept),
            Some(2),
            "the fragment goes"
        );
        assert!(copies[1].is_none());
        assert!(copies[2].is_none(), "the whole copy stays");
    }

    #[test]
    fn ties_keep_the_first_in_reading_order_despite_small_changes() {
        let first = "去年8月，湘潭高新区湖南昭山投资控股集团有限公司也启动中层竞聘。通过严格筛选，83人脱颖而出。";
        let second = "同年8月，湘潭高新区湖南昭山投资控股集团有限公司也启动中层竞聘。通过严格筛选，83人脱颖而出。";
        let copies = find_copies(&plain(&[first, second])).0;
        assert!(copies[0].is_none());
        let copy = copies[1].as_ref().expect("second copy found");
        assert_eq!(copy.kept, 0);
        assert!(copy.similarity > 0.85 && copy.similarity < 1.0);
    }

    #[test]
    fn a_short_line_after_a_copy_goes_with_it_when_the_kept_copy_has_it() {
        let texts = [
            "塔利班定本地时间傍晚（台湾时间晚间十时三十分）为最后期限，时间一过将开始杀害南韩人质。",
            "游击队已两度展延期限。",
            "阿玛迪说：「我们希望这次会谈能有结果。」",
            "塔利班定本地时间傍晚（台湾时间晚间十时三十分）为最后期限，时间一过将开始杀害南韩人质。游击队已两度展延期限。",
            "游击队已两度展延期限。",
        ];
        let (copies, _) = find_copies(&plain(&texts));
        assert_eq!(copies[0].as_ref().map(|c| c.kept), Some(3));
        assert_eq!(
            copies[1].as_ref().map(|c| c.method),
            Some("exact-after-copy")
        );
        assert!(copies[2].is_none() && copies[3].is_none());
        // A short line after a kept passage is never taken for the rest of a copy.
        assert!(copies[4].as_ref().is_none_or(|c| c.method == "exact"));
    }

    #[test]
    fn edits_are_counted_within_a_band() {
        let c = |s: &str| s.chars().collect::<Vec<char>>();
        let text = c("不过他认为经过美军长期训练后伊拉克部队的训练会获得成果");
        assert!(within_edits(&text, &text, 2));
        assert!(within_edits(
            &text,
            &c("不过他认为经过美军长期训练后伊拉克部队的训有会获得成果"),
            2
        ));
        assert!(within_edits(
            &text,
            &c("不过他认为经过美军长期训练后伊拉克部队的训会获得成果"),
            2
        ));
        assert!(within_edits(
            &text,
            &c("不过他认为经过美军长期训练后伊拉克部队的训练会获得成果了"),
            2
        ));
        assert!(!within_edits(
            &text,
            &c("不过他认为经过美军长期训练后伊拉克部队的成果会获得训练"),
            2
        ));
        assert!(!within_edits(&c("abcdef"), &c("abcxyz"), 2));
        assert!(within_edits(&c("abcdef"), &c("abxdey"), 2));
        assert!(within_edits(&c("ab"), &c(""), 2) && !within_edits(&c("abc"), &c(""), 2));
    }

    #[test]
    fn a_short_passage_with_a_character_misread_is_a_copy() {
        let texts = [
            "不过他认为，经过美军长期训练后，伊拉克部队的训有会获得成果。",
            "昨天发生汽车炸弹攻击事件，造成六十六人死亡、两百多人受伤。",
            "不过他认为，经过美军长期训练后，伊拉克部队的训练会获得成果。",
        ];
        let (copies, _) = find_copies(&plain(&texts));
        let removed: Vec<usize> = (0..3).filter(|&i| copies[i].is_some()).collect();
        assert_eq!(removed.len(), 1, "{copies:?}");
        assert_eq!(
            copies[removed[0]].as_ref().map(|c| c.method),
            Some("near-exact")
        );
        assert!(copies[1].is_none());
    }

    #[test]
    fn exact_copies_of_short_lines_only() {
        let copies = find_copies(&plain(&[
            "好学校",
            "好学校办在百姓家门口的故事很多很多",
            "好学校",
        ]))
        .0;
        assert_eq!(copies[0], None);
        assert!(
            copies[1].is_none(),
            "a short passage never swallows a long one"
        );
        assert_eq!(copies[2].as_ref().map(|c| c.method), Some("exact"));
    }
}
