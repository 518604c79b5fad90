//! What a writer puts into the store and takes out of it: parts uploaded to wait for their
//! manifest and then placed, state files, multipart uploads (and those killed writers left),
//! and the leftovers a commit or a killed writer leaves behind.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectMeta, ObjectStoreExt, PutMode, PutOptions};

use super::keys::*;
use super::publish::{ObjectDataset, Role, CHUNK, REQUESTS_AT_ONCE};
use crate::layout::{Manifest, STATE_DIR};
use crate::names::WriterTag;
use crate::schema::TABLES;
use crate::Error;

impl ObjectDataset {
    /// Uploads the parts `manifest` names (for a merge, the shards' manifests' too) that the
    /// store lacks, each only if no object has its name, to where they wait for the
    /// manifest ([`pending_key`]). Returns their keys, for [`ObjectDataset::place`] once the
    /// manifest is put.
    pub(super) fn upload_parts(
        &self,
        work: &Path,
        manifest: &Manifest,
    ) -> Result<Vec<String>, Error> {
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
    pub(super) fn place(&self, keys: &[String]) -> Result<(), Error> {
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
    pub(super) fn publish_commit(&self, out: &Path) -> Result<Vec<String>, Error> {
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
    pub(super) fn upload_state(&self, work: &Path, everything: bool) -> Result<(), Error> {
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
    pub(super) fn upload(&self, work: &Path, keys: &[String], create: bool) -> Result<(), Error> {
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
    pub(super) fn writer_name(&self) -> String {
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
    pub(super) fn abort_killed_uploads(
        &self,
        objects: &HashMap<String, ObjectMeta>,
    ) -> Result<usize, Error> {
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

    pub(super) fn delete(&self, keys: &[String]) -> Result<(), Error> {
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
    pub(super) fn remove_leftovers(&self, work: &Path, with_state: bool) -> Result<usize, Error> {
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
