//! What the benches share: the stages they time in process, the sample pages, timing, and
//! runs of `newsprint run` as child processes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use records::Stages;

/// The stages the benches time in process: detected encodings, the sample pages' date for
/// pages without one, no furniture lines, and `extractor`.
pub fn bench_stages(extractor: extract::Extractor) -> Stages {
    Stages {
        decode: ingest::DecodeOptions::default(),
        clean: clean::CleanOptions {
            fallback_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 21),
            furniture: None,
            drop: Vec::new(),
            no_builtin: false,
        },
        extractor,
        detected: Default::default(),
    }
}

/// The sample pages of `dir`, decoded.
pub fn read_pages(dir: &Path) -> Result<Vec<String>> {
    let sources = ingest::discover(&[dir.to_path_buf()])
        .with_context(|| format!("cannot read sample pages in {}", dir.display()))?;
    let pages: Vec<String> = ingest::read(sources, ingest::ReadOptions::default())
        .map(|raw| ingest::decode(raw, &ingest::DecodeOptions::default()))
        .filter(|d| d.status == ingest::Status::Ok)
        .map(|d| d.text)
        .collect();
    if pages.is_empty() {
        bail!("no pages in {}", dir.display());
    }
    Ok(pages)
}

/// Runs `stage` three times: the shortest time, and the last result.
pub fn fastest_of_3<T>(mut stage: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut result = None;
    for _ in 0..3 {
        let t = Instant::now();
        let out = stage();
        best = best.min(t.elapsed().as_secs_f64());
        result = Some(out);
    }
    (best, result.expect("three runs"))
}

/// Megabytes a second.
pub fn rate(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs.max(1e-9)
}

/// One `newsprint run` child process over `corpus` into `out`: its final JSON line.
/// End-to-end runs per thread count.
pub const E2E_RUNS: usize = 3;

pub fn timed_run(corpus: &Path, out: &Path, extra: &[&str]) -> Result<serde_json::Value> {
    let exe = std::env::current_exe().context("cannot find the newsprint executable")?;
    let output = Command::new(&exe)
        .args([
            "run",
            "--log-format",
            "json",
            "--published-date",
            "2026-01-21",
        ])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(corpus)
        .output()
        .context("cannot start newsprint run")?;
    if !output.status.success() {
        bail!(
            "newsprint run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("{}"))
        .context("cannot read the run's summary")
}

/// The bench's scratch folder: `--dir` as given (kept for a look afterwards), else a
/// temporary folder that is removed when the bench ends, by an error or a panic too.
pub fn scratch_folder(
    dir: Option<&std::path::Path>,
    prefix: &str,
) -> Result<(PathBuf, Option<tempfile::TempDir>)> {
    match dir {
        Some(dir) => Ok((dir.to_path_buf(), None)),
        None => {
            let temp = tempfile::Builder::new()
                .prefix(prefix)
                .tempdir()
                .context("cannot make a scratch folder")?;
            Ok((temp.path().to_path_buf(), Some(temp)))
        }
    }
}
