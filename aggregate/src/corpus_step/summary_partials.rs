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

use corpus::summary::{ordered, EntityRow, Interner, Partial, PartialGroup, Totals, NO_UNIT};
use polars::prelude::*;

use crate::Error;
use dataset::layout::{put_str, write_whole, Fields, Manifest};
use dataset::names::{partial_path, segment_of};
use dataset::schema::{ENTITIES, ENTITY_COUNTS, QUANTITIES, QUANTITY_COUNTS};
use dataset::table::{read_frame, typed, Cell, TableWriter};

/// The articles left out of the summaries: (document number, `article_idx`) by articles
/// part file, sorted.
pub(crate) type Copies = HashMap<String, Vec<(u128, u32)>>;

#[derive(Default)]
struct EntityCount {
    mentions: u64,
    articles: u64,
    documents: u64,
    /// The last (document, article) counted: rows come in document and article order, so a
    /// change means a new one.
    last: Option<(u32, u32)>,
}

const PARTIAL_MAGIC: &[u8; 8] = b"NPPARTL1";

/// A partial as saved beside the dataset (`_newsprint/partials/`).
fn partial_to_bytes(partial: &Partial) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(PARTIAL_MAGIC);
    b.extend_from_slice(&partial.fingerprint.to_le_bytes());
    b.extend_from_slice(&(partial.entities.len() as u64).to_le_bytes());
    for (kind, name, mentions, articles, documents) in &partial.entities {
        put_str(&mut b, kind);
        put_str(&mut b, name);
        for n in [mentions, articles, documents] {
            b.extend_from_slice(&n.to_le_bytes());
        }
    }
    b.extend_from_slice(&(partial.groups.len() as u64).to_le_bytes());
    for g in &partial.groups {
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

/// A saved partial read back; `None` when the bytes are not a whole partial (it is then
/// computed again).
fn partial_from_bytes(bytes: &[u8]) -> Option<Partial> {
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
            .and_then(|b| partial_from_bytes(&b))
            .filter(|p| p.fingerprint == fingerprint)
        {
            return Ok(saved);
        }
        let partial = Partial {
            fingerprint,
            entities: self.count_entities()?,
            groups: self.count_quantities()?,
        };
        write_whole(&path, &partial_to_bytes(&partial))?;
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

/// Segments whose partials the first pass computes side by side.
const PARTIALS_AT_ONCE: usize = 16;

/// Writes `entity_counts` to `entity_path` and `quantity_counts` to `quantity_path`, one part
/// each, over every segment `manifest` names. Returns their rows.
pub(crate) fn summaries(
    out: &Path,
    manifest: &Manifest,
    copies: &Copies,
    entity_path: &Path,
    quantity_path: &Path,
    parallel: &crate::Parallel,
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
            let slot = by_name.entry(segment_of(&part.file)).or_default();
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

    // Two passes over the partials: counts and value buckets, then the values near each
    // median (see `corpus::summary::Totals`).
    // The first pass computes the partials that are not saved yet, a few segments side by
    // side: only that many are held at once.
    let mut totals = Totals::default();
    for group in segments.chunks(PARTIALS_AT_ONCE) {
        for partial in parallel.map(group.len(), &|i| group[i].partial(out))? {
            totals.add(&partial?);
        }
    }
    totals.choose_middles();
    for segment in &segments {
        totals.add_middle_values(&segment.partial(out)?);
    }

    let mut table = TableWriter::new(&ENTITY_COUNTS, usize::MAX);
    for (kind, name, [mentions, articles, documents]) in totals.entity_rows() {
        table.push_named(&[
            ("kind", Cell::Str(Some(kind))),
            ("name", Cell::Str(Some(name))),
            ("mentions", Cell::U64(Some(mentions))),
            ("articles", Cell::U64(Some(articles))),
            ("documents", Cell::U64(Some(documents))),
        ])?;
    }
    let entity_rows = table.write_part(entity_path)?;

    let mut table = TableWriter::new(&QUANTITY_COUNTS, usize::MAX);
    for row in totals.quantity_rows() {
        table.push_named(&[
            ("kind", Cell::Str(Some(row.kind))),
            ("unit", Cell::Str(row.unit)),
            ("count", Cell::U64(Some(row.count))),
            ("with_value", Cell::U64(Some(row.with_value))),
            ("min", Cell::F64(row.min)),
            ("median", Cell::F64(row.median)),
            ("max", Cell::F64(row.max)),
        ])?;
    }
    let quantity_rows = table.write_part(quantity_path)?;
    Ok((entity_rows, quantity_rows))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let bytes = partial_to_bytes(&partial);
        assert_eq!(partial_from_bytes(&bytes), Some(partial));
        assert_eq!(partial_from_bytes(&bytes[..bytes.len() - 1]), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(partial_from_bytes(&longer), None);
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
