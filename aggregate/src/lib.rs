//! Writing newsprint's records as a Parquet dataset.
//!
//! `aggregate` is the only crate that writes. A [`Writer`] is created over an output folder,
//! receives one [`DocRecord`] per input in order ([`Writer::append`]) and, on
//! [`Writer::finish`], writes the summary tables and `manifest.json` and moves the finished
//! dataset into place. The tables and their columns are defined once, in [`schema`]; each is a
//! folder of `part-NNNNN.parquet` files (zstd), present with its schema even when empty.
//!
//! Writes are atomic at the level of the dataset: everything goes to a temporary folder beside
//! the output, which replaces the output only once complete, so a killed run leaves the
//! previous dataset as it was.
//!
//! ```no_run
//! # fn main() -> Result<(), aggregate::Error> {
//! let writer = aggregate::Writer::create("out".as_ref(), aggregate::WriterOptions::default())?;
//! let report = writer.finish(aggregate::RunInfo::default())?;
//! assert_eq!(report.rows["documents"], 0);
//! # Ok(()) }
//! ```

mod corpus;
mod error;
pub mod schema;
pub mod stats;
mod summary;
mod table;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clean::neardup::{NearDupOptions, Sketch};
use clean::Page;
use extract::Extraction;
use ingest::{Document, Status};
use serde::Serialize;

use corpus::ArticleIndex;
pub use error::Error;
use schema::*;
use table::{Cell, TableWriter};

/// Everything newsprint produced for one input.
#[derive(Clone, Debug)]
pub struct DocRecord {
    /// The input's account (its `text` is not written and may be emptied).
    pub document: Document,
    /// The cleaned page.
    pub page: Page,
    /// Entities and quantities.
    pub extraction: Extraction,
    /// Each article's near-duplicate sketch, in article order.
    pub sketches: Vec<Option<Sketch>>,
}

impl DocRecord {
    /// Bundles one input's results, sketching its articles for the corpus-wide duplicate
    /// search (done here so that it runs in the parallel stage, not in the writer).
    pub fn new(document: Document, page: Page, extraction: Extraction) -> Self {
        let sketches = page
            .articles
            .iter()
            .map(|a| clean::neardup::sketch(&a.text()))
            .collect();
        DocRecord {
            document,
            page,
            extraction,
            sketches,
        }
    }
}

/// How the writer batches rows.
#[derive(Clone, Debug)]
pub struct WriterOptions {
    /// Rows per Parquet part (a part is also cut at 16 MiB of buffered text).
    pub rows_per_part: usize,
    /// How near-duplicate articles across documents are found; `None` skips the search.
    pub near_duplicates: Option<NearDupOptions>,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            rows_per_part: 250_000,
            near_duplicates: Some(NearDupOptions::default()),
        }
    }
}

/// What the run was, for the manifest.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunInfo {
    /// The inputs as named on the command line.
    pub inputs: Vec<String>,
    /// The options that shape the output.
    pub options: BTreeMap<String, serde_json::Value>,
    /// Wall time of the run, in seconds.
    pub duration_secs: f64,
    /// Bytes of input read.
    pub input_bytes: u64,
    /// Peak resident memory of the process, when known.
    pub peak_rss_bytes: Option<u64>,
}

/// What was written.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The dataset's folder.
    pub out: PathBuf,
    /// Rows per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// Documents per status.
    pub documents: BTreeMap<&'static str, u64>,
    /// What the corpus-wide steps found.
    pub corpus: CorpusReport,
}

/// What the corpus-wide steps found, for the manifest and the run's summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CorpusReport {
    /// Articles that repeat an earlier article (`articles.duplicate_of` set).
    pub near_duplicate_articles: u64,
    /// Candidate pairs from shared LSH bands.
    pub candidate_pairs: u64,
    /// Candidate pairs verified by exact 5-gram similarity.
    pub verified_pairs: u64,
}

#[derive(Serialize)]
struct Manifest<'a> {
    newsprint_version: &'static str,
    schema_version: u32,
    tables: Vec<&'static str>,
    rows: &'a BTreeMap<&'static str, u64>,
    documents: &'a BTreeMap<&'static str, u64>,
    corpus: &'a CorpusReport,
    #[serde(flatten)]
    run: &'a RunInfo,
}

/// Writes a dataset; see the crate docs.
pub struct Writer {
    out: PathBuf,
    staging: PathBuf,
    documents: TableWriter,
    articles: TableWriter,
    paragraphs: TableWriter,
    entities: TableWriter,
    quantities: TableWriter,
    removed: TableWriter,
    statuses: BTreeMap<&'static str, u64>,
    index: ArticleIndex,
    near_duplicates: Option<NearDupOptions>,
}

impl Writer {
    /// Starts a dataset that will replace `out` when finished. Refuses an `out` that exists
    /// and is neither empty nor a newsprint dataset, so a mistyped path cannot wipe a folder.
    pub fn create(out: &Path, options: WriterOptions) -> Result<Self, Error> {
        if out.exists() {
            let is_dataset = out.join("manifest.json").is_file();
            let is_empty = std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !is_dataset && !is_empty {
                return Err(Error::NotADataset(out.to_path_buf()));
            }
        }
        let staging = sibling(out, "tmp");
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|source| Error::Io {
                path: staging.clone(),
                source,
            })?;
        }
        let rows = options.rows_per_part.max(1);
        Ok(Writer {
            out: out.to_path_buf(),
            documents: TableWriter::new(&DOCUMENTS, &staging, rows)?,
            articles: TableWriter::new(&ARTICLES, &staging, rows)?,
            paragraphs: TableWriter::new(&PARAGRAPHS, &staging, rows)?,
            entities: TableWriter::new(&ENTITIES, &staging, rows)?,
            quantities: TableWriter::new(&QUANTITIES, &staging, rows)?,
            removed: TableWriter::new(&REMOVED, &staging, rows)?,
            staging,
            statuses: Status::ALL.iter().map(|s| (s.as_str(), 0)).collect(),
            index: ArticleIndex::default(),
            near_duplicates: options.near_duplicates,
        })
    }

    /// Appends one input's rows to every table.
    pub fn append(&mut self, record: &DocRecord) -> Result<(), Error> {
        let doc = &record.document;
        let page = &record.page;
        let id = Some(doc.doc_id.as_str());
        *self.statuses.entry(doc.status.as_str()).or_insert(0) += 1;

        let removed_chars = |kinds: &[clean::RemovedKind]| -> u64 {
            page.removed
                .iter()
                .filter(|r| kinds.contains(&r.kind))
                .map(|r| r.text.chars().count() as u64)
                .sum()
        };
        let n_paragraphs: usize = page.articles.iter().map(|a| a.paragraphs.len()).sum();
        self.documents.push(&[
            Cell::Str(id),
            Cell::Str(Some(&doc.source)),
            Cell::U64(Some(doc.bytes)),
            Cell::Str(doc.encoding),
            Cell::U32(Some(doc.decode_errors)),
            Cell::Str(Some(doc.status.as_str())),
            Cell::Str(doc.error.as_deref()),
            Cell::Str(doc.duplicate_of.as_deref()),
            Cell::Date(page.published_date.or(doc.published_date)),
            Cell::U32(Some(page.articles.len() as u32)),
            Cell::U32(Some(n_paragraphs as u32)),
            Cell::U64(Some(page.chars_in)),
            Cell::U64(Some(page.chars_out)),
            Cell::Str(doc.external_id.as_deref()),
            Cell::U64(Some(removed_chars(&[clean::RemovedKind::Duplicate]))),
            Cell::U64(Some(removed_chars(&[
                clean::RemovedKind::Caption,
                clean::RemovedKind::Credit,
            ]))),
            Cell::U64(Some(removed_chars(&[clean::RemovedKind::Noise]))),
        ])?;

        if !page.articles.is_empty() {
            let doc_number = self.index.doc_ids.len() as u32;
            self.index.doc_ids.push(record.document.doc_id.clone());
            for (a, article) in page.articles.iter().enumerate() {
                self.index.ids.push((doc_number, a as u32));
                let sketch = match record.sketches.get(a) {
                    Some(sketch) => *sketch,
                    None => clean::neardup::sketch(&article.text()),
                };
                self.index.sketches.push(sketch);
            }
        }
        for (a, article) in page.articles.iter().enumerate() {
            let text = article.text();
            self.articles.push(&[
                Cell::Str(id),
                Cell::U32(Some(a as u32)),
                Cell::Str(article.title.as_deref()),
                Cell::Str(article.subtitle.as_deref()),
                Cell::Str(article.kicker.as_deref()),
                Cell::Str(article.byline.as_deref()),
                Cell::Str(article.dateline.as_deref()),
                Cell::ListStr(&article.authors),
                Cell::Date(article.published_date),
                Cell::Str(Some(&text)),
                Cell::U32(Some(article.paragraphs.len() as u32)),
                Cell::U32(Some(article.n_chars() as u32)),
                Cell::Bool(Some(article.truncated())),
                Cell::Str(None),
                Cell::F32(None),
            ])?;
            for (p, paragraph) in article.paragraphs.iter().enumerate() {
                self.paragraphs.push(&[
                    Cell::Str(id),
                    Cell::U32(Some(a as u32)),
                    Cell::U32(Some(p as u32)),
                    Cell::Str(Some(paragraph.kind.as_str())),
                    Cell::Str(Some(&paragraph.text)),
                    Cell::Bool(Some(paragraph.truncated)),
                ])?;
            }
        }

        for removed in &page.removed {
            let kept = removed.duplicate_of.map(|loc| match loc.paragraph {
                Some(p) => format!("{}/{}/{}", doc.doc_id, loc.article, p),
                None => format!("{}/{}", doc.doc_id, loc.article),
            });
            self.removed.push(&[
                Cell::Str(id),
                Cell::Str(Some(removed.kind.as_str())),
                Cell::Str(Some(&removed.text)),
                Cell::Str(Some(&removed.reason)),
                Cell::Str(Some(&removed.method)),
                Cell::Str(kept.as_deref()),
                Cell::F32(removed.similarity),
            ])?;
        }

        let extraction = &record.extraction;
        for e in &extraction.entities {
            self.entities.push(&[
                Cell::Str(id),
                Cell::U32(Some(e.article)),
                Cell::U32(e.paragraph),
                Cell::U32(Some(e.start)),
                Cell::U32(Some(e.end)),
                Cell::Str(Some(e.kind.as_str())),
                Cell::Str(Some(&e.text)),
                Cell::Str(Some(&e.name)),
                Cell::Str(e.role.as_deref()),
                Cell::Str(Some(e.field.as_str())),
                Cell::Str(e.org.as_deref()),
                Cell::Str(e.code.as_deref()),
            ])?;
        }
        for q in &extraction.quantities {
            self.quantities.push(&[
                Cell::Str(id),
                Cell::U32(Some(q.article)),
                Cell::U32(Some(q.paragraph)),
                Cell::U32(Some(q.start)),
                Cell::U32(Some(q.end)),
                Cell::Str(Some(q.kind.as_str())),
                Cell::Str(Some(&q.text)),
                Cell::F64(q.value),
                Cell::F64(q.value_low),
                Cell::F64(q.value_high),
                Cell::Str(q.unit.as_deref()),
                Cell::Str(q.approx.map(|a| a.as_str())),
                Cell::Str(q.iso.as_deref()),
                Cell::Date(q.date_start),
                Cell::Date(q.date_end),
                Cell::Str(q.subject.as_deref()),
                Cell::Str(q.change.map(|c| c.as_str())),
            ])?;
        }
        Ok(())
    }

    /// Drops the unfinished dataset: the previous output, if any, stays as it was.
    pub fn abandon(self) {
        // Best effort: a staging folder left behind is removed by the next run anyway.
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    /// Writes the summary tables and the manifest, and moves the dataset into place.
    pub fn finish(self, run: RunInfo) -> Result<Report, Error> {
        let mut rows = BTreeMap::new();
        let articles = self.articles.finish()?;
        let mut corpus = CorpusReport::default();
        let mut copies = summary::Copies::new();
        if let Some(options) = &self.near_duplicates {
            let found = corpus::mark_near_duplicates(&articles, &self.index, options)?;
            for (article, m) in found.matches.iter().enumerate() {
                if m.is_some() {
                    let (doc, idx) = self.index.ids[article];
                    copies
                        .entry(self.index.doc_ids[doc as usize].clone())
                        .or_default()
                        .push(idx);
                }
            }
            corpus.near_duplicate_articles = found.matches.iter().flatten().count() as u64;
            corpus.candidate_pairs = found.candidates;
            corpus.verified_pairs = found.verified;
        }
        let entities = self.entities.finish()?;
        let quantities = self.quantities.finish()?;
        let entity_counts = summary::entity_counts(&entities, &copies, &self.staging)?;
        let quantity_counts = summary::quantity_counts(&quantities, &copies, &self.staging)?;
        rows.insert(DOCUMENTS.name, self.documents.finish()?.rows());
        rows.insert(ARTICLES.name, articles.rows());
        rows.insert(PARAGRAPHS.name, self.paragraphs.finish()?.rows());
        rows.insert(ENTITIES.name, entities.rows());
        rows.insert(QUANTITIES.name, quantities.rows());
        rows.insert(REMOVED.name, self.removed.finish()?.rows());
        rows.insert(ENTITY_COUNTS.name, entity_counts.rows());
        rows.insert(QUANTITY_COUNTS.name, quantity_counts.rows());

        let manifest = Manifest {
            newsprint_version: env!("CARGO_PKG_VERSION"),
            schema_version: SCHEMA_VERSION,
            tables: TABLES.iter().map(|t| t.name).collect(),
            rows: &rows,
            documents: &self.statuses,
            corpus: &corpus,
            run: &run,
        };
        let path = self.staging.join("manifest.json");
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Io {
            path: path.clone(),
            source: e.into(),
        })?;
        std::fs::write(&path, json).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        publish(&self.staging, &self.out)?;
        Ok(Report {
            out: self.out,
            rows,
            documents: self.statuses,
            corpus,
        })
    }
}

/// `DIR` → `.DIR.newsprint-<what>` in the same parent, so renames stay on one file system.
fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    out.with_file_name(format!(".{name}.newsprint-{what}"))
}

fn publish(staging: &Path, out: &Path) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    if out.exists() {
        let old = sibling(out, "old");
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        std::fs::rename(out, &old).map_err(io(out))?;
        std::fs::rename(staging, out).map_err(io(out))?;
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::rename(staging, out).map_err(io(out))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_a_folder_that_is_not_a_dataset() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("notes.txt"), "keep me").expect("write");
        let err = Writer::create(dir.path(), WriterOptions::default()).err();
        assert!(matches!(err, Some(Error::NotADataset(_))));
        assert!(dir.path().join("notes.txt").exists());
    }

    #[test]
    fn an_empty_run_writes_every_table_and_replaces_the_previous_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        for _ in 0..2 {
            let writer = Writer::create(&out, WriterOptions::default()).expect("create");
            let report = writer.finish(RunInfo::default()).expect("finish");
            assert_eq!(report.rows.len(), TABLES.len());
        }
        for table in TABLES {
            assert!(out.join(table.name).join("part-00000.parquet").is_file());
        }
        assert!(out.join("manifest.json").is_file());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(leftovers, ["out"]);
    }
}
