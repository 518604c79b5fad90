//! `cargo bench -p clean`: cleaning throughput on the sample and gold pages, one thread; on
//! the pages of another folder with `NEWSPRINT_BENCH_PAGES=DIR` (`newsprint bench --dir DIR`
//! leaves its realistic corpus in `DIR/corpus`).

use std::time::Instant;

fn pages() -> Vec<ingest::Document> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../data");
    let dirs = match std::env::var("NEWSPRINT_BENCH_PAGES") {
        Ok(dir) => vec![dir],
        Err(_) => vec![format!("{root}/pages"), format!("{root}/gold/pages")],
    };
    let paths: Vec<std::path::PathBuf> = dirs.iter().map(Into::into).collect();
    let sources = ingest::discover(&paths).expect("sample pages");
    ingest::read(sources, ingest::ReadOptions::default())
        .map(|raw| ingest::decode(raw, &ingest::DecodeOptions::default()))
        .filter(|d| d.status == ingest::Status::Ok)
        .collect()
}

fn main() {
    let docs = pages();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let options = clean::CleanOptions::default();
    let rounds = (400_000_000 / bytes.max(1)).clamp(3, 200);
    let start = Instant::now();
    let mut articles = 0;
    for _ in 0..rounds {
        for doc in &docs {
            articles += clean::clean(doc, &options).articles.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "clean: {:.1} MB/s ({} pages x {rounds}, {:.1} MB, {articles} articles)",
        (bytes * rounds) as f64 / 1e6 / secs,
        docs.len(),
        (bytes * rounds) as f64 / 1e6
    );
}
