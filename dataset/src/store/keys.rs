//! Where things are, in the store and in the work folder it is written through: the keys of
//! manifests, parts and waiting parts, the records of multipart uploads, the work folder's
//! files as keys, and the stamps that tell a file changed since it went up.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::publish::CHUNK;
use crate::layout::{Lease, Manifest, MANIFEST, SHARDS_DIR, STATE_DIR};
use crate::{io_error, Error};

/// This process's lease on run `run` and corpus step `generation`.
pub(super) fn lease(run: u32, generation: u32) -> Lease {
    Lease {
        run,
        host: crate::lock::host_name(),
        pid: std::process::id(),
        started_unix: crate::unix_now(),
        generation,
    }
}

/// What tells a work-folder file changed since it was uploaded: its size and time.
pub(super) type Stamp = (u64, Option<SystemTime>);

pub(super) fn stamp(meta: &std::fs::Metadata) -> Stamp {
    (meta.len(), meta.modified().ok())
}

/// A manifest's bytes, and its file's stamp, taken before the bytes (a file renamed over
/// meanwhile only looks changed once more).
pub(super) fn read_manifest(path: &Path) -> Result<(bytes::Bytes, Stamp), Error> {
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
pub(super) fn part_path(work: &Path, key: &str) -> PathBuf {
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
pub(super) fn waits_for(key: &str) -> Option<&str> {
    key.strip_prefix(STATE_DIR)?
        .strip_prefix('/')?
        .strip_prefix(PENDING)?
        .strip_prefix('/')
}

pub(super) const PENDING: &str = "pending";

/// Where the records of multipart uploads under way live, under `_newsprint/`.
pub(super) const UPLOADS: &str = "uploads";

/// The key of the record of the multipart upload `id` by the writer `writer` (ids are any
/// text: hashed).
pub(super) fn upload_record_key(writer: &str, id: &str) -> String {
    format!(
        "{STATE_DIR}/{UPLOADS}/{writer}-{:032x}.json",
        xxhash_rust::xxh3::xxh3_128(id.as_bytes())
    )
}

/// The next chunk of a multipart upload: [`CHUNK`] bytes (every part but the last must be
/// at least 5 MiB), fewer at the end, `None` past it.
pub(super) fn read_chunk(file: &mut std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut chunk = Vec::with_capacity(CHUNK);
    file.take(CHUNK as u64).read_to_end(&mut chunk)?;
    Ok((!chunk.is_empty()).then_some(chunk))
}

/// Whether `key` is a manifest: the dataset's, or a shard's.
pub(super) fn is_manifest_key(key: &str) -> bool {
    key == MANIFEST
        || key
            .strip_prefix(SHARDS_DIR)
            .is_some_and(|rest| rest.starts_with('/') && rest.ends_with(".json"))
}

/// The keys of the manifests in `work` (`manifest.json`, `shards/*.json`), sorted.
pub(super) fn manifest_keys(work: &Path) -> Result<Vec<String>, Error> {
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
pub(super) fn named_keys(work: &Path) -> Result<HashSet<String>, Error> {
    let mut named = HashSet::new();
    for key in manifest_keys(work)? {
        named.extend(Manifest::read(&work.join(&key))?.part_keys());
    }
    Ok(named)
}

/// The files of `work` as keys (`a/b`), every one.
pub(super) fn local_files(work: &Path) -> Result<Vec<String>, Error> {
    let mut keys = Vec::new();
    walk(work, "", true, &mut keys)?;
    Ok(keys)
}

/// The keys of the files under `work/_newsprint` (`everything`: in subfolders too).
pub(super) fn state_files(work: &Path, everything: bool) -> Result<Vec<String>, Error> {
    let mut keys = Vec::new();
    walk(&work.join(STATE_DIR), STATE_DIR, everything, &mut keys)?;
    keys.sort();
    Ok(keys)
}

pub(super) fn walk(dir: &Path, key: &str, deep: bool, keys: &mut Vec<String>) -> Result<(), Error> {
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
