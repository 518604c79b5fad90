//! `newsprint stats`: a written dataset's summary, read from its Parquet alone.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::numbers::{grouped, percent, readable};
use clap::Args;

/// Arguments of `newsprint stats`.
#[derive(Args, Debug)]
#[command(
    after_long_help = "Exit codes:\n  0  the summary was printed\n  1  the dataset cannot be read (not a newsprint dataset, a part missing or damaged)\n  2  bad usage\n\nExamples:\n  newsprint stats out\n  newsprint stats out --json | jq .documents"
)]
pub struct StatsArgs {
    /// The dataset folder a `newsprint run` wrote, or its copy in object storage
    /// (`s3://bucket/dataset`: the manifest and the parts it names are read).
    #[arg(value_name = "DIR")]
    pub out: PathBuf,

    #[command(flatten)]
    pub storage: super::StorageArgs,

    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Prints the summary; see the module docs.
pub fn stats(args: StatsArgs) -> Result<ExitCode> {
    let copied = super::local_copy(&args.out, &args.storage.storage_option)?;
    let dir = copied.as_ref().map_or(args.out.as_path(), |d| d.path());
    let stats = dataset::read::stats::stats(dir)
        .with_context(|| format!("cannot read the dataset in {}", args.out.display()))?;
    if args.json {
        return print(&format!("{}\n", serde_json::to_string(&stats)?));
    }
    let mut out = String::new();
    writeln!(
        out,
        "newsprint dataset {} (schema {})",
        args.out.display(),
        stats
            .schema_version
            .map_or("?".to_string(), |v| v.to_string())
    )?;
    if let Some(unfinished) = &stats.unfinished {
        writeln!(out, "\nunfinished: {unfinished}")?;
    }
    writeln!(out, "\ntables")?;
    for (table, rows) in &stats.rows {
        writeln!(out, "  {table:<16} {:>12} rows", grouped(*rows))?;
    }
    let statuses: Vec<String> = stats
        .documents
        .iter()
        .map(|(s, n)| format!("{} {s}", grouped(*n)))
        .collect();
    writeln!(out, "\ndocuments  {}", statuses.join(", "))?;
    let chars = |k: &str| stats.chars.get(k).copied().unwrap_or(0);
    let chars_in = chars("in");
    writeln!(out,
        "characters {} in, {} in articles' text ({:.1} %); removed: duplicate passages {:.1} %, captions and credits {:.1} %, furniture {:.1} %; the rest are titles, bylines, datelines and layout (in their own columns, or white space)",
        grouped(chars_in),
        grouped(chars("out")),
        percent(chars("out"), chars_in),
        percent(chars("removed_duplicate"), chars_in),
        percent(chars("removed_caption"), chars_in),
        percent(chars("removed_furniture"), chars_in),
    )?;
    let articles = stats.rows.get("articles").copied().unwrap_or(0);
    writeln!(
        out,
        "articles   {}, of which {} repeat an earlier one ({:.1} %)",
        grouped(articles),
        grouped(stats.copied_articles),
        percent(stats.copied_articles, articles)
    )?;
    for (kind, top) in &stats.top_entities {
        writeln!(out, "\ntop {kind}, by articles")?;
        let names: Vec<&str> = top.iter().map(|(name, _, _)| name.as_str()).collect();
        let width = column_width(&names, "name");
        writeln!(
            out,
            "  {}  {:>9}  {:>9}",
            pad("name", width),
            "articles",
            "mentions"
        )?;
        for (name, mentions, n_articles) in top {
            writeln!(
                out,
                "  {}  {:>9}  {:>9}",
                pad(name, width),
                grouped(*n_articles),
                grouped(*mentions)
            )?;
        }
    }
    if !stats.top_figures.is_empty() {
        writeln!(out, "\nfigures")?;
        let units: Vec<&str> = stats
            .top_figures
            .iter()
            .map(|(_, unit, _, _)| unit.as_deref().unwrap_or("-"))
            .collect();
        let width = column_width(&units, "unit");
        writeln!(
            out,
            "  {:<9} {}  {:>9}  median",
            "kind",
            pad("unit", width),
            "count"
        )?;
        for ((kind, _, count, median), unit) in stats.top_figures.iter().zip(&units) {
            writeln!(
                out,
                "  {kind:<9} {}  {:>9}  {}",
                pad(unit, width),
                grouped(*count),
                // A date is kept as a date (`quantities.date`), not as a number.
                if kind == "date" {
                    "(as dates)".to_string()
                } else {
                    median.map_or("-".to_string(), readable)
                }
            )?;
        }
    }
    print(&out)
}

/// The display width of the widest of `cells` and `header`: a Chinese character takes two
/// columns of a terminal, which `{:<n}` (counting characters) does not know.
fn column_width(cells: &[&str], header: &str) -> usize {
    cells
        .iter()
        .chain([&header])
        .map(|cell| unicode_width::UnicodeWidthStr::width(*cell))
        .max()
        .unwrap_or(0)
}

/// `cell` padded with spaces to `width` display columns.
fn pad(cell: &str, width: usize) -> String {
    let shown = unicode_width::UnicodeWidthStr::width(cell);
    format!("{cell}{}", " ".repeat(width.saturating_sub(shown)))
}

/// Writes to stdout; a reader that stops early (`newsprint stats out | head`) is not an error.
fn print(text: &str) -> Result<ExitCode> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_display_width() {
        let names = ["内塔尼亚胡", "琼斯", "Jones"];
        let width = column_width(&names, "name");
        assert_eq!(width, 10);
        let rows: Vec<String> = names
            .iter()
            .map(|n| format!("{}|", pad(n, width)))
            .collect();
        for row in &rows {
            assert_eq!(
                unicode_width::UnicodeWidthStr::width(row.as_str()),
                11,
                "{row}"
            );
        }
    }
}
