//! Subcommands, one file each, and what more than one of them needs.

use anyhow::Context as _;

pub mod bench;
pub mod config;
pub mod eval;
pub mod hostile;
pub mod merge;
mod numbers;
mod output;
pub mod realistic;
pub mod report;
pub mod run;
pub mod stats;
pub mod train;

/// A usage error: the run could not start because of what was asked (exit code 2).
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// For a dataset in object storage, its committed manifest and parts copied into a
/// temporary folder (removed when dropped); `None` for a local dataset.
pub(crate) fn local_copy(
    dataset: &std::path::Path,
    options: &[(String, String)],
) -> anyhow::Result<Option<tempfile::TempDir>> {
    match dataset.to_str().filter(|d| ingest::is_url(d)) {
        Some(url) => aggregate::remote::copy(url, options)
            .map(Some)
            .with_context(|| format!("cannot read the dataset {url}")),
        None => Ok(None),
    }
}

/// Peak resident memory of this process, from `/proc/self/status` (Linux only).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
