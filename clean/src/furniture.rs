//! Furniture lines, as one page shows them: which lines could be furniture (short, not
//! prose, not a byline, dateline or photo credit, which have rules of their own), each
//! keyed alone and with the text around it ([`line_keys`], [`view`]); and, given the run's
//! furniture ([`Furniture`], learned by the corpus tier: `corpus::furniture`), which lines
//! [`crate::clean()`] takes out, each as a `removed` row of kind `furniture`.
//!
//! A reprinted article recurs too: its title on every page that prints it, and its wrapped
//! lines are as short as furniture. What tells them apart is the company they keep: each
//! candidate is also keyed together with the text around it, read as running text, line
//! breaks ignored (see [`view`]). A line of a reprint comes with the same sentences in most
//! of its copies, however each copy is wrapped; a page header or an editor line sits beside
//! a different article on every page.
//!
//! Digits count as one digit (`第3版` and `第12版` are one line), so numbered furniture
//! recurs as a whole.

use crate::chars::{comparable_char, ends_sentence};

/// Longest candidate line, in comparable characters: furniture is short.
const MAX_CHARS: usize = 30;

/// FNV-1a over a line's comparable characters, a run of digits counting as one `0`; `None`
/// when it has more than `limit` of them.
fn fold(line: &str, limit: usize) -> Option<(u64, usize)> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut n = 0;
    let mut in_number = false;
    for c in line.chars().filter_map(comparable_char) {
        // Full-width digits and letters as their ASCII forms, as normalising makes them.
        let c = match c {
            '０'..='９' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        let digit = c.is_ascii_digit();
        if digit && in_number {
            continue;
        }
        in_number = digit;
        let c = if digit { '0' } else { c };
        h ^= c as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        n += 1;
        if n > limit {
            return None;
        }
    }
    Some((h, n))
}

/// The key of a normalised line, or `None` when it cannot be furniture.
pub fn line_key(line: &str) -> Option<u64> {
    shape_key(line).filter(|_| !has_own_rules(line))
}

/// The key of a line short enough and not prose, before the rules of [`has_own_rules`].
fn shape_key(line: &str) -> Option<u64> {
    let line = line.trim();
    if line.is_empty() || ends_sentence(line) {
        return None;
    }
    let (h, n) = fold(line, MAX_CHARS)?;
    (n >= 2).then_some(h)
}

/// Bylines, datelines and credits recur too (a reporter's name on every page they write),
/// but are read by their own rules.
fn has_own_rules(line: &str) -> bool {
    let line = line.trim();
    crate::byline::parse_byline(line).is_some()
        || crate::byline::split_dateline(line).is_some()
        || crate::layout::is_credit(line)
}

/// Sentences after a line that it is keyed with (see [`view`]).
pub const SENTENCES_AFTER: usize = 8;
/// Sentences before a line that it is keyed with: one, the sentence that ends right before
/// it (a line at a page's foot sits after the different closing sentences of different
/// articles, however alike the pages above them).
pub const SENTENCES_BEFORE: usize = 1;

/// A page line as the furniture search sees it.
#[derive(Clone, Copy, Debug, Default)]
pub struct LineView {
    /// Its key, when it is a candidate.
    pub key: Option<u64>,
    /// The candidate keyed together with each sentence around it (see [`view`]):
    /// [`SENTENCES_BEFORE`] before it, then up to [`SENTENCES_AFTER`] after it.
    pub around: [Option<u64>; SENTENCES_BEFORE + SENTENCES_AFTER],
}

fn with_neighbour(key: u64, neighbour: u64) -> u64 {
    let mut z = key ^ neighbour.rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^ (z >> 31)
}

/// Comparable characters of a sentence that key it: its first [`CONTEXT`], and none when
/// it is shorter than [`MIN_CONTEXT`] (too short to tell one article from another).
const CONTEXT: usize = 32;
const MIN_CONTEXT: usize = 6;

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';')
}

/// A sentence's hash, built a character at a time: its first [`CONTEXT`] characters, when
/// it has at least [`MIN_CONTEXT`].
struct SentenceHasher {
    h: u64,
    len: usize,
}

impl SentenceHasher {
    fn new() -> Self {
        SentenceHasher {
            h: 0x9E37_79B9_7F4A_7C15,
            len: 0,
        }
    }

    fn push(&mut self, c: char) {
        if self.len < CONTEXT {
            self.h = (self.h ^ c as u64).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
            self.h ^= self.h >> 29;
        }
        self.len += 1;
    }

    fn finish(&self) -> Option<u64> {
        (self.len >= MIN_CONTEXT).then_some(self.h)
    }
}

/// Every line of a normalised page (`str::lines`), with its keys.
///
/// A candidate line is keyed alone and with each of the sentences around it, read as
/// running text: the page's comparable characters, line breaks and spaces ignored, so that
/// the same article wrapped at another width gives the same sentences. After a line: the
/// [`SENTENCES_AFTER`] sentences that follow the first sentence end after it (what runs on
/// from the line up to that end is the line's own sentence, or a byline and the first
/// sentence run together); before it, the sentence that ends at the last sentence end
/// before it.
///
/// The sentences are a set, not a sequence: a reprinted article's title, or a line wrapped
/// from it, sits beside the same sentences of its article in every copy, whatever kicker,
/// byline, doubled passage or stray fragment a copy prints between them, so one of the
/// pairs recurs with the line. A page header, a section name or an editor line sits beside
/// a different article on every page, and a block of several furniture lines holds no
/// sentence end, so each line of it looks past the others.
pub fn view(normalized: &str) -> Vec<LineView> {
    view_where(normalized, &|_| true)
}

/// [`view`] of the lines whose key `wanted` keeps; the others are viewed as no candidate.
/// Cleaning asks only of the keys its furniture counted often enough, so that most lines
/// of a page cost a hash and no more.
pub fn view_where(normalized: &str, wanted: &dyn Fn(u64) -> bool) -> Vec<LineView> {
    let lines: Vec<&str> = normalized.lines().collect();
    let keys: Vec<Option<u64>> = lines
        .iter()
        .map(|l| shape_key(l).filter(|&k| wanted(k) && !has_own_rules(l)))
        .collect();
    if keys.iter().all(Option::is_none) {
        // No candidate (a page of prose, a JSON Lines record): no context to read.
        return vec![LineView::default(); lines.len()];
    }
    // The page as running text (comparable characters, a run of digits as one `0`, as in
    // the keys: a copy with other figures keeps its context), read once: each sentence's
    // last character and its hash, and where each line's characters start. Nothing is kept
    // a character.
    let mut sentences: Vec<(usize, Option<u64>)> = Vec::new();
    let mut starts = Vec::with_capacity(lines.len() + 1);
    let mut count = 0usize;
    let mut last: Option<char> = None;
    let mut sentence = SentenceHasher::new();
    for line in &lines {
        starts.push(count);
        for c in line.chars() {
            if is_sentence_end(c) {
                // Marks in a row (`。”`, `？！`) end one sentence, at the character before.
                if count > 0 && sentences.last().is_none_or(|&(end, _)| end + 1 < count) {
                    sentences.push((count - 1, sentence.finish()));
                    sentence = SentenceHasher::new();
                }
            } else if let Some(c) = comparable_char(c) {
                let digit = c.is_ascii_digit() || ('０'..='９').contains(&c);
                if digit && last == Some('0') {
                    continue;
                }
                let c = if digit { '0' } else { c };
                last = Some(c);
                sentence.push(c);
                count += 1;
            }
        }
    }
    starts.push(count);
    keys.iter()
        .enumerate()
        .map(|(i, &key)| {
            let Some(key) = key else {
                return LineView::default();
            };
            let (start, end) = (starts[i], starts[i + 1]);
            let mut around = [None; SENTENCES_BEFORE + SENTENCES_AFTER];
            // After: the sentences past the first sentence end at or after the line's end.
            let first = sentences.partition_point(|&(e, _)| e < end) + 1;
            for (slot, &(_, h)) in sentences[first.min(sentences.len())..]
                .iter()
                .take(SENTENCES_AFTER)
                .enumerate()
            {
                around[SENTENCES_BEFORE + slot] = h.map(|h| with_neighbour(key, h));
            }
            // Before: the sentences up to the last sentence end before the line.
            let last = sentences.partition_point(|&(e, _)| e < start);
            for (slot, &(_, h)) in sentences[last.saturating_sub(SENTENCES_BEFORE)..last]
                .iter()
                .rev()
                .enumerate()
            {
                around[slot] = h.map(|h| with_neighbour(key, h));
            }
            LineView {
                key: Some(key),
                around,
            }
        })
        .collect()
}

/// The distinct keys a page contributes to the count, sorted: its candidate lines, and each
/// with its neighbours. Read from the text as decoded, not normalised: keys fold width and
/// punctuation away themselves, and where the two readings could still differ (a byline
/// spaced with ideographic spaces) the line is only ever left in, never taken out.
pub fn line_keys(text: &str) -> Vec<u64> {
    let mut keys: Vec<u64> = view(text)
        .into_iter()
        .flat_map(|v| std::iter::once(v.key).chain(v.around))
        .flatten()
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The run's furniture as the cleaner asks it (the corpus tier learns it:
/// `corpus::furniture::FurnitureSet`).
pub trait Furniture: std::fmt::Debug + Send + Sync {
    /// On how many pages the line was counted, when it is furniture.
    fn pages(&self, line: &LineView) -> Option<u32>;

    /// Whether a line of this key could be furniture: [`Furniture::pages`] is `None` for
    /// any line whose key this refuses, whatever its context.
    fn may_be(&self, key: u64) -> bool;
    /// Whether no line is furniture.
    fn is_empty(&self) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_short_lines_that_are_not_prose_bylines_or_credits() {
        assert!(line_key("责任编辑 王晓明").is_some());
        assert!(line_key("第3版").is_some());
        assert_eq!(line_key("第3版"), line_key("第12版"));
        assert_eq!(
            line_key("2026年1月9日 星期五"),
            line_key("2026年11月20日 星期五")
        );
        assert_eq!(line_key("要闻·湖南日报"), line_key("要闻 湖南日报"));
        assert!(line_key("改革后园区机构精简三成以上。").is_none(), "prose");
        assert!(
            line_key("湖南日报全媒体记者 颜石敦 蒋睿 彭婷").is_none(),
            "byline"
        );
        assert!(line_key("通讯员 摄").is_none(), "credit");
        assert!(line_key("3").is_none(), "too short to tell");
        assert!(
            line_key("这一高压线线路改迁任务是刘智渊去年七月通过公开竞聘走上副部长岗位后啃下的第一块硬骨头").is_none(),
            "too long"
        );
    }

    #[test]
    fn a_reprint_keeps_its_context_however_it_is_wrapped_and_a_header_does_not() {
        let body = "园区管委会剥离社会事务职能，由属地政府承担。改革后园区机构精简三成以上，\
                    干部把精力集中到招商引资和项目建设上来。今年前三季度园区新签约项目四十二个。";
        let wrapped = |width: usize| -> String {
            let chars: Vec<char> = body.chars().collect();
            chars
                .chunks(width)
                .map(|l| l.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let page = |width: usize, other: &str| {
            format!(
                "湖南日报 要闻\n\n园区去行政化\n\n{}\n\n{other}\n",
                wrapped(width)
            )
        };
        let title_of = |text: &str| -> LineView {
            let lines: Vec<&str> = text.lines().collect();
            let i = lines
                .iter()
                .position(|l| *l == "园区去行政化")
                .expect("title");
            view(text)[i]
        };
        let header_of = |text: &str| view(text)[0];
        let (a, b) = (
            page(
                14,
                "另一篇文章的第一句话在这里。它的第二句话也不一样，说的是别的事情。",
            ),
            page(
                23,
                "第三篇文章讲的是教育。学校的老师们今年都很忙，学生也多了起来。",
            ),
        );
        // The title: the same sentences after it in both copies, whatever the width.
        let (ta, tb) = (title_of(&a), title_of(&b));
        assert!(ta.key.is_some() && ta.key == tb.key);
        let after = |v: &LineView| -> Vec<u64> {
            v.around[SENTENCES_BEFORE..]
                .iter()
                .flatten()
                .copied()
                .collect()
        };
        let (aa, ab) = (after(&ta), after(&tb));
        assert!(aa.iter().any(|k| ab.contains(k)), "{aa:?} {ab:?}");
        // The header sits before the same article in both, so it keys the same too; beside
        // other articles it would not. Its context is that of what follows, not its own.
        let other = format!(
            "湖南日报 要闻\n\n别的标题\n\n{}\n",
            "完全不同的内容写在这里。第二句话同样不一样，讲的是天气和交通的情况。"
        );
        assert_eq!(header_of(&a).key, header_of(&other).key);
        let (ha, hother) = (after(&header_of(&a)), after(&header_of(&other)));
        assert!(ha.iter().all(|k| !hother.contains(k)));
    }

    #[test]
    fn a_reprint_under_another_byline_with_a_passage_in_front_shares_sentences_with_its_copies() {
        // Copies of one wire story: under another byline, after a stray fragment, after a
        // passage printed twice. Each keeps at least one of the article's sentences beside
        // its title.
        let body = [
            "印度西部周末遭受强风暴雨袭击，部分地区严重淹水。",
            "救难官员今天表示，总计造成四十三人身亡。",
            "每年六至九月，季风带来的强风豪雨常导致洪水泛滥成灾。",
            "印度金融中心孟买亦受到波及，降雨量达两百四十三公厘。",
            "此次豪雨灾情，半数遇难者遭洪水冲走溺毙。",
        ];
        let copies = [
            format!("上一篇的结尾在这里结束了。\n\n印度西部豪雨成灾\n\n本报讯 记者 陶枫莺\n\n{}\n", body.concat()),
            format!("另一篇的结尾也在这里结束。\n\n印度西部豪雨成灾\n\n新华社记者 王明\n\n半数遇难者遭洪水冲走溺毙。\n\n{}\n", body.concat()),
            format!("第三篇的结尾写的是别的事。\n\n印度西部豪雨成灾\n\n{}{}\n", body[3..].concat(), body.concat()),
        ];
        let views: Vec<Vec<u64>> = copies
            .iter()
            .map(|page| {
                let i = page
                    .lines()
                    .position(|l| l == "印度西部豪雨成灾")
                    .expect("title");
                view(page)[i].around[SENTENCES_BEFORE..]
                    .iter()
                    .flatten()
                    .copied()
                    .collect()
            })
            .collect();
        let shared = views[0]
            .iter()
            .filter(|k| views[1].contains(k) && views[2].contains(k))
            .count();
        assert!(shared >= 1, "{views:?}");
    }
}
