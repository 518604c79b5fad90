//! What `newsprint report` shows of a dataset, gathered from its Parquet and manifest: the
//! summaries and the manifest whole, and of the row tables only the few columns a chart
//! needs (statuses, dates, kinds) and a handful of examples, so the page stays small however
//! large the dataset.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;

use crate::layout::{Manifest, RunRecord};
use crate::read::stats::{parts, Stats};
use crate::schema::{ARTICLES, DOCUMENTS, QUANTITY_COUNTS, REMOVED};
use crate::table::{for_each_frame, read_frame, typed};
use crate::Error;

/// Error rows listed by name (the count covers them all).
const ERRORS_LISTED: usize = 50;
/// Examples shown per kind of removed passage.
const EXAMPLES: usize = 3;
/// Runs listed, the latest.
pub const RUNS_LISTED: usize = 60;
/// Characters of an example shown.
const EXAMPLE_CHARS: usize = 120;

/// One (kind, unit) of `quantity_counts`: kind, unit, figures, figures with a value, median.
pub type FigureRow = (String, Option<String>, u64, u64, Option<f64>);

/// Everything the report shows.
#[derive(Debug, Default, Serialize)]
pub struct ReportData {
    /// Rows, statuses, characters, copies, top entities and figures (as `newsprint stats`).
    pub stats: Stats,
    /// Failed inputs, first [`ERRORS_LISTED`] in dataset order: (source, error).
    pub errors: Vec<(String, String)>,
    /// Failed inputs in all.
    pub error_count: u64,
    /// Per kind of removed passage: passages, and the first few distinct (text, reason).
    pub removed: BTreeMap<String, (u64, Vec<(String, String)>)>,
    /// Articles per month of `published_date` (`YYYY-MM`); undated ones under `""`.
    pub articles_by_month: BTreeMap<String, u64>,
    /// Every row of `quantity_counts`, most figures first.
    pub figures: Vec<FigureRow>,
    /// The dataset's last runs (at most [`RUNS_LISTED`]), oldest first.
    pub runs: Vec<RunRecord>,
    /// Runs in all.
    pub run_count: usize,
    /// Whether the summaries were computed after the last parts were committed.
    pub summaries_current: bool,
    /// The newsprint that last wrote the dataset.
    pub newsprint_version: String,
}

/// Gathers the report of the dataset in `out`.
pub fn gather(out: &Path) -> Result<ReportData, Error> {
    let manifest = Manifest::read(&out.join(crate::layout::MANIFEST))?;
    let mut data = ReportData {
        stats: crate::read::stats::stats(out)?,
        runs: manifest.runs[manifest.runs.len().saturating_sub(RUNS_LISTED)..].to_vec(),
        run_count: manifest.runs.len(),
        summaries_current: manifest.corpus_current,
        newsprint_version: manifest.newsprint_version.clone(),
        ..ReportData::default()
    };

    // Statuses and errors from every part; sources only from the parts whose error rows
    // are listed, so a large dataset's paths are not read for nothing.
    for part in parts(out, &DOCUMENTS)? {
        let frame = read_frame(&DOCUMENTS, &part, Some(&["status", "error"]))?;
        let statuses = typed(&frame, &DOCUMENTS, "status", Column::str)?;
        let failed: Vec<usize> = (0..frame.height())
            .filter(|&i| statuses.get(i) == Some(ingest::Status::Error.as_str()))
            .collect();
        data.error_count += failed.len() as u64;
        let room = ERRORS_LISTED - data.errors.len();
        if failed.is_empty() || room == 0 {
            continue;
        }
        let errors = typed(&frame, &DOCUMENTS, "error", Column::str)?;
        let sources = read_frame(&DOCUMENTS, &part, Some(&["source"]))?;
        let sources = typed(&sources, &DOCUMENTS, "source", Column::str)?;
        for &i in failed.iter().take(room) {
            data.errors.push((
                sources.get(i).unwrap_or_default().to_string(),
                errors.get(i).unwrap_or_default().to_string(),
            ));
        }
    }

    // Passages per kind from every part; the text only until each kind has its examples.
    for part in parts(out, &REMOVED)? {
        let frame = read_frame(&REMOVED, &part, Some(&["kind"]))?;
        let kinds = typed(&frame, &REMOVED, "kind", Column::str)?;
        let mut wanted = false;
        for kind in kinds.iter().flatten() {
            let (count, examples) = data.removed.entry(kind.to_string()).or_default();
            *count += 1;
            wanted |= examples.len() < EXAMPLES;
        }
        if !wanted {
            continue;
        }
        let texts = read_frame(&REMOVED, &part, Some(&["text", "reason"]))?;
        let reasons = typed(&texts, &REMOVED, "reason", Column::str)?;
        let texts = typed(&texts, &REMOVED, "text", Column::str)?;
        for (i, kind) in kinds.iter().enumerate() {
            let Some((_, examples)) = kind.and_then(|k| data.removed.get_mut(k)) else {
                continue;
            };
            if examples.len() < EXAMPLES {
                let text: String = texts
                    .get(i)
                    .unwrap_or_default()
                    .chars()
                    .take(EXAMPLE_CHARS)
                    .collect();
                // Distinct examples: a credit line repeated on every page shows once.
                if examples.iter().all(|(seen, _)| *seen != text) {
                    examples.push((text, reasons.get(i).unwrap_or_default().to_string()));
                }
            }
        }
    }

    for_each_frame(
        &ARTICLES,
        parts(out, &ARTICLES)?,
        &["published_date"],
        |frame| {
            let days = frame
                .column("published_date")
                .and_then(|c| c.cast(&DataType::Int32))
                .map_err(|source| Error::Polars {
                    table: ARTICLES.name,
                    source,
                })?;
            let days = days.i32().map_err(|source| Error::Polars {
                table: ARTICLES.name,
                source,
            })?;
            for day in days.iter() {
                let month = day
                    .and_then(crate::table::from_epoch_days)
                    .map(|d| d.format("%Y-%m").to_string())
                    .unwrap_or_default();
                *data.articles_by_month.entry(month).or_default() += 1;
            }
            Ok(())
        },
    )?;

    for_each_frame(
        &QUANTITY_COUNTS,
        parts(out, &QUANTITY_COUNTS)?,
        &["kind", "unit", "count", "with_value", "median"],
        |frame| {
            let kinds = typed(frame, &QUANTITY_COUNTS, "kind", Column::str)?;
            let units = typed(frame, &QUANTITY_COUNTS, "unit", Column::str)?;
            let counts = typed(frame, &QUANTITY_COUNTS, "count", Column::u64)?;
            let valued = typed(frame, &QUANTITY_COUNTS, "with_value", Column::u64)?;
            let medians = typed(frame, &QUANTITY_COUNTS, "median", Column::f64)?;
            for i in 0..frame.height() {
                data.figures.push((
                    kinds.get(i).unwrap_or_default().to_string(),
                    units.get(i).map(str::to_string),
                    counts.get(i).unwrap_or(0),
                    valued.get(i).unwrap_or(0),
                    medians.get(i),
                ));
            }
            Ok(())
        },
    )?;
    data.figures
        .sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    Ok(data)
}

/// Writes the report file whole: to a temporary name beside it, then renamed over, so a
/// reader never opens half a page.
pub fn write(path: &Path, html: &str) -> Result<(), Error> {
    crate::layout::write_whole(path, html.as_bytes())
}
