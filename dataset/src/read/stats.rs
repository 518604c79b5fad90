//! Reading a written dataset back for a summary: rows per table, documents per status,
//! cleaning figures, copies, top entities and figures. Used by `newsprint stats`, so that a
//! scheduled run can be checked from its Parquet alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use crate::schema::{Table, ARTICLES, DOCUMENTS, ENTITY_COUNTS, QUANTITY_COUNTS, TABLES};
use crate::table::{for_each_frame, typed};
use crate::Error;

/// What `newsprint stats` prints.
#[derive(Debug, Default, Serialize)]
pub struct Stats {
    /// Schema version the manifest gives.
    pub schema_version: Option<u64>,
    /// What is not finished, when something is: a run stopped or killed before its end, or
    /// a corpus step that has not run on the latest rows (the summaries and `duplicate_of`
    /// are then out of date). `None` for a finished dataset.
    pub unfinished: Option<String>,
    /// Rows per table, counted from the parts.
    pub rows: BTreeMap<String, u64>,
    /// Documents per status.
    pub documents: BTreeMap<String, u64>,
    /// Characters in, out, and removed by kind (duplicate, caption, credit, furniture).
    pub chars: BTreeMap<String, u64>,
    /// Articles that repeat an earlier one (`duplicate_of` set).
    pub copied_articles: u64,
    /// Per entity kind, the names in the most articles, then with the most mentions (name,
    /// mentions, articles).
    pub top_entities: BTreeMap<String, Vec<(String, u64, u64)>>,
    /// Figures per kind and unit, most frequent first (kind, unit, count, median).
    pub top_figures: Vec<(String, Option<String>, u64, Option<f64>)>,
}

/// Entries in each top list.
const TOP: usize = 10;

/// The parts of `table` to read: those the dataset's manifest names (where they are, even
/// waiting in staging after a kill: see [`crate::layout::committed_part`]); for a dataset
/// with no manifest of its own (shards not merged yet), those in the table's folder.
pub fn parts(out: &Path, table: &Table) -> Result<Vec<PathBuf>, Error> {
    let manifest = out.join(crate::layout::MANIFEST);
    if manifest.is_file() {
        let manifest = crate::layout::Manifest::read(&manifest)?;
        return Ok(manifest
            .parts
            .get(table.name)
            .into_iter()
            .flatten()
            .map(|p| crate::layout::committed_part(out, table.name, &p.file))
            .collect());
    }
    let dir = out.join(table.name);
    let entries = std::fs::read_dir(&dir).map_err(|source| Error::Read {
        path: dir.clone(),
        source,
    })?;
    let mut parts: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    parts.sort();
    Ok(parts)
}

/// Keeps the [`TOP`] names of `list` (name, mentions, articles): by articles first, as a
/// name repeated through one long article is not the dataset's most present, then by
/// mentions, then by name.
fn keep_top(list: &mut Vec<(String, u64, u64)>) {
    list.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
    list.truncate(TOP);
}

/// What a manifest says is not finished; see [`Stats::unfinished`].
fn unfinished(manifest: &serde_json::Value) -> Option<String> {
    let last = manifest["runs"].as_array().and_then(|runs| runs.last());
    let corpus_current = manifest["corpus_current"].as_bool().unwrap_or(true);
    match last {
        Some(run) if run["completed"].as_bool() == Some(false) => Some(format!(
            "run {} did not finish (stopped or killed): what it committed is here, but the \
             corpus step has not run on it (entity_counts, quantity_counts and duplicate_of \
             are out of date); run the same command again to finish",
            run["run"]
                .as_u64()
                .map_or("?".to_string(), |n| n.to_string())
        )),
        _ if !corpus_current => Some(
            "the corpus step has not run on the latest rows (entity_counts, quantity_counts \
             and duplicate_of are out of date): `newsprint merge` (after shards) or another \
             run brings them up to date"
                .to_string(),
        ),
        _ => None,
    }
}

/// Reads the summary of the dataset in `out`.
pub fn stats(out: &Path) -> Result<Stats, Error> {
    let manifest_path = out.join("manifest.json");
    let manifest = std::fs::read(&manifest_path).map_err(|source| Error::Read {
        path: manifest_path.clone(),
        source,
    })?;
    let manifest: serde_json::Value =
        serde_json::from_slice(&manifest).map_err(|e| Error::Read {
            path: manifest_path,
            source: e.into(),
        })?;
    let mut stats = Stats {
        schema_version: manifest["schema_version"].as_u64(),
        unfinished: unfinished(&manifest),
        ..Stats::default()
    };
    for table in TABLES {
        let mut rows = 0u64;
        for part in parts(out, table)? {
            let file = std::fs::File::open(&part).map_err(|source| Error::Read {
                path: part.clone(),
                source,
            })?;
            rows += ParquetReader::new(file)
                .num_rows()
                .map_err(|source| Error::Polars {
                    table: table.name,
                    source,
                })? as u64;
        }
        stats.rows.insert(table.name.to_string(), rows);
    }

    // Schema 6 gave furniture its name; a dataset written before keeps the old one.
    let furniture = match stats.schema_version {
        Some(version) if version < 6 => "chars_removed_noise",
        _ => "chars_removed_furniture",
    };
    let chars = [
        ("chars_in", "in"),
        ("chars_out", "out"),
        ("chars_removed_duplicate", "removed_duplicate"),
        ("chars_removed_caption", "removed_caption"),
        (furniture, "removed_furniture"),
    ];
    let mut columns = vec!["status"];
    columns.extend(chars.iter().map(|(name, _)| *name));
    for_each_frame(&DOCUMENTS, parts(out, &DOCUMENTS)?, &columns, |frame| {
        for status in typed(frame, &DOCUMENTS, "status", Column::str)?
            .iter()
            .flatten()
        {
            *stats.documents.entry(status.to_string()).or_default() += 1;
        }
        for (name, key) in chars {
            let values = typed(frame, &DOCUMENTS, name, Column::u64)?;
            *stats.chars.entry(key.to_string()).or_default() +=
                values.iter().flatten().sum::<u64>();
        }
        Ok(())
    })?;

    for_each_frame(
        &ARTICLES,
        parts(out, &ARTICLES)?,
        &["duplicate_of"],
        |frame| {
            let kept = typed(frame, &ARTICLES, "duplicate_of", Column::str)?;
            stats.copied_articles += (kept.len() - kept.null_count()) as u64;
            Ok(())
        },
    )?;

    // Top lists are cut back after every part, so they never hold more than a part's rows.
    let columns = ["kind", "name", "mentions", "articles"];
    for_each_frame(
        &ENTITY_COUNTS,
        parts(out, &ENTITY_COUNTS)?,
        &columns,
        |frame| {
            let kinds = typed(frame, &ENTITY_COUNTS, "kind", Column::str)?;
            let names = typed(frame, &ENTITY_COUNTS, "name", Column::str)?;
            let mentions = typed(frame, &ENTITY_COUNTS, "mentions", Column::u64)?;
            let n_articles = typed(frame, &ENTITY_COUNTS, "articles", Column::u64)?;
            for i in 0..frame.height() {
                if let (Some(kind), Some(name)) = (kinds.get(i), names.get(i)) {
                    stats
                        .top_entities
                        .entry(kind.to_string())
                        .or_default()
                        .push((
                            name.to_string(),
                            mentions.get(i).unwrap_or(0),
                            n_articles.get(i).unwrap_or(0),
                        ));
                }
            }
            stats.top_entities.values_mut().for_each(keep_top);
            Ok(())
        },
    )?;

    let columns = ["kind", "unit", "count", "median"];
    for_each_frame(
        &QUANTITY_COUNTS,
        parts(out, &QUANTITY_COUNTS)?,
        &columns,
        |frame| {
            let kinds = typed(frame, &QUANTITY_COUNTS, "kind", Column::str)?;
            let units = typed(frame, &QUANTITY_COUNTS, "unit", Column::str)?;
            let count = typed(frame, &QUANTITY_COUNTS, "count", Column::u64)?;
            let median = typed(frame, &QUANTITY_COUNTS, "median", Column::f64)?;
            for i in 0..frame.height() {
                if let Some(kind) = kinds.get(i) {
                    stats.top_figures.push((
                        kind.to_string(),
                        units.get(i).map(str::to_string),
                        count.get(i).unwrap_or(0),
                        median.get(i),
                    ));
                }
            }
            stats
                .top_figures
                .sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
            stats.top_figures.truncate(TOP);
            Ok(())
        },
    )?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_rank_by_articles_then_mentions() {
        let mut list = vec![
            ("鲁维林".to_string(), 66, 1),
            ("江泽民".to_string(), 40, 30),
            ("李鹏".to_string(), 45, 30),
        ];
        list.extend((0..20).map(|i| (format!("n{i:02}"), 1, 1)));
        keep_top(&mut list);
        assert_eq!(list.len(), TOP);
        assert_eq!(list[0].0, "李鹏");
        assert_eq!(list[1].0, "江泽民");
        assert_eq!(list[2].0, "鲁维林");
    }

    #[test]
    fn a_stopped_run_and_a_stale_corpus_step_are_unfinished() {
        let finished =
            serde_json::json!({"runs": [{"run": 1, "completed": true}], "corpus_current": true});
        assert_eq!(unfinished(&finished), None);
        let stopped =
            serde_json::json!({"runs": [{"run": 2, "completed": false}], "corpus_current": false});
        assert!(unfinished(&stopped).is_some_and(|s| s.starts_with("run 2 did not finish")));
        let stale =
            serde_json::json!({"runs": [{"run": 1, "completed": true}], "corpus_current": false});
        assert!(unfinished(&stale).is_some_and(|s| s.contains("corpus step")));
    }
}
