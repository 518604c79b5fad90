//! `newsprint run`: the batch pipeline from input files to the Parquet dataset.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use ingest::{RawDoc, Status};

use super::{peak_rss_bytes, Usage};
use crate::pipeline::Stages;

/// Arguments of `newsprint run`.
#[derive(Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct RunArgs {
    /// Files or folders to read. Folders are read recursively in sorted order, hidden entries
    /// skipped; `.gz` and `.zst` files are decompressed; `.jsonl` files hold one document a
    /// line (`{"text": ..., "id": ..., "published_date": "YYYY-MM-DD"}`).
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,

    /// The dataset folder to write (replaced atomically when the run completes).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Worker threads (default: one per core). The output is identical for any value.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Publication date for pages whose own date cannot be found; anchors relative dates
    /// such as 去年7月.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub published_date: Option<NaiveDate>,

    /// Decode every input with this encoding instead of detecting it (UTF-8, GB18030, GBK,
    /// Big5, UTF-16LE, ...).
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,

    /// Abort on the first document that fails, leaving any previous output untouched.
    #[arg(long)]
    pub strict: bool,

    /// Log format on stderr: human-readable text, or one JSON object a line for schedulers.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Documents processed together in one parallel batch.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub batch_docs: usize,

    /// Megabytes of input processed together in one parallel batch.
    #[arg(long, value_name = "MB", default_value_t = 32)]
    pub batch_mb: u64,

    /// Largest document read, in megabytes; a larger one is recorded as an error.
    #[arg(long, value_name = "MB", default_value_t = 64)]
    pub max_document_mb: u64,

    /// Jaccard similarity of character 3-grams at or above which an article repeats an
    /// earlier one in the run (a rescan, another edition, a syndicated copy). The copy keeps
    /// its rows; `articles.duplicate_of` names the article kept (the first in input order).
    #[arg(long, value_name = "J", default_value_t = 0.8, value_parser = parse_fraction)]
    pub near_dup_threshold: f32,

    /// Skip the corpus-wide near-duplicate search (`articles.duplicate_of` stays empty).
    #[arg(long)]
    pub no_near_dup: bool,

    /// A short line (a page header, section name, editor line, page number; digits count as
    /// one) found on at least this many pages of the run is furniture: it is taken out of the
    /// articles and recorded in `removed` as `noise`. Learning the lines costs one extra read
    /// of the inputs before the run.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..))]
    pub boilerplate_min_docs: u32,

    /// Keep recurring lines (skips the extra read of the inputs).
    #[arg(long)]
    pub no_boilerplate: bool,
}

const AFTER_HELP: &str = "\
Output (DIR):
  documents/      one row per input: status ok, empty, binary, duplicate or error (with why)
  articles/       one row per article: title, subtitle, kicker, byline, dateline, authors, text
  paragraphs/     one row per paragraph or subhead
  entities/       people, organisations and places, with character offsets
  quantities/     counts, money, percentages, measures, dates, durations, ordinals
  removed/        every passage taken out (duplicate, caption, credit, noise) and why
  entity_counts/  mentions per entity over the run (copies of articles counted once)
  quantity_counts/ figures per kind and unit: count, min, median, max (copies once)
  manifest.json   version, options, inputs, rows per table, documents per status,
                  near-duplicate articles found
Articles that repeat an earlier article anywhere in the run keep their rows and name the
copy kept in articles.duplicate_of: filter on `duplicate_of IS NULL` to count each once.
Short lines that recur on many pages beside different articles (page headers, editor
lines, page numbers) are learned in a first read of the inputs and removed as noise.
Each table is a folder of part-NNNNN.parquet files (zstd); see docs/schema.md.

Exit codes:
  0  the run completed (failed documents are rows with status = error)
  1  the run failed (or, with --strict, a document failed)
  2  bad usage (unknown option, missing input, bad date or encoding label)

Examples:
  newsprint run data/pages --out out
  newsprint run scans/ --out dataset --published-date 2026-01-21 --threads 8
  newsprint run pages.jsonl.gz --out dataset --log-format json";

/// Log output format.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

fn parse_fraction(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
        _ => Err(format!("{s:?} is not a similarity in (0, 1]")),
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a YYYY-MM-DD date: {e}"))
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NEWSPRINT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    // A second initialisation (tests calling run twice in one process) is harmless.
    let _ = match format {
        LogFormat::Text => builder.without_time().try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Running totals for progress and the summary.
#[derive(Default)]
struct Totals {
    documents: u64,
    bytes: u64,
    articles: u64,
}

/// Runs the pipeline; see [`RunArgs`].
pub fn run(args: RunArgs) -> Result<ExitCode> {
    init_logging(args.log_format);
    let started = Instant::now();
    let decode = match &args.encoding {
        Some(label) => ingest::DecodeOptions::forced(label).map_err(|e| Usage(e.to_string()))?,
        None => ingest::DecodeOptions::default(),
    };
    let sources =
        ingest::discover(&args.inputs).map_err(|e| Usage(format!("{e:#}: {}", source_text(&e))))?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("cannot start worker threads")?;
    tracing::info!(inputs = sources.len(), threads, out = %args.out.display(), "newsprint run");

    let writer_options = aggregate::WriterOptions {
        near_duplicates: (!args.no_near_dup).then(|| clean::neardup::NearDupOptions {
            threshold: args.near_dup_threshold,
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut writer = aggregate::Writer::create(&args.out, writer_options)
        .with_context(|| format!("cannot write to {}", args.out.display()))?;
    let read_options = ingest::ReadOptions {
        max_document_bytes: args.max_document_mb.max(1) << 20,
    };
    let batch_bytes = args.batch_mb.max(1) << 20;
    let boilerplate = if args.no_boilerplate {
        None
    } else {
        let furniture = learn_furniture(
            ingest::read(sources.clone(), read_options.clone()),
            &decode,
            &pool,
            (args.batch_docs.max(1), batch_bytes),
            args.boilerplate_min_docs,
        );
        tracing::info!(lines = furniture.len(), "furniture lines learned");
        Some(std::sync::Arc::new(furniture))
    };
    let stages = Stages {
        decode,
        clean: clean::CleanOptions {
            fallback_date: args.published_date,
            boilerplate,
        },
        extractor: extract::Extractor::new(),
    };
    let progress = Progress::new(args.log_format, sources.len() as u64);
    let mut reader = ingest::read(sources, read_options);
    let mut totals = Totals::default();
    // Parquet encoding runs on its own thread, overlapping the next batch's processing; the
    // channel holds at most two batches, so memory stays bounded when writing is slower.
    let (to_writer, from_pipeline) = std::sync::mpsc::sync_channel::<Vec<aggregate::DocRecord>>(2);
    let writer_thread = std::thread::spawn(move || -> Result<aggregate::Writer> {
        for records in from_pipeline {
            for record in &records {
                writer.append(record).context("cannot write the dataset")?;
            }
        }
        Ok(writer)
    });
    let processing: Result<()> = (|| {
        loop {
            let batch = next_batch(&mut reader, args.batch_docs.max(1), batch_bytes);
            if batch.is_empty() {
                return Ok(());
            }
            let records = pool.install(|| stages.process_batch(batch));
            for record in &records {
                let doc = &record.document;
                if args.strict && doc.status == Status::Error {
                    anyhow::bail!(
                        "{}: {} (--strict stops at the first failed document; {} left as it was)",
                        doc.source,
                        doc.error.as_deref().unwrap_or("error"),
                        args.out.display()
                    );
                }
                if doc.status == Status::Error {
                    tracing::warn!(source = %doc.source, error = doc.error.as_deref().unwrap_or(""), "document failed");
                }
                totals.documents += 1;
                totals.bytes += doc.bytes;
                totals.articles += record.page.articles.len() as u64;
            }
            if to_writer.send(records).is_err() {
                // The writer stopped: its error is reported below.
                return Ok(());
            }
            progress.update(&totals, started);
        }
    })();
    drop(to_writer);
    let writer = writer_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))??;
    if let Err(e) = processing {
        writer.abandon();
        return Err(e);
    }
    progress.finish();

    let elapsed = started.elapsed();
    let mut options = BTreeMap::new();
    options.insert("threads".to_string(), serde_json::json!(threads));
    options.insert(
        "published_date".to_string(),
        serde_json::json!(args.published_date.map(|d| d.to_string())),
    );
    options.insert("encoding".to_string(), serde_json::json!(args.encoding));
    options.insert("strict".to_string(), serde_json::json!(args.strict));
    options.insert(
        "boilerplate_min_docs".to_string(),
        serde_json::json!((!args.no_boilerplate).then_some(args.boilerplate_min_docs)),
    );
    options.insert(
        "near_dup_threshold".to_string(),
        serde_json::json!((!args.no_near_dup).then_some(args.near_dup_threshold)),
    );
    let info = aggregate::RunInfo {
        inputs: args
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        options,
        duration_secs: elapsed.as_secs_f64(),
        input_bytes: totals.bytes,
        peak_rss_bytes: peak_rss_bytes(),
    };
    let report = writer.finish(info).context("cannot finish the dataset")?;
    print_summary(&report, &totals, elapsed, args.log_format);
    Ok(ExitCode::SUCCESS)
}

/// Documents after which the furniture counter forgets lines seen only once in them.
const FURNITURE_WINDOW: u64 = 5_000;

/// The first pass: reads and decodes every input and counts its candidate furniture lines,
/// batch by batch in parallel, documents counted in input order.
fn learn_furniture(
    mut reader: ingest::Reader,
    decode: &ingest::DecodeOptions,
    pool: &rayon::ThreadPool,
    (batch_docs, batch_bytes): (usize, u64),
    min_docs: u32,
) -> clean::boilerplate::Boilerplate {
    use rayon::prelude::*;
    let mut counter = clean::boilerplate::LineCounter::new(FURNITURE_WINDOW);
    loop {
        let batch = next_batch(&mut reader, batch_docs, batch_bytes);
        if batch.is_empty() {
            break;
        }
        let keys: Vec<Vec<u64>> = pool.install(|| {
            batch
                .into_par_iter()
                .map(|raw| {
                    let doc = ingest::decode(raw, decode);
                    if doc.status == Status::Ok {
                        clean::boilerplate::line_keys(&doc.text)
                    } else {
                        Vec::new()
                    }
                })
                .collect()
        });
        for page in &keys {
            counter.add_document(page);
        }
    }
    counter.finish(min_docs)
}

fn source_text(e: &ingest::Error) -> String {
    std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn next_batch(reader: &mut ingest::Reader, max_docs: usize, max_bytes: u64) -> Vec<RawDoc> {
    let mut batch = Vec::new();
    let mut bytes = 0u64;
    while batch.len() < max_docs && bytes < max_bytes {
        match reader.next() {
            Some(raw) => {
                bytes += raw.bytes.len() as u64;
                batch.push(raw);
            }
            None => break,
        }
    }
    batch
}

enum Progress {
    Bar(indicatif::ProgressBar),
    Json { last: std::cell::Cell<Instant> },
    Quiet,
}

impl Progress {
    fn new(format: LogFormat, inputs: u64) -> Self {
        match format {
            LogFormat::Json => Progress::Json {
                last: std::cell::Cell::new(Instant::now()),
            },
            LogFormat::Text if std::io::stderr().is_terminal() => {
                let bar = indicatif::ProgressBar::new(inputs);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} inputs  {msg}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                Progress::Bar(bar)
            }
            LogFormat::Text => Progress::Quiet,
        }
    }

    fn update(&self, totals: &Totals, started: Instant) {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        let mb = totals.bytes as f64 / 1e6;
        match self {
            // Documents from one JSON Lines file count as one input; the bar tracks documents.
            Progress::Bar(bar) => {
                bar.set_position(totals.documents.min(bar.length().unwrap_or(u64::MAX)));
                bar.set_message(format!(
                    "{} docs, {mb:.1} MB, {:.1} MB/s",
                    totals.documents,
                    mb / secs
                ));
            }
            Progress::Json { last } => {
                if last.get().elapsed() >= Duration::from_secs(5) {
                    last.set(Instant::now());
                    tracing::info!(
                        documents = totals.documents,
                        mb,
                        mb_per_s = mb / secs,
                        "progress"
                    );
                }
            }
            Progress::Quiet => {}
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

fn print_summary(
    report: &aggregate::Report,
    totals: &Totals,
    elapsed: Duration,
    format: LogFormat,
) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mb = totals.bytes as f64 / 1e6;
    if format == LogFormat::Json {
        let line = serde_json::json!({
            "event": "finished",
            "out": report.out.display().to_string(),
            "documents": report.documents,
            "rows": report.rows,
            "articles": totals.articles,
            "near_duplicate_articles": report.corpus.near_duplicate_articles,
            "mb": mb,
            "seconds": secs,
            "mb_per_s": mb / secs,
            "peak_rss_bytes": peak_rss_bytes(),
        });
        println!("{line}");
        return;
    }
    let statuses: Vec<String> = report
        .documents
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    println!("newsprint: wrote {}", report.out.display());
    println!(
        "  inputs     {} documents ({})",
        totals.documents,
        statuses.join(", ")
    );
    println!(
        "  read       {mb:.2} MB in {secs:.2} s ({:.1} MB/s, {:.0} docs/s), peak memory {} MB",
        mb / secs,
        totals.documents as f64 / secs,
        peak_rss_bytes().map_or("?".to_string(), |b| (b >> 20).to_string())
    );
    println!(
        "  articles   {} ({} repeat an earlier article: articles.duplicate_of)",
        totals.articles, report.corpus.near_duplicate_articles
    );
    println!("  rows");
    for (table, rows) in &report.rows {
        println!("    {table:<14} {rows:>9}");
    }
}
