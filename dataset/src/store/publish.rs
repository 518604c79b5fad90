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
use std::time::SystemTime;

use futures::{StreamExt, TryStreamExt};
use ingest::{Remote, Shard};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt, PutMode, PutOptions, UpdateVersion};

use crate::layout::{Lease, Manifest, WriterTag, MANIFEST, SHARDS_DIR, STATE_DIR, SUCCESS};
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
const MULTIPART_FROM: u64 = 16 << 20;
const CHUNK: usize = 8 << 20;
/// Requests in flight together when copying parts in or out.
const REQUESTS_AT_ONCE: usize = 8;

/// A dataset in object storage and the work folder it is written through.
#[derive(Debug)]
pub struct ObjectDataset {
    remote: Remote,
    client: Arc<dyn ObjectStore>,
    role: Role,
    full: bool,
    multipart_from: u64,
    state: Mutex<State>,
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
struct State {
    /// The version of each manifest as this writer last read or put it.
    versions: HashMap<String, UpdateVersion>,
    /// Keys the store holds as the work folder does: the local file's stamp then.
    stored: HashMap<String, Stamp>,
    /// When the store took this writer's lease (its clock): objects older than this and
    /// named by no manifest are leftovers.
    leased_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What the checkout copied into the work folder.
    checkout: Checkout,
    /// Keys this writer put, or that a manifest named when it checked out: objects it
    /// knows, which it deletes once no manifest names them, however recent.
    known: HashSet<String>,
    /// Parts a killed writer's manifest named that a merge found still waiting: placed by
    /// its finish, where its own manifests still name them.
    unplaced: Vec<String>,
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
    fn manifest_key(&self) -> String {
        match self.role {
            Role::Run(shard) => WriterTag(shard).manifest_key(),
            Role::Merge => MANIFEST.to_string(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn store_error(&self, key: &str) -> impl Fn(object_store::Error) -> Error + '_ {
        let url = self.remote.url_of(key);
        move |e| Error::Store {
            url: url.clone(),
            detail: e.to_string(),
        }
    }

    /// Every object under the dataset's prefix, by key.
    fn list(&self) -> Result<HashMap<String, ObjectMeta>, Error> {
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
    fn owns_state(&self, name: &str) -> bool {
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
    fn owns_part(&self, file: &str, known: bool) -> bool {
        match self.role {
            Role::Merge => known || WriterTag(None).owns(file),
            Role::Run(shard) => WriterTag(shard).owns(file),
        }
    }

    /// Copies the manifests into `work`, noting their versions; drops from `work` the
    /// state files and manifests the store no longer has.
    fn copy_manifests(
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
    fn copy_data(&self, work: &Path, objects: &HashMap<String, ObjectMeta>) -> Result<(), Error> {
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
    fn manifests_read(&self, work: &Path) -> Result<Vec<Manifest>, Error> {
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
    fn download(&self, key: &str, to: &Path) -> Result<UpdateVersion, Error> {
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
    fn take_lease(&self, work: &Path, key: &str) -> Result<(), Error> {
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
    fn create(&self, work: &Path, key: &str, shard: Option<Shard>) -> Result<(), Error> {
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
    fn put_manifest(&self, key: &str, path: &Path) -> Result<(), Error> {
        let (bytes, local) = read_manifest(path)?;
        self.put_manifest_bytes(key, bytes, local)
    }

    /// Puts `bytes`, read from the work folder's file of stamp `local`, as the
    /// manifest `key`: only over the version this writer last read or put, or, for a
    /// manifest it never saw, only if none exists.
    fn put_manifest_bytes(
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
    async fn holds(&self, location: &ObjectPath, bytes: &[u8]) -> Option<object_store::PutResult> {
        let got = self.client.get(location).await.ok()?;
        let result = object_store::PutResult {
            e_tag: got.meta.e_tag.clone(),
            version: got.meta.version.clone(),
        };
        let held = got.bytes().await.ok()?;
        (held.as_ref() == bytes).then_some(result)
    }

    /// The error of a writer whose manifest another writer committed over.
    fn taken(&self, key: &str) -> Error {
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

    /// Uploads the parts `manifest` names (for a merge, the shards' manifests' too) that the
    /// store lacks, each only if no object has its name, to where they wait for the
    /// manifest ([`pending_key`]). Returns their keys, for [`ObjectDataset::place`] once the
    /// manifest is put.
    fn upload_parts(&self, work: &Path, manifest: &Manifest) -> Result<Vec<String>, Error> {
        let mut manifests = vec![manifest.clone()];
        if self.role == Role::Merge {
            // And the shards' manifests, brought to the parts the merge rewrote.
            manifests.extend(self.manifests_read(work)?);
        }
        let mut keys: Vec<String> = manifests.iter().flat_map(Manifest::part_keys).collect();
        keys.sort();
        keys.dedup();
        let state = self.lock();
        keys.retain(|k| !state.stored.contains_key(k));
        drop(state);
        let uploads = keys.iter().map(|key| async move {
            // The part may be moving from staging into its folder as the writer goes on:
            // missing where it was looked for, it is looked for again.
            let pending = pending_key(key);
            let stamp = match self.put_file(&pending, part_path(work, key), true).await {
                Err(Error::Read { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    self.put_file(&pending, part_path(work, key), true).await?
                }
                done => done?,
            };
            self.lock().stored.insert(key.clone(), stamp);
            Ok::<_, Error>(())
        });
        let done: Vec<Result<(), Error>> = self.remote.block_on(
            futures::stream::iter(uploads)
                .buffer_unordered(REQUESTS_AT_ONCE)
                .collect(),
        );
        done.into_iter().collect::<Result<(), Error>>()?;
        Ok(keys)
    }

    /// Copies each part of `keys` from where it waits to its key, then deletes the waiting
    /// copy: once a manifest naming it is put, never before, so that a reader globbing a
    /// table's objects never counts a part that is not committed. A part placed already
    /// (by a writer finishing what a killed one left) is no error.
    fn place(&self, keys: &[String]) -> Result<(), Error> {
        let placing = keys.iter().map(|key| async move {
            let (from, to) = (
                self.remote.location(&pending_key(key)),
                self.remote.location(key),
            );
            match self.client.copy(&from, &to).await {
                Ok(()) => {}
                Err(object_store::Error::NotFound { .. })
                    if self.client.head(&to).await.is_ok() => {}
                Err(e) => return Err(self.store_error(key)(e)),
            }
            match self.client.delete(&from).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(self.store_error(&pending_key(key))(e)),
            }
            let mut state = self.lock();
            state.stored.remove(&pending_key(key));
            state.known.insert(key.clone());
            Ok(())
        });
        let done: Vec<Result<(), Error>> = self.remote.block_on(
            futures::stream::iter(placing)
                .buffer_unordered(REQUESTS_AT_ONCE)
                .collect(),
        );
        done.into_iter().collect()
    }

    /// Uploads to pending, puts the manifest of this writer from `out`: a commit, not yet
    /// placed. Returns the parts to place.
    fn publish_commit(&self, out: &Path) -> Result<Vec<String>, Error> {
        let key = self.manifest_key();
        let path = out.join(&key);
        // Read once: the parts uploaded are those the manifest put names, however many
        // commits the writer has made since (it goes on while this one goes up).
        let (bytes, local) = read_manifest(&path)?;
        let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::Manifest {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        let waiting = self.upload_parts(out, &manifest)?;
        self.put_manifest_bytes(&key, bytes, local)?;
        Ok(waiting)
    }

    /// Uploads the state files of this writer that changed in the work folder
    /// (`everything`: in its subfolders too, else only those at the top).
    fn upload_state(&self, work: &Path, everything: bool) -> Result<(), Error> {
        let mut changed = Vec::new();
        let state = self.lock();
        for key in state_files(work, everything)? {
            let name = &key[STATE_DIR.len() + 1..];
            if !self.owns_state(name) {
                continue;
            }
            let Ok(meta) = std::fs::metadata(work.join(&key)) else {
                continue;
            };
            if state.stored.get(&key) != Some(&stamp(&meta)) {
                changed.push(key);
            }
        }
        drop(state);
        self.upload(work, &changed, false)
    }

    /// Uploads `keys` from the work folder, a few at a time; `create`: only where no
    /// object has the name.
    fn upload(&self, work: &Path, keys: &[String], create: bool) -> Result<(), Error> {
        let uploads = keys
            .iter()
            .map(|key| async move { self.put_file(key, work.join(key), create).await.map(|_| ()) });
        let done: Vec<Result<(), Error>> = self.remote.block_on(
            futures::stream::iter(uploads)
                .buffer_unordered(REQUESTS_AT_ONCE)
                .collect(),
        );
        done.into_iter().collect::<Result<(), Error>>()
    }

    /// Puts the file at `path` as `key` (`create`: only if no object has the name, or
    /// it holds these bytes already); returns the file's stamp as put.
    async fn put_file(&self, key: &str, path: PathBuf, create: bool) -> Result<Stamp, Error> {
        let meta = std::fs::metadata(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let location = self.remote.location(key);
        if meta.len() > self.multipart_from {
            self.put_multipart(&location, &path)
                .await
                .map_err(self.store_error(key))?;
        } else {
            // Shared, not copied, between the request and the check of a lost answer.
            let bytes = bytes::Bytes::from(std::fs::read(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?);
            let mode = if create {
                PutMode::Create
            } else {
                PutMode::Overwrite
            };
            let options = PutOptions {
                mode,
                ..PutOptions::default()
            };
            match self
                .client
                .put_opts(&location, bytes.clone().into(), options)
                .await
            {
                Ok(_) => {}
                Err(object_store::Error::AlreadyExists { .. })
                    if self.holds(&location, &bytes).await.is_some() => {}
                Err(object_store::Error::AlreadyExists { .. }) => {
                    return Err(Error::Taken {
                        url: self.remote.url_of(key),
                        by: "another writer, which wrote a part of this name".to_string(),
                    })
                }
                Err(e) => return Err(self.store_error(key)(e)),
            }
        }
        let mut state = self.lock();
        state.stored.insert(key.to_string(), stamp(&meta));
        state.known.insert(key.to_string());
        Ok(stamp(&meta))
    }

    /// Streams a large file to `location` in a multipart upload, a chunk at a time. Where
    /// the store has multipart requests (S3), the upload's id is first put in a record
    /// under `_newsprint/uploads/`, deleted once the upload completes: a writer killed
    /// mid-way leaves the record, and the next writer aborts the upload it names
    /// ([`ObjectDataset::abort_killed_uploads`]) instead of leaving its chunks stored.
    async fn put_multipart(&self, location: &ObjectPath, path: &Path) -> object_store::Result<()> {
        let unreadable = |e: std::io::Error| object_store::Error::Generic {
            store: "newsprint",
            source: Box::new(e),
        };
        let mut file = std::fs::File::open(path).map_err(unreadable)?;
        let Some(multipart) = &self.remote.multipart() else {
            let upload = self.client.put_multipart(location).await?;
            let mut writer = object_store::WriteMultipart::new_with_chunk_size(upload, CHUNK);
            while let Some(chunk) = read_chunk(&mut file).map_err(unreadable)? {
                writer.wait_for_capacity(REQUESTS_AT_ONCE).await?;
                writer.write(&chunk);
            }
            return writer.finish().await.map(|_| ());
        };
        let id = multipart.create_multipart(location).await?;
        let record = self
            .remote
            .location(&upload_record_key(&self.writer_name(), &id));
        let body = serde_json::json!({ "key": location.as_ref(), "id": id }).to_string();
        self.client.put(&record, body.into()).await?;
        let uploaded = async {
            let mut in_flight = futures::stream::FuturesUnordered::new();
            let mut parts = Vec::new();
            let mut index = 0;
            while let Some(chunk) = read_chunk(&mut file).map_err(unreadable)? {
                if in_flight.len() >= REQUESTS_AT_ONCE {
                    if let Some(done) = in_flight.next().await {
                        parts.push(done?);
                    }
                }
                let (id, at) = (&id, index);
                in_flight.push(async move {
                    let part = multipart.put_part(location, id, at, chunk.into()).await?;
                    Ok::<_, object_store::Error>((at, part))
                });
                index += 1;
            }
            while let Some(done) = in_flight.next().await {
                parts.push(done?);
            }
            parts.sort_by_key(|(at, _)| *at);
            crate::fault::point("store-multipart");
            multipart
                .complete_multipart(location, &id, parts.into_iter().map(|(_, p)| p).collect())
                .await
        }
        .await;
        if uploaded.is_err() {
            let _ = multipart.abort_multipart(location, &id).await;
        }
        match self.client.delete(&record).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        uploaded.map(|_| ())
    }

    /// The name of this writer in its upload records: `run`, `sIIIofNNN` (a shard), `merge`.
    fn writer_name(&self) -> String {
        match self.role {
            Role::Run(None) => "run".to_string(),
            Role::Run(shard @ Some(_)) => WriterTag(shard).suffix(),
            Role::Merge => "merge".to_string(),
        }
    }

    /// Aborts the multipart uploads that writers of its own kind (the same shard, the
    /// unsharded run, the merge) killed before this one's lease left unfinished (their
    /// records, under `_newsprint/uploads/`), and deletes the records.
    /// Returns how many it aborted.
    fn abort_killed_uploads(&self, objects: &HashMap<String, ObjectMeta>) -> Result<usize, Error> {
        let (Some(multipart), Some(leased_at)) = (self.remote.multipart(), self.lock().leased_at)
        else {
            return Ok(0);
        };
        // Only this writer's own records: a shard or a merge never aborts another
        // writer's uploads, which may be under way (shards write side by side).
        let prefix = format!("{STATE_DIR}/{UPLOADS}/{}-", self.writer_name());
        let records: Vec<&String> = objects
            .iter()
            .filter(|(key, meta)| key.starts_with(&prefix) && meta.last_modified < leased_at)
            .map(|(key, _)| key)
            .collect();
        for key in &records {
            let named = self
                .remote
                .get_if_present(key)?
                .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
                .and_then(|r| {
                    let location = ObjectPath::parse(r["key"].as_str()?).ok()?;
                    Some((location, r["id"].as_str()?.to_string()))
                });
            if let Some((location, id)) = named {
                // An upload completed, or aborted already, is no longer there: no error.
                match self
                    .remote
                    .block_on(multipart.abort_multipart(&location, &id))
                {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(self.store_error(key)(e)),
                }
            }
        }
        let keys: Vec<String> = records.into_iter().cloned().collect();
        self.delete(&keys)?;
        self.lock().checkout.aborted_uploads = keys.len() as u64;
        Ok(keys.len())
    }

    fn delete(&self, keys: &[String]) -> Result<(), Error> {
        let deletes = keys.iter().map(|key| async move {
            match self.client.delete(&self.remote.location(key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(self.store_error(key)(e)),
            }
        });
        let done: Vec<Result<(), Error>> = self.remote.block_on(
            futures::stream::iter(deletes)
                .buffer_unordered(REQUESTS_AT_ONCE)
                .collect(),
        );
        let mut state = self.lock();
        for key in keys {
            state.stored.remove(key);
        }
        drop(state);
        done.into_iter().collect()
    }

    /// Deletes the objects older than the lease that this writer owns and no manifest in
    /// `work` names (parts), and `with_state`, its state files that the work folder no
    /// longer holds (only once the writer is done: a rebuild copies none in).
    fn remove_leftovers(&self, work: &Path, with_state: bool) -> Result<usize, Error> {
        let (Some(leased_at), known) = ({
            let state = self.lock();
            (state.leased_at, state.known.clone())
        }) else {
            return Ok(0);
        };
        let named = named_keys(work)?;
        let tables: HashSet<&str> = TABLES.iter().map(|t| t.name).collect();
        let mut leftovers = Vec::new();
        for (key, meta) in self.list()? {
            if meta.last_modified >= leased_at && !known.contains(&key) {
                continue;
            }
            let leftover = match key.split_once('/') {
                Some((table, file)) if tables.contains(table) => {
                    !named.contains(&key) && self.owns_part(file, known.contains(&key))
                }
                // A part that waits for no manifest: a killed or losing writer's upload.
                // One a manifest names is placed, not deleted.
                _ if waits_for(&key).is_some() => waits_for(&key).is_some_and(|part| {
                    let file = part.rsplit('/').next().unwrap_or(part);
                    !named.contains(part) && self.owns_part(file, known.contains(part))
                }),
                Some((STATE_DIR, name)) => {
                    with_state && self.owns_state(name) && !work.join(&key).is_file()
                }
                _ => false,
            };
            if leftover {
                leftovers.push(key);
            }
        }
        leftovers.sort();
        self.delete(&leftovers)?;
        Ok(leftovers.len())
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

/// This process's lease on run `run` and corpus step `generation`.
fn lease(run: u32, generation: u32) -> Lease {
    Lease {
        run,
        host: crate::lock::host_name(),
        pid: std::process::id(),
        started_unix: crate::unix_now(),
        generation,
    }
}

/// What tells a work-folder file changed since it was uploaded: its size and time.
type Stamp = (u64, Option<SystemTime>);

fn stamp(meta: &std::fs::Metadata) -> Stamp {
    (meta.len(), meta.modified().ok())
}

/// A manifest's bytes, and its file's stamp, taken before the bytes (a file renamed over
/// meanwhile only looks changed once more).
fn read_manifest(path: &Path) -> Result<(bytes::Bytes, Stamp), Error> {
    let read = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read)?;
    let bytes = std::fs::read(path).map_err(read)?;
    Ok((bytes.into(), stamp(&meta)))
}

/// The file of the part `key` (`table/file`) in the work folder: in its table's folder,
/// or in staging in the moment between a commit and its renames.
fn part_path(work: &Path, key: &str) -> PathBuf {
    match key.split_once('/') {
        Some((table, file)) => crate::layout::committed_part(work, table, file),
        None => work.join(key),
    }
}

/// Where a part waits in the store from its upload until the manifest naming it is put:
/// `_newsprint/pending/<table>/<file>`, outside the table folders readers glob. It is then
/// copied to its key and deleted ([`ObjectDataset::place`]).
pub fn pending_key(key: &str) -> String {
    format!("{STATE_DIR}/{PENDING}/{key}")
}

/// The part key a pending object waits for (`None` for any other key).
fn waits_for(key: &str) -> Option<&str> {
    key.strip_prefix(STATE_DIR)?
        .strip_prefix('/')?
        .strip_prefix(PENDING)?
        .strip_prefix('/')
}

const PENDING: &str = "pending";

/// Where the records of multipart uploads under way live, under `_newsprint/`.
const UPLOADS: &str = "uploads";

/// The key of the record of the multipart upload `id` by the writer `writer` (ids are any
/// text: hashed).
fn upload_record_key(writer: &str, id: &str) -> String {
    format!(
        "{STATE_DIR}/{UPLOADS}/{writer}-{:032x}.json",
        xxhash_rust::xxh3::xxh3_128(id.as_bytes())
    )
}

/// The next chunk of a multipart upload: [`CHUNK`] bytes (every part but the last must be
/// at least 5 MiB), fewer at the end, `None` past it.
fn read_chunk(file: &mut std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut chunk = Vec::with_capacity(CHUNK);
    file.take(CHUNK as u64).read_to_end(&mut chunk)?;
    Ok((!chunk.is_empty()).then_some(chunk))
}

/// Whether `key` is a manifest: the dataset's, or a shard's.
fn is_manifest_key(key: &str) -> bool {
    key == MANIFEST
        || key
            .strip_prefix(SHARDS_DIR)
            .is_some_and(|rest| rest.starts_with('/') && rest.ends_with(".json"))
}

/// The keys of the manifests in `work` (`manifest.json`, `shards/*.json`), sorted.
fn manifest_keys(work: &Path) -> Result<Vec<String>, Error> {
    let mut keys = Vec::new();
    if work.join(MANIFEST).is_file() {
        keys.push(MANIFEST.to_string());
    }
    let shards = work.join(SHARDS_DIR);
    if let Ok(entries) = std::fs::read_dir(&shards) {
        for entry in entries {
            let name = entry.map_err(io_error(&shards))?.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".json") {
                keys.push(format!("{SHARDS_DIR}/{name}"));
            }
        }
    }
    keys.sort();
    Ok(keys)
}

/// The parts every manifest in `work` names, as keys.
fn named_keys(work: &Path) -> Result<HashSet<String>, Error> {
    let mut named = HashSet::new();
    for key in manifest_keys(work)? {
        named.extend(Manifest::read(&work.join(&key))?.part_keys());
    }
    Ok(named)
}

/// The files of `work` as keys (`a/b`), every one.
fn local_files(work: &Path) -> Result<Vec<String>, Error> {
    let mut keys = Vec::new();
    walk(work, "", true, &mut keys)?;
    Ok(keys)
}

/// The keys of the files under `work/_newsprint` (`everything`: in subfolders too).
fn state_files(work: &Path, everything: bool) -> Result<Vec<String>, Error> {
    let mut keys = Vec::new();
    walk(&work.join(STATE_DIR), STATE_DIR, everything, &mut keys)?;
    keys.sort();
    Ok(keys)
}

fn walk(dir: &Path, key: &str, deep: bool, keys: &mut Vec<String>) -> Result<(), Error> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.map_err(io_error(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if key.is_empty() {
            name.clone()
        } else {
            format!("{key}/{name}")
        };
        let kind = entry.file_type().map_err(io_error(&entry.path()))?;
        if kind.is_dir() {
            if deep {
                walk(&entry.path(), &child, deep, keys)?;
            }
        } else {
            keys.push(child);
        }
    }
    Ok(())
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
