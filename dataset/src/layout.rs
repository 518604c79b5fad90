//! The dataset on disk: the manifest that names the committed parts, the names of parts and
//! state files, and the commit that makes a batch of parts visible.
//!
//! ```text
//! DIR/manifest.json                 the dataset (an unsharded run's, or `merge`'s)
//! DIR/shards/shard-003-of-016.json  one per shard of a sharded run
//! DIR/<table>/part-r00002-00005.parquet        run 2, segment 5 (unsharded)
//! DIR/<table>/part-s003of016-r00001-00000.parquet
//! DIR/<summary table>/part-c00007-00000.parquet  the 7th corpus step's summary
//! DIR/_newsprint/sketches/<articles part>.bin  near-duplicate sketches of those articles
//! DIR/_newsprint/neardup.bin                  the last corpus step's matches, in keep order
//! DIR/_newsprint/partials/<part>.bin           what a segment adds to the summaries
//! DIR/_newsprint/furniture[-s003of016].bin     furniture line counts so far
//! DIR/_newsprint/furniture-pending[-s003of016].bin  those of a run not yet completed
//! DIR/_newsprint/inputs[-s003of016].bin        files read and committed, by fingerprint
//! DIR/_newsprint/staging-<writer>/             parts being written (never read)
//! ```
//!
//! A part is written into the staging folder and renamed into its table's folder; then the
//! manifest, written beside and renamed over, names it. A part that no manifest names is left
//! over from a killed run and is deleted by the next run of the same writer.
//!
//! A named part never changes: a part whose rows change (an articles part whose
//! `duplicate_of` the corpus step brings up to date, a documents part losing error rows that
//! a retry superseded) is written under a new name marking the rewrite
//! (`part-r00001-00000-g00007.parquet`: rewritten by corpus step 7; `-u00005`: by run 5),
//! and the manifest switches to it. A part's *segment* is its name less that mark: the parts
//! of one segment hold the rows of the same documents, in every table, and the state files
//! of a segment (sketches, summary partials) are named by it. The same rule makes the
//! protocol hold on object storage, where a reader following an older manifest must keep
//! finding the parts it names unchanged.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use ingest::Shard;
use serde::{Deserialize, Serialize};

use crate::names::{corpus_staging, segment_of, sketches_path, WriterTag};
use crate::schema::{
    Table, ENTITY_COUNTS, QUANTITY_COUNTS, SCHEMA_VERSION, SEGMENT_TABLES, TABLES,
};
use crate::table::TableWriter;
use crate::{io_error, CorpusReport, Error};

/// The file that describes a dataset.
pub const MANIFEST: &str = "manifest.json";
/// The folder of state that only newsprint reads (sketches, furniture counts, staging).
pub const STATE_DIR: &str = "_newsprint";
/// The unsharded dataset's lock file, in [`STATE_DIR`].
pub const LOCK: &str = "lock";
/// The marker `merge` writes once the dataset it joined is committed, for schedulers.
pub const SUCCESS: &str = "_SUCCESS";
/// The folder of the shards' manifests.
pub const SHARDS_DIR: &str = "shards";

/// One committed part of a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// The file name inside the table's folder.
    pub file: String,
    /// Its rows.
    pub rows: u64,
}

/// One run of a writer, as the manifest records it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RunRecord {
    /// 1 for the first run of this writer, then counting up.
    pub run: u32,
    /// Whether the run rebuilt the dataset (`--full`) rather than adding to it.
    pub full: bool,
    /// False while the run is under way, or if it was killed before finishing.
    pub completed: bool,
    /// When the run started, in seconds since 1970.
    pub started_unix: u64,
    /// The inputs as named on the command line.
    pub inputs: Vec<String>,
    /// The options that shape the output.
    pub options: BTreeMap<String, serde_json::Value>,
    /// Inputs read and already in the dataset (same source, same bytes): not processed again.
    pub unchanged_documents: u64,
    /// Documents added, per status.
    pub documents: BTreeMap<String, u64>,
    /// Rows added per table.
    pub rows: BTreeMap<String, u64>,
    /// Bytes of input processed.
    pub input_bytes: u64,
    /// Wall time, in seconds.
    pub duration_secs: f64,
    /// Peak resident memory of the process, when known.
    pub peak_rss_bytes: Option<u64>,
}

/// A writer's hold on a dataset in object storage: written into the manifest when the writer
/// starts, by a conditional put that fails if another writer committed since it read the
/// manifest. It reserves the writer's run number, so that no two writers name parts alike,
/// and tells a writer that lost the dataset who took it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The run number the writer uses (`documents.run` of its rows, and its parts' names).
    pub run: u32,
    /// The machine it runs on.
    pub host: String,
    /// Its process id.
    pub pid: u32,
    /// When it started, in seconds since 1970.
    pub started_unix: u64,
    /// The corpus step generation it uses, if it runs one (the names of the summaries and
    /// rewrites that step writes).
    #[serde(default)]
    pub generation: u32,
}

/// `manifest.json` (or a shard's manifest): what the dataset holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// The newsprint that last wrote it.
    pub newsprint_version: String,
    /// The version of the output contract (`schema.rs`).
    pub schema_version: u32,
    /// Set in a shard's manifest.
    #[serde(default)]
    pub shard: Option<Shard>,
    /// Set in the manifest `merge` writes: how many shards it joined.
    #[serde(default)]
    pub shards_merged: Option<u32>,
    /// The tables, in contract order.
    pub tables: Vec<String>,
    /// Rows per table, over the committed parts.
    pub rows: BTreeMap<String, u64>,
    /// Documents per status, over the committed parts.
    pub documents: BTreeMap<String, u64>,
    /// What the last corpus-wide step found.
    #[serde(default)]
    pub corpus: Option<CorpusReport>,
    /// Whether the corpus-wide step ran after the last parts were committed: false for a
    /// shard, and after a killed run.
    #[serde(default)]
    pub corpus_current: bool,
    /// Runs of this writer, oldest first.
    #[serde(default)]
    pub runs: Vec<RunRecord>,
    /// In object storage, the writer that last took the dataset (see `publish.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writer: Option<Lease>,
    /// The committed parts of each table, in row order.
    pub parts: BTreeMap<String, Vec<Part>>,
}

impl Manifest {
    /// The manifest of a dataset with nothing in it (a shard's, for `shard`).
    pub fn empty(shard: Option<Shard>) -> Self {
        Manifest {
            newsprint_version: env!("CARGO_PKG_VERSION").to_string(),
            schema_version: SCHEMA_VERSION,
            shard,
            shards_merged: None,
            tables: TABLES.iter().map(|t| t.name.to_string()).collect(),
            rows: TABLES.iter().map(|t| (t.name.to_string(), 0)).collect(),
            documents: ingest::Status::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), 0))
                .collect(),
            corpus: None,
            corpus_current: false,
            runs: Vec::new(),
            writer: None,
            parts: TABLES
                .iter()
                .map(|t| (t.name.to_string(), Vec::new()))
                .collect(),
        }
    }

    /// Reads a manifest.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        Ok(manifest)
    }

    /// The committed parts of `table`, as paths under `out`, with their rows.
    pub fn part_set(&self, out: &Path, table: &str) -> crate::table::PartSet {
        let mut set = crate::table::PartSet::default();
        for part in self.parts.get(table).into_iter().flatten() {
            set.paths.push(out.join(table).join(&part.file));
            set.rows.push(part.rows);
        }
        set
    }

    /// The file names of `table`'s committed parts.
    pub fn files<'a>(&'a self, table: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.parts
            .get(table)
            .into_iter()
            .flatten()
            .map(|p| p.file.as_str())
    }

    /// Every committed part as a key under the dataset (`articles/part-r00001-00000.parquet`),
    /// table by table in contract order.
    pub fn part_keys(&self) -> impl Iterator<Item = String> + '_ {
        TABLES.iter().flat_map(|table| {
            self.files(table.name)
                .map(|file| format!("{}/{}", table.name, file))
        })
    }

    /// Recounts `rows` from the parts.
    pub fn recount(&mut self) {
        for (table, parts) in &self.parts {
            self.rows
                .insert(table.clone(), parts.iter().map(|p| p.rows).sum());
        }
    }

    /// Commits this manifest of `tag`'s writer in `out`, then moves in the parts it names
    /// that wait in staging ([`move_in_staged`]). `point` names the step for the kill tests
    /// ([`crate::fault`]).
    pub fn commit_in(&self, out: &Path, tag: WriterTag, point: &str) -> Result<(), Error> {
        self.commit(&tag.manifest_path(out))?;
        crate::fault::point(point);
        move_in_staged(out, tag, self)?;
        Ok(())
    }

    /// Writes the manifest beside `path` and renames it over: readers see the old one or
    /// the new one, never half of one.
    pub fn commit(&self, path: &Path) -> Result<(), Error> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e.into(),
        })?;
        write_whole(path, &json)
    }
}

/// Reads the little-endian fields of newsprint's state files (sketches, matches, input index,
/// summary partials) in order; a read past the end is `None`, which each file's reader turns
/// into "damaged" (and then recomputes what the file held, or refuses it).
pub struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    /// The fields after `magic`, or `None` when the bytes do not start with it.
    pub fn after(bytes: &'a [u8], magic: &[u8]) -> Option<Self> {
        bytes.strip_prefix(magic).map(|rest| Fields { rest })
    }

    /// Fields over `bytes` from its start (one fixed-size row, say).
    pub fn of(bytes: &'a [u8]) -> Self {
        Fields { rest: bytes }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.rest.split_at_checked(n)?;
        self.rest = tail;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    /// The next byte.
    pub fn u8(&mut self) -> Option<u8> {
        self.array::<1>().map(|[b]| b)
    }

    /// The next little-endian `u32`.
    pub fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    /// The next little-endian `u64`.
    pub fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    /// The next little-endian `u128`.
    pub fn u128(&mut self) -> Option<u128> {
        self.array().map(u128::from_le_bytes)
    }

    /// A string written by [`put_str`].
    pub fn str(&mut self) -> Option<&'a str> {
        let len = self.u32()? as usize;
        std::str::from_utf8(self.take(len)?).ok()
    }

    /// What is left to read.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }
}

/// Appends a string as [`Fields::str`] reads it: its length as a `u32`, then its bytes.
pub fn put_str(bytes: &mut Vec<u8>, s: &str) {
    bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
    bytes.extend_from_slice(s.as_bytes());
}

/// Writes `bytes` beside `path` (`<path>.new`, which a killed run's successor deletes) and
/// renames them over it, creating its folder if need be: a reader finds the old file or the
/// new one, never half of one.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut fresh = path.as_os_str().to_owned();
    fresh.push(".new");
    std::fs::write(&fresh, bytes).map_err(io)?;
    std::fs::rename(&fresh, path).map_err(io)
}

/// Deletes the file at `path` if there is one.
pub fn remove_if_present(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Refuses an `out` that exists and is neither empty nor a newsprint dataset, so that a
/// mistyped path cannot wipe or litter a folder.
pub fn check_is_dataset_or_empty(out: &Path) -> Result<(), Error> {
    if !out.exists() {
        return Ok(());
    }
    // `_newsprint/` is the first thing a writer creates (its lock lives there), so a dataset
    // that shards started together are creating is one from its first entry. A `shards/`
    // folder counts only with a shard's manifest in it: an empty one is anybody's.
    let has_shard_manifest = std::fs::read_dir(out.join(SHARDS_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("shard-") && name.ends_with(".json")
        });
    let is_dataset =
        out.join(MANIFEST).is_file() || out.join(STATE_DIR).is_dir() || has_shard_manifest;
    let is_empty = std::fs::read_dir(out)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if is_dataset || is_empty {
        Ok(())
    } else {
        Err(Error::NotADataset(out.to_path_buf()))
    }
}

/// Refuses a writer the dataset in `out` is not laid out for: an unsharded run into a
/// sharded dataset, or a shard into an unsharded one.
pub fn check_layout(out: &Path, shard: Option<Shard>) -> Result<(), Error> {
    match shard {
        None if out.join(SHARDS_DIR).is_dir() => Err(Error::Layout(format!(
            "{} holds a sharded dataset: run each shard with --shard I/N, then `newsprint merge`",
            out.display()
        ))),
        Some(_) if out.join(MANIFEST).is_file() => {
            let top = Manifest::read(&out.join(MANIFEST))?;
            match top.shards_merged {
                None => Err(Error::Layout(format!(
                    "{} holds an unsharded dataset; write the shards to another folder",
                    out.display()
                ))),
                Some(_) => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// The staging folders of `tag`'s writer: where its parts wait until a committed manifest
/// names them (and, unsharded, the corpus step's rewrites of articles parts).
fn staging_dirs(out: &Path, tag: WriterTag) -> Vec<PathBuf> {
    let mut staging = vec![tag.staging(out)];
    if tag.0.is_none() {
        staging.push(corpus_staging(out));
    }
    staging
}

/// Moves into the table folders the parts `manifest` names that wait in `tag`'s staging
/// folders, with their sketches. Called right after the manifest is committed: a part enters
/// its table folder only once a manifest names it, so a reader of the folders
/// (`articles/*.parquet`) never counts a row that is not committed. Returns the parts moved.
pub fn move_in_staged(out: &Path, tag: WriterTag, manifest: &Manifest) -> Result<usize, Error> {
    let mut moved = 0;
    for staging in staging_dirs(out, tag) {
        for table in TABLES {
            let dir = staging.join(table.name);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let named: HashSet<&str> = manifest.files(table.name).collect();
            for entry in entries.flatten() {
                let file = entry.file_name().to_string_lossy().into_owned();
                if !named.contains(file.as_str()) {
                    continue;
                }
                let to_dir = out.join(table.name);
                std::fs::create_dir_all(&to_dir).map_err(io_at(&to_dir))?;
                let to = to_dir.join(&file);
                std::fs::rename(entry.path(), &to).map_err(io_at(&to))?;
                moved += 1;
            }
        }
        // Sketches of the articles parts named now.
        let sketches = staging.join(STATE_DIR).join("sketches");
        if let Ok(entries) = std::fs::read_dir(&sketches) {
            let segments: HashSet<&str> = manifest
                .files(crate::schema::ARTICLES.name)
                .map(segment_of)
                .collect();
            for entry in entries.flatten() {
                let file = entry.file_name().to_string_lossy().into_owned();
                if !segments.contains(file.trim_end_matches(".bin")) {
                    continue;
                }
                let to = sketches_path(out, &file.replace(".bin", ".parquet"));
                if let Some(dir) = to.parent() {
                    std::fs::create_dir_all(dir).map_err(io_at(dir))?;
                }
                std::fs::rename(entry.path(), &to).map_err(io_at(&to))?;
            }
        }
    }
    Ok(moved)
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

/// Where the committed part `file` of `table` is: in the table's folder, or, in the moment
/// between a commit and its renames (or after a kill there, until the next writer), in the
/// staging folder of the writer that committed it.
pub fn committed_part(out: &Path, table: &str, file: &str) -> PathBuf {
    let placed = out.join(table).join(file);
    if placed.is_file() {
        return placed;
    }
    let waiting = std::fs::read_dir(out.join(STATE_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("staging"))
        .map(|e| e.path().join(table).join(file))
        .find(|p| p.is_file());
    waiting.unwrap_or(placed)
}

/// Brings the dataset's folders to `manifest`, the committed manifest of `tag`'s writer,
/// and deletes what it does not name. In this order, so that a reader of the table folders
/// sees only rows a committed manifest names (during the few renames, a subset of them):
/// the table files this writer owns that the manifest does not name (parts it replaced,
/// parts of a killed run) go first; then the parts it names that wait in staging move in
/// ([`move_in_staged`]: a writer killed between a commit and its renames has them finished
/// here, by the next writer); then the staging folders and the state files of parts no
/// longer named go. Returns the files deleted.
pub fn settle(out: &Path, tag: WriterTag, manifest: &Manifest) -> Result<usize, Error> {
    let mut removed = 0;
    let mut committed_articles: HashSet<String> = HashSet::new();
    for table in TABLES {
        let dir = out.join(table.name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let named: HashSet<&str> = manifest.files(table.name).collect();
        if table.name == crate::schema::ARTICLES.name {
            committed_articles.extend(named.iter().map(|f| format!("{}.bin", segment_of(f))));
        }
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let leftover = tag.owns(&file) && !named.contains(file.as_str());
            let half_written = file.ends_with(".new");
            if leftover || half_written {
                std::fs::remove_file(entry.path()).map_err(io_at(&entry.path()))?;
                removed += 1;
            }
        }
    }
    move_in_staged(out, tag, manifest)?;
    for staging in staging_dirs(out, tag).into_iter().filter(|s| s.exists()) {
        std::fs::remove_dir_all(&staging).map_err(io_at(&staging))?;
    }
    // Summary partials are the corpus step's: only its writer (unsharded, or merge) deletes
    // those of segments its manifest no longer names.
    let partials = out.join(STATE_DIR).join("partials");
    if let (None, Ok(entries)) = (tag.0, std::fs::read_dir(&partials)) {
        let named: HashSet<String> = [crate::schema::ENTITIES.name, crate::schema::QUANTITIES.name]
            .iter()
            .flat_map(|t| manifest.parts.get(*t).into_iter().flatten())
            .map(|p| format!("{}.bin", segment_of(&p.file)))
            .collect();
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if !named.contains(&file) {
                std::fs::remove_file(entry.path()).map_err(io_at(&entry.path()))?;
                removed += 1;
            }
        }
    }
    let sketches = out.join(STATE_DIR).join("sketches");
    if let Ok(entries) = std::fs::read_dir(&sketches) {
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let part = file.replace(".bin", ".parquet");
            if tag.owns(&part) && !committed_articles.contains(&file) {
                std::fs::remove_file(entry.path()).map_err(io_at(&entry.path()))?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// Writes an empty part, named for the writer, `run` and `segment`, for each table it
/// writes that `manifest` names no part of, and names it there. The parts wait in the
/// writer's staging folder for the commit that names them.
pub fn empty_parts(
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
            let dir = tag.staging(out).join(table.name);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{rewritten_name, summary_part_name, Rewrite};

    #[test]
    fn writers_own_only_their_parts() {
        let unsharded = WriterTag(None);
        let shard = WriterTag(Some(Shard::new(3, 16).expect("shard")));
        let other = WriterTag(Some(Shard::new(4, 16).expect("shard")));
        let name = shard.part_name(1, 0);
        assert_eq!(name, "part-s003of016-r00001-00000.parquet");
        assert!(shard.owns(&name));
        assert!(!other.owns(&name));
        assert!(!unsharded.owns(&name));
        assert!(unsharded.owns(&unsharded.part_name(2, 5)));
        assert!(unsharded.owns(&summary_part_name(7)));
        assert!(!shard.owns(&summary_part_name(7)));
        // A corpus step's rewrite of a shard's part is merge's; a retry's stays the shard's.
        let rewrite = rewritten_name(&name, Rewrite::CorpusStep(2));
        assert_eq!(rewrite, "part-s003of016-r00001-00000-g00002.parquet");
        assert!(!shard.owns(&rewrite) && unsharded.owns(&rewrite));
        let retried = rewritten_name(&name, Rewrite::Run(4));
        assert!(shard.owns(&retried) && !unsharded.owns(&retried));
    }

    #[test]
    fn part_keys_name_every_committed_part_table_by_table() {
        let mut manifest = Manifest::empty(None);
        for (table, file) in [
            ("removed", "part-r00001-00000.parquet"),
            ("documents", "part-r00001-00000.parquet"),
            ("documents", "part-r00002-00000.parquet"),
        ] {
            manifest.parts.get_mut(table).expect("table").push(Part {
                file: file.to_string(),
                rows: 1,
            });
        }
        let keys: Vec<String> = manifest.part_keys().collect();
        assert_eq!(
            keys,
            [
                "documents/part-r00001-00000.parquet",
                "documents/part-r00002-00000.parquet",
                "removed/part-r00001-00000.parquet"
            ]
        );
    }

    #[test]
    fn a_rewrite_keeps_its_segment() {
        let part = "part-r00001-00000.parquet";
        assert_eq!(segment_of(part), "part-r00001-00000");
        let once = rewritten_name(part, Rewrite::CorpusStep(7));
        assert_eq!(once, "part-r00001-00000-g00007.parquet");
        let twice = rewritten_name(&once, Rewrite::Run(9));
        assert_eq!(twice, "part-r00001-00000-u00009.parquet");
        assert_eq!(segment_of(&twice), "part-r00001-00000");
        assert_eq!(segment_of("part-c00007-00000.parquet"), "part-c00007-00000");
        assert_eq!(segment_of("part-r00002-empty.parquet"), "part-r00002-empty");
        assert_eq!(
            sketches_path(Path::new("d"), &once),
            sketches_path(Path::new("d"), part)
        );
    }
}
