//! `newsprint merge`: joins the shards of a sharded run into one dataset.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use super::cli::{parse_fraction, LogFormat};

/// Arguments of `newsprint merge`.
#[derive(Args, Debug)]
#[command(after_long_help = "\
Each shard of a sharded run (`newsprint run --shard I/N --out DIR`, one per machine) writes
its parts into the table folders of DIR and its manifest to DIR/shards/. Merge checks that
every shard completed, then runs the corpus-wide steps over all their parts: near-duplicate
articles across shards (articles.duplicate_of), entity_counts and quantity_counts. It
writes DIR/manifest.json naming every part, then DIR/_SUCCESS, which a scheduler can wait
on. The result holds the same rows as one unsharded run over the same inputs. DIR may be a
dataset in object storage (s3://bucket/dataset) that the shards wrote there.

Exit codes:
  0  merged
  1  a shard is missing or incomplete, a shard or another merge is writing the dataset
     (the dataset is busy), or the dataset could not be read or written
  2  bad usage

Examples:
  newsprint merge /shared/newsprint/2026-11
  newsprint merge s3://archive/newsprint/2026-11 --storage-option region=eu-west-1")]
pub struct MergeArgs {
    /// The dataset the shards wrote to: a folder, or a URL in object storage.
    #[arg(value_name = "DIR|URL")]
    pub out: PathBuf,

    /// For a dataset in object storage: the local folder the merge works in (see
    /// `newsprint run --help`); by default a temporary one.
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,

    #[command(flatten)]
    pub storage: super::StorageArgs,

    /// Jaccard similarity of character 3-grams at or above which an article repeats an
    /// earlier one (see `newsprint run --help`).
    #[arg(long, value_name = "J", default_value_t = 0.8, value_parser = parse_fraction)]
    pub near_dup_threshold: f32,

    /// Skip the near-duplicate search.
    #[arg(long)]
    pub no_near_dup: bool,

    /// Format of the logs on stderr and of the final line: text, or JSON for schedulers.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Merges; see [`MergeArgs`].
pub fn merge(args: MergeArgs) -> Result<ExitCode> {
    // The corpus step's warnings (a state file rebuilt, a lock taken over) must be seen.
    super::cli::init_logging(args.log_format);
    let started = Instant::now();
    let options = (!args.no_near_dup).then(|| corpus::neardup::NearDupOptions {
        threshold: args.near_dup_threshold,
        ..Default::default()
    });
    // The corpus step's tasks run on every core, as a run's do unless --threads says less.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = crate::pipeline::Workers::new(threads).context("cannot start worker threads")?;
    let output = super::output::Output::open(
        &args.out,
        super::output::OutputOptions {
            storage: &args.storage.storage_option,
            work_dir: args.work_dir.as_deref(),
            role: dataset::store::publish::Role::Merge,
            full: false,
            lease: true,
        },
    )?;
    let publish = output.publish();
    let mut report = aggregate::merge(
        &output.dir,
        options.as_ref(),
        &workers.corpus_runner(),
        publish.as_deref(),
    )
    .with_context(|| format!("cannot merge {}", output.name))?;
    report.out = PathBuf::from(&output.name);
    super::run::warn_repaired(report.corpus.as_ref());
    let copies = report
        .corpus
        .as_ref()
        .map_or(0, |c| c.near_duplicate_articles);
    let secs = started.elapsed().as_secs_f64();
    let text = if args.log_format == LogFormat::Json {
        serde_json::json!({
            "event": "merged",
            "out": report.out.display().to_string(),
            "rows": report.rows,
            "documents": report.documents,
            "near_duplicate_articles": copies,
            "seconds": secs,
        })
        .to_string()
    } else {
        let mut lines = vec![
            format!("newsprint: merged {} in {secs:.2} s", report.out.display()),
            format!("  articles that repeat an earlier article: {copies}"),
            "  rows".to_string(),
        ];
        for (table, rows) in &report.rows {
            lines.push(format!("    {table:<16} {rows:>9}"));
        }
        lines.join("\n")
    };
    let _ = writeln!(std::io::stdout(), "{text}");
    Ok(ExitCode::SUCCESS)
}
