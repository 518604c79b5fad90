//! A dataset in object storage (`s3://bucket/dataset`), written through a local work folder.
//!
//! Object storage has neither rename nor locks, so the local commit (parts renamed into
//! place, the manifest renamed over, `flock`) becomes this protocol, told in full in
//! `docs/object-storage.md`:
//!
//! 1. **Checkout.** The writer reads the manifests (the dataset's and its shards'), noting
//!    each one's version (ETag), and copies into the work folder what it reads: the parts its
//!    manifest names and newsprint's state files. A named part never changes (`dataset.rs`),
//!    so one the work folder holds already, at its size, is not copied again.
//! 2. **Lease.** It puts its manifest back with a lease naming it and reserving its run
//!    number, conditionally (`If-Match` the version read). Any writer that read an earlier
//!    version fails its next commit, so two writers never both commit. A new dataset's lease
//!    is its first manifest, put only if none exists (`If-None-Match: *`).
//! 3. **Leftovers.** It places the parts a manifest names that a killed writer left waiting
//!    (see 4), aborts the multipart uploads killed writers left unfinished (each has a record
//!    under `_newsprint/uploads/` while it goes), then deletes the parts, placed or waiting,
//!    that no manifest names and that are older than its lease: a killed writer's, and those
//!    a commit replaced. A writer that
//!    started after the lease writes newer objects, which are not touched.
//! 4. **Commits.** After each commit in the work folder, the parts its manifest names that the
//!    store lacks are uploaded to `_newsprint/pending/`, each only if no object has its name
//!    (large ones in multipart uploads), then the manifest is put, conditionally on the
//!    version this writer last put, then the parts are *placed* (copied to their keys, the
//!    waiting objects deleted), then the state files that changed go up. A reader that
//!    follows a manifest finds every part it names, whole, and unchanged for as long as the
//!    manifest is current (at its key, or waiting); a reader that globs the tables finds
//!    only parts a put manifest names.
//! 5. **Finish.** The last commit is put, then the writer's state files that are gone from
//!    the work folder are deleted from the store, and so are the parts the run replaced, and
//!    only then are the last commit's parts placed; `merge` puts `_SUCCESS` last.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::{StreamExt, TryStreamExt};
use ingest::{Remote, Shard};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt, PutMode, PutOptions, UpdateVersion};

use super::keys::*;
use crate::layout::{Manifest, MANIFEST, SHARDS_DIR, STATE_DIR, SUCCESS};
use crate::names::WriterTag;
use crate::schema::TABLES;
use crate::{io_error, Error};

/// What a writer calls as it commits, to publish its work folder's dataset elsewhere.
pub trait Publish: Send + Sync + std::fmt::Debug {
    /// After each commit of the manifest in the work folder `out`.
    fn committed(&self, out: &Path) -> Result<(), Error>;
    /// Before the writer deletes anything in the work folder: waits until every commit made
    /// so far is published (see `publish_behind.rs`).
    fn settle(&self) -> Result<(), Error> {
        Ok(())
    }
    /// Once the writer is done: its last commit made and its leftovers deleted in `out`.
    fn finished(&self, out: &Path) -> Result<(), Error>;
}

/// Who writes the dataset: a run (unsharded, or one shard) or a merge of the shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `newsprint run`, with its shard if it is one.
    Run(Option<Shard>),
    /// `newsprint merge`.
    Merge,
}

/// Objects at most this large are put in one request (only if no object has the name);
/// larger ones go in multipart uploads of [`CHUNK`]-byte parts.
pub(super) const MULTIPART_FROM: u64 = 16 << 20;
pub(super) const CHUNK: usize = 8 << 20;
/// Requests in flight together when copying parts in or out.
pub(super) const REQUESTS_AT_ONCE: usize = 8;

/// A dataset in object storage and the work folder it is written through.
#[derive(Debug)]
pub struct ObjectDataset {
    pub(super) remote: Remote,
    pub(super) client: Arc<dyn ObjectStore>,
    pub(super) role: Role,
    pub(super) full: bool,
    pub(super) multipart_from: u64,
    pub(super) state: Mutex<State>,
}

/// What a checkout copied into the work folder, for the log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checkout {
    /// Parts and state files copied in.
    pub copied: u64,
    /// Their bytes.
    pub copied_bytes: u64,
    /// Parts the work folder held already (kept from an earlier run), not copied again.
    pub held: u64,
    /// Multipart uploads that killed writers left unfinished, aborted.
    pub aborted_uploads: u64,
}

#[derive(Debug, Default)]
pub(super) struct State {
    /// The version of each manifest as this writer last read or put it.
    pub(super) versions: HashMap<String, UpdateVersion>,
    /// Keys the store holds as the work folder does: the local file's stamp then.
    pub(super) stored: HashMap<String, Stamp>,
    /// When the store took this writer's lease (its clock): objects older than this and
    /// named by no manifest are leftovers.
    pub(super) leased_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What the checkout copied into the work folder.
    pub(super) checkout: Checkout,
    /// Keys this writer put, or that a manifest named when it checked out: objects it
    /// knows, which it deletes once no manifest names them, however recent.
    pub(super) known: HashSet<String>,
    /// Parts a killed writer's manifest named that a merge found still waiting: placed by
    /// its finish, where its own manifests still name them.
    pub(super) unplaced: Vec<String>,
}

impl ObjectDataset {
    /// Copies into `work` what `role` reads of the dataset at `url` (`full`: only the
    /// manifests, for a rebuild), and with `lease`, takes the lease and deletes leftovers
    /// (without it the checkout only reads, as `--dry-run` does). A prefix holding objects
    /// but no dataset is refused, as a folder would be.
    pub fn checkout(
        url: &str,
        options: &[(String, String)],
        work: &Path,
        role: Role,
        full: bool,
        lease: bool,
    ) -> Result<Self, Error> {
        let remote = Remote::open(url, options)?;
        let dataset = ObjectDataset {
            client: remote.client(),
            remote,
            role,
            full,
            // (Smaller in tests, which cannot afford parts of 16 MiB.)
            multipart_from: std::env::var("NEWSPRINT_MULTIPART_FROM")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(MULTIPART_FROM),
            state: Mutex::new(State::default()),
        };
        std::fs::create_dir_all(work).map_err(io_error(work))?;
        let objects = dataset.list()?;
        // (Parts alone are a writer's killed before its first manifest reached the store.)
        let is_part = |k: &str| {
            k.split_once('/').is_some_and(|(table, file)| {
                TABLES.iter().any(|t| t.name == table) && file.starts_with("part-")
            })
        };
        let is_dataset = objects
            .keys()
            .any(|k| is_manifest_key(k) || k.starts_with(STATE_DIR) || is_part(k));
        if !objects.is_empty() && !is_dataset {
            return Err(Error::NotADataset(PathBuf::from(url)));
        }
        // Every table's folder (merge writes the summaries into theirs), and the state
        // folder, which makes the work folder a dataset's from the start.
        for dir in TABLES
            .iter()
            .map(|t| work.join(t.name))
            .chain([work.join(STATE_DIR)])
        {
            std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        }
        dataset.copy_manifests(work, &objects)?;
        // The lease is taken as soon as the manifest is read, so that a writer committing
        // meanwhile (each of its commits changes the manifest) rarely makes it refuse.
        let key = dataset.manifest_key();
        let leased = lease && objects.contains_key(&key);
        if lease && role == Role::Merge && objects.contains_key(SUCCESS) {
            // A scheduler waiting on the marker must not take the last merge's for this one.
            dataset.delete(&[SUCCESS.to_string()])?;
        }
        if leased {
            dataset.take_lease(work, &key)?;
        } else if let (true, Role::Run(shard)) = (lease, role) {
            dataset.create(work, &key, shard)?;
        }
        // Parts a manifest names that still wait where they were uploaded: a writer was
        // killed between putting the manifest and placing them. This one finishes that.
        let mut waiting: Vec<String> = Vec::new();
        for manifest in dataset.manifests_read(work)? {
            waiting.extend(manifest.part_keys().filter(|key| {
                !objects.contains_key(key) && objects.contains_key(&pending_key(key))
            }));
        }
        waiting.sort();
        waiting.dedup();
        dataset.copy_data(work, &objects)?;
        if leased {
            dataset.abort_killed_uploads(&objects)?;
            // What the waiting parts replace goes first, so that no reader globbing the
            // tables meets a part beside its replacement. A merge leaves them waiting:
            // until it has brought the shards' manifests to its rewrites, those still name
            // the parts the rewrites replace; its own finish places them.
            dataset.remove_leftovers(work, false)?;
            if role == Role::Merge {
                dataset.lock().unplaced = waiting;
            } else {
                dataset.place(&waiting)?;
            }
        }
        Ok(dataset)
    }

    /// What the checkout copied into the work folder.
    pub fn checkout_copied(&self) -> Checkout {
        self.lock().checkout
    }

    /// The manifest this writer commits.
    pub(super) fn manifest_key(&self) -> String {
        match self.role {
            Role::Run(shard) => WriterTag(shard).manifest_key(),
            Role::Merge => MANIFEST.to_string(),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn store_error(&self, key: &str) -> impl Fn(object_store::Error) -> Error + '_ {
        let url = self.remote.url_of(key);
        move |e| Error::Store {
            url: url.clone(),
            detail: e.to_string(),
        }
    }

    /// Every object under the dataset's prefix, by key.
    pub(super) fn list(&self) -> Result<HashMap<String, ObjectMeta>, Error> {
        let prefix = self.remote.location("");
        let listed: Vec<ObjectMeta> = self
            .remote
            .block_on(self.client.list(Some(&prefix)).try_collect())
            .map_err(self.store_error(""))?;
        Ok(listed
            .into_iter()
            .filter_map(|meta| Some((self.remote.key_of(&meta.location)?, meta)))
            .collect())
    }

    /// Whether this writer reads and writes the state file `_newsprint/<name>`.
    pub(super) fn owns_state(&self, name: &str) -> bool {
        if name.starts_with("lock")
            || name.starts_with("staging")
            || name.starts_with(PENDING)
            || name.starts_with(UPLOADS)
            || name.ends_with(".new")
        {
            return false;
        }
        let shard = match self.role {
            Role::Merge => return true,
            Role::Run(shard) => shard,
        };
        let tag = WriterTag(shard);
        if let Some(segment) = name.strip_prefix("sketches/") {
            return tag.owns(&segment.replace(".bin", ".parquet"));
        }
        if name.starts_with("partials/") {
            return shard.is_none();
        }
        match shard {
            None => !name.contains("-s"),
            Some(_) => name.contains(&format!("-{}", tag.suffix())),
        }
    }

    /// Whether this writer deletes the part `file` when no manifest names it.
    /// A merge owns the unsharded writer's parts (its summaries and rewrites); a shard's
    /// part only when the merge knows it (read named at checkout, and replaced since), never
    /// one a shard may be uploading.
    pub(super) fn owns_part(&self, file: &str, known: bool) -> bool {
        match self.role {
            Role::Merge => known || WriterTag(None).owns(file),
            Role::Run(shard) => WriterTag(shard).owns(file),
        }
    }

    /// Copies the manifests into `work`, noting their versions; drops from `work` the
    /// state files and manifests the store no longer has.
    pub(super) fn copy_manifests(
        &self,
        work: &Path,
        objects: &HashMap<String, ObjectMeta>,
    ) -> Result<(), Error> {
        let wanted: Vec<String> = objects
            .keys()
            .filter(|k| is_manifest_key(k))
            .cloned()
            .collect();
        for key in &wanted {
            let version = self.download(key, &work.join(key))?;
            self.lock().versions.insert(key.clone(), version);
        }
        // Manifests and state files the work folder kept from an earlier run but the store no
        // longer has would mislead the writer.
        for stale in local_files(work)? {
            let is_manifest = is_manifest_key(&stale);
            let is_state = stale
                .strip_prefix(&format!("{STATE_DIR}/"))
                .is_some_and(|name| self.owns_state(name));
            if (is_manifest || is_state) && !objects.contains_key(&stale) {
                let path = work.join(&stale);
                std::fs::remove_file(&path).map_err(io_error(&path))?;
            }
        }
        Ok(())
    }

    /// Copies into `work` the parts and state files this writer reads (see
    /// [`ObjectDataset::checkout`]).
    pub(super) fn copy_data(
        &self,
        work: &Path,
        objects: &HashMap<String, ObjectMeta>,
    ) -> Result<(), Error> {
        let mut wanted: Vec<String> = Vec::new();
        for manifest in self.manifests_read(work)? {
            wanted.extend(manifest.part_keys());
        }
        if self.full {
            // A rebuild reads none of it; what it replaces goes once it completes.
            self.lock().known.extend(wanted);
            return Ok(());
        }
        wanted.extend(
            objects
                .keys()
                .filter(|k| {
                    k.strip_prefix(&format!("{STATE_DIR}/"))
                        .is_some_and(|name| self.owns_state(name))
                })
                .cloned(),
        );
        wanted.sort();
        wanted.dedup();
        // A part the work folder holds at its size is the same part: names never change.
        let is_part = |key: &str| !key.starts_with(STATE_DIR);
        let to_copy: Vec<&String> = wanted
            .iter()
            .filter(|key| {
                let local = std::fs::metadata(work.join(key)).ok();
                let size = objects
                    .get(*key)
                    .or_else(|| objects.get(&pending_key(key)))
                    .map(|m| m.size);
                !(is_part(key) && local.is_some_and(|m| Some(m.len()) == size))
            })
            .collect();
        let paths: Vec<PathBuf> = to_copy.iter().map(|key| work.join(key)).collect();
        let copied: Vec<Result<UpdateVersion, Error>> = self.remote.block_on(
            futures::stream::iter(to_copy.iter().zip(&paths).map(|(key, to)| async move {
                // (A part placed by nobody yet is read where it waits; one placed since the
                // listing, at its key.)
                match objects.contains_key(*key) || !objects.contains_key(&pending_key(key)) {
                    true => self.fetch(key, to).await,
                    false => match self.fetch(&pending_key(key), to).await {
                        Err(_) => self.fetch(key, to).await,
                        fetched => fetched,
                    },
                }
            }))
            .buffer_unordered(REQUESTS_AT_ONCE)
            .collect(),
        );
        copied.into_iter().collect::<Result<Vec<_>, Error>>()?;
        let mut state = self.lock();
        state.checkout = Checkout {
            copied: to_copy.len() as u64,
            copied_bytes: to_copy
                .iter()
                .filter_map(|k| objects.get(*k))
                .map(|m| m.size)
                .sum(),
            held: (wanted.len() - to_copy.len()) as u64,
            ..Checkout::default()
        };
        state.known.extend(wanted.iter().cloned());
        for key in &wanted {
            if let Ok(meta) = std::fs::metadata(work.join(key)) {
                state.stored.insert(key.clone(), stamp(&meta));
            }
        }
        Ok(())
    }

    /// The manifests in `work` whose parts this writer reads.
    pub(super) fn manifests_read(&self, work: &Path) -> Result<Vec<Manifest>, Error> {
        let keys: Vec<String> = match self.role {
            Role::Run(shard) => vec![WriterTag(shard).manifest_key()],
            Role::Merge => manifest_keys(work)?,
        };
        keys.iter()
            .map(|k| work.join(k))
            .filter(|p| p.is_file())
            .map(|p| Manifest::read(&p))
            .collect()
    }

    /// Copies the object `key` to `to`, whole, returning its version.
    pub(super) fn download(&self, key: &str, to: &Path) -> Result<UpdateVersion, Error> {
        self.remote.block_on(self.fetch(key, to))
    }

    async fn fetch(&self, key: &str, to: &Path) -> Result<UpdateVersion, Error> {
        let location = self.remote.location(key);
        let (bytes, version) = async {
            let got = self.client.get(&location).await?;
            let version = UpdateVersion {
                e_tag: got.meta.e_tag.clone(),
                version: got.meta.version.clone(),
            };
            Ok::<_, object_store::Error>((got.bytes().await?, version))
        }
        .await
        .map_err(self.store_error(key))?;
        crate::layout::write_whole(to, &bytes)?;
        Ok(version)
    }

    /// Puts the manifest `key` back with this writer's lease, conditionally on the version
    /// read, and notes when the store took it.
    pub(super) fn take_lease(&self, work: &Path, key: &str) -> Result<(), Error> {
        let path = work.join(key);
        let mut manifest = Manifest::read(&path)?;
        let last_run = manifest.runs.last().map_or(0, |r| r.run);
        let last_step = manifest.corpus.as_ref().map_or(0, |c| c.generation);
        let (reserved_run, reserved_step) = manifest
            .writer
            .as_ref()
            .map_or((0, 0), |l| (l.run, l.generation));
        manifest.writer = Some(lease(
            last_run.max(reserved_run) + 1,
            last_step.max(reserved_step) + 1,
        ));
        manifest.commit(&path)?;
        self.put_manifest(key, &path)?;
        Ok(())
    }

    /// Creates the writer's manifest in the store before anything else: a new dataset (or
    /// shard) with every table present and empty, under a lease reserving run 1. Of writers
    /// starting a dataset together, the one whose manifest the store takes first goes on; the
    /// others stop here, before they upload anything but the same empty parts.
    pub(super) fn create(&self, work: &Path, key: &str, shard: Option<Shard>) -> Result<(), Error> {
        crate::layout::check_layout(work, shard)?;
        let tag = WriterTag(shard);
        let mut manifest = Manifest::empty(shard);
        manifest.writer = Some(lease(1, 1));
        crate::layout::empty_parts(work, tag, &mut manifest, 1, "empty")?;
        let path = work.join(key);
        debug_assert_eq!(path, tag.manifest_path(work));
        manifest.commit_in(work, tag, "created")?;
        let waiting = self.upload_parts(work, &manifest)?;
        self.put_manifest(key, &path)?;
        self.place(&waiting)
    }

    /// Puts the manifest at `path` as `key` (see [`ObjectDataset::put_manifest_bytes`]).
    pub(super) fn put_manifest(&self, key: &str, path: &Path) -> Result<(), Error> {
        let (bytes, local) = read_manifest(path)?;
        self.put_manifest_bytes(key, bytes, local)
    }

    /// Puts `bytes`, read from the work folder's file of stamp `local`, as the
    /// manifest `key`: only over the version this writer last read or put, or, for a
    /// manifest it never saw, only if none exists.
    pub(super) fn put_manifest_bytes(
        &self,
        key: &str,
        bytes: bytes::Bytes,
        local: Stamp,
    ) -> Result<(), Error> {
        let previous = self.lock().versions.get(key).cloned();
        let mode = match previous {
            Some(version) => PutMode::Update(version),
            None => PutMode::Create,
        };
        let location = self.remote.location(key);
        let put = self.remote.block_on(self.client.put_opts(
            &location,
            bytes.clone().into(),
            PutOptions {
                mode,
                ..PutOptions::default()
            },
        ));
        let result = match put {
            Ok(result) => result,
            Err(
                object_store::Error::Precondition { .. }
                | object_store::Error::AlreadyExists { .. },
            ) => match self.remote.block_on(self.holds(&location, &bytes)) {
                Some(ours) => ours,
                None => return Err(self.taken(key)),
            },
            Err(object_store::Error::NotImplemented { .. }) => {
                return Err(Error::Unconditional(self.remote.url_of(key)))
            }
            Err(e) => return Err(self.store_error(key)(e)),
        };
        let first = {
            let mut state = self.lock();
            state.versions.insert(
                key.to_string(),
                UpdateVersion {
                    e_tag: result.e_tag,
                    version: result.version,
                },
            );
            state.stored.insert(key.to_string(), local);
            state.leased_at.is_none()
        };
        if first {
            let meta = self
                .remote
                .block_on(self.client.head(&location))
                .map_err(self.store_error(key))?;
            self.lock().leased_at = Some(meta.last_modified);
        }
        Ok(())
    }

    /// The object at `location` if it holds `bytes`: a conditional put whose answer was lost
    /// and that the store sent again finds its own object there, which is success.
    pub(super) async fn holds(
        &self,
        location: &ObjectPath,
        bytes: &[u8],
    ) -> Option<object_store::PutResult> {
        let got = self.client.get(location).await.ok()?;
        let result = object_store::PutResult {
            e_tag: got.meta.e_tag.clone(),
            version: got.meta.version.clone(),
        };
        let held = got.bytes().await.ok()?;
        (held.as_ref() == bytes).then_some(result)
    }

    /// The error of a writer whose manifest another writer committed over.
    pub(super) fn taken(&self, key: &str) -> Error {
        let by = self
            .remote
            .get(key)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .and_then(|m| m.writer)
            .map_or("another writer".to_string(), |l| {
                let started = chrono::DateTime::from_timestamp(l.started_unix as i64, 0)
                    .map_or(l.started_unix.to_string(), |t| t.to_rfc3339());
                format!(
                    "the writer on {} (process {}, run {}, started {started})",
                    l.host, l.pid, l.run
                )
            });
        Error::Taken {
            url: self.remote.url_of(key),
            by,
        }
    }
}

impl Publish for ObjectDataset {
    fn committed(&self, out: &Path) -> Result<(), Error> {
        let waiting = self.publish_commit(out)?;
        crate::fault::point("store-committed");
        self.place(&waiting)?;
        self.upload_state(out, false)
    }

    fn finished(&self, out: &Path) -> Result<(), Error> {
        let waiting = self.publish_commit(out)?;
        crate::fault::point("store-finished");
        if self.role == Role::Merge {
            // The shards' manifests that merge brought to the parts it rewrote.
            for key in manifest_keys(out)?
                .into_iter()
                .filter(|k| k.starts_with(SHARDS_DIR))
            {
                let path = out.join(&key);
                let meta = std::fs::metadata(&path).map_err(io_error(&path))?;
                let stored = self.lock().stored.get(&key).copied();
                if stored != Some(stamp(&meta)) {
                    self.put_manifest(&key, &path)?;
                }
            }
        }
        self.upload_state(out, true)?;
        // The work folder holds the run's last state now: what it dropped goes too, and
        // the parts its last commit replaced go before their rewrites are placed, so a
        // reader globbing the tables never counts a part beside its rewrite.
        self.remove_leftovers(out, true)?;
        let mut waiting = waiting;
        let unplaced = std::mem::take(&mut self.lock().unplaced);
        if !unplaced.is_empty() {
            let named = named_keys(out)?;
            waiting.extend(unplaced.into_iter().filter(|k| named.contains(k)));
            waiting.sort();
            waiting.dedup();
        }
        self.place(&waiting)?;
        if self.role == Role::Merge && out.join(SUCCESS).is_file() {
            self.upload(out, &[SUCCESS.to_string()], false)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_url(dir: &Path) -> String {
        format!("file://{}", dir.display())
    }

    /// A run's checkout of a new dataset in the `file://` store `store`.
    fn new_dataset(store: &Path, work: &Path) -> ObjectDataset {
        ObjectDataset::checkout(&file_url(store), &[], work, Role::Run(None), false, true)
            .expect("a new dataset")
    }

    #[test]
    fn a_part_larger_than_the_threshold_goes_up_in_a_multipart_upload() {
        let store = tempfile::tempdir().expect("store");
        let work = tempfile::tempdir().expect("work");
        let mut dataset = new_dataset(store.path(), work.path());
        dataset.multipart_from = 1000;
        let bytes: Vec<u8> = (0..50_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let key = "documents/part-r00001-00000.parquet";
        crate::layout::write_whole(&work.path().join(key), &bytes).expect("part");
        dataset
            .upload(work.path(), &[key.to_string()], true)
            .expect("upload");
        assert_eq!(
            std::fs::read(store.path().join(key)).expect("object"),
            bytes
        );
        assert!(dataset.lock().known.contains(key));
    }

    #[test]
    fn a_part_is_never_put_over_an_object_of_its_name() {
        let store = tempfile::tempdir().expect("store");
        let work = tempfile::tempdir().expect("work");
        let dataset = new_dataset(store.path(), work.path());
        let key = "articles/part-r00001-00000.parquet";
        crate::layout::write_whole(&store.path().join(key), b"someone else's").expect("theirs");
        crate::layout::write_whole(&work.path().join(key), b"mine").expect("mine");
        let refused = dataset.upload(work.path(), &[key.to_string()], true);
        assert!(matches!(refused, Err(Error::Taken { .. })), "{refused:?}");
        assert_eq!(
            std::fs::read(store.path().join(key)).expect("object"),
            b"someone else's"
        );
        // The same bytes there already are this writer's own put, sent again by the store
        // after its answer was lost.
        let again = "articles/part-r00001-00001.parquet";
        crate::layout::write_whole(&store.path().join(again), b"mine").expect("earlier put");
        crate::layout::write_whole(&work.path().join(again), b"mine").expect("mine");
        dataset
            .upload(work.path(), &[again.to_string()], true)
            .expect("its own object");
    }

    #[test]
    fn a_store_without_conditional_puts_is_refused_before_anything_is_written() {
        let store = tempfile::tempdir().expect("store");
        let work = tempfile::tempdir().expect("work");
        Manifest::empty(None)
            .commit(&store.path().join(MANIFEST))
            .expect("manifest");
        let refused = ObjectDataset::checkout(
            &file_url(store.path()),
            &[],
            work.path(),
            Role::Run(None),
            false,
            true,
        );
        assert!(
            matches!(refused, Err(Error::Unconditional(_))),
            "{refused:?}"
        );
        let manifest = Manifest::read(&store.path().join(MANIFEST)).expect("manifest");
        assert!(
            manifest.writer.is_none(),
            "the store's manifest is unchanged"
        );
    }

    #[test]
    fn a_writer_owns_its_own_state_files_only() {
        let store = tempfile::tempdir().expect("store");
        let work = tempfile::tempdir().expect("work");
        let url = file_url(store.path());
        let shard = Shard::new(3, 16).expect("shard");
        let as_role = |role| {
            ObjectDataset::checkout(&url, &[], work.path(), role, false, false).expect("checkout")
        };
        let unsharded = as_role(Role::Run(None));
        let shard = as_role(Role::Run(Some(shard)));
        let merge = as_role(Role::Merge);
        for name in [
            "inputs.bin",
            "furniture-pending.bin",
            "neardup.bin",
            "partials/part-r00001-00000.bin",
            "sketches/part-r00002-00000.bin",
        ] {
            assert!(unsharded.owns_state(name), "{name}");
            assert!(!shard.owns_state(name), "{name}");
        }
        for name in [
            "inputs-s003of016.bin",
            "furniture-s003of016.bin",
            "sketches/part-s003of016-r00001-00000.bin",
        ] {
            assert!(shard.owns_state(name), "{name}");
            assert!(!unsharded.owns_state(name), "{name}");
            assert!(merge.owns_state(name), "{name}");
        }
        for name in [
            "inputs-s004of016.bin",
            "sketches/part-s004of016-r00001-00000.bin",
        ] {
            assert!(!shard.owns_state(name), "{name}");
        }
        for name in [
            "lock",
            "lock-s003of016",
            "staging/documents/x.parquet",
            "inputs.bin.new",
        ] {
            assert!(
                !merge.owns_state(name) && !unsharded.owns_state(name),
                "{name}"
            );
        }
    }
}
