//! Prints the figures of every paragraph of a JSON Lines file of articles
//! (`{"id": …, "paragraphs": […], "published_date": "YYYY-MM-DD"?}`), one JSON object a
//! figure, to read the extractor's output on text of your own:
//!
//! ```sh
//! cargo run --release -p extract --example figures -- articles.jsonl
//! ```

use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: figures ARTICLES.jsonl")?;
    let extractor = extract::Extractor::new();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for line in std::io::BufReader::new(std::fs::File::open(path)?).lines() {
        let article: serde_json::Value = serde_json::from_str(&line?)?;
        let id = article["id"].as_str().unwrap_or_default();
        let published = article["published_date"]
            .as_str()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let paragraphs = article["paragraphs"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (p, text) in paragraphs.iter().enumerate() {
            for f in extractor.figures(text.as_str().unwrap_or_default(), published) {
                let row = serde_json::json!({
                    "article": id, "paragraph": p, "start": f.start, "end": f.end,
                    "text": f.text, "kind": f.kind.as_str(), "value": f.value,
                    "low": f.value_low, "high": f.value_high, "unit": f.unit,
                    "iso": f.iso, "approx": f.approx.map(|a| a.as_str()),
                });
                writeln!(out, "{row}")?;
            }
        }
    }
    Ok(())
}
