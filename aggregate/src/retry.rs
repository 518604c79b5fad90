//! One current `documents` row per input: the error rows of inputs that a later run read
//! again are replaced by that run's row.
//!
//! A failed input (`status = error`) is tried again by every run. Its new row, whatever the
//! outcome, is the input's current one; the old error row leaves the part that holds it,
//! which is written anew without it, under the name of a rewrite by this run (a named part
//! never changes; see `dataset.rs`). The current row's `run` says which run gave the outcome.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use polars::prelude::*;

use crate::Error;
use dataset::layout::Manifest;
use dataset::names::{rewritten_name, Rewrite};
use dataset::schema::DOCUMENTS;
use dataset::table::{read_frame, typed, write_frame};

/// A source's key: its path hashed (16 bytes a failed input, not its text).
fn source_key(source: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(source.as_bytes())
}

/// The error rows a dataset holds, and those this run has superseded.
#[derive(Debug, Default)]
pub(crate) struct Retries {
    /// Source key → the documents parts holding an error row for it.
    failed: HashMap<u128, Vec<String>>,
    /// Parts to rewrite → the source keys whose error rows leave them.
    superseded: BTreeMap<String, HashSet<u128>>,
}

impl Retries {
    /// Notes an error row of `source` in the documents part `part`.
    pub(crate) fn failed(&mut self, source: &str, part: &str) {
        let parts = self.failed.entry(source_key(source)).or_default();
        if !parts.iter().any(|p| p == part) {
            parts.push(part.to_string());
        }
    }

    /// Notes a row of `source` after the rows noted so far (a later run's, or this run's):
    /// its earlier error rows are superseded. A run killed after committing a retried
    /// input's row, before it could drop the old one, leaves both; the next reading of the
    /// dataset finds them this way.
    pub(crate) fn read_again(&mut self, source: &str) {
        if self.failed.is_empty() {
            return;
        }
        // The input itself, and what holds it: a JSON Lines file (`feed.jsonl` of
        // `feed.jsonl#L3`, `items.json` of `items.json#R2`) and each folder above it (`in/sub` of `in/sub/a.txt`), whose
        // error row (unreadable then) a row of what it holds supersedes.
        let file = ingest::Source::file_of(source);
        let folders = file.match_indices('/').map(|(at, _)| &file[..at]);
        for held in [source, file].into_iter().chain(folders) {
            if held.is_empty() {
                continue;
            }
            let key = source_key(held);
            if let Some(parts) = self.failed.remove(&key) {
                for part in parts {
                    self.superseded.entry(part).or_default().insert(key);
                }
            }
        }
    }

    /// Writes each part holding superseded error rows anew without them, as a rewrite by run
    /// `run`, and brings `manifest`'s parts, rows and document counts up to date. `staging`
    /// is the writer's staging folder.
    pub(crate) fn apply(
        &mut self,
        out: &Path,
        staging: &Path,
        run: u32,
        manifest: &mut Manifest,
    ) -> Result<(), Error> {
        for (file, keys) in std::mem::take(&mut self.superseded) {
            let path = out.join(DOCUMENTS.name).join(&file);
            let mut frame = read_frame(&DOCUMENTS, &path, None)?;
            let sources = typed(&frame, &DOCUMENTS, "source", Column::str)?;
            let statuses = typed(&frame, &DOCUMENTS, "status", Column::str)?;
            let keep: BooleanChunked = sources
                .iter()
                .zip(statuses.iter())
                .map(|(source, status)| {
                    let stale = status == Some(ingest::Status::Error.as_str())
                        && source.is_some_and(|s| keys.contains(&source_key(s)));
                    Some(!stale)
                })
                .collect();
            let dropped = keep.iter().filter(|k| *k == Some(false)).count() as u64;
            if dropped == 0 {
                continue;
            }
            let polars_error = |source| Error::Polars {
                table: DOCUMENTS.name,
                source,
            };
            frame = frame.filter(&keep).map_err(polars_error)?;
            let dir = staging.join(DOCUMENTS.name);
            std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?;
            let name = rewritten_name(&file, Rewrite::Run(run));
            let fresh = dir.join(&name);
            // It waits in staging for the commit that names it.
            write_frame(&DOCUMENTS, &fresh, &mut frame)?;
            if let Some(part) = manifest
                .parts
                .get_mut(DOCUMENTS.name)
                .and_then(|parts| parts.iter_mut().find(|p| p.file == file))
            {
                part.rows -= dropped.min(part.rows);
                part.file = name;
            }
            if let Some(n) = manifest.documents.get_mut(ingest::Status::Error.as_str()) {
                *n -= dropped.min(*n);
            }
        }
        manifest.recount();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn superseded(retries: &Retries) -> Vec<(String, usize)> {
        retries
            .superseded
            .iter()
            .map(|(part, keys)| (part.clone(), keys.len()))
            .collect()
    }

    #[test]
    fn a_row_of_what_a_failed_folder_or_file_holds_supersedes_its_error_row() {
        let mut retries = Retries::default();
        // A folder that could not be read, a broken JSON Lines file, and a file.
        retries.failed("in/sub", "p1");
        retries.failed("in/feed.jsonl.gz", "p1");
        retries.failed("in/a.txt", "p2");
        // Rows of other inputs supersede none of them.
        retries.read_again("in/subway.txt");
        retries.read_again("in/b.txt");
        assert!(superseded(&retries).is_empty());
        // Readable now: a file in the folder, a record of the file.
        retries.read_again("in/sub/deeper/x.txt");
        retries.read_again("in/feed.jsonl.gz#L2");
        assert_eq!(superseded(&retries), [("p1".to_string(), 2)]);
        retries.read_again("in/a.txt");
        assert_eq!(
            superseded(&retries),
            [("p1".to_string(), 2), ("p2".to_string(), 1)]
        );
    }
}
