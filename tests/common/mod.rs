//! What the end-to-end tests share: starting the binary, with a watchdog, and reading a
//! table back the way a folder reader does.
// Each test file uses some of these helpers, not all.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use polars::prelude::*;

/// The checkout, where the binary runs (so `data/...` paths resolve).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `newsprint ARGS`, ready to run, logging warnings and errors only.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsprint"));
    command
        .current_dir(root())
        .env("NEWSPRINT_LOG", "warn")
        .args(args);
    command
}

/// Runs newsprint to the end.
pub fn newsprint(args: &[&str]) -> Output {
    command(args).output().expect("newsprint runs")
}

/// Runs newsprint, failing the test if it has not finished within `limit`: what a hang
/// (or time far worse than linear) looks like from outside.
pub fn newsprint_within(args: &[&str], limit: Duration) -> Output {
    let mut child = command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("newsprint {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// `newsprint run INPUTS --out OUT EXTRA`, within five minutes.
pub fn run(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["run".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.push("--out".into());
    args.push(out.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    newsprint_within(&args, Duration::from_secs(300))
}

/// [`run`], which must succeed.
pub fn run_ok(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let output = run(inputs, out, extra);
    assert!(
        output.status.success(),
        "newsprint run {inputs:?} --out {out:?} {extra:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Every part of a table that a folder reader finds (`*.parquet`), in name order.
pub fn table(out: &Path, name: &str) -> DataFrame {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(out.join(name))
        .expect("table folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    parts.sort();
    assert!(!parts.is_empty(), "{name} has no parts");
    let mut frames = parts.iter().map(|p| {
        ParquetReader::new(File::open(p).expect("open part"))
            .finish()
            .expect("read part")
    });
    let mut df = frames.next().expect("one part");
    for f in frames {
        df.vstack_mut(&f).expect("same schema");
    }
    df
}

/// A string column's values.
pub fn strings(df: &DataFrame, column: &str) -> Vec<Option<String>> {
    df.column(column)
        .expect("column")
        .str()
        .expect("string column")
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}
