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
//! present with its schema even when empty; [`dataset`] describes the files. [`stats`] and
//! [`report`] read a written dataset back for its summary and its report page; [`remote`]
//! copies a committed dataset out of object storage for them.
//!
//! Rows are committed in segments: when a table's buffer is full, every table writes its part
//! into a staging folder, the manifest, renamed over the old one, names them, and only then
//! are they renamed into the table folders (parts they replace deleted first). A reader of
//! the table folders therefore never counts a row no committed manifest names, and a run
//! killed at any moment leaves the dataset as it was, plus whole segments; the next writer
//! finishes the renames of a commit it cut short, deletes anything unnamed and carries on
//! with the inputs not yet committed. A `full` run commits once, at its end. Kill tests stop a
//! writer at each step of this protocol ([`fault`]).
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

mod corpus_step;
pub mod dataset;
mod error;
pub mod fault;
mod furniture;
mod inputs;
mod lock;
mod merge;
mod near_duplicates;
mod parallel;
pub mod publish;
mod publish_behind;
mod record;
pub mod remote;
pub mod report;
mod retry;
pub mod schema;
mod seen;
pub mod stats;
mod summary;
mod table;
mod writer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use merge::merge;
pub use parallel::Parallel;
pub use publish::{ObjectDataset, Publish, Role};
pub use publish_behind::PublishBehind;
pub use record::DocRecord;
pub use schema::is_summary;
pub use seen::{input_key, Seen};
pub use writer::{Writer, WriterOptions};

pub use error::Error;
pub use inputs::InputIndex;
pub use lock::DatasetLock;

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
    /// Whether the manifest records the run: not when it added nothing to a finished
    /// dataset (nor for a merge).
    pub recorded: bool,
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

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
