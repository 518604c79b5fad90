//! `newsprint bench`: a generated corpus, per-stage throughput, and end-to-end runs.
//!
//! The corpus is pages laid out from real news sentences (`realistic.rs`: the MSRA training
//! text, fetched and cached at bench time), or with `--corpus sample` the sample pages
//! varied (numbers changed, paragraphs rotated); either way it mixes the encodings and
//! compression newsprint reads (UTF-8, GB18030, UTF-16LE with BOM, gzip). Stages are timed one after another on one thread, in this process; the
//! end-to-end figures come from `newsprint run` child processes at each thread count, whose
//! own peak memory they report.

mod args;
mod common;
mod corpus;
mod hostile;
mod incremental;
mod near_dup;
mod realistic;
mod rng;
mod stages;

use std::process::ExitCode;

use anyhow::{bail, Context, Result};

pub use args::BenchArgs;
use common::{read_pages, scratch_folder};
use incremental::incremental_bench;
use near_dup::near_duplicate_bench;

/// Runs the benchmark; see the module docs.
pub fn bench(args: BenchArgs) -> Result<ExitCode> {
    let pages_dir = crate::cmd::data_files::locate(&args.pages, "sample pages folder")
        .context("pass --pages DIR")?;
    let pages = read_pages(&pages_dir)?;
    if let Some(n) = args.incremental {
        return incremental_bench(&pages, n, &args);
    }
    if let Some(n) = args.articles {
        return near_duplicate_bench(&pages, n, args.short);
    }
    let (scratch, _removed_at_end) = scratch_folder(args.dir.as_deref(), "newsprint-bench-")?;
    if args.hostile {
        if args.hostile_mb.is_empty() || args.hostile_mb.iter().any(|&mb| mb.is_nan() || mb <= 0.0)
        {
            bail!("--hostile-mb takes sizes above 0, such as 0.5,4");
        }
        return hostile::hostile_bench(&pages[0], &args.hostile_mb, &scratch.join("hostile"));
    }
    stages::stage_bench(&pages, &args, &scratch)
}
