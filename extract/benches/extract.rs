//! `cargo bench -p extract`: extraction throughput on one thread, stage by stage (entities by
//! the rules, entities with the tagger, the tagger alone, quantities), in MB/s of UTF-8 text,
//! and the process's peak memory.
//!
//! The text is real newswire when it can be found: the articles of
//! `../shared/data/articles/nist-mt-zh.jsonl` (or the JSON Lines file named by
//! `NEWSPRINT_BENCH_ARTICLES`: one object a line with `title` and `paragraphs`). Otherwise
//! the cleaned sample and gold pages, which are variants of one page and flatter the rules.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let articles: PathBuf = std::env::var_os("NEWSPRINT_BENCH_ARTICLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(root).join("../shared/data/articles/nist-mt-zh.jsonl"));
    let (pages, what) = match std::fs::read_to_string(&articles) {
        Ok(text) => (
            article_pages(&text),
            format!("real articles of {}", articles.display()),
        ),
        Err(_) => (
            sample_pages(root),
            "the sample and gold pages (no article file found)".to_string(),
        ),
    };
    let bytes: usize = pages
        .iter()
        .flat_map(|p| &p.articles)
        .map(|a| {
            a.title.as_ref().map_or(0, String::len)
                + a.paragraphs.iter().map(|p| p.text.len()).sum::<usize>()
        })
        .sum();
    println!(
        "extract bench, one thread: {} pages, {:.2} MB of text, {what}",
        pages.len(),
        bytes as f64 / 1e6
    );

    let rules = extract::Extractor::new();
    let t = Instant::now();
    let tagging = extract::Extractor::with_tagger();
    println!(
        "model load        {:>8.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    // Word lists and thread buffers are built on first use: outside the timed loops.
    for page in &pages {
        tagging.extract(page);
    }
    // Each timing runs the stage over the text as many times as fill about a second: on a
    // shared machine a tenth of a second is mostly noise.
    let time = |f: &dyn Fn(&clean::Page) -> usize| {
        let pass = |rounds: usize| {
            let start = Instant::now();
            let mut found = 0;
            for _ in 0..rounds {
                for page in &pages {
                    found += f(page);
                }
            }
            (start.elapsed().as_secs_f64(), found)
        };
        let (once, found) = pass(1);
        let rounds = ((1.0 / once.max(1e-6)).ceil() as usize).clamp(1, 10_000);
        // The fastest of three timings: a moment of a busy machine is not the stage's speed.
        let best = (0..3).map(|_| pass(rounds).0).fold(f64::INFINITY, f64::min);
        ((bytes * rounds) as f64 / 1e6 / best, found)
    };
    let model = extract::tagger::Model::embedded();
    let lines: Vec<(&str, f64, usize)> = vec![
        {
            let (r, n) = time(&|p| rules.entities(p).len());
            ("entities, rules", r, n)
        },
        {
            let (r, n) = time(&|p| tagging.entities(p).len());
            ("entities, tagger", r, n)
        },
        {
            let (r, n) = time(&|p| {
                let mut n = 0;
                for a in &p.articles {
                    for text in a.title.iter().chain(a.paragraphs.iter().map(|p| &p.text)) {
                        let chars: Vec<char> = text.chars().collect();
                        n += model.tag(&chars).len();
                    }
                }
                n
            });
            ("tagger alone", r, n)
        },
        {
            let (r, n) = time(&|p| rules.quantities(p).len());
            ("quantities", r, n)
        },
    ];
    for (stage, mbs, found) in lines {
        println!("{stage:<17} {mbs:>8.1} MB/s   ({found} found)");
    }
    println!("peak RSS          {:>8.1} MB", peak_rss_mb());
}

/// One page an article: its title and paragraphs as the cleaner would give them.
fn article_pages(text: &str) -> Vec<clean::Page> {
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|record| {
            let paragraphs = record["paragraphs"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| p.as_str())
                        .map(|p| clean::Paragraph {
                            kind: clean::ParagraphKind::Body,
                            text: p.to_string(),
                            truncated: false,
                        })
                        .collect()
                })
                .unwrap_or_default();
            clean::Page {
                articles: vec![clean::Article {
                    title: record["title"].as_str().map(str::to_string),
                    paragraphs,
                    ..Default::default()
                }],
                ..Default::default()
            }
        })
        .collect()
}

fn sample_pages(root: &str) -> Vec<clean::Page> {
    let paths = [
        format!("{root}/data/pages").into(),
        format!("{root}/data/gold/pages").into(),
    ];
    let sources = ingest::discover(&paths).expect("sample pages");
    let options = clean::CleanOptions {
        fallback_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 21),
        furniture: None,
        drop: Vec::new(),
        no_builtin: false,
    };
    ingest::read(sources, ingest::ReadOptions::default())
        .map(|raw| ingest::decode(raw, &ingest::DecodeOptions::default()))
        .filter(|d| d.status == ingest::Status::Ok)
        .map(|d| clean::clean(&d, &options))
        .collect()
}

/// The process's peak resident memory (Linux `VmHWM`), 0 where unknown.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
