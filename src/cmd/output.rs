//! The dataset a command writes: a folder, or a dataset in object storage written through a
//! local work folder (see `aggregate::publish`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};

/// Where a writer writes, and where its commits are published.
pub struct Output {
    /// The folder the writer writes: the dataset, or the work folder of one in object
    /// storage.
    pub dir: PathBuf,
    /// The dataset in object storage, for a URL.
    pub remote: Option<Arc<aggregate::ObjectDataset>>,
    /// The dataset as named on the command line, for messages.
    pub name: String,
    /// A work folder made for this command alone, removed with it.
    _temporary: Option<tempfile::TempDir>,
}

/// How to open an [`Output`].
pub struct OutputOptions<'a> {
    /// `--storage-option`s.
    pub storage: &'a [(String, String)],
    /// `--work-dir`: a work folder kept between runs (a later run copies only the parts it
    /// lacks); by default a temporary one.
    pub work_dir: Option<&'a Path>,
    /// Who writes.
    pub role: aggregate::Role,
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
                let temporary = tempfile::Builder::new()
                    .prefix("newsprint-work-")
                    .tempdir()
                    .context("cannot make a work folder (set --work-dir)")?;
                (temporary.path().to_path_buf(), Some(temporary))
            }
        };
        tracing::info!(dataset = %url, work = %dir.display(), "copying what the run reads of the dataset into the work folder");

        let remote = aggregate::ObjectDataset::checkout(
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
    pub fn publish(&self) -> Option<Arc<dyn aggregate::Publish>> {
        self.remote.clone().map(|r| {
            Arc::new(aggregate::PublishBehind::new(
                r as Arc<dyn aggregate::Publish>,
            )) as Arc<dyn aggregate::Publish>
        })
    }
}
