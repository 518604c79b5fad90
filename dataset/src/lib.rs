//! A newsprint dataset on disk and in object storage: its tables and their schema, its
//! layout (manifest, part names, state files, `_SUCCESS`), the lock and leases that keep one
//! writer at a time, committing, publishing to object storage and checking out of it, and
//! reading a dataset back for `stats` and the report.
//!
//! The run's side — turning records into rows, the corpus step, merging shards — is
//! `aggregate`'s, which writes through this crate; this crate imports nothing of
//! `aggregate`. Each folder is one side of the seam with storage: [`store`] moves a dataset
//! to and from object storage, [`read`] reads a committed one back.
//!
//! The tables and their columns are defined once, in [`schema`]; each is a folder of Parquet
//! parts (zstd), present with its schema even when empty; [`layout`] describes the files and
//! the commit. Kill tests stop a writer at each step of the commit protocol ([`fault`]).

mod error;
pub mod fault;
pub mod layout;
pub mod lock;
pub mod names;
pub mod read;
pub mod store;
pub mod table;

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The tables and their columns, defined once in `records` (which builds the rows).
pub use records::schema;

pub use error::Error;
pub use lock::DatasetLock;

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

/// The error of an I/O call on `path`.
pub fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

/// Seconds since 1970, now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
