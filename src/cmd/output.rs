//! The dataset a command writes: a folder, or a dataset in object storage written through a
//! local work folder (see `dataset::store::publish`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};

/// Where a writer writes, and where its commits are published.
pub struct Output {
    /// The folder the writer writes: the dataset, or the work folder of one in object
    /// storage.
    pub dir: PathBuf,
    /// The dataset in object storage, for a URL.
    pub remote: Option<Arc<dataset::store::publish::ObjectDataset>>,
    /// The dataset as named on the command line, for messages.
    pub name: String,
    /// A work folder made for this command alone, removed with it.
    _temporary: Option<WorkFolder>,
}

/// A temporary work folder, and the lock on its `.owner` file beside it that says a live
/// process uses it: the next writer removes the folders of writers that were killed.
struct WorkFolder {
    dir: tempfile::TempDir,
    owner: PathBuf,
    _lock: std::fs::File,
}

impl Drop for WorkFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.owner);
        let _ = std::fs::remove_dir_all(self.dir.path());
    }
}

/// The prefix of temporary work folders' names.
const WORK_PREFIX: &str = "newsprint-work-";

/// The `.owner` file beside the work folder `dir`.
fn owner_path(dir: &Path) -> PathBuf {
    let mut name = dir.as_os_str().to_owned();
    name.push(".owner");
    PathBuf::from(name)
}

/// Makes a temporary work folder in `parent`, owned by this process, after removing the
/// work folders there of writers that were killed (their owner's lock is free); a folder
/// with no owner file (made by an earlier newsprint) goes once it is a day old. Returns the
/// folder and how many stale ones went.
fn new_work_folder(parent: &Path) -> std::io::Result<(WorkFolder, usize)> {
    let removed = remove_stale_work_folders(parent);
    let dir = tempfile::Builder::new()
        .prefix(WORK_PREFIX)
        .tempdir_in(parent)?;
    let owner = owner_path(dir.path());
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&owner)?;
    // (Waits out another process's check of it, which holds the lock a moment.)
    lock.lock()?;
    Ok((
        WorkFolder {
            dir,
            owner,
            _lock: lock,
        },
        removed,
    ))
}

fn remove_stale_work_folders(parent: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let day = std::time::Duration::from_secs(24 * 3600);
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !name.starts_with(WORK_PREFIX) || name.ends_with(".owner") || !path.is_dir() {
            continue;
        }
        let owner = owner_path(&path);
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok());
        let stale = match std::fs::OpenOptions::new().write(true).open(&owner) {
            // Lockable: its process is gone (the kernel released its lock); unless it was
            // made a moment ago, by a process about to lock it.
            Ok(file) => {
                file.try_lock().is_ok()
                    && age.is_some_and(|a| a > std::time::Duration::from_secs(60))
            }
            Err(_) => age.is_some_and(|age| age > day),
        };
        if stale && std::fs::remove_dir_all(&path).is_ok() {
            let _ = std::fs::remove_file(&owner);
            tracing::info!(folder = %path.display(), "removed the work folder of a writer that was killed");
            removed += 1;
        }
    }
    removed
}

/// How to open an [`Output`].
pub struct OutputOptions<'a> {
    /// `--storage-option`s.
    pub storage: &'a [(String, String)],
    /// `--work-dir`: a work folder kept between runs (a later run copies only the parts it
    /// lacks); by default a temporary one.
    pub work_dir: Option<&'a Path>,
    /// Who writes.
    pub role: dataset::store::publish::Role,
    /// A rebuild (`--full`): only the manifests are copied in.
    pub full: bool,
    /// Take the dataset for writing; without it, only read it (`--dry-run`).
    pub lease: bool,
}

impl Output {
    /// The dataset `out` names: a local folder as it is (a `file://` URL as its path), or
    /// one in object storage checked out into a work folder.
    pub fn open(out: &Path, options: OutputOptions<'_>) -> Result<Self> {
        let name = out.display().to_string();
        let url = match out.to_str() {
            Some(url) if url.starts_with("file://") => {
                let path = PathBuf::from(url.trim_start_matches("file://"));
                return Ok(Output::local(path, name));
            }
            Some(url) if ingest::is_url(url) => url,
            _ => return Ok(Output::local(out.to_path_buf(), name)),
        };
        let (dir, temporary) = match options.work_dir {
            Some(dir) => (dir.to_path_buf(), None),
            None => {
                let (temporary, _) = new_work_folder(&std::env::temp_dir())
                    .context("cannot make a work folder (set --work-dir)")?;
                (temporary.dir.path().to_path_buf(), Some(temporary))
            }
        };
        tracing::info!(dataset = %url, work = %dir.display(), "copying what the run reads of the dataset into the work folder");

        let remote = dataset::store::publish::ObjectDataset::checkout(
            url,
            options.storage,
            &dir,
            options.role,
            options.full,
            options.lease,
        )
        .with_context(|| format!("cannot write to {url}"))?;
        let copied = remote.checkout_copied();
        tracing::info!(
            copied = copied.copied,
            mb = copied.copied_bytes as f64 / 1e6,
            held = copied.held,
            "the work folder holds what the run reads of the dataset (held: parts kept from an earlier run, not copied again)"
        );
        if copied.aborted_uploads > 0 {
            tracing::info!(
                uploads = copied.aborted_uploads,
                "aborted the unfinished multipart uploads of writers that were killed"
            );
        }
        Ok(Output {
            dir,
            remote: Some(Arc::new(remote)),
            name,
            _temporary: temporary,
        })
    }

    fn local(dir: PathBuf, name: String) -> Self {
        Output {
            dir,
            remote: None,
            name,
            _temporary: None,
        }
    }

    /// What the writer publishes its commits through: the store, behind the writer (a
    /// segment's parts go up while the next is processed).
    pub fn publish(&self) -> Option<Arc<dyn dataset::store::publish::Publish>> {
        self.remote.clone().map(|r| {
            Arc::new(dataset::store::publish_behind::PublishBehind::new(
                r as Arc<dyn dataset::store::publish::Publish>,
            )) as Arc<dyn dataset::store::publish::Publish>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_writers_work_folder_goes_and_a_live_ones_stays() {
        let parent = tempfile::tempdir().expect("tempdir");
        let (live, removed) = new_work_folder(parent.path()).expect("work folder");
        assert_eq!(removed, 0);
        // A killed writer's: its owner file is there, and nobody holds its lock.
        let dead = parent.path().join(format!("{WORK_PREFIX}dead"));
        std::fs::create_dir_all(dead.join("articles")).expect("mkdir");
        std::fs::write(owner_path(&dead), b"").expect("owner");
        // (Killed two hours ago: a folder made a moment ago may be about to be locked.)
        let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        std::fs::File::open(&dead)
            .and_then(|f| f.set_modified(earlier))
            .expect("set the folder's time");
        // One with an owner file nobody has locked yet, made a moment ago: kept.
        let starting = parent.path().join(format!("{WORK_PREFIX}starting"));
        std::fs::create_dir_all(&starting).expect("mkdir");
        std::fs::write(owner_path(&starting), b"").expect("owner");
        // One being made by an earlier newsprint, without an owner file: kept (it is new).
        let young = parent.path().join(format!("{WORK_PREFIX}young"));
        std::fs::create_dir_all(&young).expect("mkdir");
        let (second, removed) = new_work_folder(parent.path()).expect("work folder");
        assert_eq!(removed, 1);
        assert!(!dead.exists() && !owner_path(&dead).exists());
        assert!(live.dir.path().is_dir() && young.is_dir() && starting.is_dir());
        let kept = live.dir.path().to_path_buf();
        drop(live);
        assert!(!kept.exists() && !owner_path(&kept).exists());
        drop(second);
    }
}
