//! `newsprint bench`: a generated corpus, per-stage throughput, and end-to-end runs.
//!
//! The corpus is pages laid out from real news sentences (`realistic.rs`: the MSRA training
//! text, fetched and cached at bench time), or with `--corpus sample` the sample pages
//! varied (numbers changed, paragraphs rotated); either way it mixes the encodings and
//! compression newsprint reads (UTF-8, GB18030, UTF-16LE with BOM, gzip). Stages are timed one after another on one thread, in this process; the
//! end-to-end figures come from `newsprint run` child processes at each thread count, whose
//! own peak memory they report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::pipeline::Stages;

/// Arguments of `newsprint bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Megabytes of pages to generate.
    #[arg(long, value_name = "MB", default_value_t = 50)]
    pub mb: u64,

    /// Folder of sample pages: the `sample` corpus's, the fallback of `real`, and what
    /// --hostile shapes (relative to the current folder: run from the repository).
    #[arg(long, value_name = "DIR", default_value = "data/pages")]
    pub pages: PathBuf,

    /// What the stage bench's pages are made of: `real` (news sentences from the MSRA
    /// training text, fetched once into the cache folder; the sample pages when that fails)
    /// or `sample` (the sample pages varied).
    #[arg(long, value_enum, value_name = "KIND", default_value_t = CorpusKind::Real)]
    pub corpus: CorpusKind,

    /// Working folder for the corpus and outputs (default: a temporary folder).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Thread counts for the end-to-end runs.
    #[arg(long, value_name = "N", value_delimiter = ',', default_value = "1,2")]
    pub threads: Vec<usize>,

    /// Instead of the stage bench: generate this many articles with known copies (re-wrapped,
    /// 1-3 % of characters changed, abridged) and time the corpus-wide near-duplicate search,
    /// with its precision, recall and peak memory.
    #[arg(long, value_name = "N")]
    pub articles: Option<u32>,

    /// With --articles: articles of one or two sentences, as JSON Lines of short news are,
    /// which crowd the search's band buckets (1M and 5M measure its memory).
    #[arg(long)]
    pub short: bool,

    /// Instead of the stage bench: generate this many pages, run over them, add 1 % new
    /// pages and time the incremental run against the full one (and a rerun that adds
    /// nothing).
    #[arg(long, value_name = "N")]
    pub incremental: Option<u32>,

    /// Instead of the stage bench: time the page shapes that once cost more than linear time
    /// (text without line breaks, repeated names, thousands of similar lines, paragraphs
    /// repeating a sentence, JSON Lines of blank lines) at the sizes of --hostile-mb.
    #[arg(long)]
    pub hostile: bool,

    /// Sizes, in megabytes, of each hostile shape.
    #[arg(
        long,
        value_name = "MB,MB",
        value_delimiter = ',',
        default_value = "0.5,4"
    )]
    pub hostile_mb: Vec<f64>,
}

/// What the stage bench's pages are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CorpusKind {
    /// Pages laid out from real news sentences.
    Real,
    /// The sample pages, varied.
    Sample,
}

/// A small deterministic generator (SplitMix64): the corpus is the same on every machine.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Varies a page: digits replaced at random, and the blocks after the first rotated.
fn vary(page: &str, rng: &mut Rng) -> String {
    let digits: String = page
        .chars()
        .map(|c| {
            if c.is_ascii_digit() && rng.next().is_multiple_of(3) {
                char::from(b'0' + (rng.next() % 10) as u8)
            } else {
                c
            }
        })
        .collect();
    let blocks: Vec<&str> = digits.split("\n\n\n\n").collect();
    if blocks.len() > 2 {
        let k = 1 + (rng.next() as usize % (blocks.len() - 1));
        let mut rotated = vec![blocks[0]];
        rotated.extend(&blocks[k..]);
        rotated.extend(&blocks[1..k]);
        rotated.join("\n\n\n\n")
    } else {
        digits
    }
}

/// The stages the benches time in process: detected encodings, the sample pages' date for
/// pages without one, no furniture lines, and `extractor`.
pub(crate) fn bench_stages(extractor: extract::Extractor) -> Stages {
    Stages {
        decode: ingest::DecodeOptions::default(),
        clean: clean::CleanOptions {
            fallback_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 21),
            furniture: None,
            drop: Vec::new(),
            no_builtin: false,
        },
        extractor,
        detected: Default::default(),
    }
}

/// Writes about `mb` megabytes of varied pages into `dir`; returns the bytes written.
pub fn generate(pages: &[String], mb: u64, dir: &Path) -> Result<u64> {
    let mut rng = Rng(0x6E65_7773);
    let varied = (0..).map(|i| vary(&pages[i % pages.len()], &mut rng));
    write_corpus(varied, mb << 20, dir)
}

/// Writes `texts` into `dir` until about `target` bytes, in mixed encodings and
/// compression; returns the bytes written.
fn write_corpus(texts: impl Iterator<Item = String>, target: u64, dir: &Path) -> Result<u64> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = 0u64;
    for (i, text) in texts.enumerate() {
        if written >= target {
            break;
        }
        let (name, bytes) = match i % 5 {
            0 | 1 => (format!("{i:07}.txt"), text.into_bytes()),
            2 => (
                format!("{i:07}.gb.txt"),
                ingest::fixtures::encode(&text, "gb18030").unwrap_or_default(),
            ),
            3 => (
                format!("{i:07}.u16.txt"),
                ingest::fixtures::encode(&text, "utf-16le-bom").unwrap_or_default(),
            ),
            _ => (
                format!("{i:07}.txt.gz"),
                ingest::fixtures::gzip(text.as_bytes()),
            ),
        };
        let shard = dir.join(format!("{:03}", i / 1000));
        std::fs::create_dir_all(&shard)?;
        std::fs::write(shard.join(name), &bytes)?;
        written += bytes.len() as u64;
    }
    Ok(written)
}

fn read_pages(dir: &Path) -> Result<Vec<String>> {
    let sources = ingest::discover(&[dir.to_path_buf()])
        .with_context(|| format!("cannot read sample pages in {}", dir.display()))?;
    let pages: Vec<String> = ingest::read(sources, ingest::ReadOptions::default())
        .map(|raw| ingest::decode(raw, &ingest::DecodeOptions::default()))
        .filter(|d| d.status == ingest::Status::Ok)
        .map(|d| d.text)
        .collect();
    if pages.is_empty() {
        bail!("no pages in {}", dir.display());
    }
    Ok(pages)
}

/// Runs `stage` three times: the shortest time, and the last result.
fn fastest_of_3<T>(mut stage: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut result = None;
    for _ in 0..3 {
        let t = Instant::now();
        let out = stage();
        best = best.min(t.elapsed().as_secs_f64());
        result = Some(out);
    }
    (best, result.expect("three runs"))
}

fn rate(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs.max(1e-9)
}

/// Runs the benchmark; see the module docs.
pub fn bench(args: BenchArgs) -> Result<ExitCode> {
    let pages_dir = super::data_files::locate(&args.pages, "sample pages folder")
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
        return super::hostile::hostile_bench(
            &pages[0],
            &args.hostile_mb,
            &scratch.join("hostile"),
        );
    }
    let corpus = scratch.join("corpus");
    if corpus.exists() {
        std::fs::remove_dir_all(&corpus)?;
    }
    let t = Instant::now();
    let real = match args.corpus {
        CorpusKind::Sample => None,
        CorpusKind::Real => {
            let cache = super::realistic::cache_dir();
            match super::realistic::training_text(&cache) {
                Ok(text) => Some(text),
                Err(e) => {
                    eprintln!("warning: {e:#}; the bench falls back to the sample pages");
                    None
                }
            }
        }
    };
    let (bytes, made_of) = match &real {
        Some(bmes) => {
            let bytes = write_corpus(super::realistic::pages(bmes), args.mb << 20, &corpus)?;
            (
                bytes,
                "pages of real news sentences (MSRA training text), with reprints",
            )
        }
        None => (
            generate(&pages, args.mb, &corpus)?,
            "the sample pages, varied",
        ),
    };
    println!(
        "corpus: {:.1} MB of {made_of} in {} ({:.1} s to generate)",
        bytes as f64 / 1e6,
        corpus.display(),
        t.elapsed().as_secs_f64()
    );

    // Stages, one thread, in this process.
    let t = Instant::now();
    // The default extractor: the tagger with the rules.
    let extractor = extract::Extractor::with_tagger();
    extractor.entities(&clean::Page::default());
    println!(
        "lexicon and entity model loaded in {:.0} ms (once a process)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let stages = bench_stages(extractor);
    let t = Instant::now();
    let sources = ingest::discover(std::slice::from_ref(&corpus))?;
    let raws: Vec<ingest::RawDoc> = ingest::read(sources, ingest::ReadOptions::default()).collect();
    let read_secs = t.elapsed().as_secs_f64();
    let raw_bytes: u64 = raws.iter().map(|r| r.bytes.len() as u64).sum();
    let n_docs = raws.len();

    let t = Instant::now();
    let docs: Vec<ingest::Document> = raws
        .into_iter()
        .map(|r| ingest::decode(r, &stages.decode))
        .collect();
    let decode_secs = t.elapsed().as_secs_f64();
    let text_bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();

    // The pure stages run three times and the fastest counts, so that a moment of a busy
    // machine does not pass for the stage's speed.
    let (clean_secs, pages) = fastest_of_3(|| -> Vec<clean::Page> {
        docs.iter()
            .map(|d| clean::clean(d, &stages.clean))
            .collect()
    });
    let (entity_secs, entities) = fastest_of_3(|| -> Vec<Vec<extract::Entity>> {
        pages.iter().map(|p| stages.extractor.entities(p)).collect()
    });
    let rules = extract::Extractor::new();
    let (rules_secs, _) = fastest_of_3(|| -> Vec<Vec<extract::Entity>> {
        pages.iter().map(|p| rules.entities(p)).collect()
    });
    let (quantity_secs, quantities) = fastest_of_3(|| -> Vec<Vec<extract::Quantity>> {
        pages
            .iter()
            .map(|p| stages.extractor.quantities(p))
            .collect()
    });
    let extractions: Vec<extract::Extraction> = entities
        .into_iter()
        .zip(quantities)
        .map(|(entities, quantities)| extract::Extraction {
            entities,
            quantities,
        })
        .collect();

    let t = Instant::now();
    let records: Vec<aggregate::DocRecord> = docs
        .into_iter()
        .zip(pages)
        .zip(extractions)
        .map(|((mut document, page), extraction)| {
            document.text = String::new();
            aggregate::DocRecord::new(document, page, extraction)
        })
        .collect();
    let sketch_secs = t.elapsed().as_secs_f64();

    let out = scratch.join("out-stages");
    let _ = std::fs::remove_dir_all(&out);
    let t = Instant::now();
    let mut writer = aggregate::Writer::open(&out, aggregate::WriterOptions::default())?;
    for record in &records {
        writer.append(record)?;
    }
    writer.finish(aggregate::RunInfo {
        corpus_step: true,
        ..Default::default()
    })?;
    let write_secs = t.elapsed().as_secs_f64();

    println!("\nstage (1 thread)      MB/s    (over; clean and extract: the fastest of 3)");
    println!(
        "read                {:>8.1}   {:.1} MB raw",
        rate(raw_bytes, read_secs),
        raw_bytes as f64 / 1e6
    );
    println!(
        "decode              {:>8.1}   raw bytes",
        rate(raw_bytes, decode_secs)
    );
    println!(
        "clean               {:>8.1}   {:.1} MB UTF-8 text (goal: 100)",
        rate(text_bytes, clean_secs),
        text_bytes as f64 / 1e6
    );
    println!(
        "extract             {:>8.1}   UTF-8 text (goal: 25 entities + 250 quantities = 23)",
        rate(text_bytes, entity_secs + quantity_secs)
    );
    println!(
        "  entities, tagger  {:>8.1}   UTF-8 text (the default; goal: 25)",
        rate(text_bytes, entity_secs)
    );
    println!(
        "  entities, rules   {:>8.1}   UTF-8 text (run --entities rules; goal: 100)",
        rate(text_bytes, rules_secs)
    );
    println!(
        "  quantities        {:>8.1}   UTF-8 text (goal: 250)",
        rate(text_bytes, quantity_secs)
    );
    println!(
        "sketch              {:>8.1}   UTF-8 text",
        rate(text_bytes, sketch_secs)
    );
    println!(
        "write + corpus      {:>8.1}   UTF-8 text",
        rate(text_bytes, write_secs)
    );
    println!("documents           {n_docs:>8}");

    // End to end, in child processes so each reports its own peak memory: the fastest of
    // three runs (a shared machine's noise only ever slows a run), and the highest peak.
    println!(
        "\nend to end          MB/s   docs/s   peak RSS MiB   speed-up   (best of {E2E_RUNS})"
    );
    let mut base = None;
    let mut one_thread_secs = None;
    // The phases of each thread count's fastest run.
    let mut phases: Vec<(usize, serde_json::Value)> = Vec::new();
    for &threads in &args.threads {
        let out = scratch.join(format!("out-{threads}"));
        let threads_arg = threads.to_string();
        let (mut mbps, mut secs, mut rss) = (0f64, f64::MAX, 0f64);
        let mut fastest = serde_json::Value::Null;
        for _ in 0..E2E_RUNS {
            // A dataset left by the run before would make this run add nothing.
            let _ = std::fs::remove_dir_all(&out);
            let summary = timed_run(&corpus, &out, &["--threads", threads_arg.as_str()])?;
            mbps = mbps.max(summary["mb_per_s"].as_f64().unwrap_or(0.0));
            let run_secs = summary["seconds"].as_f64().unwrap_or(f64::MAX);
            if run_secs < secs {
                fastest = serde_json::json!({
                    "wall": summary["phases"].clone(),
                    "cpu": summary["phase_cpu_seconds"].clone(),
                    "jobs": summary["thread_cpu_seconds"].clone(),
                });
            }
            secs = secs.min(run_secs);
            rss =
                rss.max(summary["peak_rss_bytes"].as_u64().unwrap_or(0) as f64 / (1 << 20) as f64);
        }
        let speedup = base.map_or(1.0, |b: f64| mbps / b);
        base.get_or_insert(mbps);
        if threads == 1 {
            one_thread_secs = Some(secs);
        }
        println!(
            "{threads} thread(s)         {mbps:>7.1}  {:>7.0}   {rss:>11.0}   {speedup:>7.2}x",
            n_docs as f64 / secs.max(1e-9)
        );
        phases.push((threads, fastest));
    }
    // What limits the speed-up: the phases that run alone whatever the thread count, and
    // the cores each phase keeps busy (processor time over wall time: the read-ahead,
    // writer and counting threads run beside the workers, so one worker keeps more than
    // one core busy, and a second has only what is left).
    println!(
        "\nwall time by phase (s; cores busy)   furniture pass    processing   commit + corpus step"
    );
    for (threads, phase) in &phases {
        let cell = |name: &str| {
            let wall = phase["wall"][name].as_f64().unwrap_or(0.0);
            let cpu = phase["cpu"][name].as_f64().unwrap_or(0.0);
            format!("{wall:.2} ({:.2})", cpu / wall.max(1e-9))
        };
        println!(
            "{threads} thread(s)                          {:>14}   {:>11}   {:>20}",
            cell("furniture_pass"),
            cell("process"),
            cell("commit_and_corpus_step")
        );
    }
    // Which threads the processor time went to: the workers', and what ran beside them.
    println!("\nprocessor seconds by thread (the whole run)");
    for (threads, phase) in &phases {
        let mut jobs: Vec<(&String, f64)> = phase["jobs"]
            .as_object()
            .map(|jobs| {
                jobs.iter()
                    .map(|(job, secs)| (job, secs.as_f64().unwrap_or(0.0)))
                    .collect()
            })
            .unwrap_or_default();
        jobs.sort_by(|a, b| b.1.total_cmp(&a.1));
        let jobs: Vec<String> = jobs
            .iter()
            .map(|(job, secs)| format!("{job} {secs:.2}"))
            .collect();
        println!("{threads} thread(s): {}", jobs.join(", "));
    }
    if let Some(total) = one_thread_secs {
        // Where one thread's time goes: each stage timed alone, and the rest of the run
        // (the furniture pass, which reads and decodes every input a second time, moving
        // records between stages, allocation).
        let stages = [
            ("read", read_secs),
            ("decode", decode_secs),
            ("clean", clean_secs),
            ("entities", entity_secs),
            ("quantities", quantity_secs),
            ("sketch", sketch_secs),
            ("write + corpus", write_secs),
        ];
        let timed: f64 = stages.iter().map(|(_, t)| t).sum();
        println!("\nwhere one thread's time goes   s     share");
        for (stage, secs) in stages {
            println!(
                "{stage:<26} {secs:>7.2}   {:>5.1} %",
                100.0 * secs / total.max(1e-9)
            );
        }
        let rest = (total - timed).max(0.0);
        println!(
            "{:<26} {rest:>7.2}   {:>5.1} %",
            "rest: furniture pass, glue",
            100.0 * rest / total.max(1e-9)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes pages `range` of a corpus in which page `i` is a function of `i` alone, so that
/// pages can be added later without changing the earlier ones. Returns the bytes written.
fn generate_pages(pages: &[String], range: std::ops::Range<u32>, dir: &Path) -> Result<u64> {
    let mut written = 0u64;
    for i in range {
        let mut rng = Rng(0x696E_6372 ^ u64::from(i).wrapping_mul(0x9E37_79B9));
        let text = vary(&pages[i as usize % pages.len()], &mut rng);
        let (name, bytes) = if i % 4 == 3 {
            (
                format!("{i:07}.gb.txt"),
                ingest::fixtures::encode(&text, "gb18030").unwrap_or_default(),
            )
        } else {
            (format!("{i:07}.txt"), text.into_bytes())
        };
        let folder = dir.join(format!("{:04}", i / 1000));
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        std::fs::write(folder.join(name), &bytes)?;
        written += bytes.len() as u64;
    }
    Ok(written)
}

/// One `newsprint run` child process over `corpus` into `out`: its final JSON line.
/// End-to-end runs per thread count.
const E2E_RUNS: usize = 3;

fn timed_run(corpus: &Path, out: &Path, extra: &[&str]) -> Result<serde_json::Value> {
    let exe = std::env::current_exe().context("cannot find the newsprint executable")?;
    let output = Command::new(&exe)
        .args([
            "run",
            "--log-format",
            "json",
            "--published-date",
            "2026-01-21",
        ])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(corpus)
        .output()
        .context("cannot start newsprint run")?;
    if !output.status.success() {
        bail!(
            "newsprint run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("{}"))
        .context("cannot read the run's summary")
}

/// The bench's scratch folder: `--dir` as given (kept for a look afterwards), else a
/// temporary folder that is removed when the bench ends, by an error or a panic too.
fn scratch_folder(
    dir: Option<&std::path::Path>,
    prefix: &str,
) -> Result<(PathBuf, Option<tempfile::TempDir>)> {
    match dir {
        Some(dir) => Ok((dir.to_path_buf(), None)),
        None => {
            let temp = tempfile::Builder::new()
                .prefix(prefix)
                .tempdir()
                .context("cannot make a scratch folder")?;
            Ok((temp.path().to_path_buf(), Some(temp)))
        }
    }
}

/// `--incremental N`: a dataset of N pages, then 1 % more.
fn incremental_bench(pages: &[String], n: u32, args: &BenchArgs) -> Result<ExitCode> {
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
            "{what:<28} {secs:>8.2} s  {:>6} new  {:>6} unchanged  peak RSS {rss} MB",
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

/// Articles made of sentences of words cut from the sample pages, some of them copies of an
/// earlier one. Every text is a function of its number, so the search can load texts again
/// without the corpus being held.
struct ArticleCorpus {
    words: Vec<String>,
    /// Articles of one or two sentences (JSON Lines records of short news), whose band
    /// buckets are crowded: the hard case for the search's memory.
    short: bool,
}

/// How article `i` was made.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Made {
    Original,
    /// A copy of an earlier article: re-wrapped with ASCII commas, with this many characters
    /// in a thousand changed, or abridged to its first 90 %.
    Copy {
        of: u32,
        changed: u32,
        abridged: bool,
    },
    /// Shares half its sentences with an earlier article: related, not a copy.
    Related {
        to: u32,
    },
}

impl ArticleCorpus {
    fn new(pages: &[String], short: bool) -> Self {
        let mut rng = Rng(7);
        let mut words = std::collections::BTreeSet::new();
        for page in pages {
            let han: Vec<char> = page
                .chars()
                .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
                .collect();
            let mut i = 0;
            while i + 4 <= han.len() {
                let len = 2 + (rng.next() % 3) as usize;
                words.insert(han[i..i + len].iter().collect::<String>());
                i += len;
            }
        }
        ArticleCorpus {
            words: words.into_iter().collect(),
            short,
        }
    }

    fn made(i: u32) -> Made {
        let mut rng = Rng(u64::from(i) ^ 0xA5A5);
        let roll = rng.next() % 100;
        if i < 10 || roll >= 30 {
            return Made::Original;
        }
        // Copies and relatives point at an original a little earlier.
        let mut of = i - 1 - (rng.next() % u64::from(i.min(500))) as u32;
        while Self::made(of) != Made::Original {
            of -= 1;
        }
        match roll {
            0..=19 => Made::Copy {
                of,
                changed: [0, 10, 20, 30][(roll % 4) as usize],
                abridged: false,
            },
            20..=24 => Made::Copy {
                of,
                changed: 0,
                abridged: true,
            },
            _ => Made::Related { to: of },
        }
    }

    fn sentences(&self, i: u32) -> Vec<String> {
        let mut rng = Rng(u64::from(i).wrapping_mul(0x9E37) ^ 0x5EED);
        let n = if self.short {
            1 + rng.next() % 2
        } else {
            12 + rng.next() % 18
        };
        (0..n)
            .map(|_| {
                let mut s = String::new();
                let words = 6 + rng.next() % 9;
                for w in 0..words {
                    s.push_str(&self.words[(rng.next() % self.words.len() as u64) as usize]);
                    if w + 1 < words && rng.next().is_multiple_of(5) {
                        s.push('，');
                    }
                }
                s.push('。');
                s
            })
            .collect()
    }

    fn text(&self, i: u32) -> String {
        match Self::made(i) {
            Made::Original => self.sentences(i).concat(),
            Made::Related { to } => {
                let mut own = self.sentences(i);
                let theirs = self.sentences(to);
                for (k, s) in theirs.into_iter().enumerate().step_by(2) {
                    if k < own.len() {
                        own[k] = s;
                    }
                }
                own.concat()
            }
            Made::Copy {
                of,
                changed,
                abridged,
            } => {
                let mut sentences = self.sentences(of);
                if abridged {
                    sentences.truncate(sentences.len() * 9 / 10);
                }
                let mut rng = Rng(u64::from(i) ^ 0xC0FF);
                let mut out = String::new();
                for (k, c) in sentences.concat().chars().enumerate() {
                    if changed > 0 && rng.next() % 1000 < u64::from(changed) {
                        out.push_str(
                            &self.words[(rng.next() % self.words.len() as u64) as usize][..3],
                        );
                    } else if c == '，' {
                        out.push(',');
                    } else {
                        out.push(c);
                    }
                    if k % 16 == 15 {
                        out.push('\n');
                    }
                }
                out
            }
        }
    }
}

fn near_duplicate_bench(pages: &[String], n: u32, short: bool) -> Result<ExitCode> {
    use corpus::neardup::{near_duplicates, shingles, sketch, NearDupOptions};
    let corpus = ArticleCorpus::new(pages, short);
    let options = NearDupOptions::default();
    let t = Instant::now();
    let mut text_bytes = 0u64;
    let sketches: Vec<_> = (0..n)
        .map(|i| {
            let text = corpus.text(i);
            text_bytes += text.len() as u64;
            sketch(&text)
        })
        .collect();
    let sketch_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let report = near_duplicates(&sketches, &options, &[], |ids| {
        Ok::<_, std::convert::Infallible>(ids.iter().map(|&i| shingles(&corpus.text(i))).collect())
    })?;
    let search_secs = t.elapsed().as_secs_f64();

    // A found copy is right when the article and the one it names are copies of one original.
    let original = |i: u32| match ArticleCorpus::made(i) {
        Made::Copy { of, .. } => of,
        _ => i,
    };
    let (mut found, mut right, mut copies) = (0u64, 0u64, 0u64);
    let mut missed: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..n {
        let made = ArticleCorpus::made(i);
        let is_copy = matches!(made, Made::Copy { .. });
        copies += u64::from(is_copy);
        match report.matches[i as usize] {
            Some(m) => {
                found += 1;
                right += u64::from(is_copy && original(m.kept) == original(i));
            }
            None if is_copy => {
                let Made::Copy {
                    changed, abridged, ..
                } = made
                else {
                    continue;
                };
                let what = if abridged {
                    "abridged".to_string()
                } else {
                    format!("{}% changed", changed as f64 / 10.0)
                };
                *missed.entry(what).or_default() += 1;
            }
            None => {}
        }
    }
    let precision = right as f64 / found.max(1) as f64;
    let recall = right as f64 / copies.max(1) as f64;
    let rss = super::peak_rss_bytes().unwrap_or(0) as f64 / f64::from(1 << 20);
    let per_100k = 100_000.0 / f64::from(n.max(1));
    println!(
        "articles: {n} ({:.1} MB of text), {copies} copies (re-wrapped; 0, 1, 2, 3 % changed; abridged)",
        text_bytes as f64 / 1e6
    );
    println!(
        "sketch                {:>8.2} s   {:.1} MB/s",
        sketch_secs,
        rate(text_bytes, sketch_secs)
    );
    println!(
        "search + verify       {:>8.2} s   {} candidate pairs, {} verified, {} windows",
        search_secs, report.candidates, report.verified, report.windows
    );
    println!(
        "per 100k articles     {:>8.2} s   (sketch + search, one thread)",
        (sketch_secs + search_secs) * per_100k
    );
    println!("peak RSS              {rss:>8.0} MiB");
    println!("precision {precision:.4}  recall {recall:.4}  ({right} of {copies} copies found, {found} flagged)");
    for (what, count) in missed {
        println!("  missed: {count} {what}");
    }
    Ok(ExitCode::SUCCESS)
}
