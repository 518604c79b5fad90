//! How well a text reads as Chinese: a character-pair model of the MSRA training text
//! (`data/reading/`), used to tell which of two copies of a passage the OCR misread.
//!
//! A page that carries a passage twice often carries one copy with a character misread
//! (`提出了呈` beside `提出辞呈`); neither copy is longer, so completeness cannot choose. The
//! copy whose character pairs the model finds likelier, on average, is the better reading:
//! P(b | a) = (count(ab) + K · P(b)) / (count(a) + K), P(b) from the characters' counts with
//! half a count added. The model is read once, the first time a page needs it.

use std::io::Read;
use std::sync::OnceLock;

static EMBEDDED: &[u8] = include_bytes!("../../data/reading/bigrams.npbg");
/// Weight of the character's own probability beside the pair's count.
const K: f64 = 1.0;

struct Model {
    /// Characters by code point, with their counts.
    chars: Vec<(char, u32)>,
    total: f64,
    /// Index + 1 of each character of the Basic Multilingual Plane (0: not in the model).
    bmp: Vec<u16>,
    /// Pairs by key (first's index × characters + second's index), with their counts; the
    /// pairs of the character with index `a` are `starts[a]..starts[a + 1]`.
    keys: Vec<u32>,
    counts: Vec<u32>,
    starts: Vec<u32>,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        // The file is built and checked with the code (a test reads it); a damaged build
        // falls back to a model that prefers neither copy.
        parse(EMBEDDED).unwrap_or(Model {
            chars: Vec::new(),
            total: 0.0,
            bmp: vec![0; 0x10000],
            keys: Vec::new(),
            counts: Vec::new(),
            starts: vec![0],
        })
    })
}

fn parse(gz: &[u8]) -> Option<Model> {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut bytes)
        .ok()?;
    let mut at = bytes.strip_prefix(b"NPBG1\n")?;
    let u32_le = |at: &mut &[u8]| -> Option<u32> {
        let (head, rest) = at.split_first_chunk::<4>()?;
        *at = rest;
        Some(u32::from_le_bytes(*head))
    };
    let n = u32_le(&mut at)? as usize;
    let mut chars = Vec::with_capacity(n);
    for _ in 0..n {
        let c = char::from_u32(u32_le(&mut at)?)?;
        chars.push((c, u32_le(&mut at)?));
    }
    let pairs = u32_le(&mut at)? as usize;
    let (mut keys, mut counts) = (Vec::with_capacity(pairs), Vec::with_capacity(pairs));
    let mut key = 0u32;
    for _ in 0..pairs {
        key = key.checked_add(varint(&mut at)?)?;
        keys.push(key);
        counts.push(varint(&mut at)?);
    }
    let total = chars.iter().map(|&(_, n)| f64::from(n)).sum();
    let mut bmp = vec![0u16; 0x10000];
    for (i, &(c, _)) in chars.iter().enumerate() {
        if let (Some(slot), Ok(id)) = (bmp.get_mut(c as usize), u16::try_from(i + 1)) {
            *slot = id;
        }
    }
    let mut starts = Vec::with_capacity(n + 1);
    let mut at = 0;
    for a in 0..=n {
        let first = (a * n) as u64;
        while at < keys.len() && u64::from(keys[at]) < first {
            at += 1;
        }
        starts.push(at as u32);
    }
    Some(Model {
        chars,
        total,
        bmp,
        keys,
        counts,
        starts,
    })
}

fn varint(at: &mut &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for shift in (0..35).step_by(7) {
        let (&b, rest) = at.split_first()?;
        *at = rest;
        n |= u32::from(b & 0x7F).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// A character as the model counts it: digits as `0`, ASCII letters as `a`, spaces not at
/// all (the text is already NFKC).
fn class(c: char) -> Option<char> {
    if c.is_whitespace() {
        None
    } else if c.is_ascii_digit() {
        Some('0')
    } else if c.is_ascii_alphabetic() {
        Some('a')
    } else {
        Some(c)
    }
}

impl Model {
    fn index(&self, c: char) -> Option<usize> {
        match self.bmp.get(c as usize) {
            Some(&id) => usize::from(id).checked_sub(1),
            None => self.chars.binary_search_by_key(&c, |&(c, _)| c).ok(),
        }
    }

    fn count(&self, i: Option<usize>) -> f64 {
        i.map_or(0.0, |i| f64::from(self.chars[i].1))
    }

    /// How often the pair of characters (by index) occurs; 0 when either is unknown.
    fn pair(&self, a: Option<usize>, b: Option<usize>) -> u32 {
        let (Some(a), Some(b)) = (a, b) else {
            return 0;
        };
        let key = (a * self.chars.len() + b) as u32;
        let (from, to) = (self.starts[a] as usize, self.starts[a + 1] as usize);
        self.keys[from..to]
            .binary_search(&key)
            .map_or(0, |at| self.counts[from + at])
    }

    fn log_p(&self, a: Option<usize>, b: Option<usize>) -> f64 {
        let p_b = (self.count(b) + 0.5) / (self.total + 0.5 * self.chars.len() as f64 + 1.0);
        let pair = f64::from(self.pair(a, b));
        ((pair + K * p_b) / (self.count(a) + K)).ln()
    }
}

/// A text as the model reads it: its characters by class (digits as `0`, Latin letters as
/// `a`), spaces left out.
fn read(text: &str) -> Vec<char> {
    text.chars().filter_map(class).collect()
}

/// How often the training text has `b` right after `a`.
pub(crate) fn pair_count(a: char, b: char) -> u32 {
    let model = model();
    let index = |c: char| class(c).and_then(|c| model.index(c));
    model.pair(index(a), index(b))
}

/// A page's passages as the model reads them, with how often each character pair occurs
/// over all of them: the page's own vocabulary. Built the first time two copies are weighed,
/// each passage read once.
pub(crate) struct Page {
    texts: Vec<Vec<char>>,
    pairs: crate::hashing::PairCounts,
}

/// Two characters as one key.
pub(crate) fn pair_key(a: char, b: char) -> u64 {
    u64::from(a as u32) << 32 | u64::from(b as u32)
}

impl Page {
    pub(crate) fn new<'a>(passages: impl Iterator<Item = &'a str>) -> Self {
        let texts: Vec<Vec<char>> = passages.map(read).collect();
        let mut pairs = crate::hashing::PairCounts::default();
        for w in texts.iter().flat_map(|t| t.windows(2)) {
            *pairs.entry(pair_key(w[0], w[1])).or_insert(0u32) += 1;
        }
        Page { texts, pairs }
    }

    /// Which of passages `a` and `b`, two copies, reads better: `Greater` when `a` does (see
    /// [`compare`]).
    pub(crate) fn compare(&self, a: usize, b: usize) -> std::cmp::Ordering {
        compare(&self.texts[a], &self.texts[b], &self.pairs)
    }
}

/// Longest differing stretch, in character pairs, that the page's vocabulary is asked of: a
/// misread character changes two or three; copies that differ over a long stretch are told
/// apart by the model alone, each pair looked up once.
const PAGE_PAIRS_ASKED: usize = 16;

/// Which of two copies of a passage ([`read`]) reads better, on a page whose character
/// pairs are `page`: `Greater` when `a` does. Only
/// the stretch where they differ is weighed (the common beginning and end aside, a character
/// of each kept as context): first by how many of its character pairs the page prints
/// elsewhere (a misread character makes pairs the page never prints, and the right one is
/// usually printed again: `提出辞呈` beside `提出了呈`), then by its mean log-probability per
/// pair under the model.
fn compare(a: &[char], b: &[char], page: &crate::hashing::PairCounts) -> std::cmp::Ordering {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let rest = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(rest)
        .take_while(|(x, y)| x == y)
        .count();
    let window = |t: &'_ [char]| -> std::ops::Range<usize> {
        prefix.saturating_sub(1)..(t.len() - suffix + 1).min(t.len())
    };
    // Pairs of the stretch that the page prints elsewhere than in this copy, as a share.
    let printed_elsewhere = |t: &[char]| -> Option<f64> {
        let stretch = &t[window(t)];
        let pairs = stretch
            .len()
            .checked_sub(1)
            .filter(|&n| n > 0 && n <= PAGE_PAIRS_ASKED)?;
        let own = |x: char, y: char| t.windows(2).filter(|w| w[0] == x && w[1] == y).count();
        let found = stretch
            .windows(2)
            .filter(|w| {
                let on_page = page.get(&pair_key(w[0], w[1])).copied().unwrap_or(0) as usize;
                on_page > own(w[0], w[1])
            })
            .count();
        Some(found as f64 / pairs as f64)
    };
    if let (Some(x), Some(y)) = (printed_elsewhere(a), printed_elsewhere(b)) {
        if x != y {
            return x.total_cmp(&y);
        }
    }
    mean_log_p(&a[window(a)]).total_cmp(&mean_log_p(&b[window(b)]))
}

/// Mean log-probability per character pair; 0 for fewer than two characters.
fn mean_log_p(chars: &[char]) -> f64 {
    let model = model();
    if chars.len() < 2 {
        return 0.0;
    }
    let sum: f64 = chars
        .windows(2)
        .map(|w| model.log_p(model.index(w[0]), model.index(w[1])))
        .sum();
    sum / (chars.len() - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_reads() {
        let model = parse(EMBEDDED).expect("data/reading/bigrams.npbg parses");
        assert!(model.chars.len() > 4000 && model.keys.len() > 200_000);
        assert!(model.keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(model.starts.len(), model.chars.len() + 1);
        assert_eq!(
            *model.starts.last().unwrap_or(&0) as usize,
            model.keys.len()
        );
    }

    #[test]
    fn pairs_of_words_are_counted_and_pairs_across_words_rarely() {
        assert!(pair_count('认', '为') > 500, "{}", pair_count('认', '为'));
        assert!(pair_count('走', '向') > 50, "{}", pair_count('走', '向'));
        assert_eq!(pair_count('呈', '了'), 0);
    }

    #[test]
    fn the_pages_own_words_tell_a_misread_copy_the_model_cannot() {
        let right = "备受尊重的经济学者法雅德提出辞呈，只是程序性请辞，并不会动摇他的总理地位。";
        let misread = "备受尊重的经济学者法雅德提出了呈，只是程序性请辞，并不会动摇他的总理地位。";
        let elsewhere = "阿巴斯的亲信安默告诉法新社，法雅德提出辞呈，阿巴斯则命令他执行目前职务。";
        let alone = Page::new([right, misread].into_iter());
        // The counts of the training text do not know `辞呈`.
        assert!(alone.compare(0, 1).is_lt());
        let page = Page::new([right, misread, elsewhere].into_iter());
        assert!(page.compare(0, 1).is_gt());
        assert!(page.compare(1, 0).is_lt());
    }

    #[test]
    fn a_misread_character_reads_worse_than_the_text() {
        // One row a copy seen misread on pages laid out from newswire.
        for (misread, right) in [
            (
                "农业与了会事务部部长哈巴希告诉法新社",
                "农业与社会事务部部长哈巴希告诉法新社",
            ),
            (
                "阿巴斯则命令他「执这目前职务",
                "阿巴斯则命令他「执行目前职务",
            ),
            ("法雅德自上个月在七日起领导", "法雅德自上个月十七日起领导"),
            (
                "的基本权利正遭到威胁是而独立制作",
                "的基本权利正遭到威胁，而独立制作",
            ),
            ("会从战场在脱逃」。他说", "会从战场上脱逃」。他说"),
            ("并依法封的了该会印章等", "并依法封存了该会印章等"),
        ] {
            // A page that holds just the two copies: the model decides.
            let page = Page::new([right, misread].into_iter());
            assert!(
                page.compare(0, 1).is_gt() && page.compare(1, 0).is_lt(),
                "{right} should read better than {misread}"
            );
            assert!(page.compare(0, 0).is_eq());
        }
    }
}
