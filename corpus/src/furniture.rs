//! Furniture lines learned from a run: a [`LineCounter`] counts on how many pages each
//! candidate line of `clean::furniture` occurs, alone and with the text around it, and
//! [`LineCounter::finish`] keeps those on at least `min_docs` pages as a [`FurnitureSet`],
//! which `clean` asks line by line. A line is furniture only when it recurs and fewer than
//! half of its pages show it beside the same text (else it is a line of a reprinted
//! article, which the near-duplicate search deals with).
//!
//! The counter is *lossy counting* (Manku and Motwani): keys seen once in a window of
//! documents and not since are forgotten at the window's end, so memory follows the lines
//! of a window, not of the run, and a kept count never exceeds the true one: a line is
//! never called furniture on fewer pages than `min_docs`. What it can miss is a line spread
//! thinner than once a window across a very long run.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The keys counted are hashes already (`clean::furniture`): the map uses them as they
/// are, with no second hash of its own.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed here; anything else is folded in, byte by byte.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

type Keyed<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Shards of the counter's map, by four bits of a key that the map itself uses neither for
/// its slot nor for its tag (the low and the top bits). A window adds millions of keys, and a
/// map that grows doubles its table beside the old one: sharded, each growth copies a
/// sixteenth of the counts, not all of them, and the pass's peak memory is the tables, not
/// the tables and a copy.
const SHARDS: usize = 16;

fn shard(key: u64) -> usize {
    (key >> 32) as usize & (SHARDS - 1)
}

use clean::furniture::LineView;

/// Counts on how many documents each candidate line occurs, in bounded memory.
#[derive(Debug)]
pub struct LineCounter {
    window: u64,
    documents: u64,
    /// Key → (documents counted, documents it may have been missed in before it was added),
    /// in [`SHARDS`] maps by [`shard`].
    counts: Vec<Keyed<(u32, u32)>>,
}

impl LineCounter {
    /// A counter that forgets, every `window` documents, the lines seen only rarely.
    pub fn new(window: u64) -> Self {
        LineCounter {
            window: window.max(1),
            documents: 0,
            counts: (0..SHARDS).map(|_| Keyed::default()).collect(),
        }
    }

    /// Keys counted now.
    pub fn len(&self) -> usize {
        self.counts.iter().map(HashMap::len).sum()
    }

    /// Whether no key is counted.
    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(HashMap::is_empty)
    }

    fn entries(&self) -> impl Iterator<Item = (u64, (u32, u32))> + '_ {
        self.counts
            .iter()
            .flat_map(|shard| shard.iter().map(|(&k, &v)| (k, v)))
    }

    /// Counts one document's [`line_keys`]. Documents must come in input order for the
    /// result to be the same on every run.
    pub fn add_document(&mut self, keys: &[u64]) {
        let bucket = (self.documents / self.window) as u32;
        for &k in keys {
            self.counts[shard(k)].entry(k).or_insert((0, bucket)).0 += 1;
        }
        self.documents += 1;
        if self.documents.is_multiple_of(self.window) {
            let bucket = (self.documents / self.window) as u32;
            for counts in &mut self.counts {
                counts.retain(|_, (count, missed)| *count + *missed > bucket);
            }
        }
    }

    /// The furniture: lines counted on at least `min_docs` documents (with the neighbour
    /// counts needed to tell them from reprinted text).
    pub fn finish(&self, min_docs: u32) -> FurnitureSet {
        let min_docs = min_docs.max(2);
        let keep = min_docs.div_ceil(2);
        FurnitureSet {
            min_docs,
            counts: self
                .entries()
                .filter(|(_, (count, _))| *count >= keep)
                .map(|(k, (count, _))| (k, count))
                .collect(),
        }
    }

    /// The counts as bytes, to be saved with a dataset and counted on from by the next run
    /// ([`LineCounter::from_bytes`]): lines keep counting across runs that add pages.
    /// Consumes the counter: each shard's table is freed as its entries are copied out, so
    /// that the tables, the sorted entries and the bytes are never all held at once.
    pub fn into_bytes(self) -> Vec<u8> {
        // Sorted by key, so that the same counts give the same bytes: the entries are
        // copied out of the map first (a sort through references into it misses the cache
        // at every comparison), and keys are distinct, so the key alone orders them.
        let mut entries: Vec<(u64, (u32, u32))> = Vec::with_capacity(self.len());
        for shard in self.counts {
            entries.extend(shard);
        }
        entries.sort_unstable_by_key(|&(key, _)| key);
        let mut out = Vec::with_capacity(COUNTER_MAGIC.len() + 16 + entries.len() * 16);
        out.extend_from_slice(COUNTER_MAGIC);
        out.extend_from_slice(&self.window.to_le_bytes());
        out.extend_from_slice(&self.documents.to_le_bytes());
        for (key, (count, missed)) in entries {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&missed.to_le_bytes());
        }
        out
    }

    /// Whether `bytes` are counts an older newsprint wrote, keyed otherwise: they cannot be
    /// counted on from, and the dataset's furniture must be learned again (`run --full`).
    pub fn is_older_format(bytes: &[u8]) -> bool {
        OLDER_MAGIC.iter().any(|m| bytes.starts_with(m.as_slice()))
    }

    /// Reads counts written by [`LineCounter::into_bytes`]; `None` if they are not that.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let rest = bytes.strip_prefix(COUNTER_MAGIC.as_slice())?;
        if rest.len() < 16 || (rest.len() - 16) % 16 != 0 {
            return None;
        }
        let u64_at = |b: &[u8]| b.try_into().ok().map(u64::from_le_bytes);
        let u32_at = |b: &[u8]| b.try_into().ok().map(u32::from_le_bytes);
        let mut counter = LineCounter::new(u64_at(&rest[..8])?);
        counter.documents = u64_at(&rest[8..16])?;
        for entry in rest[16..].chunks_exact(16) {
            let key = u64_at(&entry[..8])?;
            counter.counts[shard(key)].insert(key, (u32_at(&entry[8..12])?, u32_at(&entry[12..])?));
        }
        Some(counter)
    }
}

/// Version 3 keys a line with each of the sentences around it; version 2 keyed it with the
/// one sentence on each side, version 1 with the lines beside it, and their counts cannot
/// be added to.
const COUNTER_MAGIC: &[u8; 8] = b"NPLINES3";
const OLDER_MAGIC: &[&[u8; 8]] = &[b"NPLINES1", b"NPLINES2"];

/// The run's furniture lines, by key, with the documents each was counted on.
#[derive(Clone, Debug, Default)]
pub struct FurnitureSet {
    min_docs: u32,
    /// Documents per key, for keys on at least half of `min_docs` documents.
    counts: Keyed<u32>,
}

impl FurnitureSet {
    /// Keys counted (lines and lines with neighbours) on at least half of `min_docs` pages.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no line recurs enough to be furniture.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

impl clean::furniture::Furniture for FurnitureSet {
    /// On how many documents the line was counted, when it is furniture here: it recurs on
    /// `min_docs` pages, and on fewer than half of them beside the same neighbour (else it is
    /// a line of a reprinted article, which the near-duplicate search deals with).
    fn pages(&self, line: &LineView) -> Option<u32> {
        let count = |k: Option<u64>| k.and_then(|k| self.counts.get(&k).copied()).unwrap_or(0);
        let pages = count(line.key);
        if pages < self.min_docs {
            return None;
        }
        let with_neighbour = line.around.iter().map(|&k| count(k)).max().unwrap_or(0);
        (with_neighbour * 2 < pages).then_some(pages)
    }

    fn may_be(&self, key: u64) -> bool {
        self.counts
            .get(&key)
            .is_some_and(|&pages| pages >= self.min_docs)
    }

    fn is_empty(&self) -> bool {
        FurnitureSet::is_empty(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_on_enough_pages_are_furniture_and_rare_ones_are_forgotten() {
        let mut counter = LineCounter::new(4);
        let header = clean::furniture::line_key("湖南日报 要闻").expect("key");
        for page in 0..12u64 {
            let mut keys = vec![header, 1_000 + page];
            if page % 3 == 0 {
                keys.push(7);
            }
            keys.sort_unstable();
            counter.add_document(&keys);
        }
        // One-off lines are pruned at each window's end.
        assert!(counter.len() <= 2 + 4);
        let found = counter.finish(4);
        assert_eq!(found.counts.get(&header), Some(&12));
        assert_eq!(found.counts.get(&7), Some(&4));
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn counts_saved_and_read_back_go_on_counting_as_one_counter() {
        // Keys in every shard, so that saving and reading back gathers them from all.
        let pages: Vec<Vec<u64>> = (0..30u64)
            .map(|p| vec![5, 100 + p % 7, (p % 16) << 32 | 9, (p % 5) << 33 | 1 << 40])
            .collect();
        let mut whole = LineCounter::new(8);
        for keys in &pages {
            whole.add_document(keys);
        }
        let mut first = LineCounter::new(8);
        for keys in &pages[..13] {
            first.add_document(keys);
        }
        let mut resumed = LineCounter::from_bytes(&first.into_bytes()).expect("counter");
        for keys in &pages[13..] {
            resumed.add_document(keys);
        }
        assert_eq!(resumed.into_bytes(), whole.into_bytes());
        assert!(LineCounter::from_bytes(b"NPLINES3short").is_none());
        assert!(LineCounter::is_older_format(b"NPLINES2\0\0"));
        assert!(LineCounter::is_older_format(b"NPLINES1\0\0"));
        assert!(LineCounter::from_bytes(b"NPLINES1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0").is_none());
        assert!(LineCounter::from_bytes(b"something else entirely").is_none());
    }
}
