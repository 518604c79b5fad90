//! A run's side of the dataset: records to rows, run after run, and the corpus-wide steps.
//!
//! `aggregate` writes a run into a dataset through the `dataset` crate, which owns the
//! format, the commit protocol and storage. [`Writer::open`] opens a dataset folder (new, or
//! one written before, to which a run adds), tells the run which inputs the dataset already
//! holds ([`Writer::take_seen`], the [`InputIndex`]), receives one [`DocRecord`] per new input in
//! order ([`Writer::append`]) and, on [`Writer::finish`], runs the corpus-wide steps
//! (near-duplicate articles, summary tables) over every part when the caller asks
//! ([`RunInfo::corpus_step`]) and records the run in `manifest.json`. [`merge`] runs the same
//! corpus-wide steps over the parts of a sharded run.
//!
//! Rows are committed in segments: when a table's buffer is full, every table writes its part
//! into a staging folder, the manifest, renamed over the old one, names them, and only then
//! are they renamed into the table folders (parts they replace deleted first). A reader of
//! the table folders therefore never counts a row no committed manifest names, and a run
//! killed at any moment leaves the dataset as it was, plus whole segments; the next writer
//! finishes the renames of a commit it cut short, deletes anything unnamed and carries on
//! with the inputs not yet committed. A `full` run commits once, at its end.
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
mod furniture_state;
mod input_index;
mod parallel;
mod retry;
mod rows;
mod seen;
mod writer;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

pub use corpus_step::merge::merge;
pub use parallel::Parallel;
pub use records::DocRecord;
pub use seen::{input_key, Seen};
pub use writer::{Writer, WriterOptions};

/// The one error type of the dataset and of what writes it.
pub use dataset::Error;
pub use input_index::InputIndex;

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

/// What a run or a merge wrote: the outcome `Writer::finish` and `merge` return (the
/// report page is `dataset::read::report`, the progress printer the binary's).
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
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
    pub corpus: Option<dataset::CorpusReport>,
    /// What went wrong after the run was committed, which the log should say.
    pub warnings: Vec<String>,
}
