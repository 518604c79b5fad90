//! The options of `newsprint bench`.

use std::path::PathBuf;

use clap::Args;

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
