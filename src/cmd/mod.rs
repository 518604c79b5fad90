//! Subcommands, one file each.

pub mod bench;
pub mod config;
pub mod eval;
pub mod hostile;
pub mod merge;
mod numbers;
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

/// Peak resident memory of this process, from `/proc/self/status` (Linux only).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
