//! `newsprint stats`: a written dataset's summary, read from its Parquet alone.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

/// Arguments of `newsprint stats`.
#[derive(Args, Debug)]
#[command(
    after_long_help = "Examples:\n  newsprint stats out\n  newsprint stats out --json | jq .documents"
)]
pub struct StatsArgs {
    /// The dataset folder a `newsprint run` wrote.
    #[arg(value_name = "DIR")]
    pub out: PathBuf,

    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn percent(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

/// Prints the summary; see the module docs.
pub fn stats(args: StatsArgs) -> Result<ExitCode> {
    let stats = aggregate::stats::stats(&args.out)
        .with_context(|| format!("cannot read the dataset in {}", args.out.display()))?;
    if args.json {
        println!("{}", serde_json::to_string(&stats)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "newsprint dataset {} (schema {})",
        args.out.display(),
        stats
            .schema_version
            .map_or("?".to_string(), |v| v.to_string())
    );
    println!("\ntables");
    for (table, rows) in &stats.rows {
        println!("  {table:<16} {rows:>10} rows");
    }
    let statuses: Vec<String> = stats
        .documents
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    println!("\ndocuments  {}", statuses.join(", "));
    let chars = |k: &str| stats.chars.get(k).copied().unwrap_or(0);
    let chars_in = chars("in");
    println!(
        "characters {} in, {} out ({:.1} %); removed: duplicate passages {:.1} %, captions and credits {:.1} %, furniture {:.1} %",
        chars_in,
        chars("out"),
        percent(chars("out"), chars_in),
        percent(chars("removed_duplicate"), chars_in),
        percent(chars("removed_caption"), chars_in),
        percent(chars("removed_noise"), chars_in),
    );
    let articles = stats.rows.get("articles").copied().unwrap_or(0);
    println!(
        "articles   {articles}, of which {} repeat an earlier one ({:.1} %)",
        stats.copied_articles,
        percent(stats.copied_articles, articles)
    );
    for (kind, top) in &stats.top_entities {
        println!("\ntop {kind} (mentions, articles)");
        for (name, mentions, n_articles) in top {
            println!("  {name}  {mentions}  {n_articles}");
        }
    }
    if !stats.top_figures.is_empty() {
        println!("\nfigures (kind, unit, count, median)");
        for (kind, unit, count, median) in &stats.top_figures {
            println!(
                "  {kind:<9} {:<6} {count:>7}  {}",
                unit.as_deref().unwrap_or("-"),
                median.map_or("-".to_string(), |m| m.to_string())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
