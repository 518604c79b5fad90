//! Why writing the dataset failed. Every variant names what it was writing.

use std::path::PathBuf;

/// A failure to write the dataset; the run fails with it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A dataset in object storage could not be read.
    #[error(transparent)]
    Remote(#[from] ingest::Error),
    /// A file or folder could not be written.
    #[error("cannot write {path}")]
    Io {
        /// What was being written.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// polars failed to build, write or read back a table.
    #[error("polars failed on table {table}")]
    Polars {
        /// The table.
        table: &'static str,
        /// The underlying failure.
        #[source]
        source: polars::prelude::PolarsError,
    },
    /// A part or manifest of a dataset could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The part.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// A row did not match its table's schema (a bug in newsprint).
    #[error("row does not match table {table}: {detail}")]
    Row {
        /// The table.
        table: &'static str,
        /// What did not match.
        detail: String,
    },
    /// A manifest or state file of the dataset is not what newsprint writes.
    #[error("{path} is damaged: {detail}")]
    Manifest {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The dataset was written under another version of the output contract.
    #[error("{path} holds schema version {found} and this newsprint writes {expected}; rebuild it with --full")]
    SchemaVersion {
        /// The manifest.
        path: PathBuf,
        /// The version found.
        found: u32,
        /// The version written.
        expected: u32,
    },
    /// The dataset's layout does not allow what was asked (an unsharded run into a sharded
    /// dataset, a merge with a shard missing, ...).
    #[error("{0}")]
    Layout(String),
    /// The caller's task runner (`Parallel::new`) returned without running every task.
    #[error("the task runner left task {0} of {1} unrun")]
    TaskNotRun(usize, usize),
    /// Another process is writing the dataset (a run, a shard or a merge).
    #[error("the dataset is busy: {holder} holds {path}; wait for it to finish (a killed writer's lock is released with it)")]
    Busy {
        /// The lock file.
        path: PathBuf,
        /// Who holds it, as the lock file says.
        holder: String,
    },
    /// A request to object storage failed (after the store's own retries).
    #[error("object storage: {url}: {detail}")]
    Store {
        /// The object.
        url: String,
        /// What the store answered.
        detail: String,
    },
    /// Another writer committed to the dataset in object storage since this one read it:
    /// this writer lost it, and its commits since stop here.
    #[error("{url} was committed by {by} since this writer read it: this run stops, and the dataset keeps the other writer's commits (and this run's earlier ones); run again to add what is left")]
    Taken {
        /// The manifest (or part) whose put was refused.
        url: String,
        /// Who took the dataset, as its lease says.
        by: String,
    },
    /// An earlier commit could not be published to object storage (its error was returned
    /// then); nothing more is published.
    #[error("an earlier commit could not be published to object storage; this run stops")]
    PublishStopped,
    /// The store cannot put an object only if it is still the version read.
    #[error("{0}: the store does not support conditional writes (If-Match / If-None-Match), without which two writers could overwrite each other's commits; newsprint does not write a dataset there (write it to a local folder, or to a store that supports them)")]
    Unconditional(String),
    /// The output folder exists and holds something other than a newsprint dataset.
    #[error("{0} exists and is not a newsprint dataset (no manifest.json); choose another --out or empty it")]
    NotADataset(PathBuf),
}
