//! Summary tables: `entity_counts` and `quantity_counts`, over every part of the dataset.
//!
//! Both count each article once: rows of articles that repeat an earlier one
//! (`articles.duplicate_of` set) are left out, as an analyst filtering on
//! `duplicate_of IS NULL` would.
//!
//! They are merged from *partials*, one a segment (the parts of all tables that share a
//! file name): per entity its mentions, articles and documents, and per (kind, unit) its
//! figures with their distinct values and counts. A segment's documents are in no other
//! segment, so partials add up. Each partial is saved (`_newsprint/partials/`) with a
//! fingerprint of what it was computed from (the segment's rows and the copies among its
//! articles) and used again while that is unchanged: a run that adds a night's pages reads
//! the new segments' rows and the saved partials, not every row of the dataset. Memory
//! follows one partial and the distinct entities and groups. Medians are exact, found in
//! two passes over the partials: the first counts values into narrow buckets (0.4 % wide),
//! the second keeps only the values of the bucket holding the middle.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::dataset::{partial_path, put_str, write_whole, Fields, Manifest};
use crate::schema::{ENTITIES, ENTITY_COUNTS, QUANTITIES, QUANTITY_COUNTS};
use crate::table::{read_frame, typed, Cell, TableWriter};
use crate::Error;

/// The articles left out of the summaries: (document number, `article_idx`) by articles
/// part file, sorted.
pub(crate) type Copies = HashMap<String, Vec<(u128, u32)>>;

/// Gives each distinct string a number, looked up by `&str`: rows are counted under numbers,
/// so a row allocates nothing unless it brings a string not met before.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    strings: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.ids.insert(s.to_string(), id);
        self.strings.push(s.to_string());
        id
    }

    fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
}

/// No unit: the number `Interner` never gives.
const NO_UNIT: u32 = u32::MAX;

#[derive(Default)]
struct EntityCount {
    mentions: u64,
    articles: u64,
    documents: u64,
    /// The last (document, article) counted: rows come in document and article order, so a
    /// change means a new one.
    last: Option<(u32, u32)>,
}

/// An order-preserving map of a float to an integer: negative numbers below positive ones.
fn ordered(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn unordered(key: u64) -> f64 {
    if key >> 63 == 1 {
        f64::from_bits(key & !(1 << 63))
    } else {
        f64::from_bits(!key)
    }
}

/// A bucket holds the values whose ordered keys share their top 20 bits: sign, exponent and
/// the first 8 bits of the mantissa, so a bucket spans at most 0.4 % of its values.
fn bucket(key: u64) -> u32 {
    (key >> 44) as u32
}

#[derive(Default)]
struct Group {
    count: u64,
    with_value: u64,
    min: Option<f64>,
    max: Option<f64>,
    buckets: BTreeMap<u32, u64>,
    /// Second pass: the buckets holding the middle ranks, and the values met in them.
    middle: Vec<u32>,
    below: u64,
    values: BTreeMap<u64, u64>,
}

impl Group {
    /// The 0-based ranks of the middle value(s) among the values.
    fn middle_ranks(&self) -> [u64; 2] {
        let n = self.with_value;
        [(n - 1) / 2, n / 2]
    }

    /// Marks the buckets that hold the middle ranks; `below` counts the values before them.
    fn choose_middle(&mut self) {
        if self.with_value == 0 {
            return;
        }
        let ranks = self.middle_ranks();
        let mut seen = 0u64;
        let mut first = true;
        for (&b, &n) in &self.buckets {
            if ranks.iter().any(|&r| r >= seen && r < seen + n) {
                if first {
                    self.below = seen;
                    first = false;
                }
                self.middle.push(b);
            }
            seen += n;
        }
    }

    fn median(&self) -> Option<f64> {
        if self.with_value == 0 {
            return None;
        }
        let ranks = self.middle_ranks();
        let mut found = [None, None];
        let mut seen = self.below;
        for (&key, &n) in &self.values {
            for (slot, &r) in found.iter_mut().zip(&ranks) {
                if slot.is_none() && r < seen + n {
                    *slot = Some(unordered(key));
                }
            }
            seen += n;
        }
        match found {
            [Some(a), Some(b)] => Some((a + b) / 2.0),
            _ => None,
        }
    }
}

/// Per entity (kind, name): mentions, articles and documents.
type EntityRow = (String, String, u64, u64, u64);

/// One (kind, unit) of a segment's figures.
#[derive(Clone, Debug, PartialEq)]
struct PartialGroup {
    kind: String,
    unit: Option<String>,
    count: u64,
    /// Distinct values (as [`ordered`] keys) with their counts, ascending.
    values: Vec<(u64, u64)>,
}

/// What one segment adds to the summaries.
#[derive(Clone, Debug, Default, PartialEq)]
struct Partial {
    fingerprint: u64,
    entities: Vec<EntityRow>,
    groups: Vec<PartialGroup>,
}

const PARTIAL_MAGIC: &[u8; 8] = b"NPPARTL1";

impl Partial {
    fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(PARTIAL_MAGIC);
        b.extend_from_slice(&self.fingerprint.to_le_bytes());
        b.extend_from_slice(&(self.entities.len() as u64).to_le_bytes());
        for (kind, name, mentions, articles, documents) in &self.entities {
            put_str(&mut b, kind);
            put_str(&mut b, name);
            for n in [mentions, articles, documents] {
                b.extend_from_slice(&n.to_le_bytes());
            }
        }
        b.extend_from_slice(&(self.groups.len() as u64).to_le_bytes());
        for g in &self.groups {
            put_str(&mut b, &g.kind);
            b.push(u8::from(g.unit.is_some()));
            put_str(&mut b, g.unit.as_deref().unwrap_or(""));
            b.extend_from_slice(&g.count.to_le_bytes());
            b.extend_from_slice(&(g.values.len() as u64).to_le_bytes());
            for (key, n) in &g.values {
                b.extend_from_slice(&key.to_le_bytes());
                b.extend_from_slice(&n.to_le_bytes());
            }
        }
        b
    }

    /// `None` when the bytes are not a whole partial (it is then computed again).
    fn from_bytes(bytes: &[u8]) -> Option<Partial> {
        let mut f = Fields::after(bytes, PARTIAL_MAGIC)?;
        let fingerprint = f.u64()?;
        let n_entities = f.u64()? as usize;
        let mut entities = Vec::with_capacity(n_entities.min(1 << 20));
        for _ in 0..n_entities {
            let (kind, name) = (f.str()?.to_string(), f.str()?.to_string());
            entities.push((kind, name, f.u64()?, f.u64()?, f.u64()?));
        }
        let n_groups = f.u64()? as usize;
        let mut groups = Vec::with_capacity(n_groups.min(1 << 20));
        for _ in 0..n_groups {
            let kind = f.str()?.to_string();
            let has_unit = f.u8()? == 1;
            let unit = f.str()?.to_string();
            let count = f.u64()?;
            let n_values = f.u64()? as usize;
            let mut values = Vec::with_capacity(n_values.min(1 << 20));
            for _ in 0..n_values {
                values.push((f.u64()?, f.u64()?));
            }
            groups.push(PartialGroup {
                kind,
                unit: has_unit.then_some(unit),
                count,
                values,
            });
        }
        f.rest().is_empty().then_some(Partial {
            fingerprint,
            entities,
            groups,
        })
    }
}

/// One segment: its entities and quantities parts (either may be missing) and the copies
/// among its articles.
struct Segment<'a> {
    name: String,
    entities: Option<(PathBuf, u64)>,
    quantities: Option<(PathBuf, u64)>,
    copies: &'a [(u128, u32)],
}

impl Segment<'_> {
    fn fingerprint(&self) -> u64 {
        let mut bytes = Vec::with_capacity(32 + self.copies.len() * 20);
        bytes.extend_from_slice(PARTIAL_MAGIC);
        for rows in [&self.entities, &self.quantities] {
            bytes.extend_from_slice(&rows.as_ref().map_or(u64::MAX, |r| r.1).to_le_bytes());
        }
        for (doc, article) in self.copies {
            bytes.extend_from_slice(&doc.to_le_bytes());
            bytes.extend_from_slice(&article.to_le_bytes());
        }
        xxhash_rust::xxh3::xxh3_64(&bytes)
    }

    fn is_copy(&self, doc: u128, article: u32) -> bool {
        self.copies.binary_search(&(doc, article)).is_ok()
    }

    /// The saved partial if it was computed from what the segment holds now, else a new one
    /// (saved for the next run).
    fn partial(&self, out: &Path) -> Result<Partial, Error> {
        let path = partial_path(out, &self.name);
        let fingerprint = self.fingerprint();
        if let Some(saved) = std::fs::read(&path)
            .ok()
            .and_then(|b| Partial::from_bytes(&b))
            .filter(|p| p.fingerprint == fingerprint)
        {
            return Ok(saved);
        }
        let partial = Partial {
            fingerprint,
            entities: self.count_entities()?,
            groups: self.count_quantities()?,
        };
        write_whole(&path, &partial.to_bytes())?;
        Ok(partial)
    }

    fn count_entities(&self) -> Result<Vec<EntityRow>, Error> {
        let Some((path, _)) = &self.entities else {
            return Ok(Vec::new());
        };
        let frame = read_frame(
            &ENTITIES,
            path,
            Some(&["doc_id", "article_idx", "kind", "name"]),
        )?;
        let doc_ids = typed(&frame, &ENTITIES, "doc_id", Column::str)?;
        let articles = typed(&frame, &ENTITIES, "article_idx", Column::u32)?;
        let kinds = typed(&frame, &ENTITIES, "kind", Column::str)?;
        let names = typed(&frame, &ENTITIES, "name", Column::str)?;
        let mut strings = Interner::default();
        let mut counts: HashMap<(u32, u32), EntityCount> = HashMap::new();
        let mut doc_number = 0u32;
        let mut last_doc: Option<&str> = None;
        let mut doc = 0u128;
        let rows = doc_ids
            .iter()
            .zip(articles.iter())
            .zip(kinds.iter())
            .zip(names.iter());
        for (((doc_id, article), kind), name) in rows {
            let (Some(doc_id), Some(article), Some(kind), Some(name)) =
                (doc_id, article, kind, name)
            else {
                continue;
            };
            // Rows come a document at a time: its number is read once.
            if last_doc != Some(doc_id) {
                doc_number += 1;
                last_doc = Some(doc_id);
                doc = ingest::content_number(doc_id).unwrap_or(u128::MAX);
            }
            if self.is_copy(doc, article) {
                continue;
            }
            let count = counts
                .entry((strings.id(kind), strings.id(name)))
                .or_default();
            count.mentions += 1;
            match count.last {
                Some((d, a)) if d == doc_number && a == article => {}
                Some((d, _)) if d == doc_number => count.articles += 1,
                _ => {
                    count.articles += 1;
                    count.documents += 1;
                }
            }
            count.last = Some((doc_number, article));
        }
        Ok(counts
            .into_iter()
            .map(|((kind, name), c)| {
                (
                    strings.get(kind).to_string(),
                    strings.get(name).to_string(),
                    c.mentions,
                    c.articles,
                    c.documents,
                )
            })
            .collect())
    }

    fn count_quantities(&self) -> Result<Vec<PartialGroup>, Error> {
        let Some((path, _)) = &self.quantities else {
            return Ok(Vec::new());
        };
        let frame = read_frame(
            &QUANTITIES,
            path,
            Some(&["doc_id", "article_idx", "kind", "unit", "value"]),
        )?;
        let doc_ids = typed(&frame, &QUANTITIES, "doc_id", Column::str)?;
        let articles = typed(&frame, &QUANTITIES, "article_idx", Column::u32)?;
        let kinds = typed(&frame, &QUANTITIES, "kind", Column::str)?;
        let units = typed(&frame, &QUANTITIES, "unit", Column::str)?;
        let values = typed(&frame, &QUANTITIES, "value", Column::f64)?;
        let mut strings = Interner::default();
        let mut groups: HashMap<(u32, u32), (u64, BTreeMap<u64, u64>)> = HashMap::new();
        let mut last_doc: Option<&str> = None;
        let mut doc = 0u128;
        let rows = doc_ids
            .iter()
            .zip(articles.iter())
            .zip(kinds.iter())
            .zip(units.iter())
            .zip(values.iter());
        for ((((doc_id, article), kind), unit), value) in rows {
            let (Some(doc_id), Some(article), Some(kind)) = (doc_id, article, kind) else {
                continue;
            };
            if last_doc != Some(doc_id) {
                last_doc = Some(doc_id);
                doc = ingest::content_number(doc_id).unwrap_or(u128::MAX);
            }
            if self.is_copy(doc, article) {
                continue;
            }
            let key = (strings.id(kind), unit.map_or(NO_UNIT, |u| strings.id(u)));
            let group = groups.entry(key).or_default();
            group.0 += 1;
            if let Some(v) = value.filter(|v| !v.is_nan()) {
                *group.1.entry(ordered(v)).or_default() += 1;
            }
        }
        Ok(groups
            .into_iter()
            .map(|((kind, unit), (count, values))| PartialGroup {
                kind: strings.get(kind).to_string(),
                unit: (unit != NO_UNIT).then(|| strings.get(unit).to_string()),
                count,
                values: values.into_iter().collect(),
            })
            .collect())
    }
}

/// Writes `entity_counts` to `entity_path` and `quantity_counts` to `quantity_path`, one part
/// each, over every segment `manifest` names. Returns their rows.
pub(crate) fn summaries(
    out: &Path,
    manifest: &Manifest,
    copies: &Copies,
    entity_path: &Path,
    quantity_path: &Path,
) -> Result<(u64, u64), Error> {
    // Segments by name, each with its entities and quantities parts: one pass over each
    // table's parts, in name order.
    type Parts = (Option<(PathBuf, u64)>, Option<(PathBuf, u64)>);
    let mut by_name: BTreeMap<&str, Parts> = BTreeMap::new();
    for (table, quantities) in [(ENTITIES.name, false), (QUANTITIES.name, true)] {
        for part in manifest.parts.get(table).into_iter().flatten() {
            if part.rows == 0 {
                continue;
            }
            let slot = by_name.entry(part.file.as_str()).or_default();
            let found = Some((out.join(table).join(&part.file), part.rows));
            if quantities {
                slot.1 = found;
            } else {
                slot.0 = found;
            }
        }
    }
    let segments: Vec<Segment> = by_name
        .into_iter()
        .map(|(name, (entities, quantities))| Segment {
            name: name.to_string(),
            entities,
            quantities,
            copies: copies.get(name).map_or(&[], Vec::as_slice),
        })
        .collect();

    // First pass: entity counts, and each group's counts and value buckets.
    let mut strings = Interner::default();
    let mut entities: HashMap<(u32, u32), [u64; 3]> = HashMap::new();
    let mut groups: HashMap<(u32, u32), Group> = HashMap::new();
    for segment in &segments {
        let partial = segment.partial(out)?;
        for (kind, name, mentions, articles, documents) in &partial.entities {
            let total = entities
                .entry((strings.id(kind), strings.id(name)))
                .or_default();
            for (t, n) in total.iter_mut().zip([mentions, articles, documents]) {
                *t += n;
            }
        }
        for g in &partial.groups {
            let key = (
                strings.id(&g.kind),
                g.unit.as_deref().map_or(NO_UNIT, |u| strings.id(u)),
            );
            let group = groups.entry(key).or_default();
            group.count += g.count;
            for &(k, n) in &g.values {
                let v = unordered(k);
                group.with_value += n;
                group.min = Some(group.min.map_or(v, |m| m.min(v)));
                group.max = Some(group.max.map_or(v, |m| m.max(v)));
                *group.buckets.entry(bucket(k)).or_default() += n;
            }
        }
    }
    for group in groups.values_mut() {
        group.choose_middle();
        group.buckets.clear();
    }
    // Second pass: the values in the buckets that hold the middle ranks.
    for segment in &segments {
        let partial = segment.partial(out)?;
        for g in &partial.groups {
            let key = (
                strings.id(&g.kind),
                g.unit.as_deref().map_or(NO_UNIT, |u| strings.id(u)),
            );
            let Some(group) = groups.get_mut(&key) else {
                continue;
            };
            for &(k, n) in &g.values {
                if group.middle.contains(&bucket(k)) {
                    *group.values.entry(k).or_default() += n;
                }
            }
        }
    }

    let mut sorted: Vec<(&str, &str, &[u64; 3])> = entities
        .iter()
        .map(|(&(kind, name), c)| (strings.get(kind), strings.get(name), c))
        .collect();
    sorted.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut table = TableWriter::new(&ENTITY_COUNTS, usize::MAX);
    for (kind, name, [mentions, articles, documents]) in sorted {
        table.push(&[
            Cell::Str(Some(kind)),
            Cell::Str(Some(name)),
            Cell::U64(Some(*mentions)),
            Cell::U64(Some(*articles)),
            Cell::U64(Some(*documents)),
        ])?;
    }
    let entity_rows = table.write_part(entity_path)?;

    let mut sorted: Vec<(&str, Option<&str>, &Group)> = groups
        .iter()
        .map(|(&(kind, unit), g)| {
            let unit = (unit != NO_UNIT).then(|| strings.get(unit));
            (strings.get(kind), unit, g)
        })
        .collect();
    sorted.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut table = TableWriter::new(&QUANTITY_COUNTS, usize::MAX);
    for (kind, unit, g) in sorted {
        table.push(&[
            Cell::Str(Some(kind)),
            Cell::Str(unit),
            Cell::U64(Some(g.count)),
            Cell::U64(Some(g.with_value)),
            Cell::F64(g.min),
            Cell::F64(g.median()),
            Cell::F64(g.max),
        ])?;
    }
    let quantity_rows = table.write_part(quantity_path)?;
    Ok((entity_rows, quantity_rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_float_order_survives_the_integer_map() {
        let xs = [-1e9, -2.5, -0.0, 0.0, 1e-9, 0.5, 2.0, 83.0, 1.932e9];
        for w in xs.windows(2) {
            assert!(ordered(w[0]) <= ordered(w[1]), "{w:?}");
        }
        for x in xs {
            assert_eq!(unordered(ordered(x)), x);
        }
    }

    fn median_of(values: &[f64]) -> Option<f64> {
        let mut g = Group::default();
        for &v in values {
            g.with_value += 1;
            *g.buckets.entry(bucket(ordered(v))).or_default() += 1;
        }
        g.choose_middle();
        for &v in values {
            if g.middle.contains(&bucket(ordered(v))) {
                *g.values.entry(ordered(v)).or_default() += 1;
            }
        }
        g.median()
    }

    #[test]
    fn medians_are_exact_whatever_the_buckets() {
        assert_eq!(median_of(&[]), None);
        assert_eq!(median_of(&[5.0]), Some(5.0));
        assert_eq!(median_of(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median_of(&[1.0, 100.0, 2.0, 1e9]), Some(51.0));
        // Neighbours in one bucket are told apart.
        assert_eq!(median_of(&[1000.0, 1001.0, 1002.0]), Some(1001.0));
        assert_eq!(median_of(&[2025.0; 7]), Some(2025.0));
        assert_eq!(median_of(&[-3.0, -1.0, 4.0, 4.0]), Some(1.5));
    }

    #[test]
    fn partials_read_back_what_was_written_and_a_damaged_one_is_refused() {
        let partial = Partial {
            fingerprint: 0xDEAD_BEEF,
            entities: vec![
                ("person".into(), "李永军".into(), 3, 2, 1),
                ("place".into(), "湘潭市".into(), 9, 4, 2),
            ],
            groups: vec![
                PartialGroup {
                    kind: "money".into(),
                    unit: Some("元".into()),
                    count: 3,
                    values: vec![(ordered(1.5), 1), (ordered(1.932e9), 2)],
                },
                PartialGroup {
                    kind: "date".into(),
                    unit: None,
                    count: 1,
                    values: vec![],
                },
            ],
        };
        let bytes = partial.to_bytes();
        assert_eq!(Partial::from_bytes(&bytes), Some(partial));
        assert_eq!(Partial::from_bytes(&bytes[..bytes.len() - 1]), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Partial::from_bytes(&longer), None);
    }

    #[test]
    fn a_segment_fingerprint_changes_with_its_rows_and_copies() {
        let segment = |rows: u64, copies: &'static [(u128, u32)]| Segment {
            name: "part-r00001-00000.parquet".into(),
            entities: Some((PathBuf::from("e"), rows)),
            quantities: None,
            copies,
        };
        static NONE: [(u128, u32); 0] = [];
        static SOME: [(u128, u32); 2] = [(7, 0), (7, 2)];
        assert_eq!(
            segment(10, &SOME).fingerprint(),
            segment(10, &SOME).fingerprint()
        );
        assert_ne!(
            segment(10, &SOME).fingerprint(),
            segment(11, &SOME).fingerprint()
        );
        assert_ne!(
            segment(10, &SOME).fingerprint(),
            segment(10, &NONE).fingerprint()
        );
        assert!(segment(10, &SOME).is_copy(7, 2));
        assert!(!segment(10, &SOME).is_copy(7, 1));
    }
}
