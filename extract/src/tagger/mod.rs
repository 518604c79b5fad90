//! A character tagger for people, places and organisations: a linear-chain model over
//! BIOES tags, its weights learned by an averaged structured perceptron ([`train`]) and read
//! by Viterbi decoding with the impossible transitions forbidden.
//!
//! The model file holds a header (`NPNER002`, the table's size, the weights' scale), the
//! transition weights, and the feature weights as 8-bit integers compressed with zstd,
//! closed by a checksum; [`Model::from_bytes`] refuses anything else with an error naming
//! what is wrong. Eight bits a weight score the development split as sixteen did, and halve
//! the table the decoder reads at random (8 MB at 2^19 rows): the tagger's time is those
//! reads.

mod features;
pub mod train;

use crate::lexicon::Lexicon;
use crate::EntityKind;

pub(crate) use features::{PER_CHAR, SPILL};

/// Rows of a table of `bits` bits, the spill included.
pub(crate) fn table_rows(bits: u32) -> usize {
    (1usize << bits) + SPILL
}

/// Tags: outside, then begin, inside, end and single for each kind.
pub const TAGS: usize = 13;
/// The kinds, in tag order.
pub const KINDS: [EntityKind; 3] = [
    EntityKind::Person,
    EntityKind::Place,
    EntityKind::Organization,
];
const MAGIC: &[u8; 8] = b"NPNER002";
/// The feature templates' version: a model trained on other features is refused.
const FEATURES_VERSION: u32 = features::VERSION;
/// The model file, built in.
static EMBEDDED: &[u8] = include_bytes!("../../../data/models/entities.npner");

/// The embedded model's version, for the manifest: its file name and the first 12 hex
/// digits of the xxh3-64 of its bytes (a retrained model is another version).
pub fn embedded_version() -> String {
    format!(
        "entities.npner@{:012x}",
        xxhash_rust::xxh3::xxh3_64(EMBEDDED) >> 16
    )
}

/// The tag of `kind` at `position` (0 begin, 1 inside, 2 end, 3 single).
pub fn tag(kind: usize, position: usize) -> usize {
    1 + kind * 4 + position
}

/// (kind, position) of a tag other than outside.
fn parts(tag: usize) -> Option<(usize, usize)> {
    (tag > 0).then(|| ((tag - 1) / 4, (tag - 1) % 4))
}

/// Whether tag `to` may follow tag `from` (`None`: the start of the text).
fn allowed(from: Option<usize>, to: usize) -> bool {
    let open = |t: usize| matches!(parts(t), Some((_, 0 | 1)));
    match (
        from.and_then(|f| open(f).then(|| parts(f)).flatten()),
        parts(to),
    ) {
        // Inside a name: only its inside or end may follow.
        (Some((kind, _)), Some((k, p))) => k == kind && (p == 1 || p == 2),
        (Some(_), None) => false,
        // Outside a name: a name may begin, not continue.
        (None, Some((_, p))) => p == 0 || p == 3,
        (None, None) => true,
    }
}

/// Why a model file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The bytes are not a newsprint tagger model (or of another version).
    #[error("not a newsprint entity model (expected the header {expected:?})")]
    Foreign {
        /// The header expected.
        expected: &'static str,
    },
    /// The file ends early or its checksum does not match: damaged in transfer.
    #[error("the entity model is damaged: {0}")]
    Damaged(String),
}

/// A trained model.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    bits: u32,
    scale: f32,
    /// `transitions[from * TAGS + to]`, with `from == TAGS` for the start.
    transitions: Vec<i32>,
    /// The weights of each feature, a row of 16 lanes (the tags, padded: 32 bytes, one
    /// cache line at most, added as one vector).
    rows: Vec<[i8; ROW]>,
}

/// Lanes of a decoding row: the tags, padded.
const ROW: usize = 16;

/// The tag each lane of a decoding row holds: the ends, outside and singles first (the
/// tags a name may follow: lanes 0..7), then the begins (lanes 3..10 are the tags that may
/// follow those), then the insides. The decoder's steps are then adds over runs of lanes.
const LANE_TAG: [usize; TAGS] = [3, 7, 11, 0, 4, 8, 12, 1, 5, 9, 2, 6, 10];
/// The lane of each tag (the inverse of [`LANE_TAG`]).
const TAG_LANE: [usize; TAGS] = [3, 7, 10, 0, 4, 8, 11, 1, 5, 9, 12, 2, 6];

fn rows_of(weights: &[i8]) -> Vec<[i8; ROW]> {
    weights
        .chunks_exact(TAGS)
        .map(|w| {
            let mut row = [0i8; ROW];
            for (lane, &tag) in LANE_TAG.iter().enumerate() {
                row[lane] = w[tag];
            }
            row
        })
        .collect()
}

/// Weights and transitions brought from 16 bits to 8 (the largest weight to 127), the
/// transitions by the same factor, and the scale with them.
fn narrowed(scale: f32, transitions: Vec<i32>, weights: &[i16]) -> (f32, Vec<i32>, Vec<i8>) {
    let max = weights
        .iter()
        .map(|w| i32::from(*w).abs())
        .max()
        .unwrap_or(0);
    let factor = (f64::from(max) / 127.0).max(1.0);
    let narrow = |w: i32| (f64::from(w) / factor).round() as i32;
    let weights = weights
        .iter()
        .map(|&w| narrow(i32::from(w)).clamp(-127, 127) as i8)
        .collect();
    let transitions = transitions.into_iter().map(narrow).collect();
    (scale / factor as f32, transitions, weights)
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Model {
    /// A model of these weights (see [`train`]).
    pub(crate) fn new(bits: u32, scale: f32, transitions: Vec<i32>, weights: Vec<i16>) -> Self {
        let (scale, transitions, weights) = narrowed(scale, transitions, &weights);
        Model {
            bits,
            scale,
            transitions,
            rows: rows_of(&weights),
        }
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FEATURES_VERSION.to_le_bytes());
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&self.scale.to_le_bytes());
        for t in &self.transitions {
            out.extend_from_slice(&t.to_le_bytes());
        }
        let raw: Vec<u8> = self
            .rows
            .iter()
            .flat_map(|row| TAG_LANE.map(|lane| row[lane]))
            .flat_map(|w| w.to_le_bytes())
            .collect();
        let packed = zstd::bulk::compress(&raw, 19).unwrap_or_default();
        out.extend_from_slice(&(packed.len() as u64).to_le_bytes());
        out.extend_from_slice(&packed);
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Reads a model file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let foreign = ModelError::Foreign {
            expected: "NPNER002",
        };
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(foreign);
        }
        let damaged = |what: &str| ModelError::Damaged(what.to_string());
        let (body, sum) = bytes
            .split_at_checked(bytes.len().saturating_sub(8))
            .ok_or_else(|| damaged("too short"))?;
        let sum: [u8; 8] = sum.try_into().map_err(|_| damaged("too short"))?;
        if body.len() < 8 || checksum(body) != u64::from_le_bytes(sum) {
            return Err(damaged("checksum mismatch (truncated or altered)"));
        }
        let mut rest = &body[8..];
        let mut take = |n: usize| -> Result<&[u8], ModelError> {
            let (head, tail) = rest
                .split_at_checked(n)
                .ok_or_else(|| damaged("too short"))?;
            rest = tail;
            Ok(head)
        };
        let word = |b: &[u8]| -> [u8; 4] { [b[0], b[1], b[2], b[3]] };
        let version = u32::from_le_bytes(word(take(4)?));
        if version != FEATURES_VERSION {
            return Err(ModelError::Damaged(format!(
                "trained on feature set {version}, and this newsprint computes set {FEATURES_VERSION}: retrain it"
            )));
        }
        let bits = u32::from_le_bytes(word(take(4)?));
        if !(8..=24).contains(&bits) {
            return Err(damaged("table size out of range"));
        }
        let scale = f32::from_le_bytes(word(take(4)?));
        let mut transitions = Vec::with_capacity((TAGS + 1) * TAGS);
        for _ in 0..(TAGS + 1) * TAGS {
            transitions.push(i32::from_le_bytes(word(take(4)?)));
        }
        let len = take(8)?;
        let len = u64::from_le_bytes([
            len[0], len[1], len[2], len[3], len[4], len[5], len[6], len[7],
        ]) as usize;
        let packed = take(len)?;
        let expected = table_rows(bits) * TAGS;
        let raw = zstd::bulk::decompress(packed, expected)
            .map_err(|e| damaged(&format!("weights: {e}")))?;
        if raw.len() != expected {
            return Err(damaged("weights of the wrong size"));
        }
        let weights: Vec<i8> = raw.iter().map(|&b| b as i8).collect();
        Ok(Model {
            bits,
            scale,
            transitions,
            rows: rows_of(&weights),
        })
    }

    /// Each character's score for each tag: the sum of its feature rows (the same sums as
    /// [`emissions`] over [`features::features`]), a row of [`ROW`] lanes a character.
    ///
    /// Two passes: every character's rows first, then the sums, so the table reads of many
    /// characters are in flight at once instead of waiting behind the hashing.
    fn emissions(
        &self,
        lexicon: &Lexicon,
        chars: &[char],
        lex: &[u32],
        scratch: &mut features::Scratch,
        emit: &mut Vec<[i16; ROW]>,
    ) {
        let mut all = std::mem::take(&mut scratch.all);
        all.clear();
        let table = &self.rows;
        features::rows(lexicon, chars, lex, self.bits, scratch, |_, rows| {
            // Asked for now, read in the second pass: the reads of a whole text overlap.
            for &r in rows {
                prefetch_index::prefetch_index(table, r as usize);
            }
            all.extend_from_slice(rows)
        });
        emit.clear();
        emit.extend(all.chunks_exact(PER_CHAR).map(|rows| {
            // All 16 lanes of 16 bits (20 rows of at most 127 stay far inside): one vector
            // load, widen and add a row.
            let mut sum = [0i16; ROW];
            for &r in rows {
                let weights = self.rows.get(r as usize).copied().unwrap_or([0; ROW]);
                for (s, w) in sum.iter_mut().zip(weights) {
                    *s += i16::from(w);
                }
            }
            sum
        }));
        scratch.all = all;
    }

    /// Names in `chars`: (start, end, kind), in order.
    pub fn tag(&self, chars: &[char]) -> Vec<(usize, usize, EntityKind)> {
        let lexicon = Lexicon::get();
        self.tag_with_words(chars, features::words_in(lexicon, chars))
    }

    /// [`Model::tag`] given the lexicon's words in `chars` (start, end, word), as the rules
    /// already found them: the text is not searched twice.
    pub(crate) fn tag_with_words(
        &self,
        chars: &[char],
        words: impl Iterator<Item = (usize, usize, crate::lexicon::Word)>,
    ) -> Vec<(usize, usize, EntityKind)> {
        thread_local! {
            // The features and lexicon tags of a text, kept for the thread's next text.
            static BUFFERS: std::cell::RefCell<(Vec<[i16; ROW]>, Vec<u32>, features::Scratch)> =
                std::cell::RefCell::new(Default::default());
        }
        if chars.is_empty() {
            return Vec::new();
        }
        let lexicon = Lexicon::get();
        let tags = BUFFERS.with(|buffers| {
            let (emit, lex, scratch) = &mut *buffers.borrow_mut();
            features::lexicon_tags(chars.len(), words, lex);
            self.emissions(lexicon, chars, lex, scratch, emit);
            viterbi_fast(emit, &self.transitions)
        });
        spans(&tags)
    }

    /// The model built into newsprint (`data/models/entities.npner`), read once a
    /// process. The build embeds the file, so a binary always has its model.
    pub fn embedded() -> &'static Model {
        static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
        MODEL.get_or_init(|| {
            // The embedded bytes are checked by a test (`the_embedded_model_loads`), so a
            // failure here is a build from a damaged checkout.
            Model::from_bytes(EMBEDDED).unwrap_or_else(|e| {
                panic!("the entity model built into newsprint (data/models/entities.npner) is unusable: {e}")
            })
        })
    }
}

/// Each character's score for each tag: the sum of its features' weight rows (`row(f)`,
/// at least [`TAGS`] weights, as training's `i32` or the model's `i16`), `n` rows of
/// [`TAGS`].
pub(crate) fn emissions<'w, W: Copy + Into<i32> + 'w>(
    feats: &[u32],
    n: usize,
    row: impl Fn(usize) -> &'w [W],
) -> Vec<i32> {
    let mut emit = vec![0i32; n * TAGS];
    for (i, out) in emit.chunks_exact_mut(TAGS).enumerate() {
        // Summed over the row's full width (16 lanes for the model), one vector add.
        let mut sum = [0i32; ROW];
        for &f in &feats[i * PER_CHAR..(i + 1) * PER_CHAR] {
            for (s, &w) in sum.iter_mut().zip(row(f as usize)) {
                *s += w.into();
            }
        }
        out.copy_from_slice(&sum[..TAGS]);
    }
    emit
}

/// Scores below any path, far from overflow: the decoders keep scores relative to the best.
const NONE: i32 = -(1 << 29);

/// The first character's score for each tag: a text opens outside a name or at its start.
fn start_scores(emit: &[i32], weight: &impl Fn(usize, usize) -> i32) -> [i32; TAGS] {
    let mut score = [NONE; TAGS];
    for (t, s) in score.iter_mut().enumerate() {
        if allowed(None, t) {
            *s = emit[t] + weight(TAGS, t);
        }
    }
    score
}

/// The best path back from the last scores through `back` (`n` rows of [`TAGS`]
/// predecessors): a text ends outside a name or at a name's end.
fn backtrack(score: &[i32; TAGS], back: &[u8], n: usize) -> Vec<u8> {
    let mut t = (0..TAGS)
        .filter(|&t| matches!(parts(t), None | Some((_, 2 | 3))))
        .fold(0, |b, t| if score[t] > score[b] { t } else { b });
    let mut tags = vec![0u8; n];
    for i in (0..n).rev() {
        tags[i] = t as u8;
        if i > 0 {
            t = usize::from(back[i * TAGS + t]);
        }
    }
    tags
}

/// For each tag, its allowed predecessors in tag order and their weights (at most seven).
fn predecessors(weight: &impl Fn(usize, usize) -> i32) -> [([(u8, i32); 7], usize); TAGS] {
    let mut into = [([(0u8, 0i32); 7], 0usize); TAGS];
    for (to, (list, len)) in into.iter_mut().enumerate() {
        for from in 0..TAGS {
            if allowed(Some(from), to) {
                list[*len] = (from as u8, weight(from, to));
                *len += 1;
            }
        }
    }
    into
}

/// Viterbi over `emit` (`n` rows of [`TAGS`] scores) with `transition(from, to)` (`from ==
/// TAGS` at the start), forbidden transitions excluded. Linear in `n`.
///
/// Only the allowed transitions are tried: a tag that opens or stands outside a name (O,
/// B, S) follows one that closes (O, E, S), seven in all; an inside or end follows its
/// own kind's begin or inside, two. That is 61 candidates a character instead of 169.
pub(crate) fn viterbi(emit: &[i32], n: usize, transition: impl Fn(usize, usize) -> i32) -> Vec<u8> {
    if n == 0 {
        return Vec::new();
    }
    let weight = |from: usize, to: usize| transition(from, to).clamp(-(1 << 26), 1 << 26);
    let into = predecessors(&weight);
    let mut back = vec![0u8; n * TAGS];
    let mut score = start_scores(emit, &weight);
    for (row, back) in emit
        .chunks_exact(TAGS)
        .zip(back.chunks_exact_mut(TAGS))
        .skip(1)
    {
        let mut next = [NONE; TAGS];
        for (to, (list, len)) in into.iter().enumerate() {
            let (mut best, mut from_best) = (i32::MIN, 0u8);
            for &(from, weight) in &list[..*len] {
                let v = score[usize::from(from)] + weight;
                if v > best {
                    best = v;
                    from_best = from;
                }
            }
            next[to] = best;
            back[to] = from_best;
        }
        let top = next.iter().copied().max().unwrap_or(0);
        for (s, (&v, &e)) in score.iter_mut().zip(next.iter().zip(row)) {
            *s = (v - top + e).max(NONE);
        }
    }
    backtrack(&score, &back, n)
}

/// The lanes of the tags that close a name or stand outside one (O, E, S), in tag order:
/// a tag of lanes 3..10 (O, S, B) follows one of these, and ties go to the first.
const CLOSING_LANES: [usize; 7] = [3, 0, 4, 1, 5, 2, 6];

/// [`viterbi`] for the model's decoding, the same path (ties broken alike), over rows in
/// lane order ([`LANE_TAG`]): the tags a name may follow are lanes 0..7 and those that may
/// follow them lanes 3..10, so a step is seven adds and maxima over eight lanes (closing
/// to opening tags) and two over three (a kind's begin or inside to its inside or end),
/// without branches. The tags come back in tag order.
pub(crate) fn viterbi_fast(emit: &[[i16; ROW]], transitions: &[i32]) -> Vec<u8> {
    let n = emit.len();
    if n == 0 {
        return Vec::new();
    }
    let weight = |from: usize, to: usize| transitions[from * TAGS + to].clamp(-(1 << 26), 1 << 26);
    // open[c][o]: the c-th closing lane into lane 3 + o (the eighth, lane 10, is an inside,
    // written over below).
    let mut open = [[NONE; 8]; 7];
    for (c, row) in open.iter_mut().enumerate() {
        for (o, w) in row.iter_mut().take(7).enumerate() {
            *w = weight(LANE_TAG[CLOSING_LANES[c]], LANE_TAG[3 + o]);
        }
    }
    // From each kind's begin (lane 7 + k) and inside (lane 10 + k) into its end (lane k)
    // and its inside.
    let kinds = |f: usize, t: usize| [0, 1, 2].map(|k| weight(tag(k, f), tag(k, t)));
    let (begin_end, inside_end) = (kinds(0, 2), kinds(1, 2));
    let (begin_inside, inside_inside) = (kinds(0, 1), kinds(1, 1));
    let mut score = [NONE; ROW];
    for (lane, &t) in LANE_TAG.iter().enumerate() {
        if allowed(None, t) {
            score[lane] = i32::from(emit[0][lane]) + weight(TAGS, t);
        }
    }
    let mut back = vec![0u8; n * ROW];
    for (i, (row, back)) in emit
        .iter()
        .zip(back.chunks_exact_mut(ROW))
        .enumerate()
        .skip(1)
    {
        // The seven candidates of each opening lane, then their maxima by a tree (three
        // levels, not a chain of seven): a step's work waits on the last step's scores only
        // that long.
        let candidates: [Best; 7] = std::array::from_fn(|c| {
            let s = score[CLOSING_LANES[c]];
            (open[c].map(|w| s + w), [CLOSING_LANES[c] as i32; 8])
        });
        let [c0, c1, c2, c3, c4, c5, c6] = candidates;
        let (best, from) = later_if_above(
            later_if_above(later_if_above(c0, c1), later_if_above(c2, c3)),
            later_if_above(later_if_above(c4, c5), c6),
        );
        let mut next = [NONE; ROW];
        next[3..11].copy_from_slice(&best);
        for (b, f) in back[3..11].iter_mut().zip(from) {
            *b = f as u8;
        }
        for k in 0..3 {
            let (b, i) = (score[7 + k], score[10 + k]);
            for (to, wb, wi) in [
                (k, begin_end[k], inside_end[k]),
                (10 + k, begin_inside[k], inside_inside[k]),
            ] {
                let (vb, vi) = (b + wb, i + wi);
                next[to] = vb.max(vi);
                back[to] = if vi > vb { 10 + k } else { 7 + k } as u8;
            }
        }
        // Scores are brought back near zero every sixteenth step only (a step moves them by
        // at most a few thousand): the maximum over the lanes is off the step's path.
        let top = if i % 16 == 0 {
            next[..TAGS].iter().copied().max().unwrap_or(0)
        } else {
            0
        };
        for (s, (&v, &e)) in score.iter_mut().zip(next.iter().zip(row)) {
            *s = (v - top + i32::from(e)).max(NONE);
        }
    }
    // A text ends outside a name or at a name's end: the first best of the closing lanes.
    let mut lane = CLOSING_LANES
        .iter()
        .copied()
        .fold(
            CLOSING_LANES[0],
            |b, l| if score[l] > score[b] { l } else { b },
        );
    let mut tags = vec![0u8; n];
    for i in (0..n).rev() {
        tags[i] = LANE_TAG[lane] as u8;
        lane = usize::from(back[i * ROW + lane]);
    }
    tags
}

/// Eight lanes of scores and the lane each came from.
type Best = ([i32; 8], [i32; 8]);

/// Lane by lane, `b` where its score is above `a`'s, else `a` (of equal scores the earlier
/// candidate, as the generic decoder keeps), without a branch.
#[inline(always)]
fn later_if_above(a: Best, b: Best) -> Best {
    let (mut best, mut from) = a;
    for l in 0..8 {
        // All ones where b beats a (scores stay far inside 31 bits: no overflow).
        let above = (best[l] - b.0[l]) >> 31;
        best[l] ^= (best[l] ^ b.0[l]) & above;
        from[l] ^= (from[l] ^ b.1[l]) & above;
    }
    (best, from)
}

/// A row of scores in tag order as the fast decoder takes it, in lane order.
#[cfg(test)]
fn to_lanes(scores: &[i32]) -> [i16; ROW] {
    let mut row = [0i16; ROW];
    for (lane, &t) in LANE_TAG.iter().enumerate() {
        row[lane] = scores[t] as i16;
    }
    row
}

/// The names a tag sequence spells.
pub fn spans(tags: &[u8]) -> Vec<(usize, usize, EntityKind)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &t) in tags.iter().enumerate() {
        match parts(usize::from(t)) {
            Some((k, 3)) => out.push((i, i + 1, KINDS[k])),
            Some((_, 0)) => start = Some(i),
            Some((k, 2)) => {
                if let Some(s) = start.take() {
                    out.push((s, i + 1, KINDS[k]));
                }
            }
            Some(_) => {}
            None => start = None,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_loads_and_finds_names() {
        let model = Model::from_bytes(EMBEDDED).expect("the committed model loads");
        let chars: Vec<char> = "国务院总理李鹏在北京会见了美国总统克林顿。"
            .chars()
            .collect();
        let found: Vec<(String, EntityKind)> = model
            .tag(&chars)
            .into_iter()
            .map(|(s, e, k)| (chars[s..e].iter().collect(), k))
            .collect();
        assert!(
            found.contains(&("李鹏".to_string(), EntityKind::Person)),
            "{found:?}"
        );
        assert!(
            found.contains(&("北京".to_string(), EntityKind::Place)),
            "{found:?}"
        );
    }

    #[test]
    fn blocks_add_up_to_the_rows_training_updates() {
        // A model with distinct weights everywhere: the block sums of decoding must equal
        // the per-character rows training reads, character for character.
        let bits = 10;
        let weights: Vec<i16> = (0..table_rows(bits) * TAGS)
            .map(|k| (k % 251) as i16 - 125)
            .collect();
        let model = Model::new(bits, 1.0, vec![0; (TAGS + 1) * TAGS], weights);
        let lexicon = Lexicon::get();
        for text in [
            "",
            "李",
            "国务院总理李鹏在北京会见了美国总统克林顿。",
            "ab·c 12",
        ] {
            let chars: Vec<char> = text.chars().collect();
            let mut lex = Vec::new();
            features::lexicon_tags(chars.len(), features::words_in(lexicon, &chars), &mut lex);
            let mut feats = Vec::new();
            features::features(lexicon, &chars, &lex, bits, &mut feats);
            assert_eq!(feats.len(), chars.len() * PER_CHAR);
            let flat = emissions(&feats, chars.len(), |f| &model.rows[f][..]);
            let mut blocked = Vec::new();
            let mut scratch = features::Scratch::default();
            model.emissions(lexicon, &chars, &lex, &mut scratch, &mut blocked);
            let blocked: Vec<i32> = blocked
                .iter()
                .flat_map(|row| row[..TAGS].iter().map(|&e| i32::from(e)))
                .collect();
            assert_eq!(flat, blocked, "{text}");
        }
    }

    #[test]
    fn impossible_transitions_are_forbidden() {
        let (b_per, i_per, e_per, s_loc) = (tag(0, 0), tag(0, 1), tag(0, 2), tag(1, 3));
        assert!(allowed(None, b_per) && allowed(None, s_loc) && allowed(None, 0));
        assert!(!allowed(None, i_per) && !allowed(None, e_per));
        assert!(allowed(Some(b_per), i_per) && allowed(Some(b_per), e_per));
        assert!(!allowed(Some(b_per), 0) && !allowed(Some(b_per), tag(1, 2)));
        assert!(allowed(Some(e_per), 0) && allowed(Some(e_per), b_per));
    }

    #[test]
    fn viterbi_keeps_to_allowed_paths_and_spans_read_them() {
        // Emissions that prefer I-PER everywhere: the path must still open and close it.
        let n = 4;
        let mut emit = vec![0i32; n * TAGS];
        for i in 0..n {
            emit[i * TAGS + tag(0, 1)] = 10;
        }
        let tags = viterbi(&emit, n, |_, _| 0);
        let kinds: Vec<_> = tags.iter().map(|&t| parts(t as usize)).collect();
        assert_eq!(kinds[0], Some((0, 0)));
        assert_eq!(kinds[n - 1], Some((0, 2)));
        assert_eq!(spans(&tags), [(0, 4, EntityKind::Person)]);
    }

    #[test]
    fn a_damaged_or_foreign_model_is_an_error() {
        let model = Model::new(
            8,
            1.0,
            vec![0; (TAGS + 1) * TAGS],
            vec![3; table_rows(8) * TAGS],
        );
        let bytes = model.to_bytes();
        assert_eq!(Model::from_bytes(&bytes).expect("reads back"), model);
        assert!(matches!(
            Model::from_bytes(b"PK\x03\x04 a zip file"),
            Err(ModelError::Foreign { .. })
        ));
        assert!(matches!(
            Model::from_bytes(&bytes[..bytes.len() - 3]),
            Err(ModelError::Damaged(_))
        ));
        let mut altered = bytes.clone();
        altered[20] ^= 1;
        assert!(matches!(
            Model::from_bytes(&altered),
            Err(ModelError::Damaged(_))
        ));
    }

    #[test]
    fn the_fast_viterbi_finds_the_generic_ones_path() {
        // Random emissions and transitions (a fixed generator), ties included.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |range: i32| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as i32).rem_euclid(range) - range / 2
        };
        for round in 0..200 {
            let n = 1 + round % 40;
            let range = if round % 3 == 0 { 3 } else { 2000 };
            let emit: Vec<i32> = (0..n * TAGS).map(|_| next(range)).collect();
            let transitions: Vec<i32> = (0..(TAGS + 1) * TAGS).map(|_| next(range)).collect();
            let generic = viterbi(&emit, n, |from, to| transitions[from * TAGS + to]);
            let rows: Vec<[i16; ROW]> = emit.chunks_exact(TAGS).map(to_lanes).collect();
            assert_eq!(viterbi_fast(&rows, &transitions), generic, "round {round}");
        }
    }
}
