//! `newsprint run`: the batch pipeline from input files to the Parquet dataset.

use std::collections::BTreeMap;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::Args;
use ingest::{RawDoc, Shard, Status};

use crate::cmd::cli::{
    decimal, init_logging, parse_date, parse_drop, parse_fraction, parse_threads, LogFormat,
    MAX_DOCUMENT_MB, MAX_THREADS,
};
pub use crate::pipeline::Entities;

mod dry_run;
mod furniture_pass;
mod progress;
mod read_account;
mod shard;

use dry_run::dry_run;

use super::output::{Output, OutputOptions};
use furniture_pass::furniture_pass;
use progress::{print_summary, Progress};
use read_account::{skip_unchanged, ReadAccount};
use shard::resolve_shard;

use super::{peak_rss_bytes, Usage};
use records::Stages;

/// Arguments of `newsprint run`.
#[derive(Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct RunArgs {
    /// Files or folders to read, or object storage (`s3://bucket/prefix/`, `file:///path`:
    /// the objects under a prefix are read in key order, as a folder's files). Folders are
    /// read recursively in sorted order, hidden entries skipped, and folders holding a
    /// newsprint dataset (an `--out` inside an input folder) skipped with a warning; `.gz`
    /// and `.zst` files are decompressed. `.jsonl` (and `.ndjson`) files hold one document a
    /// line: a JSON object with the text in `text` (or the fields `--text-field` names), and
    /// optionally `id`, `title`, `url`, `source`, `author` (a name or a list),
    /// `published_at` (RFC 3339 or YYYY-MM-DD), `published_date`, `section` and any other
    /// fields (kept in `documents.extra`). A `.json` file holding such records (a JSON
    /// array of them, one object, or JSON Lines) is read the same way; a `.json` file that is
    /// not JSON records with a text field is a text page (with a warning when it is JSON). A
    /// JSON Lines file whose records have no text field stops the run (exit 1).
    #[arg(value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,

    /// The dataset folder, or a dataset in object storage (`s3://bucket/dataset`). A new
    /// one is created; an existing one is added to: only inputs it does not hold yet (by
    /// path and content hash) are processed. In object storage the run writes through a
    /// work folder (`--work-dir`) and commits by conditional puts: see
    /// docs/object-storage.md.
    #[arg(long, value_name = "DIR|URL")]
    pub out: Option<PathBuf>,

    /// For an `--out` in object storage: the local folder the run writes through (the parts
    /// it reads and writes, and newsprint's state). Kept between runs, it spares a later
    /// run copying in the parts it holds already; by default a temporary folder, removed
    /// when the run ends.
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,

    /// Rebuild the dataset from these inputs instead of adding to them; the old dataset is
    /// replaced when the run completes, and stays whole if the run is killed.
    #[arg(long)]
    pub full: bool,

    /// Read and hash every input. By default a file whose size, times and inode are those
    /// recorded when a completed run read it (`_newsprint/inputs.bin`) is known unchanged
    /// and is not read again; a file that changed in any of them is read, and its content
    /// hash decides whether it is new.
    #[arg(long)]
    pub rehash: bool,

    /// Process only shard I of N (I from 0): the inputs whose path hashes to I. Without it,
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a Slurm job array, from any first
    /// index), or JOB_COMPLETION_INDEX with --shard-count (a Kubernetes Indexed Job), choose
    /// the shard. Merge the shards with `newsprint merge DIR`. Each shard learns furniture
    /// from every shard's inputs, as one run would (a read of the whole input per shard).
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,

    /// The number of shards, when JOB_COMPLETION_INDEX gives the shard's index.
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u32>,

    /// List the inputs the run would process (new, or changed since the dataset took them)
    /// and stop, writing nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Stop the run (exit 1) once more than N documents have failed: inputs that are mostly
    /// broken (a wrong mount, a truncated transfer) should not make a quiet dataset of errors.
    #[arg(long, value_name = "N")]
    pub max_errors: Option<u64>,

    /// Worker threads, 1 to 1024 (default: one per core). The output is identical for any
    /// value.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// Publication date for pages whose own date cannot be found; anchors relative dates
    /// such as 去年7月.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub published_date: Option<NaiveDate>,

    /// Decode every input with this encoding instead of detecting it (UTF-8, GB18030, GBK,
    /// Big5, UTF-16LE, ...).
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,

    /// Stop (exit 1) at the first document that fails. Segments the run committed before it
    /// stay in the dataset; the next run goes on from there.
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

    /// Rows per Parquet part. A run commits its rows a segment at a time, a segment ending
    /// when any table's part is full (or holds 8 MiB of text): a killed run loses at most
    /// the segment under way.
    #[arg(long, value_name = "N", default_value_t = 250_000)]
    pub rows_per_part: usize,

    /// Largest document read, in megabytes (1 to 65536); a larger one is recorded as an
    /// error.
    #[arg(long, value_name = "MB", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=MAX_DOCUMENT_MB))]
    pub max_document_mb: u64,

    /// The field of a JSON record that holds its text (repeat for fallbacks, the first
    /// present winning; default `text`). A string is the page's text; a list of strings is
    /// its paragraphs, each kept whole. `--text-field paragraphs --text-field text` reads
    /// records like `{"id": …, "title": …, "paragraphs": ["…", "…"]}`, and others by `text`.
    #[arg(long = "text-field", value_name = "NAME")]
    pub text_field: Vec<String>,

    /// Jaccard similarity of character 3-grams at or above which an article repeats an
    /// earlier one in the run (a rescan, another edition, a syndicated copy). The copy keeps
    /// its rows; `articles.duplicate_of` names the article kept (the earliest published, then
    /// the first by source path).
    #[arg(long, value_name = "J", default_value_t = 0.8, value_parser = parse_fraction)]
    pub near_dup_threshold: f32,

    /// Skip the corpus-wide near-duplicate search (`articles.duplicate_of` stays empty).
    #[arg(long)]
    pub no_near_dup: bool,

    /// A short line (a page header, section name, editor line, page number; digits count as
    /// one) found on at least this many pages of the run is furniture: it is taken out of the
    /// articles and recorded in `removed` as `furniture`. Learning the lines costs one extra read
    /// of the inputs before the run.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..))]
    pub furniture_min_docs: u32,

    /// Keep recurring lines (skips the extra read of the inputs).
    #[arg(long)]
    pub no_furniture: bool,

    /// The old name of --furniture-min-docs (still read, with a warning).
    #[arg(long, hide = true, value_name = "N", conflicts_with = "furniture_min_docs",
          value_parser = clap::value_parser!(u32).range(2..))]
    pub boilerplate_min_docs: Option<u32>,

    /// The old name of --no-furniture (still read, with a warning).
    #[arg(long, hide = true)]
    pub no_boilerplate: bool,

    /// How people, places and organisations are found: `tagger` (the default), the
    /// character tagger trained on MSRA (data/models/) with the rules for roles, the names
    /// they are sure of and places' canonical names; or `rules` alone, several times faster
    /// and far weaker on text they were not written for (see README, Measure quality).
    #[arg(long, value_enum, value_name = "HOW", default_value_t = Entities::Tagger)]
    pub entities: Entities,

    /// The same as `--entities tagger` (the default now), for older scripts and
    /// configuration files.
    #[arg(long, hide = true, conflicts_with = "entities")]
    pub entity_tagger: bool,

    /// Take text matching PATTERN (`regex` syntax, matched line by line) out of every page, as
    /// `removed` rows of kind `furniture` with method `pattern:NAME`: an archive's own furniture
    /// (`--drop 'sohu-footer=返回搜狐.*$'`, `--drop 'editor=责任编辑[:：].*$'`). Repeat it for
    /// more patterns; in newsprint.toml, `[[clean.drop]]` tables with `name` and `pattern`.
    #[arg(long, value_name = "NAME=PATTERN", value_parser = parse_drop)]
    pub drop: Vec<clean::DropPattern>,

    /// Keep what newsprint's own rules take out of every page: a page's running head
    /// (`人民日报 2003年3月12日 星期三 第4版`, method `running-head-rule`, whose date dates the
    /// page) and the lines of its list (method `builtin:NAME`): editor lines (`责任编辑：…`,
    /// `（责编：…）`), a site's statement (`特别声明：以上…`), `题图：…`, `读取内容中…`,
    /// `下载附件…`, a stray `"/>` and `原标题：…` (docs/schema.md, `removed`).
    #[arg(long)]
    pub no_builtin_drop: bool,

    /// Do not follow symbolic links inside input folders: each is a `documents` row with
    /// status error naming where it points, and nothing outside the named folders is read.
    #[arg(long)]
    pub no_follow_symlinks: bool,

    #[command(flatten)]
    pub storage: super::StorageArgs,
}

const AFTER_HELP: &str = "\
Output (DIR):
  documents/      one row per input: status ok, empty, binary, duplicate or error (with why)
  articles/       one row per article: title, subtitle, kicker, byline, dateline, authors, text
  paragraphs/     one row per paragraph or subhead
  entities/       people, organisations and places, with character offsets
  quantities/     counts, money, percentages, measures, dates, durations, ordinals
  removed/        every passage taken out (duplicate, caption, credit, furniture) and why
  entity_counts/  mentions per entity over the dataset (copies of articles counted once)
  quantity_counts/ figures per kind and unit over the dataset: count, min, median, max
  manifest.json   version, options, inputs, rows per table, documents per status,
                  near-duplicate articles found
Keys: documents.doc_id (one per input) and articles.article_id (doc_id/article_idx), which
every article-level table carries: `JOIN articles USING (article_id)`.
Articles that repeat another anywhere in the dataset keep their rows and name the copy kept
(the earliest published, then by source path) in articles.duplicate_of: filter on
`duplicate_of IS NULL` to count each once.
Short lines that recur on many pages beside different articles (page headers, editor
lines, page numbers) are learned in a first read of the inputs and removed as furniture.
Each table is a folder of Parquet parts (zstd): part-r00001-00000.parquet is run 1's first
segment (part-s003of016-r00001-00000.parquet for shard 3 of 16), and the summaries' parts
are part-c00001-00000.parquet, by corpus step; see docs/schema.md.

Exit codes:
  0  the run completed (failed documents are rows with status = error)
  1  the run failed (or, with --strict, a document failed; or another run, shard or merge
     holds the dataset's lock: the dataset is busy, and the message names it)
  2  bad usage (unknown option, missing input, bad date or encoding label)
  130  stopped by Ctrl-C or SIGTERM: what was done is committed; the same command again
     goes on from there (a second Ctrl-C stops at once; committed rows stay)

Examples:
  newsprint run data/pages --out out
  newsprint run scans/ --out dataset --published-date 2026-01-21 --threads 8
  newsprint run pages.jsonl.gz --out dataset --log-format json
  newsprint run s3://archive/2026/ --out dataset --storage-option endpoint=http://minio:9000";

/// Warns of each state file the corpus step found out of step with the parts.
pub(crate) fn warn_repaired(corpus: Option<&dataset::CorpusReport>) {
    for path in corpus.into_iter().flat_map(|c| &c.repaired) {
        tracing::warn!(file = %path, "state file was missing, damaged or of other rows: rebuilt from the parts");
    }
}

/// Running totals for progress and the summary.
#[derive(Default)]
struct Totals {
    documents: u64,
    bytes: u64,
    articles: u64,
    /// Inputs the dataset already held (read, or known unchanged from the input index).
    unchanged: u64,
    /// Files the input index knew unchanged: not read at all; and their documents.
    unread_files: u64,
    unread_documents: u64,
    errors: u64,
    /// The end of each phase: the furniture pass, the documents processed and written, the
    /// last commit with the corpus step.
    phases: [PhaseEnd; 3],
    /// Processor seconds of the whole run by the job of each thread (`crate::cputime`).
    threads: Option<Vec<(&'static str, f64)>>,
}

/// When a phase of the run ended, counted from the run's start.
#[derive(Clone, Copy, Default)]
struct PhaseEnd {
    /// Wall seconds.
    secs: f64,
    /// Processor seconds, every thread's (`None` where the system does not say).
    cpu: Option<f64>,
}

/// What a run will do, checked before any work starts: the options turned into the values
/// the steps use. A usage error (no inputs, no `--out`, an unknown encoding, a shard that
/// cannot be resolved, an input that cannot be listed) stops the run here, with exit code 2.
struct RunPlan {
    args: RunArgs,
    out: PathBuf,
    decode: ingest::DecodeOptions,
    shard: Option<Shard>,
    /// The inputs this run processes (the shard's own, when sharded).
    sources: Vec<ingest::Source>,
    /// Every shard's inputs, when sharded: the furniture pass reads them all, as one
    /// unsharded run would.
    every_input: Option<Vec<ingest::Source>>,
    threads: usize,
    read_options: ingest::ReadOptions,
    /// Documents and bytes a batch holds at most.
    batch: (usize, u64),
}

impl RunPlan {
    fn new(mut args: RunArgs) -> Result<Self> {
        args.take_old_names();
        if args.inputs.is_empty() {
            return Err(Usage(
                "no inputs: name files or folders to read (or `inputs` under [run] in newsprint.toml)"
                    .to_string(),
            )
            .into());
        }
        let out = args.out.take().ok_or_else(|| {
            Usage(
                "no --out: name the dataset folder (or `out` under [run] in newsprint.toml)"
                    .to_string(),
            )
        })?;
        if out.is_file() {
            return Err(Usage(format!(
                "--out {} is a file: name a folder (new, empty, or a newsprint dataset)",
                out.display()
            ))
            .into());
        }
        let decode = match &args.encoding {
            Some(label) => {
                ingest::DecodeOptions::forced(label).map_err(|e| Usage(e.to_string()))?
            }
            None => ingest::DecodeOptions::default(),
        };
        let shard = resolve_shard(args.shard, args.shard_count, |name| {
            std::env::var(name).ok()
        })
        .map_err(Usage)?;
        let found = ingest::discover_with(
            &args.inputs,
            ingest::DiscoverOptions {
                follow_symlinks: !args.no_follow_symlinks,
                storage_options: args.storage.storage_option.clone(),
                // A dataset (this run's or another's) inside an input folder is output, never
                // input: read back, its manifest, lock and parts would become documents.
                dataset_marker: Some(dataset::layout::STATE_DIR.to_string()),
                skip: vec![out.clone()],
            },
        )
        .map_err(|e| Usage(format!("{e:#}: {}", source_text(&e))))?;
        for folder in &found.skipped {
            tracing::warn!(folder = %folder, "a newsprint dataset inside the inputs: not read");
        }
        let mut sources = found.sources;
        let discovered = sources.len();
        let every_input = shard.is_some().then(|| sources.clone());
        if let Some((shard, origin)) = &shard {
            sources.retain(|s| shard.owns(&s.display));
            tracing::info!(shard = %shard, from = %origin, inputs = sources.len(), of = discovered, "shard");
            if sources.is_empty() {
                tracing::info!(shard = %shard, "this shard has no inputs: it records an empty run");
            }
        }
        let threads = args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .clamp(1, MAX_THREADS);
        let read_options = ingest::ReadOptions {
            max_document_bytes: args.max_document_mb << 20,
            text_fields: args.text_field.clone(),
        };
        let batch = (args.batch_docs.max(1), args.batch_mb.max(1) << 20);
        Ok(RunPlan {
            out,
            decode,
            shard: shard.map(|(s, _)| s),
            sources,
            every_input,
            threads,
            read_options,
            batch,
            args,
        })
    }

    fn writer_options_of(
        args: &RunArgs,
        shard: Option<Shard>,
        workers: &crate::pipeline::Workers,
    ) -> aggregate::WriterOptions {
        aggregate::WriterOptions {
            near_duplicates: (!args.no_near_dup).then(|| corpus::neardup::NearDupOptions {
                threshold: args.near_dup_threshold,
                ..Default::default()
            }),
            shard,
            full: args.full,
            rows_per_part: args.rows_per_part.max(1),
            parallel: workers.corpus_runner(),
            publish: None,
        }
    }
}

/// The sources of a shared list in order, each cloned as it is taken.
fn one_at_a_time(
    sources: &std::sync::Arc<Vec<ingest::Source>>,
) -> impl Iterator<Item = ingest::Source> + Send + 'static {
    let sources = std::sync::Arc::clone(sources);
    (0..sources.len()).map(move |i| sources[i].clone())
}

/// Runs the pipeline; see [`RunArgs`].
pub fn run(args: RunArgs) -> Result<ExitCode> {
    init_logging(args.log_format);
    let RunPlan {
        args,
        out,
        decode,
        shard,
        sources,
        every_input,
        threads,
        read_options,
        batch: batch_size,
    } = RunPlan::new(args)?;
    // A JSON Lines export in another layout fails here, before anything is written.
    for warning in ingest::check_records(&sources, &read_options)? {
        tracing::warn!("{warning}");
    }
    let started = Instant::now();
    crate::cputime::reset();
    let started_cpu = crate::cputime::process_seconds();
    let phase_end = || PhaseEnd {
        secs: started.elapsed().as_secs_f64(),
        cpu: crate::cputime::process_seconds()
            .zip(started_cpu)
            .map(|(now, at)| now - at),
    };
    let started_ns = unix_ns();
    let output = Output::open(
        &out,
        OutputOptions {
            storage: &args.storage.storage_option,
            work_dir: args.work_dir.as_deref(),
            role: dataset::store::publish::Role::Run(shard),
            full: args.full,
            lease: !args.dry_run,
        },
    )?;
    if args.dry_run {
        let index = aggregate::InputIndex::read_for(&output.dir, shard, args.full)
            .with_context(|| format!("cannot read the dataset {}", output.name))?;
        let (sources, unchanged) = skip_unchanged(sources, &index, args.rehash);
        return dry_run(&args, &output, shard, sources, unchanged, read_options);
    }
    crate::interrupt::install();
    let workers = crate::pipeline::Workers::new(threads).context("cannot start worker threads")?;
    tracing::info!(inputs = sources.len(), threads, out = %output.name, "newsprint run");

    let mut writer_options = RunPlan::writer_options_of(&args, shard, &workers);
    writer_options.publish = output.publish();
    let mut writer = aggregate::Writer::open(&output.dir, writer_options)
        .with_context(|| format!("cannot write to {}", output.name))?;
    for holder in writer.locks_taken_over() {
        tracing::warn!(previous = %holder, "took over the dataset's lock from a writer that exited without releasing it");
    }
    let seen = writer.take_seen();
    if !seen.is_empty() {
        tracing::info!(
            documents = seen.len(),
            "the dataset holds these documents already: only others are processed"
        );
    }
    let mut index = writer.take_input_index();
    let (sources, unchanged_files) = skip_unchanged(sources, &index, args.rehash);
    if unchanged_files.files > 0 {
        tracing::info!(
            files = unchanged_files.files,
            documents = unchanged_files.documents,
            "inputs unchanged since the run that read them: not read again"
        );
    }
    // What this run reads, to record in the index once it is committed.
    let mut reading = ReadAccount::new(&sources);
    let known: Vec<(u128, u128)> = seen.contents().collect();
    let is_new = |raw: &RawDoc| !seen.contains(&raw.source, &raw.doc_id);
    // Shared by the two passes: the furniture pass clones one source at a time as it reads,
    // instead of a copy of the list (some 250 bytes an input).
    let sources = std::sync::Arc::new(sources);
    let progress = Progress::new(args.log_format);
    let (learned_furniture, detected, furniture_save) = if args.no_furniture {
        (None, Default::default(), None)
    } else {
        // What the pass has read, for its progress.
        let account = ReadAccount::new(every_input.as_deref().unwrap_or(&sources));
        let reader = match every_input {
            Some(every_input) => ingest::read(every_input, read_options.clone()),
            None => ingest::read(one_at_a_time(&sources), read_options.clone()),
        }
        .with_known(known.iter().copied());
        // A shard counts every shard's inputs: the same documents in the same order as one
        // unsharded run, so it learns the same furniture.
        let every_shard = shard.is_some();
        let uncounted = |raw: &RawDoc| every_shard || is_new(raw);
        let learned = furniture_pass(
            &writer,
            reader,
            &uncounted,
            (&decode, &workers, batch_size),
            args.furniture_min_docs,
            (&progress, account),
        );
        let (furniture, detected, save) = match learned {
            Ok(learned) => learned,
            Err(e) if e.is::<crate::interrupt::Stopped>() => {
                progress.finish();
                writer.abandon();
                eprintln!(
                    "newsprint: stopped while learning furniture, before anything of this run was written to {}; run the same command again to start it",
                    output.name
                );
                return Ok(ExitCode::from(crate::interrupt::EXIT_CODE));
            }
            Err(e) => return Err(e),
        };
        (Some(furniture), detected, Some(save))
    };
    let stages = Stages {
        decode,
        clean: clean::CleanOptions {
            fallback_date: args.published_date,
            furniture: learned_furniture,
            drop: args.drop.clone(),
            no_builtin: args.no_builtin_drop,
        },
        extractor: crate::pipeline::extractor(args.entities),
        detected,
    };
    let furniture_done = phase_end();
    progress.start("processing", reading.progress().bytes_total);
    // The furniture pass's reader is gone: the list is this pass's alone.
    let sources = std::sync::Arc::try_unwrap(sources).unwrap_or_else(|shared| (*shared).clone());
    let mut reader = crate::prefetch::Prefetch::new(
        ingest::read(sources, read_options).with_known(known.iter().copied()),
        batch_size,
    );
    drop(known);
    let mut totals = Totals {
        unchanged: unchanged_files.documents,
        unread_files: unchanged_files.files,
        unread_documents: unchanged_files.documents,
        phases: [furniture_done; 3],
        ..Totals::default()
    };
    let (to_writer, writer_thread) = crate::pipeline::spawn_writer(
        writer,
        furniture_save.map(|save| move |writer: &mut aggregate::Writer| save.save(writer)),
    );
    let processing: Result<()> = (|| {
        loop {
            if crate::interrupt::asked() {
                return Err(crate::interrupt::Stopped.into());
            }
            let mut files = Vec::new();
            let batch = next_batch(&mut reader, batch_size.0, batch_size.1, |raw| {
                let file = reading.count(&raw.source, raw.read_bytes);
                let new = is_new(raw);
                if new {
                    files.push(file);
                } else {
                    totals.unchanged += 1;
                }
                new
            });
            let Some(batch) = batch else {
                return Ok(());
            };
            // (Read as far as this batch; processed up to the one before.)
            progress.update(&progress::Done {
                documents: totals.documents,
                document_bytes: totals.bytes,
                read: reading.progress(),
            });
            if batch.is_empty() {
                continue;
            }
            let records = workers.process(&stages, batch);
            for (record, file) in records.iter().zip(files) {
                let doc = &record.document;
                if doc.status == Status::Error {
                    reading.failed(file);
                    totals.errors += 1;
                    if args.strict {
                        anyhow::bail!(
                            "{}: {} (--strict stops at the first failed document; segments committed before it stay in {})",
                            doc.source,
                            doc.error.as_deref().unwrap_or("error"),
                            output.name
                        );
                    }
                    tracing::warn!(source = %doc.source, error = doc.error.as_deref().unwrap_or(""), "document failed");
                    if args.max_errors.is_some_and(|max| totals.errors > max) {
                        anyhow::bail!(
                            "{} documents failed, more than --max-errors {}; the last was {}: {}. Segments committed before stay in {}",
                            totals.errors,
                            args.max_errors.unwrap_or_default(),
                            doc.source,
                            doc.error.as_deref().unwrap_or("error"),
                            output.name
                        );
                    }
                }
                totals.documents += 1;
                totals.bytes += doc.bytes;
                totals.articles += record.page.articles.len() as u64;
            }
            if to_writer.send(records).is_err() {
                // The writer stopped: its error is reported below.
                return Ok(());
            }
        }
    })();
    drop(to_writer);
    let mut writer = writer_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))??;
    match processing {
        Err(e) if e.is::<crate::interrupt::Stopped>() => {
            progress.finish();
            return stopped(writer, &totals, &output.name);
        }
        Err(e) => {
            writer.abandon();
            return Err(e);
        }
        Ok(()) => {}
    }
    tracing::debug!(
        secs = started.elapsed().as_secs_f64(),
        "documents processed; committing and running the corpus step"
    );
    totals.phases[1] = phase_end();
    crate::interrupt::committing();
    index.record(reading.settled(started_ns));
    writer.set_input_index(index);
    progress.finish();

    let elapsed = started.elapsed();
    let info = aggregate::RunInfo {
        inputs: args
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        options: recorded_options(&args, threads, shard),
        unchanged_documents: totals.unchanged,
        duration_secs: elapsed.as_secs_f64(),
        input_bytes: totals.bytes,
        peak_rss_bytes: peak_rss_bytes(),
        measure_peak_rss: Some(peak_rss_bytes),
        // An unsharded run leaves a finished dataset; shards leave the step to the merge.
        corpus_step: shard.is_none(),
        parallel: workers.corpus_runner(),
    };
    let mut report = writer.finish(info).context("cannot finish the dataset")?;
    totals.phases[2] = phase_end();
    totals.threads = started_cpu.and_then(crate::cputime::by_job);
    report.out = PathBuf::from(&output.name);
    warn_repaired(report.corpus.as_ref());
    for warning in &report.warnings {
        tracing::warn!("{warning}");
    }
    print_summary(&report, &totals, started.elapsed(), args.log_format);
    Ok(ExitCode::SUCCESS)
}

/// Ends a run the user stopped: what was processed is committed (what a rerun then does not
/// read again), the lock released, and the user told so.
fn stopped(mut writer: aggregate::Writer, totals: &Totals, out: &str) -> Result<ExitCode> {
    let run = writer.run_number();
    if writer.is_rebuild() {
        writer.abandon();
        eprintln!(
            "newsprint: stopped. A rebuild (--full) commits only at its end: nothing of run \
             {run} was committed, and {out} is as it was. Run the same command again to rebuild."
        );
        return Ok(ExitCode::from(crate::interrupt::EXIT_CODE));
    }
    writer
        .checkpoint()
        .with_context(|| format!("stopped, and cannot commit what was done to {out}"))?;
    writer.abandon();
    eprintln!(
        "newsprint: stopped. Run {run} committed {} documents to {out} before it stopped; the \
         corpus step (near-duplicates, summaries) has not run. Run the same command again to go \
         on: what is committed is not processed again.",
        totals.documents
    );
    Ok(ExitCode::from(crate::interrupt::EXIT_CODE))
}

impl RunArgs {
    /// Takes the old names of the furniture options (`boilerplate`), still read, into the
    /// new ones, with a warning: one word for one thing.
    pub fn take_old_names(&mut self) {
        if let Some(n) = self.boilerplate_min_docs.take() {
            eprintln!("newsprint: warning: --boilerplate-min-docs (boilerplate_min_docs) is now --furniture-min-docs (furniture_min_docs)");
            self.furniture_min_docs = n;
        }
        if std::mem::take(&mut self.no_boilerplate) {
            eprintln!("newsprint: warning: --no-boilerplate (no_boilerplate) is now --no-furniture (no_furniture)");
            self.no_furniture = true;
        }
    }
}

/// The options that shape the output, as the manifest records them.
fn recorded_options(
    args: &RunArgs,
    threads: usize,
    shard: Option<Shard>,
) -> BTreeMap<String, serde_json::Value> {
    let mut options = BTreeMap::new();
    let mut put = |key: &str, value: serde_json::Value| {
        options.insert(key.to_string(), value);
    };
    put("threads", serde_json::json!(threads));
    put(
        "published_date",
        serde_json::json!(args.published_date.map(|d| d.to_string())),
    );
    put("encoding", serde_json::json!(args.encoding));
    put("strict", serde_json::json!(args.strict));
    put("full", serde_json::json!(args.full));
    put("shard", serde_json::json!(shard.map(|s| s.to_string())));
    put("entities", serde_json::json!(args.entities.as_str()));
    if args.entities == Entities::Tagger {
        put(
            "entity_model",
            serde_json::json!(extract::tagger::embedded_version()),
        );
    }
    if !args.drop.is_empty() {
        let drop: BTreeMap<&str, &str> =
            args.drop.iter().map(|d| (d.name(), d.pattern())).collect();
        put("drop", serde_json::json!(drop));
    }
    put("builtin_drop", serde_json::json!(!args.no_builtin_drop));
    put(
        "furniture_min_docs",
        serde_json::json!((!args.no_furniture).then_some(args.furniture_min_docs)),
    );
    put(
        "near_dup_threshold",
        serde_json::json!((!args.no_near_dup).then_some(decimal(args.near_dup_threshold))),
    );
    options
}

fn unix_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

fn source_text(e: &ingest::Error) -> String {
    std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The next documents to process, up to `max_docs` or `max_bytes`; documents that `keep`
/// refuses (already in the dataset) are read and passed over, but no more than
/// [`PASSED_OVER`] batches' worth at a time, so that a rerun over a dataset that holds most
/// of its inputs still shows progress and stops when asked. `None` at the end of the
/// inputs; an empty batch when only passed-over documents were read.
fn next_batch(
    reader: &mut impl Iterator<Item = RawDoc>,
    max_docs: usize,
    max_bytes: u64,
    mut keep: impl FnMut(&RawDoc) -> bool,
) -> Option<Vec<RawDoc>> {
    let mut batch = Vec::new();
    let mut bytes = 0u64;
    let mut read = 0usize;
    while batch.len() < max_docs && bytes < max_bytes && read < max_docs * PASSED_OVER {
        match reader.next() {
            Some(raw) => {
                read += 1;
                if keep(&raw) {
                    bytes += raw.bytes.len() as u64;
                    batch.push(raw);
                }
            }
            None if batch.is_empty() => return None,
            None => break,
        }
    }
    Some(batch)
}

/// Batches' worth of documents [`next_batch`] passes over before it returns.
const PASSED_OVER: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    fn raws(n: usize) -> Vec<RawDoc> {
        (0..n)
            .map(|i| RawDoc::from_bytes(format!("p{i}.txt"), format!("page {i}").into_bytes()))
            .collect()
    }

    #[test]
    fn a_batch_passes_over_a_bounded_number_of_known_documents() {
        // Every document known: batches come back empty, a bounded number read each time,
        // so a rerun shows progress and can stop; then the end.
        let mut reader = raws(100).into_iter();
        let mut read = 0;
        let mut empty = 0;
        while let Some(batch) = next_batch(&mut reader, 4, u64::MAX, |_| {
            read += 1;
            false
        }) {
            assert!(batch.is_empty());
            empty += 1;
        }
        assert_eq!(read, 100);
        assert_eq!(empty, 100 / (4 * PASSED_OVER));
        // New documents fill batches; the last may be short; then the end.
        let mut reader = raws(10).into_iter();
        let sizes: Vec<usize> =
            std::iter::from_fn(|| next_batch(&mut reader, 4, u64::MAX, |_| true))
                .map(|b| b.len())
                .collect();
        assert_eq!(sizes, [4, 4, 2]);
    }
}
