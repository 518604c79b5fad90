//! A document's records: its account, its cleaned page, its extraction, and its articles'
//! near-duplicate sketches, as the pipeline hands them to the writer.

use clean::Page;
use corpus::neardup::Sketch;
use extract::Extraction;
use ingest::Document;

/// Everything newsprint produced for one input.
#[derive(Clone, Debug)]
pub struct DocRecord {
    /// The input's account (its `text` is not written and may be emptied).
    pub document: Document,
    /// The cleaned page.
    pub page: Page,
    /// Entities and quantities.
    pub extraction: Extraction,
    /// Each article's near-duplicate sketch, in article order.
    pub sketches: Vec<Option<Sketch>>,
    /// Each article's text as `articles.text` holds it (paragraphs joined by `\n`), built
    /// once, in the parallel stage, for the sketch and the row alike.
    pub texts: Vec<String>,
}

impl DocRecord {
    /// Bundles one input's results, sketching its articles for the corpus-wide duplicate
    /// search (done here so that it runs in the parallel stage, not in the writer).
    pub fn new(document: Document, page: Page, extraction: Extraction) -> Self {
        let texts: Vec<String> = page.articles.iter().map(clean::Article::text).collect();
        let sketches = texts.iter().map(|t| corpus::neardup::sketch(t)).collect();
        DocRecord {
            document,
            page,
            extraction,
            sketches,
            texts,
        }
    }
}
