//! Passages the OCR emitted twice on one page.
//!
//! A *passage* here is a reflowed paragraph. Two passages are compared on their comparable
//! characters (Han, letters, digits; see `chars::comparable`), as sets of hashed character
//! 5-grams: so line breaks, widths and punctuation do not matter and a few changed characters
//! cost only the few 5-grams that cover them. The measure is *containment*, |A∩B| / |A|: a
//! fragment of a paragraph is fully contained in it even though their Jaccard similarity is
//! low. A passage is removed when another passage that is kept contains it (≥ 0.8) and is
//! the more complete copy, or as complete and earlier in reading order: so a passage that
//! occurs once is never removed, and the result depends on the text alone.
//!
//! Passages shorter than [`MIN_CHARS`] comparable characters (subheads, short lines) are
//! only removed as exact repeats: a short phrase inside a long paragraph is a quotation as
//! often as it is a duplicate.

use crate::chars::comparable;

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

fn signature(text: &str) -> Signature {
    let chars = comparable(text);
    let exact = hash_chars(&chars);
    let shingles: Vec<u64> = if chars.len() >= SHINGLE {
        chars.windows(SHINGLE).map(hash_chars).collect()
    } else {
        vec![exact]
    };
    Signature {
        chars: chars.len(),
        exact,
        shingles,
    }
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

/// Shared distinct shingles for every pair of passages, and each passage's distinct count, counted from one sorted list of
/// (shingle, passage) entries: only passages that share a shingle are ever compared, so a
/// page costs a sort of its shingles rather than a comparison of every pair.
fn shared_counts(sigs: &[Signature]) -> (Vec<u32>, Vec<u32>) {
    let n = sigs.len();
    let mut entries: Vec<(u64, u32)> = sigs
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.shingles.iter().map(move |&h| (h, i as u32)))
        .collect();
    entries.sort_unstable();
    entries.dedup();
    let mut distinct = vec![0u32; n];
    let mut shared = vec![0u32; n * n];
    let mut run_start = 0;
    while run_start < entries.len() {
        let hash = entries[run_start].0;
        let run_end = entries[run_start..]
            .iter()
            .position(|e| e.0 != hash)
            .map_or(entries.len(), |k| run_start + k);
        let run = &entries[run_start..run_end];
        for (x, a) in run.iter().enumerate() {
            distinct[a.1 as usize] += 1;
            for b in &run[x + 1..] {
                let (a, b) = (a.1 as usize, b.1 as usize);
                shared[a * n + b] += 1;
                shared[b * n + a] += 1;
            }
        }
        run_start = run_end;
    }
    (shared, distinct)
}

/// A passage to compare; `exact_only` passages (headings) are removed only as exact
/// repeats, since a headline restates its article's first sentence by design.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Passage<'a> {
    pub text: &'a str,
    pub exact_only: bool,
}

/// For each passage, `Some(copy)` when it is a second copy of another passage.
pub(crate) fn find_copies(passages: &[Passage]) -> Vec<Option<Copy>> {
    let sigs: Vec<Signature> = passages.iter().map(|p| signature(p.text)).collect();
    let n = sigs.len();
    let (shared, distinct) = shared_counts(&sigs);
    let mut result: Vec<Option<Copy>> = vec![None; n];
    // Smallest first, later first among equals: a passage is judged before anything it could
    // be the kept copy of is removed, so removal never leaves text with no copy at all.
    let mut order: Vec<usize> = (0..n).filter(|&i| sigs[i].chars > 0).collect();
    order.sort_by_key(|&i| (sigs[i].chars, std::cmp::Reverse(i)));
    for &i in &order {
        let a = &sigs[i];
        let mut best: Option<Copy> = None;
        for (j, b) in sigs.iter().enumerate() {
            if j == i || result[j].is_some() || b.chars == 0 || shared[i * n + j] == 0 {
                continue;
            }
            // Within 2% in length the copies are equally complete and the earlier is kept.
            let tie = b.chars.abs_diff(a.chars) <= a.chars.max(b.chars) / 50;
            let can_be_kept = if tie { j < i } else { b.chars > a.chars };
            if !can_be_kept {
                continue;
            }
            let copy = if a.exact == b.exact && a.chars == b.chars {
                Some(Copy {
                    kept: j,
                    similarity: 1.0,
                    method: "exact",
                })
            } else if a.chars >= MIN_CHARS && !passages[i].exact_only {
                let containment = shared[i * n + j] as f32 / distinct[i].max(1) as f32;
                (containment >= THRESHOLD).then_some(Copy {
                    kept: j,
                    similarity: containment,
                    method: "containment-5gram",
                })
            } else {
                None
            };
            if let Some(copy) = copy {
                if best.as_ref().is_none_or(|b| copy.similarity > b.similarity) {
                    best = Some(copy);
                }
            }
        }
        result[i] = best;
    }
    result
}

/// A copy of a paragraph's own beginning glued onto it after a cut sentence: returns the
/// byte offset of the join where the copy starts, when what follows the join is contained
/// (≥ [`THRESHOLD`]) in what precedes it. `joins` are the byte offsets where reflow joined
/// a line to the paragraph.
pub(crate) fn self_copy(text: &str, joins: &[usize]) -> Option<(usize, f32)> {
    for &at in joins {
        let (head, tail) = (&text[..at], &text[at..]);
        let tail_chars = comparable(tail);
        if tail_chars.len() < MIN_CHARS {
            continue;
        }
        let head_chars = comparable(head);
        if head_chars.len() < tail_chars.len() * 4 / 5 {
            continue;
        }
        let head_set: std::collections::HashSet<u64> =
            head_chars.windows(SHINGLE).map(hash_chars).collect();
        let tail_set: std::collections::HashSet<u64> =
            tail_chars.windows(SHINGLE).map(hash_chars).collect();
        let shared = tail_set.iter().filter(|h| head_set.contains(h)).count();
        let containment = shared as f32 / tail_set.len().max(1) as f32;
        if containment >= THRESHOLD {
            return Some((at, containment));
        }
    }
    None
}

/// Sentences repeated word for word after their first occurrence on the page, as
/// `(passage, byte range, passage of the first occurrence)`. This catches what passage
/// comparison cannot: a copy glued onto a paragraph that a column cut left unfinished, or
/// two paragraphs that overlap by a sentence. Only sentences of at least [`MIN_CHARS`]
/// comparable characters count: short ones repeat legitimately (`他说。`).
pub(crate) fn repeated_sentences(passages: &[&str]) -> Vec<(usize, std::ops::Range<usize>, usize)> {
    let mut first_seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut repeats = Vec::new();
    for (i, text) in passages.iter().enumerate() {
        for range in sentence_ranges(text) {
            let chars = comparable(&text[range.clone()]);
            if chars.len() < MIN_CHARS {
                continue;
            }
            match first_seen.entry(hash_chars(&chars)) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    repeats.push((i, range, *e.get()))
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
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
    fn sentences_repeated_across_overlapping_paragraphs_are_found() {
        let first = "园区规模工业增加值增长百分之八。全口径税收增长百分之十三，其中国家级园区税收增长更快。";
        let second =
            "全口径税收增长百分之十三，其中国家级园区税收增长更快。园区税收占全市比重进一步提高。";
        let short = "他说。今天天气很好。他说。";
        let repeats = repeated_sentences(&[first, second, short]);
        assert_eq!(repeats.len(), 1, "{repeats:?}");
        let (passage, range, kept) = &repeats[0];
        assert_eq!((*passage, *kept), (1, 0));
        assert!(second[range.clone()].starts_with("全口径税收"));
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
        assert!(find_copies(&[title, body]).iter().all(Option::is_none));
    }

    #[test]
    fn second_copies_go_and_single_passages_stay() {
        let whole = "“湖南真是一个让人安心扎根的地方。”他鼓励此次来湘就业的毕业生，“勇敢去尝试，主动去融入。”";
        let tail = "方。”他鼓励此次来湘就业的毕业生，“勇敢去尝试，主动去融入。”";
        let other = "省民政厅党组书记、厅长李永军表示，下一步将加强供需对接，拓宽就业渠道。";
        let copies = find_copies(&plain(&[tail, other, whole]));
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
        let copies = find_copies(&plain(&[first, second]));
        assert!(copies[0].is_none());
        let copy = copies[1].as_ref().expect("second copy found");
        assert_eq!(copy.kept, 0);
        assert!(copy.similarity > 0.85 && copy.similarity < 1.0);
    }

    #[test]
    fn exact_copies_of_short_lines_only() {
        let copies = find_copies(&plain(&[
            "好学校",
            "好学校办在百姓家门口的故事很多很多",
            "好学校",
        ]));
        assert_eq!(copies[0], None);
        assert!(
            copies[1].is_none(),
            "a short passage never swallows a long one"
        );
        assert_eq!(copies[2].as_ref().map(|c| c.method), Some("exact"));
    }
}
