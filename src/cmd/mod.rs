//! Subcommands, one file each, and what more than one of them needs.

use anyhow::Context as _;

pub(crate) mod cli;
pub mod config;
pub(crate) mod data_files;
pub mod eval;
pub mod merge;
mod numbers;
mod output;
pub mod report;
pub mod run;
pub mod stats;
pub mod train;

/// `--storage-option`, for every subcommand that reaches object storage.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StorageArgs {
    /// A setting of the object store for `s3://` URLs (inputs, a dataset), after the
    /// standard AWS environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
    /// AWS_ENDPOINT…): `endpoint`, `region`, `allow_http`, `virtual_hosted_style_request`…
    /// for an S3-compatible server (`--storage-option endpoint=http://minio:9000
    /// --storage-option allow_http=true`). Repeat it for more settings.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_storage_option)]
    pub storage_option: Vec<(String, String)>,
}

fn parse_storage_option(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(key, _)| !key.trim().is_empty())
        .map(|(key, value)| (key.trim().to_string(), value.to_string()))
        .ok_or_else(|| format!("{s:?} is not KEY=VALUE"))
}

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
        Some(url) => dataset::store::remote::copy(url, options)
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
