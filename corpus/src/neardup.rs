//! Near-duplicate articles across a corpus: the same article scanned twice, printed in two
//! editions or syndicated across papers.
//!
//! Two steps, so that nothing but a small sketch per article has to be held while a run
//! streams:
//!
//! 1. [`sketch`] turns an article's text into [`BANDS`] band keys of a MinHash signature over
//!    its character 3-grams (the comparable characters of `clean::comparable`, so widths,
//!    punctuation and line breaks do not count). The signature is one-permutation MinHash
//!    ([`BINS`] bins, each the minimum hash that falls in it, empty bins filled from their
//!    right-hand neighbour): one hash per 3-gram rather than one per 3-gram and bin. Two
//!    articles with Jaccard similarity J share a band with probability 1 − (1 − J^R)^B; with
//!    B = 16 bands of R = 8 rows that is 0.95 at J = 0.8 and 0.02 at J = 0.4.
//! 2. [`near_duplicates`] takes every article's sketch, in source order, finds the pairs that
//!    share a band, and *verifies* each candidate by exact Jaccard (or containment) over the
//!    two texts' 3-gram sets, which the caller loads on demand ([`shingles`]). Candidates are
//!    capped per article and an article is only ever compared with articles that are kept, so
//!    unverified band collisions can never chain unrelated articles into one cluster.
//!
//! The first copy in source order is kept; every later copy names it.

use clean::{comparable, shingle_hashes};

/// Characters per shingle. Three rather than the five of the page-level search: a copy with
/// 3 % of its characters misread keeps 91 % of its 3-grams but only 86 % of its 5-grams,
/// which is Jaccard 0.84 against 0.75, on the right side of the default threshold.
pub const SHINGLE: usize = 3;
/// Bins of the one-permutation MinHash signature.
pub const BINS: usize = 128;
/// Bands the signature is cut into; each band is one key.
pub const BANDS: usize = 16;
const ROWS: usize = BINS / BANDS;
/// Earlier members of a band bucket each article is paired with: a bucket shared by many
/// copies of one article needs only its first few members to find the one kept.
const PER_BUCKET: usize = 4;

/// An article's LSH band keys: 128 bytes, all that is held per article during a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sketch(pub [u64; BANDS]);

/// The sketch of an article's text, or `None` when it has fewer than three comparable
/// characters (too short to tell a copy from a coincidence).
pub fn sketch(text: &str) -> Option<Sketch> {
    let chars = comparable(text);
    let hashes = shingle_hashes(&chars, SHINGLE);
    if hashes.is_empty() {
        return None;
    }
    let mut bins = [u64::MAX; BINS];
    for h in hashes {
        // The top bits choose the bin, the rest is the value: one hash does both jobs.
        let bin = (h >> (64 - BINS.trailing_zeros())) as usize;
        let value = h & (u64::MAX >> BINS.trailing_zeros());
        if value < bins[bin] {
            bins[bin] = value;
        }
    }
    densify(&mut bins);
    let mut keys = [0u64; BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        let mut h = 0x243F_6A88_85A3_08D3 ^ band as u64;
        for &v in &bins[band * ROWS..(band + 1) * ROWS] {
            h = mix(h ^ v);
        }
        *key = h;
    }
    Some(Sketch(keys))
}

/// Fills each empty bin from the nearest non-empty bin to its right (wrapping), offset by the
/// distance, so that two texts' empty bins agree exactly when their neighbours do.
fn densify(bins: &mut [u64; BINS]) {
    if bins.iter().all(|&v| v != u64::MAX) {
        return;
    }
    let filled: Vec<u64> = (0..BINS)
        .map(|i| {
            if bins[i] != u64::MAX {
                return bins[i];
            }
            let mut distance = 1;
            loop {
                let j = (i + distance) % BINS;
                if bins[j] != u64::MAX {
                    return bins[j].wrapping_add((distance as u64).wrapping_mul(0x9E37_79B9));
                }
                distance += 1;
            }
        })
        .collect();
    bins.copy_from_slice(&filled);
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An article's distinct 3-gram hashes, sorted: what candidates are verified on. Four bytes a
/// distinct 3-gram; two different 3-grams share a hash with probability 2⁻³², which moves a
/// similarity by far less than any threshold's margin.
pub fn shingles(text: &str) -> Vec<u32> {
    let chars = comparable(text);
    let mut set: Vec<u32> = shingle_hashes(&chars, SHINGLE)
        .into_iter()
        .map(|h| (h >> 32) as u32)
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

/// |A ∩ B| of two sorted sets.
fn intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// When a candidate counts as a copy.
#[derive(Clone, Copy, Debug)]
pub struct NearDupOptions {
    /// Jaccard similarity of the 3-gram sets at or above which two articles are copies.
    pub threshold: f32,
    /// Containment |A ∩ B| / |A| at or above which the later article A is a copy of B (an
    /// abridged reprint), when A has at least [`NearDupOptions::min_shingles`] 3-grams.
    pub containment: f32,
    /// Fewest distinct 3-grams for containment to count: a short notice is contained in many
    /// long articles that quote it.
    pub min_shingles: usize,
    /// Most candidates verified per article, best band agreement first.
    pub max_candidates: usize,
    /// Most 3-gram sets held at once: the verification works through the articles in source
    /// order in windows that need at most about this many sets.
    pub window: usize,
}

impl Default for NearDupOptions {
    fn default() -> Self {
        NearDupOptions {
            threshold: 0.8,
            containment: 0.9,
            min_shingles: 50,
            max_candidates: 8,
            window: 100_000,
        }
    }
}

/// A later article found to copy an earlier one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NearDup {
    /// Index (in the sketches given) of the copy kept.
    pub kept: u32,
    /// Jaccard similarity, or containment when that is what matched.
    pub similarity: f32,
    /// How it was found: `minhash-jaccard-3gram` or `minhash-containment-3gram`.
    pub method: &'static str,
}

/// What [`near_duplicates`] found and how much work it took.
#[derive(Clone, Debug, Default)]
pub struct NearDupReport {
    /// For every article, the earlier copy it repeats, if any.
    pub matches: Vec<Option<NearDup>>,
    /// Candidate pairs from shared bands (after the per-bucket cap).
    pub candidates: u64,
    /// Pairs verified by exact similarity.
    pub verified: u64,
    /// Windows the verification was done in (one load each).
    pub windows: u64,
    /// Articles searched: all of them, unless matches were known (see [`near_duplicates`]).
    pub searched: u64,
}

/// Which articles must be searched: those whose match is not known, and, in order, every
/// article in a band bucket whose first few members (those it is paired with) include one
/// that is searched.
fn to_search(sketches: &[Option<Sketch>], known: &[Option<Option<NearDup>>]) -> Vec<bool> {
    let n = sketches.len();
    let mut searched: Vec<bool> = (0..n)
        .map(|i| !matches!(known.get(i), Some(Some(_))))
        .collect();
    if searched.iter().all(|&s| s) {
        return searched;
    }
    // A known match naming an article that is searched is not to be trusted either.
    for (i, m) in known.iter().enumerate().take(n) {
        if let Some(Some(m)) = m {
            if m.kept as usize >= n || searched[m.kept as usize] {
                searched[i] = true;
            }
        }
    }
    // Per band key, walking in order: members met so far, and whether one of the first
    // PER_BUCKET members (the only ones later members are paired with) is searched.
    let mut buckets: std::collections::HashMap<u64, (u32, bool)> = std::collections::HashMap::new();
    for i in 0..n {
        let Some(Sketch(keys)) = &sketches[i] else {
            continue;
        };
        if !searched[i] && keys.iter().any(|k| buckets.get(k).is_some_and(|b| b.1)) {
            searched[i] = true;
        }
        for &k in keys {
            let bucket = buckets.entry(k).or_insert((0, false));
            if (bucket.0 as usize) < PER_BUCKET && searched[i] {
                bucket.1 = true;
            }
            bucket.0 += 1;
        }
    }
    searched
}

/// Finds, for each article, the earlier article it copies. `sketches[i]` is article `i`'s
/// sketch in source order; `load` is given sorted article indices and returns their
/// [`shingles`] (in the same order), and is called once per window.
///
/// `known[i]`, when given (`&[]` for none), is `Some(match)` for an article an earlier
/// search over the same articles in the same order already decided (its `kept` in this
/// search's numbering), and `None` for an article that search did not see. An article's
/// match depends only on its candidates, the first few members of each band bucket it
/// falls in, and the copies those stand for; so a known article keeps its match unless
/// those first few members of one of its buckets include an article that is searched: that
/// one may be a new candidate, or stand for another copy now. Those
/// articles are searched again, with the unseen ones, and the rest keep their matches:
/// adding a night's pages to a large dataset costs the new articles and the few earlier
/// ones they resemble, not the dataset.
pub fn near_duplicates<E>(
    sketches: &[Option<Sketch>],
    options: &NearDupOptions,
    known: &[Option<Option<NearDup>>],
    mut load: impl FnMut(&[u32]) -> Result<Vec<Vec<u32>>, E>,
) -> Result<NearDupReport, E> {
    let n = sketches.len();
    let mut report = NearDupReport {
        matches: vec![None; n],
        ..NearDupReport::default()
    };
    let searched = to_search(sketches, known);
    // The kept copy each article stands for (itself unless found to be a copy).
    let mut kept: Vec<u32> = (0..n as u32).collect();
    for (i, m) in known.iter().enumerate().take(n) {
        if let (Some(Some(m)), false) = (m, searched[i]) {
            kept[i] = m.kept;
            report.matches[i] = Some(*m);
        }
    }
    report.searched = searched.iter().filter(|&&s| s).count() as u64;
    let buckets = Buckets::new(sketches, &searched);
    let counts = pair_counts(&buckets, &searched);
    // Later articles in ranges whose pairs fit in a pass; each range is verified before the
    // next is gathered, in article order, so the passes find what one pass would.
    let mut low = 0usize;
    while low < n {
        let (mut high, mut pairs) = (low, 0usize);
        while high < n && (high == low || pairs + usize::from(counts[high]) <= PAIRS_PER_PASS) {
            pairs += usize::from(counts[high]);
            high += 1;
        }
        if pairs > 0 {
            let range = low as u32..high as u32;
            let candidates = candidate_pairs(&buckets, &searched, range);
            report.candidates += candidates.len() as u64;
            verify(candidates, options, &mut kept, &mut report, &mut load)?;
        }
        low = high;
    }
    Ok(report)
}

/// Verifies `candidates` (sorted by later article) in windows of loaded 3-gram sets,
/// recording each later article's match and the copy it stands for in `kept`.
fn verify<E>(
    candidates: Vec<(u32, u32, u32)>,
    options: &NearDupOptions,
    kept: &mut [u32],
    report: &mut NearDupReport,
    load: &mut impl FnMut(&[u32]) -> Result<Vec<Vec<u32>>, E>,
) -> Result<(), E> {
    // Candidate lists by later article: (earlier, bands shared), later articles ascending.
    let mut by_later: Vec<(u32, Vec<(u32, u32)>)> = Vec::new();
    for (later, earlier, bands) in candidates {
        match by_later.last_mut() {
            Some((l, list)) if *l == later => list.push((earlier, bands)),
            _ => by_later.push((later, vec![(earlier, bands)])),
        }
    }
    let mut start = 0;
    while start < by_later.len() {
        // A window: later articles in order until their sets would pass the budget.
        let mut needed: Vec<u32> = Vec::new();
        let mut end = start;
        while end < by_later.len() && (end == start || needed.len() < options.window) {
            let (later, list) = &by_later[end];
            needed.push(*later);
            // Only the copies the candidates stand for are compared: a candidate that is
            // itself a copy is never loaded.
            needed.extend(list.iter().map(|&(earlier, _)| kept[earlier as usize]));
            end += 1;
        }
        needed.sort_unstable();
        needed.dedup();
        let sets = load(&needed)?;
        report.windows += 1;
        let set_of = |i: u32| {
            needed
                .binary_search(&i)
                .ok()
                .and_then(|k| sets.get(k))
                .map(Vec::as_slice)
        };
        for (later, list) in &by_later[start..end] {
            let Some(a) = set_of(*later) else { continue };
            // Compare with the kept copies the candidates stand for, best agreement first.
            let mut reps: Vec<(u32, u32)> = list
                .iter()
                .map(|&(earlier, bands)| (kept[earlier as usize], bands))
                .collect();
            reps.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            let mut tried: Vec<u32> = Vec::with_capacity(options.max_candidates);
            let mut best: Option<NearDup> = None;
            for (rep, _) in reps {
                if tried.contains(&rep) {
                    continue;
                }
                if tried.len() == options.max_candidates {
                    break;
                }
                tried.push(rep);
                let Some(b) = set_of(rep) else { continue };
                report.verified += 1;
                if let Some(found) = verdict(a, b, rep, options) {
                    if best.is_none_or(|x| found.similarity > x.similarity) {
                        best = Some(found);
                    }
                }
            }
            if let Some(found) = best {
                kept[*later as usize] = found.kept;
                report.matches[*later as usize] = Some(found);
            }
        }
        start = end;
    }
    Ok(())
}

/// Whether `a` (later) copies `b` (kept), and how closely.
fn verdict(a: &[u32], b: &[u32], kept: u32, options: &NearDupOptions) -> Option<NearDup> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let common = intersection(a, b);
    let jaccard = common as f32 / (a.len() + b.len() - common) as f32;
    if jaccard >= options.threshold {
        return Some(NearDup {
            kept,
            similarity: jaccard,
            method: "minhash-jaccard-3gram",
        });
    }
    let containment = common as f32 / a.len() as f32;
    (a.len() >= options.min_shingles && containment >= options.containment).then_some(NearDup {
        kept,
        similarity: containment,
        method: "minhash-containment-3gram",
    })
}

/// Candidate pairs held at once (12 bytes each, with as much again while they are
/// gathered): the search takes the later articles in ranges whose pairs fit, so its memory
/// does not grow with the pairs of the whole corpus.
const PAIRS_PER_PASS: usize = 1 << 22;

/// The band buckets of two members or more, each band's sorted once and kept as the
/// members' article numbers in order (4 bytes a member; the buckets of one article, most
/// of them, are dropped): the passes of the candidate search each scan them, rather than
/// sort the band keys again. When only some articles are searched, only the buckets a
/// searched article is in are kept.
struct Buckets {
    /// Per band: the members of its buckets, bucket after bucket, each in article order.
    members: Vec<Vec<u32>>,
    /// Per band: where each bucket starts in `members`, and its end last.
    starts: Vec<Vec<u32>>,
}

impl Buckets {
    fn new(sketches: &[Option<Sketch>], searched: &[bool]) -> Self {
        let wanted = (!searched.iter().all(|&s| s)).then(|| {
            let mut keys: Vec<u64> = (0..sketches.len())
                .filter(|&i| searched[i])
                .filter_map(|i| sketches[i].as_ref())
                .flat_map(|Sketch(keys)| keys.iter().copied())
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        });
        // One band's (key, article) entries at a time: 16 bytes an article.
        let mut entries: Vec<(u64, u32)> = Vec::new();
        let mut buckets = Buckets {
            members: Vec::with_capacity(BANDS),
            starts: Vec::with_capacity(BANDS),
        };
        for band in 0..BANDS {
            entries.clear();
            for (i, sketch) in sketches.iter().enumerate() {
                let Some(Sketch(keys)) = sketch else { continue };
                let key = keys[band];
                if wanted
                    .as_ref()
                    .is_none_or(|w| w.binary_search(&key).is_ok())
                {
                    entries.push((key, i as u32));
                }
            }
            entries.sort_unstable();
            let (mut members, mut starts) = (Vec::new(), Vec::new());
            for bucket in entries.chunk_by(|x, y| x.0 == y.0) {
                if bucket.len() > 1 {
                    starts.push(members.len() as u32);
                    members.extend(bucket.iter().map(|&(_, i)| i));
                }
            }
            starts.push(members.len() as u32);
            members.shrink_to_fit();
            buckets.members.push(members);
            buckets.starts.push(starts);
        }
        buckets
    }

    /// Calls `f(later, earlier)` for each searched article before `limit` that is not the
    /// first of a bucket, in every band, with the members it is paired with: the first few
    /// of its bucket before it.
    fn for_each_later(&self, searched: &[bool], limit: u32, mut f: impl FnMut(u32, &[u32])) {
        for (members, starts) in self.members.iter().zip(&self.starts) {
            for w in starts.windows(2) {
                let bucket = &members[w[0] as usize..w[1] as usize];
                let bucket = &bucket[..bucket.partition_point(|&i| i < limit)];
                for (j, &later) in bucket.iter().enumerate().skip(1) {
                    if searched[later as usize] {
                        f(later, &bucket[..j.min(PER_BUCKET)]);
                    }
                }
            }
        }
    }
}

/// For each article, how many pairs (with repeats across bands) it is the later one of.
fn pair_counts(buckets: &Buckets, searched: &[bool]) -> Vec<u8> {
    let mut counts = vec![0u8; searched.len()];
    buckets.for_each_later(searched, u32::MAX, |later, earlier| {
        counts[later as usize] += earlier.len() as u8;
    });
    counts
}

/// Pairs (later, earlier, bands shared) of articles that share at least one band, sorted,
/// for the later articles in `range` that are `searched`. Each bucket pairs its members
/// only with its first few.
fn candidate_pairs(
    buckets: &Buckets,
    searched: &[bool],
    range: std::ops::Range<u32>,
) -> Vec<(u32, u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    buckets.for_each_later(searched, range.end, |later, earlier| {
        if range.contains(&later) {
            pairs.extend(earlier.iter().map(|&e| (later, e)));
        }
    });
    pairs.sort_unstable();
    let mut out: Vec<(u32, u32, u32)> = Vec::with_capacity(pairs.len() / 2);
    for run in pairs.chunk_by(|x, y| x == y) {
        out.push((run[0].0, run[0].1, run.len() as u32));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "湘潭市大力推进园区去行政化改革，剥离园区社会事务管理职能，\
        把园区从繁杂的社会事务中解放出来，聚焦主责主业抓招商、抓项目、抓服务。\
        改革后，园区机构数量精简三成以上，干部队伍平均年龄下降五岁，\
        全口径税收增长百分之十三点四，园区税收占全市比重达到七成以上。";

    fn load_from<'a>(texts: &'a [&'a str]) -> impl FnMut(&[u32]) -> Result<Vec<Vec<u32>>, ()> + 'a {
        move |ids| Ok(ids.iter().map(|&i| shingles(texts[i as usize])).collect())
    }

    fn run(texts: &[&str]) -> NearDupReport {
        let sketches: Vec<_> = texts.iter().map(|t| sketch(t)).collect();
        near_duplicates(&sketches, &NearDupOptions::default(), &[], load_from(texts)).expect("run")
    }

    #[test]
    fn a_rewrapped_copy_in_another_width_is_found_and_the_first_is_kept() {
        let rewrapped: String = ARTICLE
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let wide = if c == '，' { ',' } else { c };
                if i % 15 == 14 {
                    vec![wide, '\n']
                } else {
                    vec![wide]
                }
            })
            .collect();
        let report = run(&[
            ARTICLE,
            "完全无关的另一篇报道，讲的是农业生产和粮食收成的情况。",
            &rewrapped,
        ]);
        assert_eq!(report.matches[0], None);
        assert_eq!(report.matches[1], None);
        let found = report.matches[2].expect("copy found");
        assert_eq!(found.kept, 0);
        assert_eq!(found.similarity, 1.0);
    }

    #[test]
    fn a_copy_of_a_copy_names_the_first() {
        let report = run(&[ARTICLE, ARTICLE, ARTICLE]);
        assert_eq!(report.matches[1].map(|m| m.kept), Some(0));
        assert_eq!(report.matches[2].map(|m| m.kept), Some(0));
    }

    #[test]
    fn articles_that_share_a_sentence_are_not_copies() {
        let other = "湘潭市大力推进园区去行政化改革，剥离园区社会事务管理职能。\
            今年全市新建高标准农田十二万亩，粮食总产量连续五年稳定在六十亿斤以上，\
            农业机械化率提高到百分之八十五，农村居民人均可支配收入增长百分之七。";
        let report = run(&[ARTICLE, other]);
        assert_eq!(report.matches, vec![None, None]);
    }

    #[test]
    fn sketches_tolerate_a_few_changed_characters() {
        let changed = ARTICLE
            .replacen("三成", "四成", 1)
            .replacen("五岁", "六岁", 1);
        let a = shingles(ARTICLE);
        let b = shingles(&changed);
        let j = intersection(&a, &b) as f32 / (a.len() + b.len() - intersection(&a, &b)) as f32;
        assert!(j > 0.8, "{j}");
        let report = run(&[ARTICLE, &changed]);
        assert_eq!(report.matches[1].map(|m| m.kept), Some(0));
    }

    #[test]
    fn short_texts_have_no_sketch() {
        assert_eq!(sketch("本报，"), None);
        assert!(sketch("本报讯").is_some());
    }

    #[test]
    fn verification_works_in_windows_of_the_given_size() {
        let texts = [ARTICLE; 6];
        let sketches: Vec<_> = texts.iter().map(|t| sketch(t)).collect();
        let options = NearDupOptions {
            window: 1,
            ..NearDupOptions::default()
        };
        let report = near_duplicates(&sketches, &options, &[], load_from(&texts)).expect("run");
        assert_eq!(report.windows, 5);
        assert!(report.matches[1..]
            .iter()
            .all(|m| m.map(|m| m.kept) == Some(0)));
    }

    #[test]
    fn known_matches_give_what_a_search_from_scratch_gives() {
        let other = "今年全市新建高标准农田十二万亩，粮食总产量连续五年稳定在六十亿斤以上，\
            农业机械化率提高到百分之八十五，农村居民人均可支配收入增长百分之七。";
        let changed = ARTICLE.replacen("三成", "四成", 1);
        let other_changed = other.replacen("十二万亩", "十三万亩", 1);
        let texts = [
            ARTICLE,
            other,
            changed.as_str(),
            ARTICLE,
            other_changed.as_str(),
            "完全无关的另一篇报道，讲的是农业生产和粮食收成的情况。",
            changed.as_str(),
            other,
        ];
        let sketches: Vec<_> = texts.iter().map(|t| sketch(t)).collect();
        let options = NearDupOptions::default();
        let whole = near_duplicates(&sketches, &options, &[], load_from(&texts)).expect("run");
        assert!(whole.matches.iter().flatten().count() >= 5);
        // Every way of holding some articles first and adding the others later: the
        // articles held are searched alone, then all with their matches known.
        for held_mask in 0u32..(1 << texts.len()) {
            let held: Vec<usize> = (0..texts.len())
                .filter(|i| held_mask >> i & 1 == 1)
                .collect();
            let held_sketches: Vec<_> = held.iter().map(|&i| sketches[i]).collect();
            let held_texts: Vec<&str> = held.iter().map(|&i| texts[i]).collect();
            let first = near_duplicates(&held_sketches, &options, &[], load_from(&held_texts))
                .expect("run");
            let mut known: Vec<Option<Option<NearDup>>> = vec![None; texts.len()];
            for (h, &i) in held.iter().enumerate() {
                known[i] = Some(first.matches[h].map(|m| NearDup {
                    kept: held[m.kept as usize] as u32,
                    ..m
                }));
            }
            let mut asked: Vec<u32> = Vec::new();
            let again = near_duplicates(&sketches, &options, &known, |ids: &[u32]| {
                asked.extend_from_slice(ids);
                load_from(&texts)(ids)
            })
            .expect("run");
            assert_eq!(again.matches, whole.matches, "held {held:?}");
            assert!(again.verified <= whole.verified);
            if held.len() == texts.len() {
                assert_eq!((again.searched, again.verified, asked.len()), (0, 0, 0));
            }
        }
        // Articles added after all those held, resembling none of them, search alone.
        let unrelated =
            "岳麓山下的书院迎来开放日，市民排队参观古建筑与碑刻，讲解员介绍了书院千年的历史沿革。";
        let mut more = sketches.clone();
        more.push(sketch(unrelated));
        let mut known: Vec<Option<Option<NearDup>>> =
            whole.matches.iter().map(|m| Some(*m)).collect();
        known.push(None);
        let mut all_texts = texts.to_vec();
        all_texts.push(unrelated);
        let added = near_duplicates(&more, &options, &known, load_from(&all_texts)).expect("run");
        assert_eq!(added.matches[..texts.len()], whole.matches[..]);
        assert_eq!(added.searched, 1);
    }
}
