//! `newsprint report DIR`: one self-contained HTML page showing a dataset to the team that
//! reviews a night's run: documents by status and the errors, what cleaning removed and why,
//! articles and copies, the top names, figures by kind and unit, articles over time, and the
//! runs. Built from the dataset's Parquet and manifest alone; no script, no network: charts
//! are inline SVG, so the page opens anywhere, at once.

mod html;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

/// Arguments of `newsprint report`.
#[derive(Args, Debug)]
#[command(after_long_help = "\
The page reads the summary tables (entity_counts, quantity_counts), the manifest, and from
the row tables only statuses, dates, kinds and a few examples: it stays a few hundred
kilobytes for any size of dataset.

Exit codes:
  0  the page was written
  1  the dataset cannot be read (not a newsprint dataset, a part missing or damaged), or
     the page cannot be written
  2  bad usage

Examples:
  newsprint report out
  newsprint report /data/news --out /srv/www/news-report.html")]
pub struct ReportArgs {
    /// The dataset folder a `newsprint run` (or `merge`) wrote, or its copy in object
    /// storage (`s3://bucket/dataset`: the manifest and the parts it names are read).
    #[arg(value_name = "DIR")]
    pub dataset: PathBuf,

    /// Where to write the page. Default: DIR/report.html (./report.html for a dataset in
    /// object storage).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub storage: super::StorageArgs,
}

/// Writes the report; see the module docs.
pub fn report(args: ReportArgs) -> Result<ExitCode> {
    let copied = super::local_copy(&args.dataset, &args.storage.storage_option)?;
    let dir = copied.as_ref().map_or(args.dataset.as_path(), |d| d.path());
    let data = dataset::read::report::gather(dir)
        .with_context(|| format!("cannot read the dataset in {}", args.dataset.display()))?;
    let page = html::render(&args.dataset.display().to_string(), &data);
    let path = args.out.unwrap_or_else(|| match copied {
        Some(_) => PathBuf::from("report.html"),
        None => args.dataset.join("report.html"),
    });
    dataset::read::report::write(&path, &page)
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "newsprint: report written to {} ({} KB)",
        path.display(),
        page.len() / 1024 + 1
    );
    Ok(ExitCode::SUCCESS)
}
