//! The writer of a run: opens a dataset, buffers rows, commits segments, finishes the run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use corpus::neardup::NearDupOptions;
use ingest::Shard;

use crate::corpus_step::corpus_step;
use crate::corpus_step::near_duplicates;
use crate::corpus_step::near_duplicates::SketchRow;
use crate::seen::input_key;
use crate::{furniture_state, retry};
use crate::{Error, InputIndex, Outcome, RunInfo, Seen};
use dataset::layout::{empty_parts, Manifest, Part, RunRecord};
use dataset::names::WriterTag;
use dataset::schema::*;

use dataset::table::TableWriter;
use dataset::{io_error, unix_now, DatasetLock};

/// How the writer batches rows and what it writes.
#[derive(Clone, Debug)]
pub struct WriterOptions {
    /// Rows per Parquet part (a part is also cut at 8 MiB of buffered text). A segment, the
    /// unit of commit, ends when any table's part is full.
    pub rows_per_part: usize,
    /// How near-duplicate articles across documents are found; `None` skips the search.
    pub near_duplicates: Option<NearDupOptions>,
    /// The shard this run is; `None` for an unsharded run, which also runs the corpus-wide
    /// steps at its end (a sharded run leaves them to [`merge`]).
    pub shard: Option<Shard>,
    /// Rebuild: ignore what the dataset holds and replace it when the run completes.
    pub full: bool,
    /// How a segment's tables are encoded side by side (one after another by default).
    pub parallel: crate::Parallel,
    /// Where each commit is published beyond the dataset's folder (object storage, for
    /// which the folder is a work folder); `None` for a dataset that is its folder.
    pub publish: Option<std::sync::Arc<dyn dataset::store::publish::Publish>>,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            rows_per_part: 250_000,
            near_duplicates: Some(NearDupOptions::default()),
            shard: None,
            full: false,
            parallel: crate::Parallel::default(),
            publish: None,
        }
    }
}

/// Writes a run into a dataset; see the crate docs.
pub struct Writer {
    out: PathBuf,
    tag: WriterTag,
    /// The run added nothing to a finished dataset: it leaves no record (see
    /// [`Writer::finish`]).
    unrecorded: bool,
    /// What the dataset's manifest names now (this run's segments included once committed).
    committed: Manifest,
    full: bool,
    pub(crate) run: RunRecord,
    /// Segments of a full run, staged until the run completes.
    staged: Vec<(&'static str, Part)>,
    /// Documents per status in the segment being buffered.
    pub(crate) segment_documents: BTreeMap<String, u64>,
    pub(crate) tables: [TableWriter; 6],
    pub(crate) sketches: Vec<SketchRow>,
    /// Sources of the documents in `sketches`.
    pub(crate) sketch_sources: Vec<String>,
    segment: u32,
    near_duplicates: Option<NearDupOptions>,
    parallel: crate::Parallel,
    seen: Seen,
    /// Furniture-line counts and the inputs they hold (see `furniture.rs`).
    furniture: Option<furniture_state::Counts>,
    /// Whether this run saved [`Writer::furniture`] as the counts of a run in progress: the
    /// file holding them becomes the dataset's at the end, instead of being written again,
    /// and the run holds only the inputs they count.
    furniture_pending: bool,
    /// The input index: as read until taken, then as handed back to be saved.
    inputs: Option<InputIndex>,
    /// Held while the writer lives: one writer at a time.
    lock: DatasetLock,
    /// Error rows in the dataset, and those this run's rows replace.
    pub(crate) retries: retry::Retries,
    publish: Option<std::sync::Arc<dyn dataset::store::publish::Publish>>,
}

impl Writer {
    /// Opens `out` for a run: a new dataset if it does not exist (or is empty), otherwise
    /// the dataset to add to. Refuses an `out` that holds something other than a newsprint
    /// dataset, so a mistyped path cannot wipe a folder, and a dataset of another schema
    /// version unless `full`. Deletes what a killed run of the same writer left.
    pub fn open(out: &Path, options: WriterOptions) -> Result<Self, Error> {
        dataset::layout::check_is_dataset_or_empty(out)?;
        let tag = WriterTag(options.shard);
        // Taken before anything is read or deleted, and held until the writer is dropped.
        let lock = DatasetLock::acquire(out, &[tag.lock_name()], tag.describe())?;
        let manifest_path = tag.manifest_path(out);
        dataset::layout::check_layout(out, options.shard)?;
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
        // (In object storage, the number the writer's lease reserved.)
        let run_number = (committed.runs.last().map_or(0, |r| r.run) + 1)
            .max(committed.writer.as_ref().map_or(0, |l| l.run));
        for dir in TABLES
            .iter()
            .map(|t| out.join(t.name))
            .chain([out.join(dataset::layout::STATE_DIR)])
        {
            std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        }
        if previous.is_none() {
            // A new dataset is a dataset from the start, with every table present and empty:
            // a run that stops before its first commit leaves one that loaders read and the
            // next run adds to.
            empty_parts(out, tag, &mut committed, run_number, "empty")?;
            committed.commit_in(out, tag, "created")?;
            if let Some(publish) = &options.publish {
                publish.committed(out)?;
            }
        }
        // What a killed writer left: a commit's renames finished, the rest deleted.
        dataset::layout::settle(out, tag, &committed)?;
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
                        furniture =
                            Some(furniture_state::Counts::read(&bytes).ok_or_else(|| {
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
            unrecorded: false,
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
            parallel: options.parallel,
            furniture,
            furniture_pending: false,
            inputs: Some(inputs),
            lock,
            retries: std::mem::take(&mut seen.retries),
            seen,
            publish: options.publish,
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
    /// `corpus::furniture::LineCounter`): those of a run stopped before it completed, else
    /// those the last completed run saved. Empty once this run has saved its own
    /// ([`Writer::set_furniture_state`]): the file holds them then.
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
            .is_some_and(|p| p.counted.contains(&input_key(source, doc_id)))
    }

    /// Saves furniture-line counts with the run, for the next run to go on from, and at
    /// once, before anything is committed, as the counts of a run in progress, with the
    /// inputs this run counted (their [`crate::input_key`]s): a run stopped half way is
    /// resumed with them.
    pub fn set_furniture_state(
        &mut self,
        state: Vec<u8>,
        counted: impl IntoIterator<Item = u128>,
    ) -> Result<(), Error> {
        let mut furniture = self.furniture.take().unwrap_or_default();
        furniture.counted.extend(counted);
        furniture.counter = state;
        dataset::layout::write_whole(
            &self.tag.furniture_pending_path(&self.out),
            &furniture.to_bytes(),
        )?;
        // The file holds them now: the run keeps only which inputs they count (the counts
        // are tens of megabytes on a large run, and the file moves into place at the end).
        furniture.counter = Vec::new();
        self.furniture = Some(furniture);
        self.furniture_pending = true;
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
    /// Writes the buffered rows of every table as one segment: staged, and unless the run is
    /// full, renamed into the dataset and committed in the manifest.
    pub(crate) fn flush_segment(&mut self) -> Result<(), Error> {
        if self.tables.iter().all(|t| t.rows() == 0) {
            return Ok(());
        }
        let name = self.tag.part_name(self.run.run, self.segment);
        self.segment += 1;
        let staging = self.tag.staging(&self.out);
        // Each table's part is encoded as a task of its own: Parquet encoding and zstd are
        // most of a segment's cost.
        let mut tasks = Vec::new();
        for (table, writer) in SEGMENT_TABLES.iter().zip(&mut self.tables) {
            if writer.rows() == 0 {
                continue;
            }
            let dir = staging.join(table.name);
            std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
            tasks.push((table.name, dir.join(&name), std::sync::Mutex::new(writer)));
        }
        let written = self.parallel.map(tasks.len(), &|i| {
            let (_, path, writer) = &tasks[i];
            // Each task locks only its own table: the lock is never contended.
            let mut writer = writer.lock().unwrap_or_else(|e| e.into_inner());
            writer.write_part(path)
        })?;
        let mut parts = Vec::new();
        for ((table, _, _), rows) in tasks.iter().zip(written) {
            let rows = rows?;
            parts.push((
                *table,
                Part {
                    file: name.clone(),
                    rows,
                },
            ));
        }
        if !self.sketches.is_empty() {
            let path = dataset::names::sketches_path(&staging, &name);
            near_duplicates::write_sketches(&path, &self.sketch_sources, &self.sketches)?;
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
        self.committed.commit_in(&self.out, self.tag, "committed")?;
        match &self.publish {
            Some(publish) => publish.committed(&self.out),
            None => Ok(()),
        }
    }

    /// Whether the dataset's corpus step ran after its last parts were committed, with this
    /// writer's near-duplicate threshold.
    fn corpus_up_to_date(&self) -> bool {
        let threshold = self.near_duplicates.map(|o| o.threshold);
        self.committed.corpus_current
            && self.committed.corpus.as_ref().map(|c| c.threshold) == Some(threshold)
    }

    /// Puts this run's record, as it stands, last in the manifest's runs.
    fn record_run(&mut self) {
        if self.unrecorded {
            return;
        }
        match self.committed.runs.last_mut() {
            Some(last) if last.run == self.run.run => *last = self.run.clone(),
            _ => self.committed.runs.push(self.run.clone()),
        }
    }

    /// Commits the rows appended so far as a segment, as the writer does when a segment is
    /// full: what a run that stops early keeps (a `--full` rebuild keeps nothing until its
    /// end, so its segments stay staged, and go with [`Writer::abandon`]).
    pub fn checkpoint(&mut self) -> Result<(), Error> {
        self.flush_segment()?;
        // In object storage, published before the caller says it is committed.
        match &self.publish {
            Some(publish) => publish.settle(),
            None => Ok(()),
        }
    }

    /// Whether this run is a rebuild (`full`), which commits nothing before its end.
    pub fn is_rebuild(&self) -> bool {
        self.full
    }

    /// Drops the run's uncommitted rows: the dataset keeps what it held and the segments
    /// already committed.
    pub fn abandon(self) {
        // Best effort: a staging folder left behind is removed by the next run anyway.
        let _ = std::fs::remove_dir_all(self.tag.staging(&self.out));
        if self.full {
            // A rebuild's counts are of inputs it did not commit: the next run must not go
            // on from them.
            let _ = std::fs::remove_file(self.tag.furniture_pending_path(&self.out));
        }
    }

    /// Commits the last segment, runs the corpus-wide steps when `info` asks for them (and
    /// the dataset has changed since they last ran), and records the run as completed in
    /// the manifest. A shard's writer refuses them: they belong to the merge.
    pub fn finish(mut self, info: RunInfo) -> Result<Outcome, Error> {
        let finishing = std::time::Instant::now();
        self.flush_segment()?;
        // A run that adds nothing (no document, no row) to a dataset whose last run finished
        // and whose corpus step is current leaves no record and takes no run number: a
        // nightly job over unchanged inputs does not pile up empty runs.
        self.unrecorded = !self.full
            && self.tag.0.is_none()
            && info.corpus_step
            && self.run.rows.values().all(|&n| n == 0)
            && self.run.documents.values().all(|&n| n == 0)
            && self
                .committed
                .runs
                .last()
                .is_some_and(|last| last.run != self.run.run && last.completed)
            && self.corpus_up_to_date();
        if self.full {
            let mut fresh = Manifest::empty(self.tag.0);
            fresh.runs = std::mem::take(&mut self.committed.runs);
            fresh.corpus = self.committed.corpus.take();
            fresh.writer = self.committed.writer.take();
            // (Its parts wait in staging until the commit below names them.)
            for (table, part) in std::mem::take(&mut self.staged) {
                fresh.parts.entry(table.to_string()).or_default().push(part);
            }
            for (status, n) in &self.run.documents {
                fresh.documents.insert(status.clone(), *n);
            }
            self.committed = fresh;
            // The old index vouches for inputs of the dataset this run replaces.
            dataset::layout::remove_if_present(&self.tag.inputs_path(&self.out))?;
        }
        if !self.full {
            // One current row per input: error rows of inputs read again go.
            let staging = self.tag.staging(&self.out);
            self.retries
                .apply(&self.out, &staging, self.run.run, &mut self.committed)?;
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
        self.run.inputs = info.inputs;
        self.run.options = info.options;
        self.run.unchanged_documents = info.unchanged_documents;
        self.run.duration_secs = info.duration_secs;
        self.run.input_bytes = info.input_bytes;
        self.run.peak_rss_bytes = info.peak_rss_bytes;
        self.record_run();
        self.committed.recount();
        // The run's rows committed before the corpus step, which reads them from their
        // folders: parts replaced (a rebuild's, a retry's) go, and the new ones move in.
        if let Some(publish) = &self.publish {
            publish.settle()?;
        }
        // Committed, then settled: the parts it replaces go before its own move in, so
        // that no folder holds a part beside its replacement.
        self.committed.commit(&self.tag.manifest_path(&self.out))?;
        dataset::fault::point("run-data-committed");
        dataset::layout::settle(&self.out, self.tag, &self.committed)?;
        self.run.completed = true;
        self.record_run();

        if info.corpus_step {
            if self.tag.0.is_some() {
                return Err(Error::Layout(
                    "a shard does not run the corpus-wide steps: `newsprint merge` does".into(),
                ));
            }
            let added = self.run.rows.values().any(|&n| n > 0);
            if added || !self.corpus_up_to_date() || self.full {
                corpus_step(
                    &self.out,
                    self.tag,
                    &mut self.committed,
                    self.near_duplicates.as_ref(),
                    &info.parallel,
                )?;
            }
        }
        let pending_path = self.tag.furniture_pending_path(&self.out);
        if let Some(furniture) = &self.furniture {
            let path = self.tag.furniture_path(&self.out);
            // The counts this run saved as in progress are its own: the file moves into
            // place (a rename) rather than tens of megabytes written again.
            if self.furniture_pending {
                std::fs::rename(&pending_path, &path).map_err(|source| Error::Io {
                    path: pending_path.clone(),
                    source,
                })?;
            } else {
                dataset::layout::write_whole(&path, &furniture.to_bytes())?;
            }
        }
        // The run's time and memory include the last segment and the corpus step.
        self.run.duration_secs = info.duration_secs + finishing.elapsed().as_secs_f64();
        if let Some(peak) = info.measure_peak_rss.and_then(|measure| measure()) {
            self.run.peak_rss_bytes = Some(peak.max(info.peak_rss_bytes.unwrap_or(0)));
        }
        self.record_run();
        self.committed.commit(&self.tag.manifest_path(&self.out))?;
        dataset::fault::point("run-committed");
        // Old summaries, rewritten articles parts and a rebuilt dataset's old parts are no
        // longer named: they go (once the commits that named them are published, when they
        // are), then the step's parts move in.
        if let Some(publish) = &self.publish {
            publish.settle()?;
        }
        dataset::layout::settle(&self.out, self.tag, &self.committed)?;
        // The run is complete: its counts are the dataset's own now.
        dataset::layout::remove_if_present(&pending_path)?;
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
        if let Some(publish) = &self.publish {
            publish.finished(&self.out)?;
        }
        Ok(Outcome {
            warnings,
            out: self.out,
            run: self.run.run,
            recorded: !self.unrecorded,
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
        let manifest = Manifest::read(&out.join(dataset::layout::MANIFEST)).expect("manifest");
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
        let manifest = Manifest::read(&out.join(dataset::layout::MANIFEST)).expect("manifest");
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
            .commit(&out.join(dataset::layout::MANIFEST))
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
        let manifest = Manifest::read(&out.join(dataset::layout::MANIFEST)).expect("manifest");
        assert_eq!(manifest.schema_version, SCHEMA_VERSION);
    }
}
