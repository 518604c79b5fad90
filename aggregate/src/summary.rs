//! Summary tables computed over the staged parts once the run's rows are all written:
//! `entity_counts` and `quantity_counts`.
//!
//! Both count each article once: rows of articles that repeat an earlier one
//! (`articles.duplicate_of` set) are left out, as an analyst filtering on
//! `duplicate_of IS NULL` would. The parts are read back with polars a part at a time, so
//! memory follows the number of distinct entities and groups, not the number of rows.
//! Medians are exact, found in two passes: the first counts values into narrow buckets
//! (0.4 % wide), the second keeps only the values of the bucket holding the middle.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use crate::schema::{ENTITIES, ENTITY_COUNTS, QUANTITIES, QUANTITY_COUNTS};
use crate::table::{for_each_frame, typed, Cell, PartSet, TableWriter};
use crate::Error;

/// The articles left out of the summaries: their `article_idx` by doc_id.
pub(crate) type Copies = HashMap<String, Vec<u32>>;

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

/// Writes `entity_counts` as one part at `path`: per kind and name, mentions, articles and
/// documents. Returns its rows.
pub(crate) fn entity_counts(
    entities: &PartSet,
    copies: &Copies,
    path: &std::path::Path,
) -> Result<u64, Error> {
    let mut strings = Interner::default();
    let mut counts: HashMap<(u32, u32), EntityCount> = HashMap::new();
    let mut doc_number = 0u32;
    let mut last_doc: Option<String> = None;
    let columns = ["doc_id", "article_idx", "kind", "name"];
    for_each_frame(
        &ENTITIES,
        entities.paths.iter().cloned(),
        &columns,
        |frame| {
            let doc_ids = typed(frame, &ENTITIES, "doc_id", Column::str)?;
            let articles = typed(frame, &ENTITIES, "article_idx", Column::u32)?;
            let kinds = typed(frame, &ENTITIES, "kind", Column::str)?;
            let names = typed(frame, &ENTITIES, "name", Column::str)?;
            let mut doc_copies: Option<&Vec<u32>> = None;
            let rows = doc_ids
                .iter()
                .zip(articles.iter())
                .zip(kinds.iter())
                .zip(names.iter());
            for (((doc, article), kind), name) in rows {
                let (Some(doc), Some(article), Some(kind), Some(name)) = (doc, article, kind, name)
                else {
                    continue;
                };
                // Rows come a document at a time: its copies are looked up once.
                if last_doc.as_deref() != Some(doc) {
                    doc_number += 1;
                    last_doc = Some(doc.to_string());
                    doc_copies = copies.get(doc);
                }
                if doc_copies.is_some_and(|a| a.contains(&article)) {
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
            Ok(())
        },
    )?;
    let mut sorted: Vec<(&str, &str, &EntityCount)> = counts
        .iter()
        .map(|(&(kind, name), c)| (strings.get(kind), strings.get(name), c))
        .collect();
    sorted.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut out = TableWriter::new(&ENTITY_COUNTS, usize::MAX);
    for (kind, name, c) in sorted {
        out.push(&[
            Cell::Str(Some(kind)),
            Cell::Str(Some(name)),
            Cell::U64(Some(c.mentions)),
            Cell::U64(Some(c.articles)),
            Cell::U64(Some(c.documents)),
        ])?;
    }
    out.write_part(path)
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

/// Writes `quantity_counts` as one part at `path`: per kind and unit, figures, and min,
/// median and max of `value`. Returns its rows.
pub(crate) fn quantity_counts(
    quantities: &PartSet,
    copies: &Copies,
    path: &std::path::Path,
) -> Result<u64, Error> {
    let mut strings = Interner::default();
    let mut groups: HashMap<(u32, u32), Group> = HashMap::new();
    let columns = ["doc_id", "article_idx", "kind", "unit", "value"];
    for pass in 0..2 {
        for_each_frame(
            &QUANTITIES,
            quantities.paths.iter().cloned(),
            &columns,
            |frame| {
                let doc_ids = typed(frame, &QUANTITIES, "doc_id", Column::str)?;
                let articles = typed(frame, &QUANTITIES, "article_idx", Column::u32)?;
                let kinds = typed(frame, &QUANTITIES, "kind", Column::str)?;
                let units = typed(frame, &QUANTITIES, "unit", Column::str)?;
                let values = typed(frame, &QUANTITIES, "value", Column::f64)?;
                let mut last_doc: Option<&str> = None;
                let mut doc_copies: Option<&Vec<u32>> = None;
                let rows = doc_ids
                    .iter()
                    .zip(articles.iter())
                    .zip(kinds.iter())
                    .zip(units.iter())
                    .zip(values.iter());
                for ((((doc, article), kind), unit), value) in rows {
                    let (Some(doc), Some(article), Some(kind)) = (doc, article, kind) else {
                        continue;
                    };
                    if last_doc != Some(doc) {
                        last_doc = Some(doc);
                        doc_copies = copies.get(doc);
                    }
                    if doc_copies.is_some_and(|a| a.contains(&article)) {
                        continue;
                    }
                    let key = (strings.id(kind), unit.map_or(NO_UNIT, |u| strings.id(u)));
                    let value = value.filter(|v| !v.is_nan());
                    if pass == 0 {
                        let group = groups.entry(key).or_default();
                        group.count += 1;
                        if let Some(v) = value {
                            group.with_value += 1;
                            group.min = Some(group.min.map_or(v, |m| m.min(v)));
                            group.max = Some(group.max.map_or(v, |m| m.max(v)));
                            *group.buckets.entry(bucket(ordered(v))).or_default() += 1;
                        }
                    } else if let (Some(v), Some(group)) = (value, groups.get_mut(&key)) {
                        let k = ordered(v);
                        if group.middle.contains(&bucket(k)) {
                            *group.values.entry(k).or_default() += 1;
                        }
                    }
                }
                Ok(())
            },
        )?;
        if pass == 0 {
            for group in groups.values_mut() {
                group.choose_middle();
                group.buckets.clear();
            }
        }
    }
    let mut sorted: Vec<(&str, Option<&str>, &Group)> = groups
        .iter()
        .map(|(&(kind, unit), g)| {
            let unit = (unit != NO_UNIT).then(|| strings.get(unit));
            (strings.get(kind), unit, g)
        })
        .collect();
    sorted.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut out = TableWriter::new(&QUANTITY_COUNTS, usize::MAX);
    for (kind, unit, g) in sorted {
        out.push(&[
            Cell::Str(Some(kind)),
            Cell::Str(unit),
            Cell::U64(Some(g.count)),
            Cell::U64(Some(g.with_value)),
            Cell::F64(g.min),
            Cell::F64(g.median()),
            Cell::F64(g.max),
        ])?;
    }
    out.write_part(path)
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
}
