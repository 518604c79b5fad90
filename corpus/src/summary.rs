//! The summary tables, `entity_counts` and `quantity_counts`, merged from per-segment
//! *partials*: per entity its mentions, articles and documents, and per (kind, unit) its
//! figures with their distinct values and counts. A segment's documents are in no other
//! segment, so partials add up ([`Totals`]). Medians are exact, found in two passes over the
//! partials: the first counts values into narrow buckets (0.4 % wide), the second keeps only
//! the values of the buckets holding the middle. Reading segments into partials, saving them
//! and writing the tables is `aggregate`'s.

use std::collections::{BTreeMap, HashMap};

/// Gives each distinct string a number, looked up by `&str`: rows are counted under numbers,
/// so a row allocates nothing unless it brings a string not met before.
#[derive(Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
    strings: Vec<String>,
}

impl Interner {
    /// The number of `s`, given it if it has none.
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.ids.insert(s.to_string(), id);
        self.strings.push(s.to_string());
        id
    }

    /// The string of a number [`Interner::id`] gave.
    pub fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
}

/// No unit: the number `Interner` never gives.
pub const NO_UNIT: u32 = u32::MAX;

/// An order-preserving map of a float to an integer: negative numbers below positive ones.
pub fn ordered(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The float an [`ordered`] key maps back to.
pub fn unordered(key: u64) -> f64 {
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
pub type EntityRow = (String, String, u64, u64, u64);

/// One (kind, unit) of a segment's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct PartialGroup {
    /// The figures' kind (`quantities.kind`).
    pub kind: String,
    /// Their unit.
    pub unit: Option<String>,
    /// Figures of this kind and unit.
    pub count: u64,
    /// Distinct values (as [`ordered`] keys) with their counts, ascending.
    pub values: Vec<(u64, u64)>,
}

/// What one segment adds to the summaries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Partial {
    /// What it was computed from (the caller's fingerprint of the segment).
    pub fingerprint: u64,
    /// Per entity its counts, each article counted once.
    pub entities: Vec<EntityRow>,
    /// Per (kind, unit) its figures.
    pub groups: Vec<PartialGroup>,
}

/// A row of `quantity_counts`.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantityRow<'a> {
    /// The figures' kind.
    pub kind: &'a str,
    /// Their unit.
    pub unit: Option<&'a str>,
    /// Figures.
    pub count: u64,
    /// Figures with a value.
    pub with_value: u64,
    /// The least value.
    pub min: Option<f64>,
    /// The median value, exact.
    pub median: Option<f64>,
    /// The greatest value.
    pub max: Option<f64>,
}

/// The merge of partials into the summary tables, in two passes over the same partials:
/// [`Totals::add`] each (counts, and values into narrow buckets), [`Totals::choose_middles`],
/// then [`Totals::add_middle_values`] each (the values of the buckets holding the medians).
/// Partials add up in any order; memory follows the distinct entities and groups, and the
/// values near each median.
#[derive(Default)]
pub struct Totals {
    strings: Interner,
    entities: HashMap<(u32, u32), [u64; 3]>,
    groups: HashMap<(u32, u32), Group>,
}

impl Totals {
    fn group_key(&mut self, g: &PartialGroup) -> (u32, u32) {
        (
            self.strings.id(&g.kind),
            g.unit.as_deref().map_or(NO_UNIT, |u| self.strings.id(u)),
        )
    }

    /// First pass: adds a partial's counts.
    pub fn add(&mut self, partial: &Partial) {
        for (kind, name, mentions, articles, documents) in &partial.entities {
            let key = (self.strings.id(kind), self.strings.id(name));
            let total = self.entities.entry(key).or_default();
            for (t, n) in total.iter_mut().zip([mentions, articles, documents]) {
                *t += n;
            }
        }
        for g in &partial.groups {
            let key = self.group_key(g);
            let group = self.groups.entry(key).or_default();
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

    /// Ends the first pass: marks the buckets that hold each group's middle ranks.
    pub fn choose_middles(&mut self) {
        for group in self.groups.values_mut() {
            group.choose_middle();
            group.buckets.clear();
        }
    }

    /// Second pass: keeps a partial's values that fall in the buckets of the medians.
    pub fn add_middle_values(&mut self, partial: &Partial) {
        for g in &partial.groups {
            let key = self.group_key(g);
            let Some(group) = self.groups.get_mut(&key) else {
                continue;
            };
            for &(k, n) in &g.values {
                if group.middle.contains(&bucket(k)) {
                    *group.values.entry(k).or_default() += n;
                }
            }
        }
    }

    /// The rows of `entity_counts`, by (kind, name): mentions, articles, documents.
    pub fn entity_rows(&self) -> Vec<(&str, &str, [u64; 3])> {
        let mut rows: Vec<(&str, &str, [u64; 3])> = self
            .entities
            .iter()
            .map(|(&(kind, name), c)| (self.strings.get(kind), self.strings.get(name), *c))
            .collect();
        rows.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        rows
    }

    /// The rows of `quantity_counts`, by (kind, unit).
    pub fn quantity_rows(&self) -> Vec<QuantityRow<'_>> {
        let mut rows: Vec<QuantityRow> = self
            .groups
            .iter()
            .map(|(&(kind, unit), g)| QuantityRow {
                kind: self.strings.get(kind),
                unit: (unit != NO_UNIT).then(|| self.strings.get(unit)),
                count: g.count,
                with_value: g.with_value,
                min: g.min,
                median: g.median(),
                max: g.max,
            })
            .collect();
        rows.sort_unstable_by(|a, b| (a.kind, a.unit).cmp(&(b.kind, b.unit)));
        rows
    }
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

    /// A partial of one group (`count`, `unit` 元) holding these values.
    fn partial(values: &[f64]) -> Partial {
        let mut keyed: BTreeMap<u64, u64> = BTreeMap::new();
        for &v in values {
            *keyed.entry(ordered(v)).or_default() += 1;
        }
        Partial {
            fingerprint: 0,
            entities: vec![("person".into(), "李鹏".into(), 2, 1, 1)],
            groups: vec![PartialGroup {
                kind: "money".into(),
                unit: Some("元".into()),
                count: values.len() as u64,
                values: keyed.into_iter().collect(),
            }],
        }
    }

    /// The median of `values` split across partials of `split` values each.
    fn median_of(values: &[f64], split: usize) -> Option<f64> {
        let partials: Vec<Partial> = values.chunks(split.max(1)).map(partial).collect();
        let mut totals = Totals::default();
        partials.iter().for_each(|p| totals.add(p));
        totals.choose_middles();
        partials.iter().for_each(|p| totals.add_middle_values(p));
        totals.quantity_rows().first().and_then(|r| r.median)
    }

    #[test]
    fn medians_are_exact_whatever_the_buckets_and_the_partials() {
        for split in [1, 2, 3, 100] {
            assert_eq!(median_of(&[], split), None);
            assert_eq!(median_of(&[5.0], split), Some(5.0));
            assert_eq!(median_of(&[3.0, 1.0, 2.0], split), Some(2.0));
            assert_eq!(median_of(&[1.0, 100.0, 2.0, 1e9], split), Some(51.0));
            // Neighbours in one bucket are told apart.
            assert_eq!(median_of(&[1000.0, 1001.0, 1002.0], split), Some(1001.0));
            assert_eq!(median_of(&[2025.0; 7], split), Some(2025.0));
            assert_eq!(median_of(&[-3.0, -1.0, 4.0, 4.0], split), Some(1.5));
        }
    }

    #[test]
    fn partials_add_up_in_any_order() {
        let (a, b) = (partial(&[1.0, 5.0]), partial(&[3.0]));
        let rows = |first: &Partial, second: &Partial| {
            let mut totals = Totals::default();
            totals.add(first);
            totals.add(second);
            totals.choose_middles();
            totals.add_middle_values(first);
            totals.add_middle_values(second);
            let entities: Vec<(String, String, [u64; 3])> = totals
                .entity_rows()
                .into_iter()
                .map(|(k, n, c)| (k.to_string(), n.to_string(), c))
                .collect();
            let q = &totals.quantity_rows()[0];
            (entities, (q.count, q.with_value, q.min, q.median, q.max))
        };
        assert_eq!(rows(&a, &b), rows(&b, &a));
        let (entities, quantities) = rows(&a, &b);
        assert_eq!(entities, [("person".into(), "李鹏".into(), [4, 2, 2])]);
        assert_eq!(quantities, (3, 3, Some(1.0), Some(3.0), Some(5.0)));
    }
}
