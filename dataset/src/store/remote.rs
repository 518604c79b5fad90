//! A dataset in object storage (`s3://bucket/dataset`, `file:///path`), read by `stats` and
//! `report`: its manifest, then the parts the manifest names, are copied into a local
//! folder that is read as any dataset. Parts no manifest names (a run under way, or one
//! killed) are never copied, so what is read is a committed dataset.

use std::path::Path;

use crate::layout::{Manifest, MANIFEST};
use crate::schema::TABLES;
use crate::{io_error, Error};

/// Copies the committed dataset at `url` into a new temporary folder, removed when the
/// returned handle is dropped.
pub fn copy(url: &str, options: &[(String, String)]) -> Result<tempfile::TempDir, Error> {
    let remote = ingest::Remote::open(url, options)?;
    let dir = tempfile::Builder::new()
        .prefix("newsprint-dataset-")
        .tempdir()
        .map_err(io_error(&std::env::temp_dir()))?;
    let Some(manifest_bytes) = remote.get_if_present(MANIFEST)? else {
        let detail = if remote.holds_any_under(crate::layout::SHARDS_DIR)? {
            format!("{url} holds shards that are not merged yet (no {MANIFEST}): run `newsprint merge {url}`, then read it")
        } else {
            format!("{url} holds no newsprint dataset (no {MANIFEST})")
        };
        return Err(Error::Layout(detail));
    };
    let manifest_path = dir.path().join(MANIFEST);
    write(&manifest_path, &manifest_bytes)?;
    let manifest = Manifest::read(&manifest_path)?;
    for table in TABLES {
        let folder = dir.path().join(table.name);
        std::fs::create_dir_all(&folder).map_err(io_error(&folder))?;
    }
    for key in manifest.part_keys() {
        // A part a writer killed after putting the manifest never placed waits in pending.
        // (Placed between the two reads, it is at its key again.)
        let bytes = match remote.get_if_present(&key)? {
            Some(bytes) => bytes,
            None => match remote.get_if_present(&crate::store::keys::pending_key(&key))? {
                Some(bytes) => bytes,
                None => remote.get(&key)?,
            },
        };
        write(&dir.path().join(&key), &bytes)?;
    }
    Ok(dir)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(io_error(path))
}
