//! `cargo bench -p extract`: extraction throughput (entities and quantities) on cleaned sample
//! pages, one thread.

use std::time::Instant;

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../data");
    let paths = [
        format!("{root}/pages").into(),
        format!("{root}/gold/pages").into(),
    ];
    let sources = ingest::discover(&paths).expect("sample pages");
    let options = clean::CleanOptions {
        fallback_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 21),
        boilerplate: None,
    };
    let pages: Vec<clean::Page> = ingest::read(sources, ingest::ReadOptions::default())
        .map(|raw| ingest::decode(raw, &ingest::DecodeOptions::default()))
        .filter(|d| d.status == ingest::Status::Ok)
        .map(|d| clean::clean(&d, &options))
        .collect();
    let bytes: usize = pages
        .iter()
        .flat_map(|p| &p.articles)
        .flat_map(|a| &a.paragraphs)
        .map(|p| p.text.len())
        .sum();
    let extractor = extract::Extractor::new();
    // The word lists are built on first use: outside the timed loop.
    for page in &pages {
        extractor.extract(page);
    }
    let rounds = 500;
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..rounds {
        for page in &pages {
            found += extractor.extract(page).quantities.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "extract: {:.1} MB/s ({} pages x {rounds}, {found} figures)",
        (bytes * rounds) as f64 / 1e6 / secs,
        pages.len()
    );
}
