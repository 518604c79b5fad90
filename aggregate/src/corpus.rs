//! Corpus-wide steps over the staged tables: near-duplicate articles across documents.
//!
//! During the run the writer keeps one [`Sketch`] (128 bytes) and one (document, article)
//! pair (8 bytes) per article, and one doc_id per document with articles. When the run ends,
//! [`mark_near_duplicates`] finds candidate pairs from the sketches, reads back from the
//! staged `articles` parts only the texts that candidates need to be verified, and rewrites
//! the parts that hold a copy with `duplicate_of` filled in. Texts are never held beyond one
//! verification window (`NearDupOptions::window` 5-gram sets, four bytes a 5-gram).

use clean::neardup::{near_duplicates, shingles, NearDupOptions, NearDupReport, Sketch};
use polars::prelude::*;
use rayon::prelude::*;

use crate::schema::ARTICLES;
use crate::table::{read_frame, typed, write_frame, Finished};
use crate::Error;

/// What the writer remembers of each article for the corpus step.
#[derive(Default)]
pub(crate) struct ArticleIndex {
    pub(crate) sketches: Vec<Option<Sketch>>,
    /// Per article: its document (an index into `doc_ids`) and its `article_idx`.
    pub(crate) ids: Vec<(u32, u32)>,
    pub(crate) doc_ids: Vec<String>,
}

impl ArticleIndex {
    fn key(&self, article: u32) -> String {
        let (doc, idx) = self.ids[article as usize];
        format!("{}/{}", self.doc_ids[doc as usize], idx)
    }
}

/// Finds near-duplicate articles and writes `articles.duplicate_of` into the staged parts.
pub(crate) fn mark_near_duplicates(
    articles: &Finished,
    index: &ArticleIndex,
    options: &NearDupOptions,
) -> Result<NearDupReport, Error> {
    // First row (article number) of each part.
    let mut starts = Vec::with_capacity(articles.part_rows.len());
    let mut next = 0u64;
    for &rows in &articles.part_rows {
        starts.push(next);
        next += rows;
    }
    let part_of = |article: u32| starts.partition_point(|&s| s <= u64::from(article)) - 1;

    let load = |needed: &[u32]| -> Result<Vec<Vec<u32>>, Error> {
        let mut sets = Vec::with_capacity(needed.len());
        for group in needed.chunk_by(|a, b| part_of(*a) == part_of(*b)) {
            let part = part_of(group[0]);
            let path = articles.part_path(part);
            let frame = read_frame(&ARTICLES, &path, Some(&["text"]))?;
            let texts = typed(&frame, &ARTICLES, "text", Column::str)?;
            let rows: Vec<usize> = group
                .iter()
                .map(|&a| (u64::from(a) - starts[part]) as usize)
                .collect();
            let computed: Vec<Vec<u32>> = rows
                .par_iter()
                .map(|&row| texts.get(row).map(shingles).unwrap_or_default())
                .collect();
            sets.extend(computed);
        }
        Ok(sets)
    };
    let report = near_duplicates(&index.sketches, options, load)?;

    for (part, &start) in starts.iter().enumerate() {
        let rows = articles.part_rows[part] as usize;
        let matches = &report.matches[start as usize..start as usize + rows];
        if matches.iter().all(Option::is_none) {
            continue;
        }
        let kept: StringChunked = matches
            .iter()
            .map(|m| m.map(|m| index.key(m.kept)))
            .collect();
        let similarity: Float32Chunked = matches.iter().map(|m| m.map(|m| m.similarity)).collect();
        let path = articles.part_path(part);
        let mut frame = read_frame(&ARTICLES, &path, None)?;
        let polars_error = |source| Error::Polars {
            table: ARTICLES.name,
            source,
        };
        frame
            .with_column(kept.with_name("duplicate_of".into()).into_column())
            .map_err(polars_error)?;
        frame
            .with_column(
                similarity
                    .with_name("duplicate_similarity".into())
                    .into_column(),
            )
            .map_err(polars_error)?;
        // Written beside the part and renamed over it: a part is never half-written.
        let fresh = path.with_extension("parquet.new");
        write_frame(&ARTICLES, &fresh, &mut frame)?;
        std::fs::rename(&fresh, &path).map_err(|source| Error::Io { path, source })?;
    }
    Ok(report)
}
