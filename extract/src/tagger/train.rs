//! Training a [`Model`]: an averaged structured perceptron over sentences in the
//! character-per-line BMES format of the MSRA corpus (`字 B-PER`), deterministic (a fixed
//! shuffle, integer weights), so the same sentences give the same model bytes.

use super::features::{features, lexicon_tags, words_in, PER_CHAR};
use super::{emissions, table_rows, tag, viterbi, Model, TAGS};
use crate::lexicon::Lexicon;

/// A sentence: its characters and gold tags.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sentence {
    /// The characters.
    pub chars: Vec<char>,
    /// A tag per character (see [`super::tag`]; 0 is outside).
    pub tags: Vec<u8>,
}

/// The sentences of a BMES file (`char tag` a line, a blank line between sentences; tags
/// `O`, `B-X`, `M-X`/`I-X`, `E-X`, `S-X` with X one of PER, LOC, ORG).
pub fn read_bmes(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut current = Sentence {
        chars: Vec::new(),
        tags: Vec::new(),
    };
    for line in text.lines().chain(std::iter::once("")) {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !current.chars.is_empty() {
                out.push(std::mem::replace(
                    &mut current,
                    Sentence {
                        chars: Vec::new(),
                        tags: Vec::new(),
                    },
                ));
            }
            continue;
        }
        let (ch, label) = match line.rsplit_once(' ') {
            Some((c, l)) => (c.chars().next().unwrap_or(' '), l),
            None => (' ', line),
        };
        let (position, kind) = label.split_once('-').unwrap_or((label, ""));
        let kind = match kind {
            "PER" => Some(0),
            "LOC" => Some(1),
            "ORG" => Some(2),
            _ => None,
        };
        let position = match position {
            "B" => Some(0),
            "M" | "I" => Some(1),
            "E" => Some(2),
            "S" => Some(3),
            _ => None,
        };
        let t = match (kind, position) {
            (Some(k), Some(p)) => tag(k, p) as u8,
            _ => 0,
        };
        current.chars.push(ch);
        current.tags.push(t);
    }
    out
}

/// How to train.
#[derive(Clone, Copy, Debug)]
pub struct TrainOptions {
    /// Passes over the sentences.
    pub epochs: u32,
    /// The weight table has `1 << bits` rows.
    pub bits: u32,
    /// Seed of the shuffle before each pass.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 8,
            bits: 20,
            seed: 0x6e65_7773,
        }
    }
}

/// Trains on `sentences`; `each_epoch` is told the epoch and the averaged model after it
/// (to score a development split).
pub fn train(
    sentences: &[Sentence],
    options: TrainOptions,
    mut each_epoch: impl FnMut(u32, &Model),
) -> Model {
    let lexicon = Lexicon::get();
    let rows = table_rows(options.bits);
    let feats: Vec<Vec<u32>> = sentences
        .iter()
        .map(|s| {
            let (mut f, mut lex) = (Vec::new(), Vec::new());
            lexicon_tags(s.chars.len(), words_in(lexicon, &s.chars), &mut lex);
            features(lexicon, &s.chars, &lex, options.bits, &mut f);
            f
        })
        .collect();
    // Weights and, for averaging, the sum of each update times the step it was made at.
    let mut weights = vec![0i32; rows * TAGS];
    let mut stamped = vec![0i64; rows * TAGS];
    let mut trans = vec![0i32; (TAGS + 1) * TAGS];
    let mut trans_stamped = vec![0i64; (TAGS + 1) * TAGS];
    let mut step: i64 = 1;
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut rng = options.seed;
    let mut model = Model::new(options.bits, 1.0, Vec::new(), Vec::new());
    for epoch in 0..options.epochs {
        // Fisher-Yates with SplitMix64: the same order on every machine.
        for k in (1..order.len()).rev() {
            rng = rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = rng;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            order.swap(k, ((z ^ (z >> 31)) % (k as u64 + 1)) as usize);
        }
        for &s in &order {
            let sentence = &sentences[s];
            let f = &feats[s];
            let n = sentence.chars.len();
            let emit = emissions(f, n, |feature| {
                &weights[feature * TAGS..feature * TAGS + TAGS]
            });
            let predicted = viterbi(&emit, n, |from, to| trans[from * TAGS + to]);
            if predicted != sentence.tags {
                for i in 0..n {
                    let (gold, guess) = (usize::from(sentence.tags[i]), usize::from(predicted[i]));
                    if gold != guess {
                        for &feature in &f[i * PER_CHAR..(i + 1) * PER_CHAR] {
                            let base = feature as usize * TAGS;
                            weights[base + gold] += 1;
                            stamped[base + gold] += step;
                            weights[base + guess] -= 1;
                            stamped[base + guess] -= step;
                        }
                    }
                    let prev = |tags: &[u8]| {
                        if i == 0 {
                            TAGS
                        } else {
                            usize::from(tags[i - 1])
                        }
                    };
                    let (gp, pp) = (prev(&sentence.tags), prev(&predicted));
                    if (gp, gold) != (pp, guess) {
                        trans[gp * TAGS + gold] += 1;
                        trans_stamped[gp * TAGS + gold] += step;
                        trans[pp * TAGS + guess] -= 1;
                        trans_stamped[pp * TAGS + guess] -= step;
                    }
                }
            }
            step += 1;
        }
        model = averaged(
            &weights,
            &stamped,
            &trans,
            &trans_stamped,
            step,
            options.bits,
        );
        each_epoch(epoch + 1, &model);
    }
    model
}

/// The averaged weights (w − Σ step·Δ / steps), scaled into 16 bits.
fn averaged(
    weights: &[i32],
    stamped: &[i64],
    trans: &[i32],
    trans_stamped: &[i64],
    steps: i64,
    bits: u32,
) -> Model {
    let average = |w: i32, s: i64| f64::from(w) - s as f64 / steps as f64;
    let feature: Vec<f64> = weights
        .iter()
        .zip(stamped)
        .map(|(&w, &s)| average(w, s))
        .collect();
    let max = feature.iter().fold(0f64, |m, w| m.max(w.abs())).max(1e-9);
    let scale = 32_000.0 / max;
    let quantised = feature.iter().map(|w| (w * scale).round() as i16).collect();
    let transitions = trans
        .iter()
        .zip(trans_stamped)
        .map(|(&w, &s)| (average(w, s) * scale).round() as i32)
        .collect();
    Model::new(bits, scale as f32, transitions, quantised)
}

/// Mentions (sentence, start, end, kind) found and gold, and how many agree, per kind
/// (person, place, organisation) and over all.
pub fn score(model: &Model, sentences: &[Sentence]) -> [(u64, u64, u64); 4] {
    let mut counts = [(0u64, 0u64, 0u64); 4];
    for s in sentences {
        let found = model.tag(&s.chars);
        let gold = super::spans(&s.tags);
        for (k, kind) in super::KINDS.iter().enumerate() {
            let f: Vec<_> = found.iter().filter(|x| x.2 == *kind).collect();
            let g: Vec<_> = gold.iter().filter(|x| x.2 == *kind).collect();
            let right = f.iter().filter(|x| g.contains(x)).count() as u64;
            for slot in [k, 3] {
                counts[slot].0 += f.len() as u64;
                counts[slot].1 += g.len() as u64;
                counts[slot].2 += right;
            }
        }
    }
    counts
}

/// F1 of (found, gold, right).
pub fn f1((found, gold, right): (u64, u64, u64)) -> f64 {
    let p = right as f64 / found.max(1) as f64;
    let r = right as f64 / gold.max(1) as f64;
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORPUS: &str = "李 B-PER\n鹏 E-PER\n在 O\n北 B-LOC\n京 E-LOC\n会 O\n见 O\n了 O\n\
        新 B-ORG\n华 M-ORG\n社 E-ORG\n记 O\n者 O\n。 O\n\n王 B-PER\n芳 E-PER\n说 O\n。 O\n";

    #[test]
    fn bmes_reads_into_tags_and_spans() {
        let sentences = read_bmes(CORPUS);
        assert_eq!(sentences.len(), 2);
        let spans = super::super::spans(&sentences[0].tags);
        assert_eq!(
            spans,
            [
                (0, 2, crate::EntityKind::Person),
                (3, 5, crate::EntityKind::Place),
                (8, 11, crate::EntityKind::Organization),
            ]
        );
    }

    #[test]
    fn training_twice_gives_the_same_model_bytes_and_learns_the_corpus() {
        let sentences = read_bmes(CORPUS);
        let options = TrainOptions {
            epochs: 10,
            bits: 12,
            seed: 7,
        };
        let a = train(&sentences, options, |_, _| {});
        let b = train(&sentences, options, |_, _| {});
        assert_eq!(a.to_bytes(), b.to_bytes());
        let all = score(&a, &sentences)[3];
        assert_eq!(f1(all), 1.0, "{all:?}");
    }
}
