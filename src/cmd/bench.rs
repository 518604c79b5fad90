//! `newsprint bench`: a generated corpus, per-stage throughput, and end-to-end runs.
//!
//! The corpus varies the sample pages (numbers changed, paragraphs rotated) and mixes the
//! encodings and compression newsprint reads (UTF-8, UTF-8 with BOM, GB18030, UTF-16LE with
//! BOM, gzip). Stages are timed one after another on one thread, in this process; the
//! end-to-end figures come from `newsprint run` child processes at each thread count, whose
//! own peak memory they report.

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
    #[arg(long, default_value_t = 50)]
    pub mb: u64,

    /// Folder of sample pages to vary.
    #[arg(long, default_value = "data/pages")]
    pub pages: PathBuf,

    /// Working folder for the corpus and outputs (default: a temporary folder).
    #[arg(long)]
    pub dir: Option<PathBuf>,

    /// Thread counts for the end-to-end runs.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    pub threads: Vec<usize>,
}

/// A small deterministic generator (SplitMix64): the corpus is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
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
            if c.is_ascii_digit() && rng.next() % 3 == 0 {
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

/// Writes about `mb` megabytes of varied pages into `dir`; returns the bytes written.
pub fn generate(pages: &[String], mb: u64, dir: &Path) -> Result<u64> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut rng = Rng(0x6E65_7773);
    let target = mb << 20;
    let mut written = 0u64;
    let mut i = 0usize;
    while written < target {
        let text = vary(&pages[i % pages.len()], &mut rng);
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
        i += 1;
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

fn rate(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs.max(1e-9)
}

/// Runs the benchmark; see the module docs.
pub fn bench(args: BenchArgs) -> Result<ExitCode> {
    let pages = read_pages(&args.pages)?;
    let scratch = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("newsprint-bench-{}", std::process::id())),
    };
    let corpus = scratch.join("corpus");
    if corpus.exists() {
        std::fs::remove_dir_all(&corpus)?;
    }
    let t = Instant::now();
    let bytes = generate(&pages, args.mb, &corpus)?;
    println!(
        "corpus: {:.1} MB in {} ({:.1} s to generate)",
        bytes as f64 / 1e6,
        corpus.display(),
        t.elapsed().as_secs_f64()
    );

    // Stages, one thread, in this process.
    let stages = Stages {
        decode: ingest::DecodeOptions::default(),
        clean: clean::CleanOptions {
            fallback_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 21),
        },
        extractor: extract::Extractor::new(),
    };
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

    let t = Instant::now();
    let pages: Vec<clean::Page> = docs
        .iter()
        .map(|d| clean::clean(d, &stages.clean))
        .collect();
    let clean_secs = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let extractions: Vec<extract::Extraction> =
        pages.iter().map(|p| stages.extractor.extract(p)).collect();
    let extract_secs = t.elapsed().as_secs_f64();

    let out = scratch.join("out-stages");
    let t = Instant::now();
    let mut writer = aggregate::Writer::create(&out, aggregate::WriterOptions::default())?;
    for ((mut document, page), extraction) in docs.into_iter().zip(pages).zip(extractions) {
        document.text = String::new();
        writer.append(&aggregate::DocRecord {
            document,
            page,
            extraction,
        })?;
    }
    writer.finish(aggregate::RunInfo::default())?;
    let write_secs = t.elapsed().as_secs_f64();

    println!("\nstage (1 thread)      MB/s    (over)");
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
        "clean               {:>8.1}   {:.1} MB UTF-8 text",
        rate(text_bytes, clean_secs),
        text_bytes as f64 / 1e6
    );
    println!(
        "extract             {:>8.1}   UTF-8 text",
        rate(text_bytes, extract_secs)
    );
    println!(
        "write               {:>8.1}   UTF-8 text",
        rate(text_bytes, write_secs)
    );
    println!("documents           {n_docs:>8}");

    // End to end, in child processes so each reports its own peak memory.
    let exe = std::env::current_exe().context("cannot find the newsprint executable")?;
    println!("\nend to end          MB/s   docs/s   peak RSS MB   speed-up");
    let mut base = None;
    for &threads in &args.threads {
        let out = scratch.join(format!("out-{threads}"));
        let output = Command::new(&exe)
            .args([
                "run",
                "--log-format",
                "json",
                "--published-date",
                "2026-01-21",
                "--threads",
            ])
            .arg(threads.to_string())
            .arg("--out")
            .arg(&out)
            .arg(&corpus)
            .output()
            .context("cannot start newsprint run")?;
        if !output.status.success() {
            bail!(
                "newsprint run failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let last = stdout.lines().last().unwrap_or("{}");
        let summary: serde_json::Value =
            serde_json::from_str(last).context("cannot read the run's summary")?;
        let mbps = summary["mb_per_s"].as_f64().unwrap_or(0.0);
        let secs = summary["seconds"].as_f64().unwrap_or(0.0);
        let rss = summary["peak_rss_bytes"].as_u64().unwrap_or(0) as f64 / (1 << 20) as f64;
        let speedup = base.map_or(1.0, |b: f64| mbps / b);
        base.get_or_insert(mbps);
        println!(
            "{threads} thread(s)         {mbps:>7.1}  {:>7.0}   {rss:>11.0}   {speedup:>7.2}x",
            n_docs as f64 / secs.max(1e-9)
        );
    }
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(ExitCode::SUCCESS)
}
