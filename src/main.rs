//! `newsprint`: turns raw OCR'd newspaper pages into clean articles and Parquet tables.
//!
//! The binary parses arguments, wires the stage crates together (`ingest` → `clean` →
//! `extract` → `aggregate`), runs them in parallel and reports. One file per subcommand
//! lives under `cmd/`.

mod allocator;
mod bench;
mod cmd;
mod config;
mod cputime;
mod interrupt;
mod pipeline;
mod prefetch;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Turn OCR'd newspaper pages into clean articles and analysis-ready Parquet tables.
#[derive(Parser)]
#[command(name = "newsprint", version, about, long_about = None)]
#[command(after_help = "Examples:\n  \
    newsprint run data/pages --out out\n  \
    newsprint run archive/2026/ extra.jsonl.gz --out dataset --published-date 2026-01-21\n  \
    newsprint run s3://archive/2026/ --out dataset --storage-option region=eu-west-1\n  \
    newsprint run archive/ --out /shared/ds --shard 3/16    (then: newsprint merge /shared/ds)\n  \
    newsprint stats out\n  \
    newsprint report out    (then open out/report.html)\n  \
    newsprint eval --gold data/gold\n  \
    newsprint bench --mb 50\n\n\
    Run `newsprint help run` for the tables written and the exit codes.")]
struct Cli {
    /// Options from this TOML file, one table per subcommand ([run], [merge], ...); flags
    /// given override them. Default: $NEWSPRINT_CONFIG, else ./newsprint.toml if present.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<std::path::PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read pages, clean them, extract entities and figures, write the Parquet dataset.
    Run(cmd::run::RunArgs),
    /// Join the shards of a sharded run: near-duplicates across shards, summary tables.
    Merge(cmd::merge::MergeArgs),
    /// Print the settings `newsprint run` would use (file and flags together) as TOML.
    Config(cmd::config::ConfigArgs),
    /// Summarise a written dataset from its Parquet: rows, statuses, cleaning, top entities.
    Stats(cmd::stats::StatsArgs),
    /// Write a dataset's report: one self-contained HTML page with charts (DIR/report.html).
    Report(cmd::report::ReportArgs),
    /// Measure MB/s and peak memory per stage and end to end, on pages of real news text (or the sample pages).
    Bench(bench::BenchArgs),
    /// Score cleaning and extraction against gold: pages (sentences, paragraphs, titles, authors, captions, figures, entities) and figures judged on real articles.
    Eval(cmd::eval::EvalArgs),
    /// Train the entity tagger on the MSRA training split (see data/models/).
    TrainEntities(cmd::train::TrainArgs),
}

fn main() -> ExitCode {
    allocator::set_up();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let source = config::locate(&argv);
    let argv = match config::apply(argv, source.as_deref(), &Cli::command(), |sub| match sub {
        "config" => "run",
        other => other,
    }) {
        Ok(argv) => argv,
        Err(err) => {
            eprintln!("newsprint: error: {err:#}");
            return ExitCode::from(2);
        }
    };
    let cli = Cli::parse_from(argv);
    let result = match cli.command {
        Command::Run(args) => cmd::run::run(args),
        Command::Bench(args) => bench::bench(args),
        Command::Stats(args) => cmd::stats::stats(args),
        Command::Report(args) => cmd::report::report(args),
        Command::Merge(args) => cmd::merge::merge(args),
        Command::Config(args) => cmd::config::config(args, source),
        Command::Eval(args) => cmd::eval::eval(args),
        Command::TrainEntities(args) => cmd::train::train_entities(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("newsprint: error: {err:#}");
            ExitCode::from(err.downcast_ref::<cmd::Usage>().map_or(1, |_| 2))
        }
    }
}
