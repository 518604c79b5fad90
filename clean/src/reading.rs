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
    /// Pairs by key (first's index × characters + second's index), with their counts.
    keys: Vec<u32>,
    counts: Vec<u32>,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        // The file is built and checked with the code (a test reads it); a damaged build
        // falls back to a model that prefers neither copy.
        parse(EMBEDDED).unwrap_or(Model {
            chars: Vec::new(),
            total: 0.0,
            keys: Vec::new(),
            counts: Vec::new(),
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
    Some(Model {
        chars,
        total,
        keys,
        counts,
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
        self.chars.binary_search_by_key(&c, |&(c, _)| c).ok()
    }

    fn count(&self, i: Option<usize>) -> f64 {
        i.map_or(0.0, |i| f64::from(self.chars[i].1))
    }

    fn log_p(&self, a: Option<usize>, b: Option<usize>) -> f64 {
        let p_b = (self.count(b) + 0.5) / (self.total + 0.5 * self.chars.len() as f64 + 1.0);
        let pair = match (a, b) {
            (Some(a), Some(b)) => {
                let key = (a * self.chars.len() + b) as u32;
                self.keys
                    .binary_search(&key)
                    .map_or(0.0, |at| f64::from(self.counts[at]))
            }
            _ => 0.0,
        };
        ((pair + K * p_b) / (self.count(a) + K)).ln()
    }
}

/// The text's mean log-probability per character pair (higher reads better); 0 for a text
/// of fewer than two characters.
pub(crate) fn plausibility(text: &str) -> f64 {
    let model = model();
    let mut chars = text.chars().filter_map(class).map(|c| model.index(c));
    let Some(mut prev) = chars.next() else {
        return 0.0;
    };
    let (mut sum, mut n) = (0.0, 0usize);
    for c in chars {
        sum += model.log_p(prev, c);
        n += 1;
        prev = c;
    }
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_reads() {
        let model = parse(EMBEDDED).expect("data/reading/bigrams.npbg parses");
        assert!(model.chars.len() > 4000 && model.keys.len() > 200_000);
        assert!(model.keys.windows(2).all(|w| w[0] < w[1]));
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
            assert!(
                plausibility(right) > plausibility(misread),
                "{right} should read better than {misread}"
            );
        }
    }
}
