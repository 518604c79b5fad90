//! `newsprint eval`: cleaning quality against gold files.
//!
//! A gold file (`data/gold/*.json`) names a page and holds its true articles: title,
//! subtitle, authors and paragraphs, plus the captions printed on it. The page is run through
//! ingest and clean, and the report says, per page and overall:
//!
//! - *sentences present*: gold sentences found in the output (compared on Han, letters and
//!   digits, so punctuation width does not matter);
//! - *repeated*: gold sentences found more than once (a duplicate left in);
//! - *extra*: the share of output characters in sentences that are in no gold paragraph
//!   (captions, credits, furniture, garbled joins);
//! - *paragraphs whole*: gold paragraphs that are exactly one output paragraph;
//! - *titles* and *authors* found; *captions left* in the text.
//!
//! Gold files that list `quantities` also score the extractor: per kind, precision, recall
//! and F1, where a found figure is right when its kind, value, unit and ISO date match a gold
//! figure whose text overlaps it. Figures are also scored on real articles against a
//! hand-judged gold file (see [`figures`]).

mod entities;
mod figures;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cmd::data_files::{candidates, locate};
use anyhow::{Context, Result};
use clap::Args;

const EVAL_HELP: &str = "\
Scores, per gold set and overall:
  cleaning   sentences present, present twice, extra characters, paragraphs whole,
             titles and authors found, captions left
  figures    precision, recall and F1 by kind on the pages' gold figures (value, unit and
             date must match), then on the hand-judged figures of real articles
             (--figures-gold over --articles), with money and sign checks over all articles
  entities   precision, recall and F1 of distinct names per page, people given their role
Relative paths are looked for in the working folder, then in the checkout newsprint was
built from, then around the binary: `newsprint eval` works from any folder.

Examples:
  newsprint eval
  newsprint eval --gold data/gold --gold /tmp/real/ocr --gold /tmp/real/web
  newsprint eval --entities rules";

/// Arguments of `newsprint eval`.
#[derive(Args, Debug)]
#[command(after_long_help = EVAL_HELP)]
pub struct EvalArgs {
    /// Folder of gold files (`*.json`), each naming its page relative to the folder; give it
    /// again for more sets (each scored on its own). `data/gold/make_real_pages.py` lays out
    /// two sets from real newswire articles: OCR-style pages and web-style texts.
    #[arg(long, value_name = "DIR", default_values = ["data/gold"])]
    pub gold: Vec<PathBuf>,

    /// How entities are found, as `run --entities`: `tagger` (the default) or `rules`.
    #[arg(long, value_enum, value_name = "HOW", default_value_t = crate::pipeline::Entities::Tagger)]
    pub entities: crate::pipeline::Entities,

    /// The same as `--entities tagger` (the default now), for older scripts.
    #[arg(long, hide = true, conflicts_with = "entities")]
    pub entity_tagger: bool,

    /// Hand-judged figures of real articles (article id, offsets, kind, value, unit, date;
    /// not the text), scored against the articles' text read from --articles.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "data/gold/figures/nist.jsonl"
    )]
    pub figures_gold: PathBuf,

    /// Hand-judged entities of real articles (article id, paragraph, offsets, kind; not the
    /// text), scored against the articles' text read from --articles; give it again for
    /// more sets (each scored on its own).
    #[arg(long, value_name = "FILE", default_values = ["data/gold/entities/nist-dev.jsonl", "data/gold/entities/nist-heldout.jsonl"])]
    pub entities_gold: Vec<PathBuf>,

    /// Write each hand-judged entity missed, and each found wrongly, to FILE (one a line,
    /// with its text), for reading.
    #[arg(long, value_name = "FILE")]
    pub entities_misses: Option<PathBuf>,

    /// The articles --figures-gold names, JSON Lines of `{id, paragraphs}`; read at eval
    /// time, never copied. Skipped with a note when the file is not there.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "../shared/data/articles/nist-mt-zh.jsonl"
    )]
    pub articles: PathBuf,

    /// Text to take out of every page, as `run --drop`.
    #[arg(long, value_name = "NAME=PATTERN", value_parser = crate::cmd::cli::parse_drop)]
    pub drop: Vec<clean::DropPattern>,
}

#[derive(serde::Deserialize)]
struct Gold {
    page: String,
    published_date: Option<String>,
    articles: Vec<GoldArticle>,
    #[serde(default)]
    captions: Vec<String>,
    #[serde(default)]
    quantities: Vec<GoldQuantity>,
    /// The page's distinct entity names by kind (`person`, `organization`, `place`).
    #[serde(default)]
    entities: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// A person's role where the page states it.
    #[serde(default)]
    roles: std::collections::BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct GoldQuantity {
    text: String,
    kind: String,
    value: Option<f64>,
    unit: Option<String>,
    iso: Option<String>,
}

/// Quantity matches per kind: (true positives, false positives, false negatives).
pub type KindScores = std::collections::BTreeMap<String, (usize, usize, usize)>;

/// A found figure matches a gold one when kind, value, unit and ISO date agree and the
/// spans overlap (one text contains the other).
fn same_figure(found: &extract::Quantity, gold: &GoldQuantity) -> bool {
    found.kind.as_str() == gold.kind
        && close(found.value, gold.value)
        && found.unit == gold.unit.as_deref()
        && found.iso == gold.iso
        && (found.text.contains(&gold.text) || gold.text.contains(&found.text))
}

/// Whether two values agree to nine digits, or are both absent.
fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        (None, None) => true,
        _ => false,
    }
}

fn score_quantities(found: &[extract::Quantity], gold: &[GoldQuantity], scores: &mut KindScores) {
    tally(
        found,
        gold,
        |f| f.kind.as_str(),
        |g| &g.kind,
        same_figure,
        scores,
    );
}

/// Counts `found` against `gold` by kind into `scores` (right, wrong, missed): each found
/// item takes the first gold item not yet taken that it is the same as.
pub fn tally<F, G>(
    found: &[F],
    gold: &[G],
    found_kind: impl Fn(&F) -> &str,
    gold_kind: impl Fn(&G) -> &str,
    same: impl Fn(&F, &G) -> bool,
    scores: &mut KindScores,
) {
    let mut matched = vec![false; gold.len()];
    for f in found {
        let hit = gold
            .iter()
            .enumerate()
            .position(|(k, g)| !matched[k] && same(f, g));
        let entry = scores.entry(found_kind(f).to_string()).or_default();
        match hit {
            Some(k) => {
                matched[k] = true;
                entry.0 += 1;
            }
            None => entry.1 += 1,
        }
    }
    for (g, hit) in gold.iter().zip(&matched) {
        if !hit {
            scores.entry(gold_kind(g).to_string()).or_default().2 += 1;
        }
    }
}

/// What the extractor is measured on: figures and entities by kind, and roles.
#[derive(Default)]
pub struct Extracted {
    /// Figures per kind.
    pub quantities: KindScores,
    /// Distinct entity names per kind and page.
    pub entities: KindScores,
    /// (gold roles, of which the extractor gave the same role to a mention of that person).
    pub roles: (usize, usize),
}

impl Extracted {
    fn add(&mut self, other: &Extracted) {
        for (mine, theirs) in [
            (&mut self.quantities, &other.quantities),
            (&mut self.entities, &other.entities),
        ] {
            for (kind, (tp, fp, fn_)) in theirs {
                let entry = mine.entry(kind.clone()).or_default();
                entry.0 += tp;
                entry.1 += fp;
                entry.2 += fn_;
            }
        }
        self.roles.0 += other.roles.0;
        self.roles.1 += other.roles.1;
    }
}

/// Scores the page's distinct names by kind against the gold sets, and the roles.
fn score_entities(
    extraction: &extract::Extraction,
    gold: &std::collections::BTreeMap<String, Vec<String>>,
    roles: &std::collections::BTreeMap<String, String>,
    out: &mut Extracted,
) {
    use std::collections::BTreeSet;
    for kind in [
        extract::EntityKind::Person,
        extract::EntityKind::Organization,
        extract::EntityKind::Place,
    ] {
        let found: BTreeSet<&str> = extraction
            .entities
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.name.as_str())
            .collect();
        let expected: BTreeSet<&str> = gold
            .get(kind.as_str())
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let entry = out.entities.entry(kind.as_str().to_string()).or_default();
        entry.0 += found.intersection(&expected).count();
        entry.1 += found.difference(&expected).count();
        entry.2 += expected.difference(&found).count();
    }
    for (name, role) in roles {
        out.roles.0 += 1;
        out.roles.1 += usize::from(
            extraction
                .entities
                .iter()
                .any(|e| e.name == *name && e.role.as_deref() == Some(role.as_str())),
        );
    }
}

#[derive(serde::Deserialize)]
struct GoldArticle {
    title: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    paragraphs: Vec<String>,
}

/// Scores of one page (counts, so pages add up).
#[derive(Default, Clone, Copy)]
pub struct Scores {
    sentences: usize,
    present: usize,
    repeated: usize,
    output_chars: usize,
    extra_chars: usize,
    paragraphs: usize,
    whole: usize,
    titles: usize,
    titles_found: usize,
    authors: usize,
    authors_found: usize,
    captions: usize,
    captions_left: usize,
}

impl Scores {
    fn add(&mut self, o: &Scores) {
        self.sentences += o.sentences;
        self.present += o.present;
        self.repeated += o.repeated;
        self.output_chars += o.output_chars;
        self.extra_chars += o.extra_chars;
        self.paragraphs += o.paragraphs;
        self.whole += o.whole;
        self.titles += o.titles;
        self.titles_found += o.titles_found;
        self.authors += o.authors;
        self.authors_found += o.authors_found;
        self.captions += o.captions;
        self.captions_left += o.captions_left;
    }
}

fn comparable(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Sentences of a paragraph: up to and including a terminal mark and its closing quotes.
fn sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = paragraph.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '。' | '！' | '？') {
            while let Some(&next) = chars.peek() {
                if matches!(next, '”' | '’' | '）' | '」') {
                    current.push(next);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out.into_iter()
        .filter(|s| !comparable(s).is_empty())
        .collect()
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

/// Cleans the gold file's page and scores it, adding its figures and entities to `extracted`.
pub fn score_page(
    gold_dir: &Path,
    gold_path: &Path,
    extractor: &extract::Extractor,
    drop: &[clean::DropPattern],
    extracted: &mut Extracted,
) -> Result<(String, Scores)> {
    let gold: Gold = serde_json::from_slice(&std::fs::read(gold_path)?)
        .with_context(|| format!("cannot parse {}", gold_path.display()))?;
    let page_path = gold_dir.join(&gold.page);
    let sources = ingest::discover(std::slice::from_ref(&page_path))?;
    let raw = ingest::read(sources, ingest::ReadOptions::default())
        .next()
        .with_context(|| format!("no document in {}", page_path.display()))?;
    let doc = ingest::decode(raw, &ingest::DecodeOptions::default());
    let page = clean::clean(
        &doc,
        &clean::CleanOptions {
            fallback_date: gold
                .published_date
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            furniture: None,
            drop: drop.to_vec(),
            no_builtin: false,
        },
    );

    let extraction = extractor.extract(&page);
    if !gold.quantities.is_empty() {
        score_quantities(
            &extraction.quantities,
            &gold.quantities,
            &mut extracted.quantities,
        );
    }
    if let Some(entities) = &gold.entities {
        score_entities(&extraction, entities, &gold.roles, extracted);
    }
    let out_paragraphs: Vec<String> = page
        .articles
        .iter()
        .flat_map(|a| a.paragraphs.iter().map(|p| comparable(&p.text)))
        .collect();
    let out_joined = out_paragraphs.join("|");
    let gold_paragraphs: Vec<String> = gold
        .articles
        .iter()
        .flat_map(|a| a.paragraphs.iter().map(|p| comparable(p)))
        .collect();
    let gold_joined = gold_paragraphs.join("|");

    let mut s = Scores::default();
    for article in &gold.articles {
        for paragraph in &article.paragraphs {
            for sentence in sentences(paragraph) {
                let key = comparable(&sentence);
                let n = out_joined.matches(key.as_str()).count();
                s.sentences += 1;
                s.present += usize::from(n >= 1);
                s.repeated += usize::from(n >= 2);
            }
        }
    }
    for article in &page.articles {
        for paragraph in &article.paragraphs {
            for sentence in sentences(&paragraph.text) {
                let key = comparable(&sentence);
                let chars = key.chars().count();
                s.output_chars += chars;
                if !gold_joined.contains(key.as_str()) {
                    s.extra_chars += chars;
                }
            }
        }
    }
    s.paragraphs = gold_paragraphs.len();
    s.whole = gold_paragraphs
        .iter()
        .filter(|g| out_paragraphs.contains(g))
        .count();
    let out_titles: Vec<String> = page
        .articles
        .iter()
        .filter_map(|a| a.title.as_deref().map(comparable))
        .collect();
    let mut out_authors: Vec<&String> = page.articles.iter().flat_map(|a| &a.authors).collect();
    for article in &gold.articles {
        if let Some(title) = &article.title {
            s.titles += 1;
            s.titles_found += usize::from(out_titles.contains(&comparable(title)));
        }
        for author in &article.authors {
            s.authors += 1;
            if let Some(k) = out_authors.iter().position(|a| *a == author) {
                out_authors.swap_remove(k);
                s.authors_found += 1;
            }
        }
    }
    s.captions = gold.captions.len();
    s.captions_left = gold
        .captions
        .iter()
        .filter(|c| out_joined.contains(comparable(c).as_str()))
        .count();
    let name = gold_path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, s))
}

/// Scores every gold page in `dir`, in name order, with the total last; and the figures and
/// entities of the pages whose gold lists them, by kind.
pub fn score_all(
    dir: &Path,
    extractor: &extract::Extractor,
    drop: &[clean::DropPattern],
) -> Result<(Vec<(String, Scores)>, Extracted)> {
    let mut golds: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read gold folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    golds.sort();
    let mut rows = Vec::new();
    let mut total = Scores::default();
    let mut extracted = Extracted::default();
    for gold in golds {
        let (name, scores) = score_page(dir, &gold, extractor, drop, &mut extracted)?;
        total.add(&scores);
        rows.push((name, scores));
    }
    rows.push(("overall".to_string(), total));
    Ok((rows, extracted))
}

/// Sets of more pages than this are shown by their overall row only.
const PAGES_SHOWN: usize = 20;

/// Runs the report; see the module docs.
pub fn eval(mut args: EvalArgs) -> Result<ExitCode> {
    for gold in &mut args.gold {
        *gold = locate(gold, "gold folder").context("pass --gold DIR")?;
    }
    args.figures_gold =
        locate(&args.figures_gold, "figure gold").context("pass --figures-gold FILE")?;
    // The articles may be absent: the score is then skipped, saying where it looked.
    let articles_looked = candidates(&args.articles);
    if let Some(found) = articles_looked.iter().find(|p| p.exists()) {
        args.articles = found.clone();
    }
    let extractor = crate::pipeline::extractor(args.entities);
    let mut extracted = Extracted::default();
    for (k, gold) in args.gold.iter().enumerate() {
        let (rows, set_extracted) = score_all(gold, &extractor, &args.drop)?;
        extracted.add(&set_extracted);
        if k > 0 {
            println!();
        }
        let pages = rows.len() - 1;
        println!("{} ({pages} pages)", gold.display());
        println!(
            "{:<24} {:>10} {:>9} {:>8} {:>10} {:>8} {:>9} {:>9}",
            "page", "sentences", "repeated", "extra", "paragraphs", "titles", "authors", "captions"
        );
        println!(
            "{:<24} {:>10} {:>9} {:>8} {:>10} {:>8} {:>9} {:>9}",
            "", "present", "", "chars", "whole", "found", "found", "left"
        );
        let shown = if pages > PAGES_SHOWN {
            pages..rows.len()
        } else {
            0..rows.len()
        };
        for (name, s) in &rows[shown] {
            println!(
                "{:<24} {:>10} {:>9} {:>8} {:>10} {:>8} {:>9} {:>9}",
                name,
                pct(s.present, s.sentences),
                pct(s.repeated, s.sentences),
                pct(s.extra_chars, s.output_chars),
                pct(s.whole, s.paragraphs),
                format!("{}/{}", s.titles_found, s.titles),
                format!("{}/{}", s.authors_found, s.authors),
                format!("{}/{}", s.captions_left, s.captions)
            );
        }
    }
    println!("\nquantities (pages with gold figures): value, unit and date must match");
    print_prf(&extracted.quantities);
    match figures::read_articles(&args.articles)? {
        Some(articles) => {
            let (scores, judged) =
                figures::score(&args.figures_gold, &articles, &args.articles, &extractor)?;
            println!(
                "\nfigures on real articles ({}: {judged} articles judged by hand): value, interval, unit and date must match",
                args.figures_gold.display()
            );
            print_prf(&scores);
            let checks = figures::checks(&articles, &extractor)?;
            println!(
                "over all {}: amounts with a currency word read as money {}/{}; signed numbers kept negative {}/{}",
                args.articles.display(),
                checks.money.0,
                checks.money.1,
                checks.signs.0,
                checks.signs.1
            );
        }
        None => println!(
            "\nfigures and entities on real articles: skipped, {} is not there (looked in: {}); \
             pass --articles FILE, the NIST Chinese articles as JSON Lines of {{id, paragraphs}} \
             (data/gold/figures/README.md says where they come from)",
            args.articles.display(),
            articles_looked
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    println!("\nentities (pages with gold entities): distinct canonical names per page");
    print_prf(&extracted.entities);
    println!(
        "roles: {}/{} people given the gold role",
        extracted.roles.1, extracted.roles.0
    );
    if let Some(articles) = figures::read_articles(&args.articles)? {
        let mut misses = match &args.entities_misses {
            Some(path) => Some(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            )),
            None => None,
        };
        for gold in &args.entities_gold {
            let gold = locate(gold, "entity gold").context("pass --entities-gold FILE")?;
            let absent = entities::absent(&gold, &articles)?;
            if absent > 0 {
                println!(
                    "\nentities on real articles ({}): skipped, {absent} of its articles are not in {}",
                    gold.display(),
                    args.articles.display()
                );
                continue;
            }
            let misses = misses.as_mut().map(|w| w as &mut dyn std::io::Write);
            let (scores, judged) =
                entities::score(&gold, &articles, &args.articles, &extractor, misses)?;
            println!(
                "\nentities on real articles ({}: {judged} articles judged by hand): every mention, span and kind exact",
                gold.display()
            );
            print_prf(&scores);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints precision, recall and F1 per kind, and over all kinds.
fn print_prf(scores: &KindScores) {
    println!(
        "{:<13} {:>6} {:>6} {:>6} {:>9} {:>9} {:>7}",
        "kind", "gold", "found", "right", "precision", "recall", "F1"
    );
    let mut rows: Vec<(&str, (usize, usize, usize))> =
        scores.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let all = rows
        .iter()
        .fold((0, 0, 0), |a, (_, v)| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
    rows.push(("all", all));
    for (kind, (tp, fp, fn_)) in rows {
        let precision = tp as f64 / (tp + fp).max(1) as f64;
        let recall = tp as f64 / (tp + fn_).max(1) as f64;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        println!(
            "{kind:<13} {:>6} {:>6} {tp:>6} {precision:>9.3} {recall:>9.3} {f1:>7.3}",
            tp + fn_,
            tp + fp
        );
    }
}
