//! `bench --incremental N`: a run over N pages, then one over 1 % more, then one that adds
//! nothing.

use std::process::ExitCode;

use anyhow::Result;

use super::args::BenchArgs;
use super::common::{scratch_folder, timed_run};
use super::corpus::generate_pages;

/// `--incremental N`: a dataset of N pages, then 1 % more.
pub fn incremental_bench(pages: &[String], n: u32, args: &BenchArgs) -> Result<ExitCode> {
    let (scratch, _removed_at_end) = scratch_folder(args.dir.as_deref(), "newsprint-bench-inc-")?;
    let corpus = scratch.join("corpus");
    let out = scratch.join("out");
    // A corpus left in `--dir` by an earlier bench may hold more pages than this one makes.
    let _ = std::fs::remove_dir_all(&corpus);
    let _ = std::fs::remove_dir_all(&out);
    let threads = args.threads.iter().copied().max().unwrap_or(1).to_string();
    let extra = ["--threads", threads.as_str()];
    let bytes = generate_pages(pages, 0..n, &corpus)?;
    println!(
        "corpus: {n} pages, {:.1} MB, in {}",
        bytes as f64 / 1e6,
        corpus.display()
    );
    let line = |what: &str, s: &serde_json::Value| {
        let secs = s["seconds"].as_f64().unwrap_or(0.0);
        let rss = s["peak_rss_bytes"].as_u64().unwrap_or(0) >> 20;
        println!(
            "{what:<28} {secs:>8.2} s  {:>6} new  {:>6} unchanged  peak RSS {rss} MiB",
            s["new_documents"], s["unchanged_documents"]
        );
        secs
    };
    println!(
        "
run                            seconds"
    );
    // An archive's files are older than the run that reads them; a file written in the two
    // seconds before a run is read again by the next (see `ingest::Fingerprint`).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let full = line("full run", &timed_run(&corpus, &out, &extra)?);
    let added = (n / 100).max(1);
    generate_pages(pages, n..n + added, &corpus)?;
    let incremental = line(
        &format!("add {added} pages (1 %)"),
        &timed_run(&corpus, &out, &extra)?,
    );
    let nothing = line("rerun, nothing new", &timed_run(&corpus, &out, &extra)?);
    println!(
        "
incremental / full: {:.1} %   (nothing new: {:.1} %; goal: under 5 %)",
        100.0 * incremental / full.max(1e-9),
        100.0 * nothing / full.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
