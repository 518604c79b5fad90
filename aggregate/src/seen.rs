//! What a dataset already holds, read back from its tables: the inputs a run need not
//! process again, and the error rows a run may replace.

use std::collections::HashSet;
use std::path::Path;

use ingest::{Shard, Status};

use crate::retry;
use crate::Error;
use dataset::layout::Manifest;
use dataset::names::WriterTag;
use dataset::schema::*;
use dataset::table::{for_each_frame, typed};

/// The inputs a dataset already holds: an input read again with the same source and the
/// same bytes is not processed again.
#[derive(Debug, Default)]
pub struct Seen {
    pairs: HashSet<u128>,
    /// (content hash, doc_id) of every document held, as numbers.
    contents: Vec<(u128, u128)>,
    /// The error rows, which a run that reads their inputs again replaces.
    pub(crate) retries: retry::Retries,
}

/// The key of an input, source and content together, as the dataset's state files hold it.
pub fn input_key(source: &str, doc_id: &str) -> u128 {
    let mut bytes = Vec::with_capacity(source.len() + doc_id.len() + 1);
    bytes.extend_from_slice(source.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(doc_id.as_bytes());
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

impl Seen {
    /// Whether the input `source` with content `doc_id` is in the dataset.
    pub fn contains(&self, source: &str, doc_id: &str) -> bool {
        self.pairs.contains(&input_key(source, doc_id))
    }

    /// The contents of the documents held and the documents holding them (content hash and
    /// doc_id as numbers), for [`ingest::Reader::with_known`]: the same bytes under a new
    /// source are a duplicate of the document that holds them.
    pub fn contents(&self) -> impl Iterator<Item = (u128, u128)> + '_ {
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
    pub(crate) fn load(out: &Path, manifest: &Manifest) -> Result<Self, Error> {
        let mut seen = Seen::default();
        let parts = manifest.part_set(out, DOCUMENTS.name);
        let columns = ["doc_id", "source", "status", "content_hash"];
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
            let contents = typed(
                frame,
                &DOCUMENTS,
                "content_hash",
                polars::prelude::Column::str,
            )?;
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
                seen.pairs.insert(input_key(source, id));
                if status == Status::Duplicate.as_str() {
                    continue;
                }
                let content = contents.get(i).and_then(ingest::content_number);
                if let (Some(content), Some(doc)) = (content, ingest::content_number(id)) {
                    seen.contents.push((content, doc));
                }
            }
            Ok(())
        })?;
        Ok(seen)
    }
}
