//! Writing newsprint's records as a Parquet dataset, run after run.
//!
//! `aggregate` is the only crate that writes. [`Writer::open`] opens a dataset folder (new,
//! or one written before, to which a run adds), tells the run which inputs the dataset
//! already holds ([`Writer::seen`]), receives one [`DocRecord`] per new input in order
//! ([`Writer::append`]) and, on [`Writer::finish`], runs the corpus-wide steps (near-duplicate
//! articles, summary tables) over every part when the caller asks ([`RunInfo::corpus_step`])
//! and records the run in `manifest.json`.
//! [`merge`] runs the same corpus-wide steps over the parts of a sharded run. The tables and
//! their columns are defined once, in [`schema`]; each is a folder of Parquet parts (zstd),
//! present with its schema even when empty; [`dataset`] describes the files.
//!
//! Rows are committed in segments: when a table's buffer is full, every table writes its part
//! into a staging folder, the parts are renamed into the table folders and the manifest,
//! renamed over the old one, names them. A run killed at any moment therefore leaves the
//! dataset as it was, plus whole segments; the next run deletes anything unnamed and carries
//! on with the inputs not yet committed. A `full` run commits once, at its end.
//!
//! ```no_run
//! # fn main() -> Result<(), aggregate::Error> {
//! let writer = aggregate::Writer::open("out".as_ref(), aggregate::WriterOptions::default())?;
//! let info = aggregate::RunInfo {
//!     corpus_step: true,
//!     ..Default::default()
//! };
//! let report = writer.finish(info)?;
//! assert_eq!(report.rows["documents"], 0);
//! # Ok(()) }
//! ```

mod corpus;
pub mod dataset;
mod error;
mod furniture;
mod inputs;
mod lock;
mod parallel;
mod retry;
pub mod schema;
pub mod stats;
mod summary;
mod table;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use clean::neardup::{NearDupOptions, Sketch};
use clean::Page;
use extract::Extraction;
use ingest::{Document, Shard, Status};
use serde::{Deserialize, Serialize};

pub use parallel::Parallel;

use corpus::SketchRow;
use dataset::{remove_leftovers, Manifest, Part, RunRecord, WriterTag};
pub use error::Error;
pub use inputs::InputIndex;
pub use lock::DatasetLock;
use schema::*;
use table::{for_each_frame, typed, Cell, TableWriter};

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

/// How the writer batches rows and what it writes.
#[derive(Clone, Debug)]
pub struct WriterOptions {
    /// Rows per Parquet part (a part is also cut at 16 MiB of buffered text). A segment, the
    /// unit of commit, ends when any table's part is full.
    pub rows_per_part: usize,
    /// How near-duplicate articles across documents are found; `None` skips the search.
    pub near_duplicates: Option<NearDupOptions>,
    /// The shard this run is; `None` for an unsharded run, which also runs the corpus-wide
    /// steps at its end (a sharded run leaves them to [`merge`]).
    pub shard: Option<Shard>,
    /// Rebuild: ignore what the dataset holds and replace it when the run completes.
    pub full: bool,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            rows_per_part: 250_000,
            near_duplicates: Some(NearDupOptions::default()),
            shard: None,
            full: false,
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
    /// Inputs read that the dataset already held, and so were not processed again.
    pub unchanged_documents: u64,
    /// Wall time of the run, in seconds.
    pub duration_secs: f64,
    /// Bytes of input processed.
    pub input_bytes: u64,
    /// Peak resident memory of the process, when known.
    pub peak_rss_bytes: Option<u64>,
    /// Reads the process's peak resident memory again once the corpus step is done, so
    /// that the run's record counts it too.
    #[serde(skip)]
    pub measure_peak_rss: Option<fn() -> Option<u64>>,
    /// Run the corpus-wide steps (near-duplicate articles across the dataset, the summary
    /// tables) before the run is committed, as an unsharded run must; a shard leaves them to
    /// `newsprint merge`. Off unless the caller asks.
    #[serde(skip)]
    pub corpus_step: bool,
    /// How the corpus step runs its independent tasks (by default one after another).
    #[serde(skip)]
    pub parallel: Parallel,
}

/// What was written.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The dataset's folder.
    pub out: PathBuf,
    /// The run's number (0 for a merge).
    pub run: u32,
    /// Rows per table in the dataset.
    pub rows: BTreeMap<String, u64>,
    /// Documents per status in the dataset.
    pub documents: BTreeMap<String, u64>,
    /// Rows this run added per table.
    pub run_rows: BTreeMap<String, u64>,
    /// Documents this run added, per status.
    pub run_documents: BTreeMap<String, u64>,
    /// What the corpus-wide steps found (`None` for a shard, which leaves them to merge).
    pub corpus: Option<CorpusReport>,
    /// What went wrong after the run was committed, which the log should say.
    pub warnings: Vec<String>,
}

/// What the corpus-wide steps found, for the manifest and the run's summary.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct CorpusReport {
    /// Articles that repeat an earlier article (`articles.duplicate_of` set).
    pub near_duplicate_articles: u64,
    /// Candidate pairs from shared LSH bands, for the articles this step searched.
    pub candidate_pairs: u64,
    /// Candidate pairs verified by exact 3-gram similarity, for the articles this step
    /// searched.
    pub verified_pairs: u64,
    /// The similarity threshold used; `None` when the search was skipped.
    #[serde(default)]
    pub threshold: Option<f32>,
    /// Counts the corpus steps run on this dataset; names the summary parts.
    #[serde(default)]
    pub generation: u32,
    /// Articles whose match the step carried over from the step before (the longest prefix
    /// of the keep order that step had searched); candidates and verified pairs count the
    /// work on the articles after them.
    #[serde(default)]
    pub settled_articles: u64,
    /// State files that disagreed with the parts (missing, damaged, or of other rows) and
    /// were computed again from them in this step (not saved in the manifest).
    #[serde(skip)]
    pub repaired: Vec<String>,
}

/// The inputs a dataset already holds: an input read again with the same source and the
/// same bytes is not processed again.
#[derive(Debug, Default)]
pub struct Seen {
    pairs: HashSet<u128>,
    contents: Vec<u128>,
    /// The error rows, which a run that reads their inputs again replaces.
    retries: retry::Retries,
}

fn pair_key(source: &str, doc_id: &str) -> u128 {
    let mut bytes = Vec::with_capacity(source.len() + doc_id.len() + 1);
    bytes.extend_from_slice(source.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(doc_id.as_bytes());
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

impl Seen {
    /// Whether the input `source` with content `doc_id` is in the dataset.
    pub fn contains(&self, source: &str, doc_id: &str) -> bool {
        self.pairs.contains(&pair_key(source, doc_id))
    }

    /// The contents (doc_ids as numbers) of the documents held, for
    /// [`ingest::Reader::with_known`]: the same bytes under a new source are a duplicate.
    pub fn contents(&self) -> impl Iterator<Item = u128> + '_ {
        self.contents.iter().copied()
    }

    /// Documents held.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether the dataset holds no document.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// What the dataset in `out` (the shard's part of it, for a shard) holds, read without
    /// changing anything: empty when there is no dataset yet or when `full` rebuilds it.
    pub fn read(out: &Path, shard: Option<Shard>, full: bool) -> Result<Self, Error> {
        let path = WriterTag(shard).manifest_path(out);
        if full || !path.is_file() {
            return Ok(Seen::default());
        }
        Seen::load(out, &Manifest::read(&path)?)
    }

    /// Reads the `documents` parts named by `manifest`. Failed inputs are left out, so that
    /// they are tried again.
    fn load(out: &Path, manifest: &Manifest) -> Result<Self, Error> {
        let mut seen = Seen::default();
        let parts = manifest.part_set(out, DOCUMENTS.name);
        let columns = ["doc_id", "source", "status"];
        // The part each frame comes from, in the order `part_set` lists them.
        let mut files = manifest
            .parts
            .get(DOCUMENTS.name)
            .into_iter()
            .flatten()
            .map(|p| p.file.as_str());
        for_each_frame(&DOCUMENTS, parts.paths, &columns, |frame| {
            let file = files.next().unwrap_or_default();
            let ids = typed(frame, &DOCUMENTS, "doc_id", polars::prelude::Column::str)?;
            let sources = typed(frame, &DOCUMENTS, "source", polars::prelude::Column::str)?;
            let statuses = typed(frame, &DOCUMENTS, "status", polars::prelude::Column::str)?;
            for i in 0..frame.height() {
                let (Some(id), Some(source), Some(status)) =
                    (ids.get(i), sources.get(i), statuses.get(i))
                else {
                    continue;
                };
                seen.retries.read_again(source);
                if status == Status::Error.as_str() {
                    seen.retries.failed(source, file);
                    continue;
                }
                seen.pairs.insert(pair_key(source, id));
                if let Some(content) = ingest::content_number(id) {
                    seen.contents.push(content);
                }
            }
            Ok(())
        })?;
        Ok(seen)
    }
}

/// The tables a run appends to, in the order of [`Writer::tables`].
const SEGMENT_TABLES: [&Table; 6] = [
    &DOCUMENTS,
    &ARTICLES,
    &PARAGRAPHS,
    &ENTITIES,
    &QUANTITIES,
    &REMOVED,
];

/// Writes a run into a dataset; see the crate docs.
pub struct Writer {
    out: PathBuf,
    tag: WriterTag,
    /// What the dataset's manifest names now (this run's segments included once committed).
    committed: Manifest,
    full: bool,
    run: RunRecord,
    /// Segments of a full run, staged until the run completes.
    staged: Vec<(&'static str, Part)>,
    /// Documents per status in the segment being buffered.
    segment_documents: BTreeMap<String, u64>,
    tables: [TableWriter; 6],
    sketches: Vec<SketchRow>,
    /// Sources of the documents in `sketches`.
    sketch_sources: Vec<String>,
    segment: u32,
    near_duplicates: Option<NearDupOptions>,
    seen: Seen,
    /// Furniture-line counts and the inputs they hold (see `furniture.rs`).
    furniture: Option<furniture::Pending>,
    /// The input index: as read until taken, then as handed back to be saved.
    inputs: Option<InputIndex>,
    /// Held while the writer lives: one writer at a time.
    lock: DatasetLock,
    /// Error rows in the dataset, and those this run's rows replace.
    retries: retry::Retries,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Writer {
    /// Opens `out` for a run: a new dataset if it does not exist (or is empty), otherwise
    /// the dataset to add to. Refuses an `out` that holds something other than a newsprint
    /// dataset, so a mistyped path cannot wipe a folder, and a dataset of another schema
    /// version unless `full`. Deletes what a killed run of the same writer left.
    pub fn open(out: &Path, options: WriterOptions) -> Result<Self, Error> {
        dataset::check_is_dataset_or_empty(out)?;
        let tag = WriterTag(options.shard);
        // Taken before anything is read or deleted, and held until the writer is dropped.
        let lock = DatasetLock::acquire(out, &[tag.lock_name()], tag.describe())?;
        let manifest_path = tag.manifest_path(out);
        match options.shard {
            None if out.join(dataset::SHARDS_DIR).is_dir() => {
                return Err(Error::Layout(format!(
                    "{} holds a sharded dataset: run each shard with --shard I/N, then `newsprint merge`",
                    out.display()
                )))
            }
            Some(_) if out.join(dataset::MANIFEST).is_file() => {
                let top = Manifest::read(&out.join(dataset::MANIFEST))?;
                if top.shards_merged.is_none() {
                    return Err(Error::Layout(format!(
                        "{} holds an unsharded dataset; write the shards to another folder",
                        out.display()
                    )));
                }
            }
            _ => {}
        }
        let previous = if manifest_path.is_file() {
            let manifest = Manifest::read(&manifest_path)?;
            if manifest.schema_version != SCHEMA_VERSION && !options.full {
                return Err(Error::SchemaVersion {
                    path: manifest_path,
                    found: manifest.schema_version,
                    expected: SCHEMA_VERSION,
                });
            }
            Some(manifest)
        } else {
            None
        };
        let mut committed = previous
            .clone()
            .unwrap_or_else(|| Manifest::empty(options.shard));
        // This run's number: `documents.run` of the rows it adds.
        let run_number = committed.runs.last().map_or(0, |r| r.run) + 1;
        for dir in TABLES
            .iter()
            .map(|t| out.join(t.name))
            .chain([out.join(dataset::STATE_DIR)])
        {
            std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        }
        if previous.is_none() {
            // A new dataset is a dataset from the start, with every table present and empty:
            // a run that stops before its first commit leaves one that loaders read and the
            // next run adds to.
            empty_parts(out, tag, &mut committed, run_number, "empty")?;
            committed.commit(&manifest_path)?;
        }
        remove_leftovers(out, tag, &committed)?;
        let read_state = |path: PathBuf| match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Read { path, source }),
        };
        let (mut seen, furniture) = match (&previous, options.full) {
            (Some(manifest), false) => {
                // A run stopped before it completed left its counts; else the last completed
                // run's are the dataset's.
                let mut furniture = None;
                for path in [tag.furniture_pending_path(out), tag.furniture_path(out)] {
                    if let Some(bytes) = read_state(path.clone())? {
                        furniture = Some(furniture::Pending::read(&bytes).ok_or_else(|| {
                            Error::Manifest {
                                path,
                                detail: "not furniture counts; rebuild the dataset with --full"
                                    .to_string(),
                            }
                        })?);
                        break;
                    }
                }
                (Seen::load(out, manifest)?, furniture)
            }
            _ => (Seen::default(), None),
        };
        let inputs = match (&previous, options.full) {
            (Some(_), false) => InputIndex::read(&tag.inputs_path(out))?,
            _ => InputIndex::default(),
        };
        let run = RunRecord {
            run: run_number,
            full: options.full,
            started_unix: unix_now(),
            ..RunRecord::default()
        };
        let rows = options.rows_per_part;
        Ok(Writer {
            out: out.to_path_buf(),
            tag,
            committed,
            full: options.full,
            run,
            staged: Vec::new(),
            segment_documents: BTreeMap::new(),
            tables: SEGMENT_TABLES.map(|t| TableWriter::new(t, rows)),
            sketches: Vec::new(),
            sketch_sources: Vec::new(),
            segment: 0,
            near_duplicates: options.near_duplicates,
            furniture,
            inputs: Some(inputs),
            lock,
            retries: std::mem::take(&mut seen.retries),
            seen,
        })
    }

    /// The holders named by locks this writer took over from writers that exited without
    /// releasing them (killed), for the log.
    pub fn locks_taken_over(&self) -> &[String] {
        &self.lock.taken_over
    }

    /// The inputs the dataset already holds (empty for a new dataset or a full run).
    pub fn seen(&self) -> &Seen {
        &self.seen
    }

    /// Hands over [`Writer::seen`] (the writer does not need it), leaving it empty.
    pub fn take_seen(&mut self) -> Seen {
        std::mem::take(&mut self.seen)
    }

    /// This run's number: `documents.run` of the rows it adds.
    pub fn run_number(&self) -> u32 {
        self.run.run
    }

    /// The furniture-line counts to go on counting from (see
    /// `clean::furniture::LineCounter`): those of a run stopped before it completed, else
    /// those the last completed run saved.
    pub fn furniture_state(&self) -> Option<&[u8]> {
        self.furniture.as_ref().map(|f| f.counter.as_slice())
    }

    /// Whether the input `source` with content `doc_id` is already in the counts of
    /// [`Writer::furniture_state`] (counted by an earlier run, or by a run that was stopped
    /// before committing it, or by a shard that counts every shard's inputs): it must not be
    /// counted twice.
    pub fn furniture_counted(&self, source: &str, doc_id: &str) -> bool {
        self.furniture
            .as_ref()
            .is_some_and(|p| p.counted.contains(&pair_key(source, doc_id)))
    }

    /// Saves furniture-line counts with the run, for the next run to go on from, and at
    /// once, before anything is committed, as the counts of a run in progress, with the
    /// inputs (source, doc_id) this run counted: a run stopped half way is resumed with them.
    pub fn set_furniture_state<'a>(
        &mut self,
        state: Vec<u8>,
        counted: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), Error> {
        let mut furniture = self.furniture.take().unwrap_or_default();
        furniture
            .counted
            .extend(counted.into_iter().map(|(s, d)| pair_key(s, d)));
        furniture.counter = state;
        dataset::write_whole(
            &self.tag.furniture_pending_path(&self.out),
            &furniture.to_bytes(),
        )?;
        self.furniture = Some(furniture);
        Ok(())
    }

    /// Hands over the dataset's [`InputIndex`] (empty for a new dataset or a full run): the
    /// files earlier runs read and committed, which this run need not read again. Unless it
    /// is handed back with [`Writer::set_input_index`], the saved index is left as it is.
    pub fn take_input_index(&mut self) -> InputIndex {
        self.inputs.take().unwrap_or_default()
    }

    /// The index to save once the run is committed. Give only files whose documents this
    /// run committed (or found in the dataset) and none of which failed.
    pub fn set_input_index(&mut self, index: InputIndex) {
        self.inputs = Some(index);
    }
    /// Appends one input's rows to every table.
    pub fn append(&mut self, record: &DocRecord) -> Result<(), Error> {
        let doc = &record.document;
        let page = &record.page;
        let id = Some(doc.doc_id.as_str());
        self.retries.read_again(&doc.source);
        *self
            .segment_documents
            .entry(doc.status.as_str().to_string())
            .or_insert(0) += 1;

        let removed_chars = |kinds: &[clean::RemovedKind]| -> u64 {
            page.removed
                .iter()
                .filter(|r| kinds.contains(&r.kind))
                .map(|r| r.text.chars().count() as u64)
                .sum()
        };
        let n_paragraphs: usize = page.articles.iter().map(|a| a.paragraphs.len()).sum();
        self.tables[0].push(&[
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
            Cell::U32(Some(self.run.run)),
        ])?;

        if !page.articles.is_empty() {
            let doc_number = ingest::content_number(&doc.doc_id).ok_or_else(|| Error::Row {
                table: ARTICLES.name,
                detail: format!("doc_id {:?} is not a content hash", doc.doc_id),
            })?;
            let source = self.sketch_sources.len() as u32;
            self.sketch_sources.push(doc.source.clone());
            for (a, article) in page.articles.iter().enumerate() {
                let sketch = match record.sketches.get(a) {
                    Some(sketch) => *sketch,
                    None => clean::neardup::sketch(&article.text()),
                };
                self.sketches.push(SketchRow {
                    doc: doc_number,
                    source,
                    article: a as u32,
                    date: article.published_date.map(table::epoch_days),
                    sketch,
                });
            }
        }
        for (a, article) in page.articles.iter().enumerate() {
            let text = article.text();
            self.tables[1].push(&[
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
                self.tables[2].push(&[
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
            self.tables[5].push(&[
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
            self.tables[3].push(&[
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
            self.tables[4].push(&[
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
        if self.tables.iter().any(TableWriter::is_full) {
            self.flush_segment()?;
        }
        Ok(())
    }

    /// Writes the buffered rows of every table as one segment: staged, and unless the run is
    /// full, renamed into the dataset and committed in the manifest.
    fn flush_segment(&mut self) -> Result<(), Error> {
        if self.tables.iter().all(|t| t.rows() == 0) {
            return Ok(());
        }
        let name = self.tag.part_name(self.run.run, self.segment);
        self.segment += 1;
        let staging = self.tag.staging(&self.out);
        let mut parts = Vec::new();
        for (table, writer) in SEGMENT_TABLES.iter().zip(&mut self.tables) {
            if writer.rows() == 0 {
                continue;
            }
            let dir = staging.join(table.name);
            std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
            let rows = writer.write_part(&dir.join(&name))?;
            parts.push((
                table.name,
                Part {
                    file: name.clone(),
                    rows,
                },
            ));
        }
        if !self.sketches.is_empty() {
            let path = dataset::sketches_path(&staging, &name);
            corpus::write_sketches(&path, &self.sketch_sources, &self.sketches)?;
            self.sketches.clear();
            self.sketch_sources.clear();
        }
        // The run's tallies count every segment, staged or committed.
        let documents = std::mem::take(&mut self.segment_documents);
        for (status, n) in &documents {
            *self.run.documents.entry(status.clone()).or_insert(0) += n;
        }
        for (table, part) in &parts {
            *self.run.rows.entry(table.to_string()).or_insert(0) += part.rows;
        }
        if self.full {
            self.staged.extend(parts);
            return Ok(());
        }
        self.move_in(&parts)?;
        for (status, n) in documents {
            *self.committed.documents.entry(status).or_insert(0) += n;
        }
        for (table, part) in parts {
            self.committed
                .parts
                .entry(table.to_string())
                .or_default()
                .push(part);
        }
        self.committed.corpus_current = false;
        self.committed.recount();
        self.record_run();
        self.committed.commit(&self.tag.manifest_path(&self.out))
    }

    /// Renames staged parts (and their sketches) into the dataset's folders.
    fn move_in(&self, parts: &[(&'static str, Part)]) -> Result<(), Error> {
        let staging = self.tag.staging(&self.out);
        for (table, part) in parts {
            let from = staging.join(table).join(&part.file);
            let to = self.out.join(table).join(&part.file);
            std::fs::rename(&from, &to).map_err(io_error(&to))?;
            if *table == ARTICLES.name {
                let from = dataset::sketches_path(&staging, &part.file);
                if from.exists() {
                    let to = dataset::sketches_path(&self.out, &part.file);
                    if let Some(dir) = to.parent() {
                        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
                    }
                    std::fs::rename(&from, &to).map_err(io_error(&to))?;
                }
            }
        }
        Ok(())
    }

    /// Puts this run's record, as it stands, last in the manifest's runs.
    fn record_run(&mut self) {
        match self.committed.runs.last_mut() {
            Some(last) if last.run == self.run.run => *last = self.run.clone(),
            _ => self.committed.runs.push(self.run.clone()),
        }
    }

    /// Drops the run's uncommitted rows: the dataset keeps what it held and the segments
    /// already committed.
    pub fn abandon(self) {
        // Best effort: a staging folder left behind is removed by the next run anyway.
        let _ = std::fs::remove_dir_all(self.tag.staging(&self.out));
    }

    /// Commits the last segment, runs the corpus-wide steps when `info` asks for them (and
    /// the dataset has changed since they last ran), and records the run as completed in
    /// the manifest. A shard's writer refuses them: they belong to the merge.
    pub fn finish(mut self, info: RunInfo) -> Result<Report, Error> {
        let finishing = std::time::Instant::now();
        self.flush_segment()?;
        if self.full {
            let mut fresh = Manifest::empty(self.tag.0);
            fresh.runs = std::mem::take(&mut self.committed.runs);
            fresh.corpus = self.committed.corpus.take();
            let staged = std::mem::take(&mut self.staged);
            self.move_in(&staged)?;
            for (table, part) in staged {
                fresh.parts.entry(table.to_string()).or_default().push(part);
            }
            for (status, n) in &self.run.documents {
                fresh.documents.insert(status.clone(), *n);
            }
            self.committed = fresh;
        }
        if !self.full {
            // One current row per input: error rows of inputs read again go.
            let staging = self.tag.staging(&self.out);
            self.retries
                .apply(&self.out, &staging, &mut self.committed)?;
        }
        // The empty parts a new dataset starts with go once their table has rows.
        for parts in self.committed.parts.values_mut() {
            if parts.iter().any(|p| p.rows > 0) {
                parts.retain(|p| p.rows > 0 || !p.file.ends_with("-empty.parquet"));
            }
        }
        // Every table exists with its schema, even when no run has given it a row.
        let segment = format!("{:05}", self.segment);
        empty_parts(
            &self.out,
            self.tag,
            &mut self.committed,
            self.run.run,
            &segment,
        )?;
        self.run.completed = true;
        self.run.inputs = info.inputs;
        self.run.options = info.options;
        self.run.unchanged_documents = info.unchanged_documents;
        self.run.duration_secs = info.duration_secs;
        self.run.input_bytes = info.input_bytes;
        self.run.peak_rss_bytes = info.peak_rss_bytes;
        self.record_run();
        self.committed.recount();

        if info.corpus_step {
            if self.tag.0.is_some() {
                return Err(Error::Layout(
                    "a shard does not run the corpus-wide steps: `newsprint merge` does".into(),
                ));
            }
            let added = self.run.rows.values().any(|&n| n > 0);
            let threshold = self.near_duplicates.map(|o| o.threshold);
            let up_to_date = self.committed.corpus_current
                && self.committed.corpus.as_ref().map(|c| c.threshold) == Some(threshold);
            if added || !up_to_date || self.full {
                corpus_step(
                    &self.out,
                    self.tag,
                    &mut self.committed,
                    self.near_duplicates.as_ref(),
                    &info.parallel,
                )?;
            }
        }
        if let Some(furniture) = &self.furniture {
            dataset::write_whole(&self.tag.furniture_path(&self.out), &furniture.to_bytes())?;
        }
        let pending_path = self.tag.furniture_pending_path(&self.out);
        // The run's time and memory include the last segment and the corpus step.
        self.run.duration_secs = info.duration_secs + finishing.elapsed().as_secs_f64();
        if let Some(peak) = info.measure_peak_rss.and_then(|measure| measure()) {
            self.run.peak_rss_bytes = Some(peak.max(info.peak_rss_bytes.unwrap_or(0)));
        }
        self.record_run();
        self.committed.commit(&self.tag.manifest_path(&self.out))?;
        // The run is complete: its counts are the dataset's own now.
        match std::fs::remove_file(&pending_path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::Io {
                    path: pending_path,
                    source: e,
                })
            }
            _ => {}
        }
        // Saved only now that what it vouches for is committed; a full run that was given
        // no index leaves none, so the next run reads every input.
        let inputs_path = self.tag.inputs_path(&self.out);
        let mut warnings = Vec::new();
        match &self.inputs {
            // The run is committed: an index that cannot be saved costs the next run a
            // read of the files it would have skipped, nothing else.
            Some(index) if !index.is_empty() => {
                if let Err(e) = index.write(&inputs_path) {
                    let cause =
                        std::error::Error::source(&e).map_or(String::new(), |c| format!(": {c}"));
                    warnings.push(format!(
                        "the run is committed, but the input index could not be saved ({e}{cause}); the next run reads every input again"
                    ));
                    let _ = std::fs::remove_file(&inputs_path);
                }
            }
            Some(_) if self.full => {
                let _ = std::fs::remove_file(&inputs_path);
            }
            _ => {}
        }
        // Old summaries, and a rebuilt dataset's old parts, are no longer named: delete them.
        remove_leftovers(&self.out, self.tag, &self.committed)?;
        Ok(Report {
            warnings,
            out: self.out,
            run: self.run.run,
            rows: self.committed.rows.clone(),
            documents: self.committed.documents.clone(),
            run_rows: self.run.rows,
            run_documents: self.run.documents,
            corpus: self
                .tag
                .0
                .is_none()
                .then(|| self.committed.corpus.clone())
                .flatten(),
        })
    }
}

/// Writes an empty part, named for the writer, `run` and `segment`, for each table it
/// writes that `manifest` names no part of, and names it there.
fn empty_parts(
    out: &Path,
    tag: WriterTag,
    manifest: &mut Manifest,
    run: u32,
    segment: &str,
) -> Result<(), Error> {
    let summaries: &[&Table] = match tag.0 {
        None => &[&ENTITY_COUNTS, &QUANTITY_COUNTS],
        Some(_) => &[],
    };
    for table in SEGMENT_TABLES.iter().chain(summaries) {
        let parts = manifest.parts.entry(table.name.to_string()).or_default();
        if parts.is_empty() {
            let name = tag.named_part(run, segment);
            let dir = out.join(table.name);
            std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
            TableWriter::new(table, 1).write_part(&dir.join(&name))?;
            parts.push(Part {
                file: name,
                rows: 0,
            });
        }
    }
    Ok(())
}

/// The corpus-wide steps over every part `manifest` names: near-duplicate articles, then the
/// summary tables (a new generation of parts, replacing the old ones in the manifest).
fn corpus_step(
    out: &Path,
    tag: WriterTag,
    manifest: &mut Manifest,
    near_duplicates: Option<&NearDupOptions>,
    parallel: &Parallel,
) -> Result<(), Error> {
    let (report, copies) = corpus::mark_near_duplicates(out, manifest, near_duplicates, parallel)?;
    let name = dataset::summary_part_name(report.generation);
    let staging = tag.staging(out);
    let staged = |table: &Table| -> Result<PathBuf, Error> {
        let dir = staging.join(table.name);
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        Ok(dir.join(&name))
    };
    let (entity_path, quantity_path) = (staged(&ENTITY_COUNTS)?, staged(&QUANTITY_COUNTS)?);
    let (entity_rows, quantity_rows) =
        summary::summaries(out, manifest, &copies, &entity_path, &quantity_path)?;
    for (table, path, rows) in [
        (&ENTITY_COUNTS, entity_path, entity_rows),
        (&QUANTITY_COUNTS, quantity_path, quantity_rows),
    ] {
        let to = out.join(table.name).join(&name);
        std::fs::rename(&path, &to).map_err(io_error(&to))?;
        manifest.parts.insert(
            table.name.to_string(),
            vec![Part {
                file: name.clone(),
                rows,
            }],
        );
    }
    manifest.corpus = Some(report);
    manifest.corpus_current = true;
    manifest.recount();
    let _ = std::fs::remove_dir_all(&staging);
    Ok(())
}

/// Joins the shards of a sharded run in `out`: checks that every shard has completed, writes
/// `out/manifest.json` naming all their parts, and runs the corpus-wide steps (near-duplicate
/// articles across shards, summary tables) over them. Run it after the last shard finished;
/// running it again after more shard runs brings the dataset up to date.
/// `parallel` runs the step's independent tasks.
pub fn merge(
    out: &Path,
    near_duplicates: Option<&NearDupOptions>,
    parallel: &Parallel,
) -> Result<Report, Error> {
    let shards_dir = out.join(dataset::SHARDS_DIR);
    let no_shards = || {
        Error::Layout(format!(
            "{} holds no shards (no {} folder): write them with `newsprint run --shard I/N`",
            out.display(),
            shards_dir.display()
        ))
    };
    // Checked before the lock, whose file would make a folder of anything a dataset.
    if !shards_dir.is_dir() {
        return Err(no_shards());
    }
    // The dataset's lock and every shard's: no shard writes, and no other merge runs, while
    // this one reads their parts.
    let _lock = DatasetLock::acquire(out, &DatasetLock::merge_names(out), "newsprint merge")?;
    let entries = std::fs::read_dir(&shards_dir).map_err(|_| no_shards())?;
    let mut shards: Vec<Manifest> = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let manifest = Manifest::read(&path)?;
            if manifest.schema_version != SCHEMA_VERSION {
                return Err(Error::SchemaVersion {
                    path,
                    found: manifest.schema_version,
                    expected: SCHEMA_VERSION,
                });
            }
            shards.push(manifest);
        }
    }
    shards.sort_by_key(|m| m.shard.map(|s| s.index));
    let count = match shards.first().and_then(|m| m.shard) {
        Some(s) => s.count,
        None => {
            return Err(Error::Layout(format!(
                "{} holds no shard manifest",
                shards_dir.display()
            )))
        }
    };
    for index in 0..count {
        let manifest = shards.iter().find(|m| {
            m.shard
                .is_some_and(|s| s.index == index && s.count == count)
        });
        match manifest {
            None => {
                return Err(Error::Layout(format!(
                    "shard {index}/{count} has not written its manifest in {}: run it, then merge",
                    shards_dir.display()
                )))
            }
            Some(m) if m.runs.last().is_some_and(|r| !r.completed) => {
                return Err(Error::Layout(format!(
                    "shard {index}/{count} did not complete its last run: run it again, then merge"
                )))
            }
            Some(_) => {}
        }
    }
    if shards.len() != count as usize {
        return Err(Error::Layout(format!(
            "{} holds manifests of shards split different ways; keep only one split",
            shards_dir.display()
        )));
    }
    let top_path = out.join(dataset::MANIFEST);
    let previous = if top_path.is_file() {
        Some(Manifest::read(&top_path)?)
    } else {
        None
    };
    let tag = WriterTag(None);
    let mut top = Manifest::empty(None);
    top.shards_merged = Some(count);
    top.corpus = previous.as_ref().and_then(|m| m.corpus.clone());
    if let Some(previous) = &previous {
        remove_leftovers(out, tag, previous)?;
    }
    for shard in &shards {
        for table in SEGMENT_TABLES {
            top.parts
                .entry(table.name.to_string())
                .or_default()
                .extend(shard.parts.get(table.name).into_iter().flatten().cloned());
        }
        for (status, n) in &shard.documents {
            *top.documents.entry(status.clone()).or_insert(0) += n;
        }
    }
    corpus_step(out, tag, &mut top, near_duplicates, parallel)?;
    top.commit(&top_path)?;
    remove_leftovers(out, tag, &top)?;
    Ok(Report {
        out: out.to_path_buf(),
        run: 0,
        rows: top.rows.clone(),
        documents: top.documents.clone(),
        run_rows: BTreeMap::new(),
        run_documents: BTreeMap::new(),
        corpus: top.corpus.clone(),
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_write_into_a_folder_that_is_not_a_dataset() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("notes.txt"), "keep me").expect("write");
        let err = Writer::open(dir.path(), WriterOptions::default()).err();
        assert!(matches!(err, Some(Error::NotADataset(_))));
        assert!(dir.path().join("notes.txt").exists());
    }

    #[test]
    fn empty_runs_write_every_table_and_count_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        for run in 1..=2 {
            let writer = Writer::open(&out, WriterOptions::default()).expect("open");
            assert_eq!(writer.run_number(), run);
            let report = writer.finish(RunInfo::default()).expect("finish");
            assert_eq!(report.rows.len(), TABLES.len());
        }
        let manifest = Manifest::read(&out.join(dataset::MANIFEST)).expect("manifest");
        assert_eq!(manifest.runs.len(), 2);
        for table in TABLES {
            let parts = &manifest.parts[table.name];
            assert_eq!(parts.len(), 1, "{}", table.name);
            assert!(out.join(table.name).join(&parts[0].file).is_file());
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(leftovers, ["out"]);
    }

    #[test]
    fn what_a_killed_run_left_is_deleted_and_committed_parts_are_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        Writer::open(&out, WriterOptions::default())
            .expect("open")
            .finish(RunInfo::default())
            .expect("finish");
        let manifest = Manifest::read(&out.join(dataset::MANIFEST)).expect("manifest");
        // A killed run 2: a part renamed in but never committed, a half-written manifest
        // rewrite, and its staging folder.
        let orphan = out.join("articles").join(WriterTag(None).part_name(2, 0));
        std::fs::write(&orphan, b"PAR1").expect("write");
        let half = out.join("articles").join("part-r00001-00000.parquet.new");
        std::fs::write(&half, b"PAR1").expect("write");
        let staging = WriterTag(None).staging(&out);
        std::fs::create_dir_all(staging.join("articles")).expect("mkdir");
        // Another shard's part is not this writer's to delete.
        let foreign = out.join("articles").join("notes.parquet");
        std::fs::write(&foreign, b"x").expect("write");
        Writer::open(&out, WriterOptions::default()).expect("open again");
        assert!(!orphan.exists() && !half.exists() && !staging.exists());
        assert!(foreign.exists());
        for (table, parts) in &manifest.parts {
            for part in parts {
                assert!(out.join(table).join(&part.file).is_file(), "{table}");
            }
        }
    }

    #[test]
    fn an_older_schema_asks_for_a_full_rebuild() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let mut manifest = Manifest::empty(None);
        manifest.schema_version = SCHEMA_VERSION - 1;
        manifest
            .commit(&out.join(dataset::MANIFEST))
            .expect("commit");
        std::fs::create_dir_all(out.join("articles")).expect("mkdir");
        let legacy = out.join("articles").join("part-00000.parquet");
        std::fs::write(&legacy, b"PAR1").expect("write");
        let err = Writer::open(&out, WriterOptions::default()).err();
        assert!(matches!(err, Some(Error::SchemaVersion { .. })), "{err:?}");
        let full = WriterOptions {
            full: true,
            ..WriterOptions::default()
        };
        Writer::open(&out, full)
            .expect("full")
            .finish(RunInfo::default())
            .expect("finish");
        assert!(!legacy.exists(), "the old dataset's parts are replaced");
        let manifest = Manifest::read(&out.join(dataset::MANIFEST)).expect("manifest");
        assert_eq!(manifest.schema_version, SCHEMA_VERSION);
    }
}
