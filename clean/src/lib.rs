//! Repairing an OCR'd newspaper page and splitting it into articles.
//!
//! `clean` is a pure function from a decoded [`ingest::Document`] to a [`Page`]: the page's
//! [`Article`]s in reading order (title, subtitle, kicker, byline, dateline, authors and
//! [`Paragraph`]s) and every passage it took out as a [`Removed`] record saying why. The entry
//! point is [`clean()`]. It runs in four steps, each in its own module:
//!
//! 1. *normalise* characters (width, punctuation in Chinese context, spaces, invisibles);
//! 2. *lay out* lines: learn the page's gap and column width, take out photo captions and
//!    credits, tell headings and bylines from body lines, and reflow column wraps into
//!    paragraphs, rejoining sentences a caption had cut;
//! 3. *deduplicate* passages the OCR emitted twice, by character 5-gram containment;
//! 4. *assemble articles* from heading groups, bylines and datelines.
//!
//! ```
//! let page = "湘潭：园区去行政化\n\n湖南日报全媒体记者 颜石敦 蒋睿\n\n2025年底,湘潭市园区改革获省级通报表扬。\n";
//! let doc = ingest::decode(
//!     ingest::RawDoc::from_bytes("page.txt", page.as_bytes().to_vec()),
//!     &ingest::DecodeOptions::default(),
//! );
//! let page = clean::clean(&doc, &clean::CleanOptions::default());
//! let article = &page.articles[0];
//! assert_eq!(article.title.as_deref(), Some("湘潭：园区去行政化"));
//! assert_eq!(article.authors, ["颜石敦", "蒋睿"]);
//! assert_eq!(article.paragraphs[0].text, "2025年底，湘潭市园区改革获省级通报表扬。");
//! ```

mod byline;
mod chars;
mod dedup;
mod drop;
pub mod furniture;
mod hashing;
mod inline_credit;
mod layout;
mod normalize;
mod reading;
mod record_fields;
mod running_head;

use chrono::NaiveDate;

pub use chars::{comparable, is_han};
pub use dedup::shingle_hashes;
pub use normalize::normalize;
use normalize::INDENT;

use chars::ends_sentence;
pub use drop::{DropPattern, BUILTIN};
use layout::{Block, BlockKind, CutKind};

/// Options for [`clean()`].
#[derive(Clone, Debug, Default)]
pub struct CleanOptions {
    /// The publication date to assume when the page gives none (`--published-date`). It also
    /// supplies the year of a dateline that gives only month and day.
    pub fallback_date: Option<NaiveDate>,
    /// Furniture lines learned from the run (see [`furniture`]); taken out as `furniture`.
    pub furniture: Option<std::sync::Arc<dyn furniture::Furniture>>,
    /// The user's patterns of text to take out (see [`DropPattern`]); taken out as `furniture`.
    pub drop: Vec<DropPattern>,
    /// Keep what newsprint's own rules take out as `furniture` (`run --no-builtin-drop`): a
    /// page's running head (`running-head-rule`) and the lines of [`drop::BUILTIN`].
    pub no_builtin: bool,
}

/// A cleaned page.
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// Articles in reading order.
    pub articles: Vec<Article>,
    /// Every passage taken out of the text, in page order.
    pub removed: Vec<Removed>,
    /// The page's date: the first dateline's, else the input's, the running head's or the
    /// fallback date.
    pub published_date: Option<NaiveDate>,
    /// Characters of the decoded input.
    pub chars_in: u64,
    /// Characters of the articles' text.
    pub chars_out: u64,
}

/// One article of a page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Article {
    /// The headline.
    pub title: Option<String>,
    /// The line under the headline (`——访…` interviews, second decks), without its dash.
    pub subtitle: Option<String>,
    /// The line over the headline (a series or section label).
    pub kicker: Option<String>,
    /// The byline as printed.
    pub byline: Option<String>,
    /// The dateline split off the first paragraph, as printed.
    pub dateline: Option<String>,
    /// Reporters named by the byline and the dateline.
    pub authors: Vec<String>,
    /// From the dateline, else the page's date.
    pub published_date: Option<NaiveDate>,
    /// Body paragraphs and subheads in reading order.
    pub paragraphs: Vec<Paragraph>,
}

impl Article {
    /// The paragraphs joined by `\n`, as the `articles.text` column holds them.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(&p.text);
        }
        text
    }

    /// Characters of [`Article::text`], counted without building it.
    pub fn n_chars(&self) -> usize {
        let newlines = self.paragraphs.len().saturating_sub(1);
        self.paragraphs
            .iter()
            .map(|p| p.text.chars().count())
            .sum::<usize>()
            + newlines
    }

    /// Whether any paragraph was cut off at a column's end.
    pub fn truncated(&self) -> bool {
        self.paragraphs.iter().any(|p| p.truncated)
    }
}

/// One paragraph of an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Body text or a subhead.
    pub kind: ParagraphKind,
    /// The reflowed text.
    pub text: String,
    /// The paragraph stops mid-sentence where its column ended.
    pub truncated: bool,
}

/// The `paragraphs.kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParagraphKind {
    /// Running text.
    Body,
    /// A heading inside an article.
    Subhead,
}

impl ParagraphKind {
    /// The name written to the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ParagraphKind::Body => "body",
            ParagraphKind::Subhead => "subhead",
        }
    }
}

/// A passage taken out of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Removed {
    /// What kind of passage it was.
    pub kind: RemovedKind,
    /// The passage as it stood (after normalisation and reflow).
    pub text: String,
    /// Why it was taken out, in words.
    pub reason: String,
    /// How it was found (`exact`, `containment-5gram`, `caption-rule`, `credit-rule`).
    pub method: String,
    /// Where the kept copy stands, for duplicates.
    pub duplicate_of: Option<Location>,
    /// Similarity to the kept copy, for duplicates.
    pub similarity: Option<f32>,
}

/// Where a passage stands in a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// `article_idx`.
    pub article: u32,
    /// `paragraph_idx`, or `None` for the article's title, subtitle or kicker.
    pub paragraph: Option<u32>,
}

/// The `removed.kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovedKind {
    /// A second copy of a passage.
    Duplicate,
    /// A photo caption.
    Caption,
    /// A photo credit.
    Credit,
    /// Furniture: what belongs to the page or the site, not the article (recurring lines,
    /// running heads, editor lines, the user's drop patterns).
    Furniture,
}

impl RemovedKind {
    /// The name written to the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RemovedKind::Duplicate => "duplicate",
            RemovedKind::Caption => "caption",
            RemovedKind::Credit => "credit",
            RemovedKind::Furniture => "furniture",
        }
    }
}

/// Cleans one decoded document. Documents without text give an empty page.
pub fn clean(doc: &ingest::Document, options: &CleanOptions) -> Page {
    let paragraphs_given = doc.fields.as_ref().is_some_and(|f| f.text_is_paragraphs);
    let mut page = clean_page(
        &doc.text,
        Dates {
            own: doc.published_date,
            fallback: options.fallback_date,
        },
        options.furniture.as_deref(),
        (&options.drop, !options.no_builtin),
        paragraphs_given,
    );
    if let Some(fields) = &doc.fields {
        record_fields::apply(&mut page.articles, fields);
        page.chars_out = page.articles.iter().map(|a| a.n_chars() as u64).sum();
    }
    page
}

/// Takes the run's furniture lines out of a normalised page, with the blank line after each
/// so the page keeps its rhythm of gaps; `None` when none is. Returns, too, the recurring
/// lines kept as kickers (see [`kicker_between_articles`]).
fn strip_furniture(
    normalized: &str,
    furniture: &dyn furniture::Furniture,
    under_head: bool,
    removed: &mut Vec<(usize, Removed, Option<usize>)>,
) -> (Option<String>, Vec<String>) {
    let views = furniture::view_where(normalized, &|key| furniture.may_be(key));
    let lines: Vec<&str> = normalized.lines().collect();
    let counted: Vec<Option<u32>> = views.iter().map(|v| furniture.pages(v)).collect();
    if counted.iter().all(Option::is_none) {
        return (None, Vec::new());
    }
    let mut kickers = Vec::new();
    let mut out = String::with_capacity(normalized.len());
    let mut skip_blank = false;
    for (i, line) in lines.iter().enumerate() {
        if skip_blank && line.is_empty() {
            skip_blank = false;
            continue;
        }
        skip_blank = false;
        if let Some(pages) = counted[i] {
            if kicker_between_articles(&lines, &counted, i, under_head) {
                kickers.push(line.trim().to_string());
            } else {
                removed.push((
                    0,
                    rule_row(
                        RemovedKind::Furniture,
                        line.trim().to_string(),
                        format!("line recurs on {pages} pages of the run"),
                        "recurring-line".to_string(),
                    ),
                    None,
                ));
                skip_blank = true;
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    (Some(out), kickers)
}

/// Whether the recurring line `i` is a kicker (`聚焦`, `一线见闻`, `奋进新征程`): a column's
/// or a series' name over a headline, part of its article however many pages print it. It
/// stands between articles (after a line of text that stays) and right over a headline with
/// text under it, and is a few words (no figure, no label): a page's running head opens the
/// page (unless the running-head rule took it off: `under_head`) or holds its date and
/// number, an editor line (`责任编辑：…`) has a label and closes the page.
fn kicker_between_articles(
    lines: &[&str],
    counted: &[Option<u32>],
    i: usize,
    under_head: bool,
) -> bool {
    let line = lines[i].trim();
    let n = line.chars().count();
    let few_words = (2..=10).contains(&n)
        && !line.contains(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && !line.contains(['：', ':', ' ', '\u{3000}']);
    if !few_words {
        return false;
    }
    let kept = |k: &usize| !lines[*k].trim().is_empty() && counted[*k].is_none();
    let before = (0..i).rev().find(|k| !lines[*k].trim().is_empty());
    let mut after = (i + 1..lines.len()).filter(kept);
    let (headline, under) = (after.next(), after.next());
    // (Under a running head that has figures, or one taken off the page already, as the
    // first article's kicker.)
    let after_text_or_head = match before {
        Some(k) => {
            kept(&k)
                || lines[k].contains(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c))
        }
        None => under_head,
    };
    after_text_or_head
        && headline.is_some_and(|k| layout::heading_shape(lines[k].trim()))
        && under.is_some()
}

/// Cuts the user's patterns and the inline photo credits out of the lines that hold them;
/// `None` when no line does.
fn cut_within_lines(
    normalized: &str,
    builtin: &[DropPattern],
    drop: &[DropPattern],
    removed: &mut Vec<(usize, Removed, Option<usize>)>,
) -> Option<String> {
    // Built only once a line changes: most pages hold neither a pattern's match nor an
    // inline credit, and cost a scan of their lines and no copy.
    let mut out: Option<String> = None;
    let mut offset = 0;
    // What the page holds, asked once: a pattern whose words are nowhere on the page, or a
    // credit's, is not asked line by line. (A line a cut has changed is asked everything.)
    let every: Vec<(&DropPattern, bool)> = builtin
        .iter()
        .chain(drop)
        .map(|p| (p, p.may_occur_in(normalized)))
        .collect();
    let credits_on_page = inline_credit::may_occur_in(normalized);
    if !credits_on_page && every.iter().all(|&(_, on_page)| !on_page) {
        return None;
    }
    for line in normalized.split('\n') {
        // Patterns and credits read the line's text, its indent mark aside.
        let (indent, text) = line.split_at(line.len() - line.trim_start_matches(INDENT).len());
        let mut cut = std::borrow::Cow::Borrowed(text);
        for &(pattern, on_page) in &every {
            if !on_page && matches!(cut, std::borrow::Cow::Borrowed(_)) {
                continue;
            }
            let spans = pattern.spans(&cut);
            if spans.is_empty() {
                continue;
            }
            let mut kept = String::with_capacity(cut.len());
            let mut from = 0;
            for span in spans {
                kept.push_str(&cut[from..span.start]);
                let (reason, method) = if pattern.is_builtin() {
                    (
                        format!(
                            "a line pages print around an article ({}, newsprint's own list; run --no-builtin-drop keeps it)",
                            pattern.name()
                        ),
                        format!("builtin:{}", pattern.name()),
                    )
                } else {
                    (
                        format!("matches the pattern {} given to the run", pattern.name()),
                        format!("pattern:{}", pattern.name()),
                    )
                };
                removed.push((
                    0,
                    rule_row(
                        RemovedKind::Furniture,
                        cut[span.clone()].to_string(),
                        reason,
                        method,
                    ),
                    None,
                ));
                from = span.end;
            }
            kept.push_str(&cut[from..]);
            cut = std::borrow::Cow::Owned(kept);
        }
        // A credit alone on its line is the layout's; one inside running text is cut here.
        // (A cut takes characters out and never brings one in: a page without the
        // credits' characters has no line with them.)
        if let Some((kept, cuts)) = credits_on_page
            .then(|| inline_credit::cut_inline_credits(&cut))
            .flatten()
            .filter(|_| !layout::is_credit(cut.trim()))
        {
            removed.extend(cuts.into_iter().map(|cut| (0, cut_row(cut), None)));
            cut = std::borrow::Cow::Owned(kept);
        }
        if let std::borrow::Cow::Owned(_) = cut {
            out.get_or_insert_with(|| {
                let mut out = String::with_capacity(normalized.len());
                out.push_str(&normalized[..offset]);
                out
            });
        }
        if let Some(out) = out.as_mut() {
            out.push_str(indent);
            out.push_str(&cut);
            out.push('\n');
        }
        offset += line.len() + 1;
    }
    out.map(|mut out| {
        out.pop();
        out
    })
}

/// Where a page's date comes from: the document's own (a record's field), else the date its
/// running head prints, else the run's fallback.
#[derive(Clone, Copy, Debug, Default)]
struct Dates {
    own: Option<NaiveDate>,
    fallback: Option<NaiveDate>,
}

impl From<Option<NaiveDate>> for Dates {
    fn from(fallback: Option<NaiveDate>) -> Self {
        Dates {
            own: None,
            fallback,
        }
    }
}

#[cfg(test)]
fn clean_text(
    text: &str,
    dates: impl Into<Dates>,
    furniture: Option<&dyn furniture::Furniture>,
    drop: &[DropPattern],
    builtin: bool,
) -> Page {
    clean_page(text, dates, furniture, (drop, builtin), false)
}

/// Cleans a page's text; `paragraphs_given` says its blank lines are the ends of paragraphs
/// given as such (a record's list of paragraphs), which no line joins across.
fn clean_page(
    text: &str,
    dates: impl Into<Dates>,
    furniture: Option<&dyn furniture::Furniture>,
    (drop, builtin): (&[DropPattern], bool),
    paragraphs_given: bool,
) -> Page {
    static BUILTIN_DROPS: std::sync::OnceLock<Vec<DropPattern>> = std::sync::OnceLock::new();
    let dates = dates.into();
    let builtin_drops: &[DropPattern] = if builtin {
        BUILTIN_DROPS.get_or_init(DropPattern::builtin)
    } else {
        &[]
    };
    // Each removed passage with its line, and the block holding the kept copy (placed in an
    // article once articles are assembled).
    let mut removed: Vec<(usize, Removed, Option<usize>)> = Vec::new();
    let mut normalized = normalize(text);
    let heads = if builtin {
        running_head::running_heads(&normalized)
    } else {
        Vec::new()
    };
    // Whether the page's first line was its running head: a kicker may open what is left.
    let under_head = heads
        .first()
        .is_some_and(|&h| normalized.lines().position(|l| !l.trim().is_empty()) == Some(h));
    let mut head_date = None;
    if !heads.is_empty() {
        // The page less its head lines, copied a run of lines at a time (the heads are a
        // few of the page's first and last lines), every line ending in a line break.
        let mut kept = String::with_capacity(normalized.len() + 1);
        let mut run_start = 0;
        let mut at = 0;
        for (i, line) in normalized.split_inclusive('\n').enumerate() {
            let line_start = at;
            at += line.len();
            if heads.contains(&i) {
                kept.push_str(&normalized[run_start..line_start]);
                run_start = at;
                let line = line.strip_suffix('\n').unwrap_or(line);
                head_date = head_date.or_else(|| running_head::date(line));
                removed.push((
                    0,
                    rule_row(
                        RemovedKind::Furniture,
                        line.to_string(),
                        "the page's running head (paper, date, page)".to_string(),
                        "running-head-rule".to_string(),
                    ),
                    None,
                ));
            }
        }
        kept.push_str(&normalized[run_start..]);
        if !kept.is_empty() && !kept.ends_with('\n') {
            kept.push('\n');
        }
        normalized = kept;
    }
    let mut kickers = Vec::new();
    if let Some(furniture) = furniture.filter(|f| !f.is_empty()) {
        let (stripped, kept) = strip_furniture(&normalized, furniture, under_head, &mut removed);
        if let Some(stripped) = stripped {
            normalized = stripped;
        }
        kickers = kept;
    }
    if let Some(cut) = cut_within_lines(&normalized, builtin_drops, drop, &mut removed) {
        normalized = cut;
    }
    let (mut blocks, cuts) = layout::layout_page(&normalized, &kickers, paragraphs_given);
    // A copy glued onto a paragraph after a cut sentence: the kept copy is the paragraph.
    for (b, block) in blocks.iter_mut().enumerate() {
        if block.kind != BlockKind::Paragraph {
            continue;
        }
        if let Some((at, similarity)) = dedup::self_copy(&block.text, &block.joins) {
            let copy = block.text.split_off(at);
            removed.push((
                block.line,
                duplicate_row(copy, "containment-join", similarity),
                Some(b),
            ));
        }
    }
    removed.extend(cuts.into_iter().map(|cut| (0, cut_row(cut), None)));

    let comparable: Vec<dedup::Passage> = blocks
        .iter()
        .map(|b| dedup::Passage {
            text: match b.kind {
                BlockKind::Paragraph | BlockKind::Heading => b.text.as_str(),
                BlockKind::Subtitle | BlockKind::Byline => "",
            },
            exact_only: b.kind != BlockKind::Paragraph,
        })
        .collect();
    let comparables: Vec<dedup::Comparable> = comparable
        .iter()
        .map(|p| dedup::comparable_sentences(p.text))
        .collect();
    let (mut copies, overlapping) = dedup::find_copies_in(&comparable, &comparables);
    // Sentences repeated in paragraphs that are otherwise kept: a paragraph made mostly of
    // repeats goes whole, otherwise only the repeated sentences go.
    let texts: Vec<&str> = blocks
        .iter()
        .zip(&copies)
        .map(|(b, c)| match (b.kind, c) {
            (BlockKind::Paragraph, None) => b.text.as_str(),
            _ => "",
        })
        .collect();
    let mut repeats = dedup::repeated_sentences_in(&texts, &comparables, &overlapping);
    let method = |similarity: f32| {
        if similarity >= 1.0 {
            "exact-sentence"
        } else {
            "containment-sentence"
        }
    };
    // A paragraph made only of sentences first printed in other paragraphs goes whole;
    // otherwise only its repeated sentences go, so that a sentence printed once is never
    // taken out with the repeats around it, and a paragraph that repeats its own sentences
    // keeps their first occurrence. Repeats come in passage order.
    let mut whole = vec![false; blocks.len()];
    for group in repeats.chunk_by(|x, y| x.passage == y.passage) {
        let i = group[0].passage;
        if group.iter().any(|r| r.first == i) {
            continue;
        }
        let repeated: usize = group
            .iter()
            .map(|r| chars::comparable(&blocks[i].text[r.range.clone()]).len())
            .sum();
        if repeated == chars::comparable(&blocks[i].text).len() {
            whole[i] = true;
            copies[i] = Some(dedup::Copy {
                kept: group[0].first,
                similarity: group[0].similarity,
                method: method(group[0].similarity),
            });
        }
    }
    repeats.retain(|r| !whole[r.passage]);
    // Each paragraph's repeats cut out in one pass over its text.
    for group in repeats.chunk_by(|x, y| x.passage == y.passage) {
        let block = &mut blocks[group[0].passage];
        let mut text = String::with_capacity(block.text.len());
        let mut from = 0;
        for r in group {
            text.push_str(&block.text[from..r.range.start]);
            from = r.range.end;
            removed.push((
                block.line,
                duplicate_row(
                    block.text[r.range.clone()].to_string(),
                    method(r.similarity),
                    r.similarity,
                ),
                Some(r.first),
            ));
        }
        text.push_str(&block.text[from..]);
        block.text = text;
    }
    let kept: Vec<(usize, &Block)> = blocks
        .iter()
        .enumerate()
        .filter(|(i, _)| copies[*i].is_none())
        .collect();
    let fallback = dates.own.or(head_date).or(dates.fallback);
    let (articles, locations) = assemble(&kept, fallback, blocks.len(), &kickers);

    for (i, copy) in copies.iter().enumerate() {
        if let Some(copy) = copy {
            removed.push((
                blocks[i].line,
                duplicate_row(blocks[i].text.clone(), copy.method, copy.similarity),
                Some(copy.kept),
            ));
        }
    }
    for (_, row, kept) in &mut removed {
        row.duplicate_of = kept.and_then(|b| locations[b]);
    }
    // Captions first (found on lines), then duplicates in page order.
    removed.sort_by_key(|(line, _, _)| *line);

    let published_date = articles
        .iter()
        .find(|a| a.dateline.is_some() && a.published_date.is_some())
        .and_then(|a| a.published_date)
        .or(fallback);
    let chars_out = articles.iter().map(|a| a.n_chars() as u64).sum();
    Page {
        articles,
        removed: removed.into_iter().map(|(_, r, _)| r).collect(),
        published_date,
        chars_in: text.chars().count() as u64,
        chars_out,
    }
}

/// The row of a passage a rule took out (not a duplicate: no kept copy).
fn rule_row(kind: RemovedKind, text: String, reason: String, method: String) -> Removed {
    Removed {
        kind,
        text,
        reason,
        method,
        duplicate_of: None,
        similarity: None,
    }
}

/// The row of a caption or credit the layout or the inline-credit rule cut out.
fn cut_row(cut: layout::Cut) -> Removed {
    let kind = match cut.kind {
        CutKind::Caption => RemovedKind::Caption,
        CutKind::Credit => RemovedKind::Credit,
    };
    rule_row(
        kind,
        cut.text,
        cut.reason.to_string(),
        cut.method.to_string(),
    )
}

/// A duplicate's row; where its kept copy stands is filled in after assembly.
fn duplicate_row(text: String, method: &str, similarity: f32) -> Removed {
    Removed {
        kind: RemovedKind::Duplicate,
        text,
        reason: "the OCR emitted this passage twice; the more complete copy is kept".to_string(),
        method: method.to_string(),
        duplicate_of: None,
        similarity: Some(similarity),
    }
}

/// Builds articles from the kept blocks. Returns, for each block index, where it ended up.
fn assemble(
    blocks: &[(usize, &Block)],
    fallback: Option<NaiveDate>,
    n_blocks: usize,
    kickers: &[String],
) -> (Vec<Article>, Vec<Option<Location>>) {
    let mut articles: Vec<Article> = Vec::new();
    let mut locations = vec![None; n_blocks];
    // The gap a page leaves before its paragraphs: a heading set apart by more than that
    // opens an article of its own rather than a section of the one before.
    let paragraph_gap = layout::most_common_gap(
        blocks
            .iter()
            .skip(1)
            .filter(|(_, b)| b.kind == BlockKind::Paragraph)
            .map(|(_, b)| b.gap),
        3,
    );
    let mut i = 0;
    while i < blocks.len() {
        let mut group_end = (i..blocks.len())
            .find(|&k| blocks[k].1.kind == BlockKind::Paragraph)
            .unwrap_or(blocks.len());
        // A wider gap inside a heading group than before its first heading separates the
        // subheads that end one article from the title that starts the next.
        if !articles.is_empty() && group_end > i + 1 {
            let widest =
                (i + 1..group_end).max_by_key(|&k| (blocks[k].1.gap, std::cmp::Reverse(k)));
            if let Some(k) = widest.filter(|&k| blocks[k].1.gap > blocks[i].1.gap) {
                group_end = k;
            }
        }
        // So does any gap that sets a block apart: a box (a weather forecast, a list of
        // pictures) ends there, and the next article's headline starts.
        if let Some(k) =
            (i + 1..group_end).find(|&k| blocks[k].1.gap >= 2 && blocks[k].1.gap > paragraph_gap)
        {
            group_end = k;
        }
        // A byline over a headline signs the article above it (`文/赵敏 图/孙伟` closing
        // it): an article's own byline stands under its headline.
        if let Some(last) = articles.last_mut() {
            let signs_above = blocks[i].1.kind == BlockKind::Byline
                && blocks[i..group_end]
                    .iter()
                    .skip(1)
                    .any(|b| b.1.kind == BlockKind::Heading)
                && !last.paragraphs.is_empty();
            if signs_above {
                let (idx, block) = blocks[i];
                match &mut last.byline {
                    Some(byline) => {
                        byline.push(' ');
                        byline.push_str(&block.text);
                    }
                    None => last.byline = Some(block.text.clone()),
                }
                for name in byline::parse_byline(&block.text).unwrap_or_default() {
                    if !last.authors.contains(&name) {
                        last.authors.push(name);
                    }
                }
                locations[idx] = Some(Location {
                    article: articles.len() as u32 - 1,
                    paragraph: None,
                });
                i += 1;
                continue;
            }
        }
        if group_end > i {
            let group = &blocks[i..group_end];
            let headings: Vec<&(usize, &Block)> = group
                .iter()
                .filter(|b| b.1.kind == BlockKind::Heading)
                .collect();
            let has_byline = group.iter().any(|b| b.1.kind == BlockKind::Byline);
            let has_subtitle = group.iter().any(|b| b.1.kind == BlockKind::Subtitle);
            let next_has_dateline = blocks
                .get(group_end)
                .is_some_and(|b| byline::split_dateline(&b.1.text).is_some());
            let set_apart = headings
                .first()
                .is_some_and(|h| h.1.gap > paragraph_gap && h.1.gap >= 2);
            let starts_article = articles.is_empty()
                || set_apart
                || headings.len() >= 2
                || has_subtitle
                || next_has_dateline
                || (has_byline && !headings.is_empty())
                // A byline after the text of an article (not an end credit) signs the next
                // one, whose headline the page did not set apart (`据…报道，…。` printed as
                // its first line).
                || (has_byline
                    && group.iter().all(|b| {
                        b.1.kind != BlockKind::Byline || byline::end_credit(&b.1.text).is_none()
                    })
                    && articles.last().is_some_and(|a| !a.paragraphs.is_empty()))
                || headings.first().is_some_and(|h| {
                    let after = blocks[group_end..]
                        .iter()
                        .take_while(|b| b.1.kind == BlockKind::Paragraph)
                        .map(|b| b.1.text.as_str());
                    // A heading that another lone heading follows is one of a series of
                    // subheads (`高校科研成果…`, `好学校办在百姓家门口`, `成才之路越走越宽`).
                    let mut rest = blocks[group_end..]
                        .iter()
                        .skip_while(|b| b.1.kind == BlockKind::Paragraph);
                    let series = matches!(
                        (rest.next(), rest.next()),
                        (Some(a), Some(b)) if a.1.kind == BlockKind::Heading
                            && b.1.kind == BlockKind::Paragraph
                            && byline::split_dateline(&b.1.text).is_none()
                    );
                    !series
                        && articles
                            .last()
                            .is_some_and(|last| heads_other_text(&h.1.text, last, after))
                });
            if starts_article {
                let mut article = Article {
                    published_date: fallback,
                    ..Article::default()
                };
                let mut texts: Vec<&str> = headings.iter().map(|b| b.1.text.as_str()).collect();
                // More heading-like lines than a kicker, a title and a deck, standing apart
                // from any body: a box of short lines (`明天气象预报(…)` over a city a line).
                // Its first line is its title, the others its text, so that it stays one
                // article of its own. Heading-like lines right over a body (a page header
                // above a headline) are a title group, however many.
                let heads_a_body = blocks
                    .get(group_end)
                    .is_some_and(|b| b.1.kind == BlockKind::Paragraph && b.1.gap <= paragraph_gap);
                let boxed = if texts.len() > 3 && !has_subtitle && !has_byline && !heads_a_body {
                    texts.split_off(1)
                } else {
                    Vec::new()
                };
                match texts.as_slice() {
                    [] => {}
                    [title] => article.title = Some(title.to_string()),
                    [first, second]
                        if layout::is_kicker(first)
                            || kickers.iter().any(|k| k == first)
                            || is_short_over_headline(first, second) =>
                    {
                        article.kicker = Some(first.to_string());
                        article.title = Some(second.to_string());
                    }
                    [title, subtitle] => {
                        article.title = Some(title.to_string());
                        article.subtitle = Some(subtitle.to_string());
                    }
                    [kicker, title, rest @ ..] => {
                        article.kicker = Some(kicker.to_string());
                        article.title = Some(title.to_string());
                        article.subtitle = Some(rest.join(" "));
                    }
                }
                // Appended in place and deduplicated through a set: a page of thousands of
                // byline-like lines must not cost a copy or a search per line.
                let mut authors: std::collections::HashSet<String> =
                    article.authors.iter().cloned().collect();
                let append = |field: &mut Option<String>, text: &str| match field {
                    Some(s) => {
                        s.push(' ');
                        s.push_str(text);
                    }
                    None => *field = Some(text.to_string()),
                };
                let mut headings_seen = 0;
                for (idx, block) in group {
                    if block.kind == BlockKind::Heading {
                        headings_seen += 1;
                        if !boxed.is_empty() && headings_seen > 1 {
                            article.paragraphs.push(Paragraph {
                                kind: ParagraphKind::Body,
                                text: block.text.clone(),
                                truncated: false,
                            });
                            locations[*idx] = Some(Location {
                                article: articles.len() as u32,
                                paragraph: Some(article.paragraphs.len() as u32 - 1),
                            });
                            continue;
                        }
                    }
                    match block.kind {
                        BlockKind::Subtitle => {
                            let text = block.text.trim_start_matches('—').trim();
                            append(&mut article.subtitle, text);
                        }
                        BlockKind::Byline => {
                            // A second byline line (记者 … / 通讯员 …) adds to the first.
                            append(&mut article.byline, &block.text);
                            for name in byline::parse_byline(&block.text).unwrap_or_default() {
                                if authors.insert(name.clone()) {
                                    article.authors.push(name);
                                }
                            }
                        }
                        _ => {}
                    }
                    locations[*idx] = Some(Location {
                        article: articles.len() as u32,
                        paragraph: None,
                    });
                }
                articles.push(article);
            } else if !articles.is_empty() {
                let article_idx = articles.len() as u32 - 1;
                let article = articles.last_mut().expect("checked non-empty");
                for (idx, block) in group {
                    match block.kind {
                        BlockKind::Byline
                            if article.byline.is_none() && article.paragraphs.is_empty() =>
                        {
                            article.byline = Some(block.text.clone());
                            article.authors = byline::parse_byline(&block.text).unwrap_or_default();
                        }
                        // An end credit (`(刘亮明 陈建军)`) closes the article: its names are
                        // the article's authors, never a paragraph.
                        BlockKind::Byline if byline::end_credit(&block.text).is_some() => {
                            for name in byline::end_credit(&block.text).unwrap_or_default() {
                                if !article.authors.contains(&name) {
                                    article.authors.push(name);
                                }
                            }
                            match &mut article.byline {
                                Some(byline) => {
                                    byline.push(' ');
                                    byline.push_str(&block.text);
                                }
                                None => article.byline = Some(block.text.clone()),
                            }
                        }
                        _ => article.paragraphs.push(Paragraph {
                            kind: ParagraphKind::Subhead,
                            text: block.text.clone(),
                            truncated: false,
                        }),
                    }
                    locations[*idx] = Some(Location {
                        article: article_idx,
                        paragraph: Some(article.paragraphs.len().saturating_sub(1) as u32),
                    });
                }
            }
            i = group_end;
            continue;
        }
        // A paragraph.
        let (idx, block) = blocks[i];
        if articles.is_empty() {
            articles.push(Article {
                published_date: fallback,
                ..Article::default()
            });
        }
        let article = articles.last_mut().expect("an article was just ensured");
        let mut text = block.text.as_str();
        if article.paragraphs.is_empty() && article.dateline.is_none() {
            if let Some((dateline, rest)) = byline::split_dateline(text) {
                article.published_date = dateline.date(fallback).or(fallback);
                for author in &dateline.authors {
                    if !article.authors.contains(author) {
                        article.authors.push(author.clone());
                    }
                }
                article.dateline = Some(dateline.text);
                text = rest;
            }
        }
        if !text.is_empty() {
            article.paragraphs.push(Paragraph {
                kind: ParagraphKind::Body,
                text: text.to_string(),
                truncated: !ends_sentence(text) && !text.ends_with('：'),
            });
        }
        locations[idx] = Some(Location {
            article: articles.len() as u32 - 1,
            paragraph: Some(
                articles[articles.len() - 1]
                    .paragraphs
                    .len()
                    .saturating_sub(1) as u32,
            ),
        });
        i += 1;
    }
    (articles, locations)
}

/// A kicker labels a series or section: `非凡“十四五”·“厅”说答卷`.
/// Whether `heading`, which no byline, dateline or gap marks, speaks of the text under it
/// and not of the article above (`巴林公主下嫁美大兵…` over `巴林公主梅丽安·哈里发…`, after an
/// article on Ukraine's election): the headline of a new article, not a subhead of the one
/// before. Told by the Han character pairs of the heading found in the text that follows
/// (its first 400 characters) and in the article so far (of 200 characters at least): a
/// subhead's words are its article's words; and by the words the text under it shares with
/// the end of the article above.
fn heads_other_text<'a>(
    heading: &str,
    above: &Article,
    under: impl Iterator<Item = &'a str>,
) -> bool {
    let chars: Vec<char> = heading.chars().filter(|&c| chars::is_han(c)).collect();
    let mut pairs: Vec<[char; 2]> = chars.windows(2).map(|w| [w[0], w[1]]).collect();
    pairs.sort_unstable();
    pairs.dedup();
    if pairs.len() < 3 {
        return false;
    }
    // The article above: its title and its last paragraphs, up to 1,200 bytes (about 400
    // characters), so that a page of many headings costs each a bounded read. (An article
    // of a paragraph or two so far is too short to tell its words by.)
    let mut kept = 0;
    let mut len = 0;
    for p in above.paragraphs.iter().rev() {
        if len >= 1200 {
            break;
        }
        len += p.text.len();
        kept += 1;
    }
    let title = above.title.as_deref().unwrap_or("");
    // Read once into characters: it is asked three times below.
    let before: Vec<char> = std::iter::once(title)
        .chain(
            above.paragraphs[above.paragraphs.len() - kept..]
                .iter()
                .map(|p| p.text.as_str()),
        )
        .flat_map(str::chars)
        .collect();
    if before.len() < 200 {
        return false;
    }
    // The text under the heading: its first 400 characters, read into characters once (it
    // is asked twice below).
    let below: Vec<char> = under.flat_map(str::chars).take(400).collect();
    let below = || below.iter().copied();
    // How many of the heading's pairs a text holds: each of the text's pairs looked up
    // among the heading's few, the text read once.
    // (A 256-bit sieve of the heading's pairs turns nearly every pair of a text away
    // before a search.)
    let sieve_bit =
        |a: char, b: char| ((a as u32).wrapping_mul(31).wrapping_add(b as u32) & 255) as usize;
    let mut sieve = [0u64; 4];
    for &[a, b] in &pairs {
        let bit = sieve_bit(a, b);
        sieve[bit / 64] |= 1 << (bit % 64);
    }
    let hits = |text: &mut dyn Iterator<Item = char>| -> usize {
        let mut found = vec![false; pairs.len()];
        let Some(mut prev) = text.next() else {
            return 0;
        };
        for c in text {
            let bit = sieve_bit(prev, c);
            if sieve[bit / 64] >> (bit % 64) & 1 == 1 {
                if let Ok(k) = pairs.binary_search(&[prev, c]) {
                    found[k] = true;
                }
            }
            prev = c;
        }
        found.into_iter().filter(|&f| f).count()
    };
    // Most headings share too little with the text under them to be asked more.
    let after_hits = hits(&mut below());
    if after_hits < 2 || hits(&mut before.iter().copied()) * 3 > after_hits {
        return false;
    }
    // And the text under it shares few words with the end of the article above: a section
    // of one article goes on with its words (教育, 学校 under `高校科研成果…`). Each side's
    // distinct Han pairs, each side's in a small hash set (at most 400 characters a side:
    // no sort), the shared ones counted as the text under it is read.
    fn han_pairs(text: impl Iterator<Item = char>, mut each: impl FnMut(u64)) {
        let mut prev: Option<char> = None;
        for c in text.filter(|&c| chars::is_han(c)) {
            if let Some(p) = prev {
                each(reading::pair_key(p, c));
            }
            prev = Some(c);
        }
    }
    let mut above = PairSet::new();
    han_pairs(
        before[before.len().saturating_sub(400)..].iter().copied(),
        |pair| {
            above.insert(pair);
        },
    );
    let (mut under, mut shared) = (PairSet::new(), 0);
    han_pairs(below(), |pair| {
        if under.insert(pair) && above.contains(pair) {
            shared += 1;
        }
    });
    let union = (under.len + above.len - shared).max(1);
    shared * 50 <= union
}

/// A set of at most a few hundred Han character pairs (two code points in a `u64`, never
/// 0): open addressing in a fixed table, which is cleared and filled faster than a vector
/// of pairs is sorted. Both sides above read at most 400 characters, so the table is never
/// more than a fifth full and a probe always ends.
struct PairSet {
    slots: [u64; PairSet::SLOTS],
    len: usize,
}

impl PairSet {
    /// The power of two above four times the most pairs a side holds (399).
    const SLOTS: usize = 2048;

    fn new() -> Self {
        PairSet {
            slots: [0; Self::SLOTS],
            len: 0,
        }
    }

    fn slot(pair: u64) -> usize {
        (pair.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 53) as usize
    }

    /// Adds `pair`; whether it was not there yet.
    fn insert(&mut self, pair: u64) -> bool {
        let mut k = Self::slot(pair);
        loop {
            match self.slots[k] {
                0 => {
                    self.slots[k] = pair;
                    self.len += 1;
                    return true;
                }
                p if p == pair => return false,
                _ => k = (k + 1) % Self::SLOTS,
            }
        }
    }

    fn contains(&self, pair: u64) -> bool {
        let mut k = Self::slot(pair);
        loop {
            match self.slots[k] {
                0 => return false,
                p if p == pair => return true,
                _ => k = (k + 1) % Self::SLOTS,
            }
        }
    }
}

/// A heading of a few characters over a much longer one (`聚焦` / `…座谈会在长召开`,
/// `高质量发展调研行` / `澳洲外长指北韩行为恶劣将无法取得更多援助`): the column's or series'
/// name over the headline, not a headline over its deck.
fn is_short_over_headline(first: &str, second: &str) -> bool {
    let (a, b) = (first.chars().count(), second.chars().count());
    a <= 6 && b >= a + 5 || a <= 8 && b >= 2 * a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_set_holds_each_pair_once_as_a_hash_set_does() {
        // Pairs of common Han characters, many repeated and many sharing a slot's
        // neighbourhood: the set's answers and size are a `HashSet`'s.
        let mut state = 0x1234_5678u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as u32
        };
        let mut set = PairSet::new();
        let mut reference = std::collections::HashSet::new();
        for _ in 0..399 {
            let (a, b) = (0x4E00 + next() % 40, 0x4E00 + next() % 40);
            let pair = u64::from(a) << 32 | u64::from(b);
            assert_eq!(set.insert(pair), reference.insert(pair));
        }
        assert_eq!(set.len, reference.len());
        for a in 0x4E00..0x4E00 + 45u32 {
            for b in 0x4E00..0x4E00 + 45u32 {
                let pair = u64::from(a) << 32 | u64::from(b);
                assert_eq!(set.contains(pair), reference.contains(&pair));
            }
        }
    }

    fn page(text: &str) -> Page {
        clean_text(text, NaiveDate::from_ymd_opt(2026, 1, 21), None, &[], true)
    }

    /// Every sentence of `text` survives in the page's articles, or was removed as a
    /// duplicate whose kept copy (the location it names) holds the sentence.
    fn assert_every_sentence_kept_once(text: &str) {
        let page = page(text);
        let kept_text = |loc: &Location| -> String {
            let article = &page.articles[loc.article as usize];
            match loc.paragraph {
                Some(p) => article.paragraphs[p as usize].text.clone(),
                None => article.title.clone().unwrap_or_default(),
            }
        };
        let all: String = page
            .articles
            .iter()
            .map(|a| format!("{}{}", a.title.as_deref().unwrap_or(""), a.text()))
            .collect();
        let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
        let all = squeeze(&all);
        for sentence in text.lines().flat_map(|l| l.split_inclusive('。')) {
            let sentence = squeeze(sentence);
            if sentence.is_empty() || all.contains(&sentence) {
                continue;
            }
            let removed = page
                .removed
                .iter()
                .find(|r| squeeze(&r.text).contains(&sentence))
                .unwrap_or_else(|| panic!("{sentence} lost without a removed row: {text}"));
            let kept = removed
                .duplicate_of
                .as_ref()
                .unwrap_or_else(|| panic!("{sentence} removed with no kept copy"));
            assert!(
                squeeze(&kept_text(kept)).contains(&sentence),
                "{sentence}: the kept copy does not hold it: {text:?}"
            );
        }
    }

    #[test]
    fn a_headline_set_apart_by_a_wide_gap_opens_an_article_and_a_subhead_does_not() {
        // Newswire articles have no byline line: the gap before a headline is what says a
        // new article starts, where a subhead sits as close as a paragraph.
        let text = "中日两国央行签署货币互换协议\n\n新华社东京3月28日电(记者王妍)中国人民银行行长戴相龙与日本银行行长速水优28日在东京签署了协议。\n\n协议的意义\n\n中日两国中央银行的合作进一步加强。\n\n\n\n国际足联将严惩足球场上的欺骗行为\n\n在瑞士举行的国际足联执委会16日透露出这样的信息。\n\n\n\n(国际)法国派宪兵增援在科特迪瓦的维和部队\n\n(法新社巴黎二十九日电)法国外长今天在议会听证会上宣布增援。\n";
        let page = page(text);
        let titles: Vec<_> = page.articles.iter().map(|a| a.title.as_deref()).collect();
        assert_eq!(
            titles,
            [
                Some("中日两国央行签署货币互换协议"),
                Some("国际足联将严惩足球场上的欺骗行为"),
                Some("（国际）法国派宪兵增援在科特迪瓦的维和部队"),
            ]
        );
        assert_eq!(page.articles[0].paragraphs[1].kind, ParagraphKind::Subhead);
        assert_eq!(page.articles[0].authors, ["王妍"]);
        assert_eq!(
            page.articles[2].dateline.as_deref(),
            Some("（法新社巴黎二十九日电）")
        );
    }

    #[test]
    fn dash_lists_stay_in_their_article_and_end_credits_become_authors() {
        let text = "全国劳动模范名单公布\n\n本次共评选出全国劳动模范一百名，名单如下。\n———王文西(山东)\n———李明华(河北)\n———张建国(湖南)\n公示期为七天。\n\n(刘亮明 陈建军)\n\n\n\n江泽民会见美国客人(附图片1张)\n\n新华社北京1月5日电 国家主席江泽民今天在中南海会见了美国客人。\n";
        let page = page(text);
        let titles: Vec<_> = page.articles.iter().map(|a| a.title.as_deref()).collect();
        assert_eq!(
            titles,
            [Some("全国劳动模范名单公布"), Some("江泽民会见美国客人")],
            "{:?}",
            page.articles
        );
        let first = &page.articles[0];
        assert_eq!(
            first.paragraphs.len(),
            5,
            "one paragraph a list item: {first:?}"
        );
        assert_eq!(first.paragraphs[4].text, "公示期为七天。");
        assert_eq!(first.authors, ["刘亮明", "陈建军"]);
        assert!(!first.text().contains("刘亮明"), "{first:?}");
        assert!(page
            .removed
            .iter()
            .any(|r| r.text == "（附图片1张）" && r.kind == RemovedKind::Credit));
    }

    #[test]
    fn web_headlines_keep_the_punctuation_headlines_carry() {
        let body = "新华社上海2月10日电（记者杨金志）经指纹比对，上海警方确认1月23日从法国航空公司班机坠落的两名男子为土耳其人。警方表示，两人此前曾多次试图偷渡。";
        for title in [
            "上海警方证实，法航两名坠机者为土耳其男子",
            "政治干预NHK节目内容？日本媒体引爆论战",
            "印度有望选出首位女总统；女选民希望其提高妇女地位",
            "春运首日，全国铁路发送旅客超千万！",
        ] {
            let page = page(&format!("{title}\n\n{body}\n"));
            assert_eq!(page.articles.len(), 1, "{title}");
            assert_eq!(page.articles[0].title.as_deref(), Some(title), "{title}");
            assert_eq!(page.articles[0].authors, ["杨金志"], "{title}");
        }
    }

    #[test]
    fn a_dateline_on_a_line_of_its_own_is_never_a_title() {
        let text = "意大利总统发表新年讲话\n\n新华社罗马1月1日电（记者刘儒庭）\n\n意大利总统钱皮1日发表新年讲话，呼吁各党派加强团结。\n";
        let page = page(text);
        assert_eq!(page.articles.len(), 1, "{:?}", page.articles);
        let article = &page.articles[0];
        assert_eq!(article.title.as_deref(), Some("意大利总统发表新年讲话"));
        assert!(article.text().starts_with("意大利总统钱皮"), "{article:?}");
        assert_eq!(article.authors, ["刘儒庭"], "{article:?}");
    }

    #[test]
    fn boxes_of_short_lines_stay_one_article_and_never_swallow_the_next_headline() {
        let text = "北京今冬首场降雪如期而至\n\n本报讯 昨天夜间，北京迎来今冬首场降雪。\n\n\n\n明天气象预报(1月6日20时—7日20时)\n北京 晴 零下8℃~2℃\n上海 多云 3℃~9℃\n广州 小雨 12℃~18℃\n\n\n\n太行石门岩(彩墨画)(王朝瑞)\n漓江春早(水彩画)(李明)\n\n\n\n全国春运工作会议在京召开\n\n新华社北京1月6日电（记者刘华）全国春运工作电视电话会议今天在北京召开。\n";
        let page = page(text);
        let titles: Vec<_> = page.articles.iter().map(|a| a.title.as_deref()).collect();
        assert_eq!(
            titles,
            [
                Some("北京今冬首场降雪如期而至"),
                Some("明天气象预报（1月6日20时—7日20时）"),
                Some("太行石门岩（彩墨画）（王朝瑞）"),
                Some("全国春运工作会议在京召开"),
            ],
            "{:?}",
            page.articles
        );
        assert_eq!(
            page.articles[1].paragraphs.len(),
            3,
            "{:?}",
            page.articles[1]
        );
        assert_eq!(page.articles[3].authors, ["刘华"]);

        // Heading-like lines right over a body are its title group, not a box: the body's
        // first line stays a heading field, never a paragraph of a box.
        let headed = super::tests::page(
            "人民日报\n\n1998年1月1日 星期一\n\n第1版\n\n当希望工程救助的百万儿童成长起来\n\n当希望工程救助的百万儿童成长起来，科教兴国蔚然成风时，今天有收藏价值的书你没买，明日就叫你悔不当初！\n",
        );
        let article = &headed.articles[0];
        assert_eq!(article.paragraphs.len(), 1, "{article:?}");
        assert!(
            article.paragraphs[0]
                .text
                .starts_with("当希望工程救助的百万儿童成长起来，"),
            "{article:?}"
        );
    }

    #[test]
    fn a_paragraph_repeating_one_sentence_keeps_one_copy() {
        for times in 2..=8 {
            let text = format!(
                "标题在这里\n\n{}\n\n另一段说的是别的事情，和上一段没有关系。\n",
                "园区去年完成固定资产投资一百二十亿元。".repeat(times)
            );
            let page = page(&text);
            let body: String = page.articles.iter().map(|a| a.text()).collect();
            assert!(
                body.contains("园区去年完成固定资产投资一百二十亿元。"),
                "{times} repeats: {body}"
            );
            assert_every_sentence_kept_once(&text);
        }
    }

    #[test]
    fn every_sentence_survives_once_whatever_repeats_it() {
        // Pages built from a few sentences, repeated within and across paragraphs in every
        // pattern a small generator makes.
        let sentences = [
            "园区去年完成固定资产投资一百二十亿元。",
            "湘潭高新区管委会副主任唐伏莲介绍了改革的经过。",
            "企业服务中心为入园企业提供全程代办服务。",
            "今年一季度新增市场主体三百二十六户。",
        ];
        let mut state = 0x1234_5678_u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for _ in 0..300 {
            let mut text = String::from("标题在这里\n\n");
            for _ in 0..1 + next(4) {
                for _ in 0..1 + next(6) {
                    text.push_str(sentences[next(4) as usize]);
                }
                text.push_str("\n\n");
            }
            assert_every_sentence_kept_once(&text);
        }
    }

    #[test]
    fn an_indented_page_wrapped_in_its_column_reads_by_its_indents() {
        // Paragraphs opened with `　　` and wrapped in a column, no blank line anywhere: the
        // indent starts a paragraph (a first line is two characters short of the column, and
        // may end a sentence at the column's edge); a line without one goes on. A headline
        // with a semicolon over its byline, and one with a comma under a 【】 kicker over a
        // deck, open their articles.
        let text = "湘江新区新增企业三千家；年轻人成创业主力\n本报讯 记者 周明 陈红\n　　今年以来，湘江新区新增市场主体\n三千余家，比去年同期增长两成。\n　　新区负责人介绍，新增企业中近半数\n由三十五岁以下的年轻人创办，涉及软件\n、文创、跨境电商等行业。\n　　为此，新区推出了创业服务专窗，\n提供注册、融资、人才等一站式服务。\n【一线见闻】\n春耕备耕忙，田间农机多\n——记湘潭县的一个早晨\n■本报记者 李强\n　　清晨六点，湘潭县花石镇的田野里\n已是一片繁忙景象。农机手们驾驶着\n旋耕机来回作业。\n　　合作社负责人介绍今年全镇农机作业\n面积将超过五万亩，比去年增加一成。\n　　镇里还组织了农机手技能培训班。\n近百名农机手参加了培训。\n";
        let page = clean_text(text, None, None, &[], true);
        let [first, second] = page.articles.as_slice() else {
            panic!("two articles: {:?}", page.articles);
        };
        assert_eq!(
            first.title.as_deref(),
            Some("湘江新区新增企业三千家；年轻人成创业主力")
        );
        assert_eq!(first.authors, ["周明", "陈红"]);
        let texts = |a: &Article| {
            a.paragraphs
                .iter()
                .map(|p| p.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            texts(first),
            [
                "今年以来，湘江新区新增市场主体三千余家，比去年同期增长两成。",
                "新区负责人介绍，新增企业中近半数由三十五岁以下的年轻人创办，涉及软件、文创、跨境电商等行业。",
                "为此，新区推出了创业服务专窗，提供注册、融资、人才等一站式服务。",
            ]
        );
        assert_eq!(second.kicker.as_deref(), Some("【一线见闻】"));
        assert_eq!(second.title.as_deref(), Some("春耕备耕忙，田间农机多"));
        assert_eq!(second.authors, ["李强"]);
        assert_eq!(
            texts(second)[1..],
            [
                "合作社负责人介绍今年全镇农机作业面积将超过五万亩，比去年增加一成。",
                "镇里还组织了农机手技能培训班。近百名农机手参加了培训。",
            ]
        );
    }

    #[test]
    fn a_page_of_indented_paragraphs_without_blank_lines_reads_as_printed() {
        // The commonest layout of digitised papers: paragraphs opened with `　　`, no blank
        // line anywhere; a running head, a kicker in 【】, a deck, a ■ byline, a ▲ caption
        // with its credit, a 文/图 signature closing the article, a 上图 caption, an editor
        // note.
        let text = "人民日报 2003年3月12日 星期三 第4版\n【聚焦两会】\n代表委员热议政府工作报告\n——“发展才是硬道理”\n■本报记者 王明 李华\n　　本报北京3月11日电 十届全国人大一次会议今天上午在人民大会堂举行第三次全体会议，\n听取全国人大常委会工作报告。代表们在分组审议时表示，过去五年国民经济保持了较快增\n长，人民生活水平明显提高。\n　　来自湖南的代表张建国说，报告实事求是，令人鼓舞。\n▲图为代表们在分组会上发言。 本报记者 刘强 摄\n　　来自广东的代表陈志强认为，要继续深化改革，扩大开放。\n文/赵敏 图/孙伟\n春耕时节农机忙\n　　新华社长沙3月11日电（记者 周丽）眼下正值春耕备耕关键时期，湖南各地农机手忙着\n检修机具、翻耕土地，田间地头一派繁忙景象。\n上图：农机手在田间作业。\n　　省农业厅有关负责人表示，将加大农机购置补贴力度。\n（责任编辑：孙丽）\n";
        let page = clean_text(text, NaiveDate::from_ymd_opt(2003, 3, 12), None, &[], true);
        let [first, second] = page.articles.as_slice() else {
            panic!("two articles: {:?}", page.articles);
        };
        assert_eq!(first.kicker.as_deref(), Some("【聚焦两会】"));
        assert_eq!(first.title.as_deref(), Some("代表委员热议政府工作报告"));
        assert_eq!(first.subtitle.as_deref(), Some("“发展才是硬道理”"));
        assert_eq!(first.authors, ["王明", "李华", "赵敏", "孙伟"]);
        assert_eq!(first.paragraphs.len(), 3, "{:?}", first.paragraphs);
        assert!(first.paragraphs[0].text.ends_with("人民生活水平明显提高。"));
        assert_eq!(second.title.as_deref(), Some("春耕时节农机忙"));
        assert_eq!(second.authors, ["周丽"]);
        assert_eq!(second.paragraphs.len(), 2, "{:?}", second.paragraphs);
        let removed: Vec<(&str, &str)> = page
            .removed
            .iter()
            .map(|r| (r.text.as_str(), r.method.as_str()))
            .collect();
        for (text, method) in [
            ("人民日报 2003年3月12日 星期三 第4版", "running-head-rule"),
            ("上图：农机手在田间作业。", "caption-rule"),
            ("（责任编辑：孙丽）", "builtin:editor-line"),
        ] {
            assert!(removed.contains(&(text, method)), "{text}: {removed:?}");
        }
    }

    #[test]
    fn a_running_head_dates_the_page_without_a_date_of_its_own() {
        let text = "南方日报 2003年1月22日 星期三 第9版\n\n海南加快建设重点项目\n\n全省今年计划投资一百亿元，提升基础设施水平。\n";
        let page = clean_text(text, NaiveDate::from_ymd_opt(2026, 1, 21), None, &[], true);
        assert_eq!(page.published_date, NaiveDate::from_ymd_opt(2003, 1, 22));
        assert_eq!(
            page.articles[0].published_date,
            NaiveDate::from_ymd_opt(2003, 1, 22)
        );
        // A record's own date comes first.
        let own = Dates {
            own: NaiveDate::from_ymd_opt(2003, 2, 1),
            fallback: None,
        };
        let page = clean_text(text, own, None, &[], true);
        assert_eq!(page.published_date, NaiveDate::from_ymd_opt(2003, 2, 1));
    }

    #[test]
    fn a_lone_heading_over_other_words_opens_an_article_and_one_over_the_same_is_a_subhead() {
        let election = "乌克兰总统选举第二轮投票结果今天公布，反对派候选人以微弱优势领先。\n\n选举委员会表示，将在本周内完成全部计票工作，并接受各方监督。\n\n反对派支持者连日在首都广场集会，要求重新计票，警方加强了广场周边的安全措施。\n\n分析人士认为，选举争议可能持续数周，议会将就选举法修正案举行辩论。\n\n现任总统发表电视讲话，呼吁各方保持克制，通过法律途径解决选举争议，避免局势进一步恶化。\n\n欧洲安全与合作组织派出的观察员说，投票过程总体平稳，但部分地区存在违规现象，需要进一步调查核实。\n\n";
        // No byline, no dateline, no wider gap: only the words tell the headline.
        let other = "巴林公主下嫁美国大兵婚姻宣告破裂\n\n巴林公主与美国陆战队大兵的婚姻只持续了五年，两人在拉斯维加斯办理了离婚手续。\n\n这位公主当年为了爱情离开王室，两人的故事曾被拍成电视电影。\n";
        let page = page(&format!("选举争议持续\n\n{election}{other}"));
        let titles: Vec<_> = page.articles.iter().map(|a| a.title.as_deref()).collect();
        assert_eq!(
            titles,
            [
                Some("选举争议持续"),
                Some("巴林公主下嫁美国大兵婚姻宣告破裂")
            ]
        );
        // A section of the same article goes on with the article's words.
        let section = "选举委员会计票工作\n\n选举委员会今天说，各地选举委员会的计票工作已经完成，反对派候选人的得票率领先。\n";
        let one = super::tests::page(&format!("选举争议持续\n\n{election}{section}"));
        assert_eq!(one.articles.len(), 1, "{:?}", one.articles);
        assert_eq!(one.articles[0].paragraphs[6].kind, ParagraphKind::Subhead);
    }

    #[test]
    fn a_byline_after_an_articles_text_signs_the_next_article() {
        let text = "外长会谈\n\n两国外长今天举行会谈，就地区局势交换了意见。\n\n据通讯社报道，两国外长在电话交谈中一致认为，应当立即停火。\n\n新华社记者 向茜 沈艺珊\n\n鲍威尔取消了原定于明天的访问。\n";
        let page = page(text);
        assert_eq!(page.articles.len(), 2, "{:?}", page.articles);
        assert_eq!(page.articles[1].authors, ["向茜", "沈艺珊"]);
        assert!(page.articles[0]
            .paragraphs
            .iter()
            .all(|p| p.kind == ParagraphKind::Body));
    }

    #[test]
    fn headings_start_articles_or_become_subheads() {
        let text = "第一篇的标题\n\n记者 张三\n\n第一段。\n\n小标题在这里\n\n第二段。\n\n第二篇的标题\n\n第二篇的副题\n\n第二篇正文。\n";
        let page = page(text);
        assert_eq!(page.articles.len(), 2);
        let first = &page.articles[0];
        assert_eq!(first.title.as_deref(), Some("第一篇的标题"));
        assert_eq!(first.authors, ["张三"]);
        let kinds: Vec<_> = first.paragraphs.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ParagraphKind::Body,
                ParagraphKind::Subhead,
                ParagraphKind::Body
            ]
        );
        assert_eq!(page.articles[1].subtitle.as_deref(), Some("第二篇的副题"));
    }

    #[test]
    fn a_subhead_that_ends_an_article_stays_with_it() {
        let text = "第一篇的标题\n\n记者 张三\n\n第一段。\n\n成才之路越走越宽\n\n\n\n第二篇的标题\n\n记者 李四\n\n第二篇正文。\n";
        let page = page(text);
        let titles: Vec<_> = page.articles.iter().map(|a| a.title.as_deref()).collect();
        assert_eq!(titles, [Some("第一篇的标题"), Some("第二篇的标题")]);
        assert_eq!(page.articles[0].paragraphs[1].kind, ParagraphKind::Subhead);
        assert_eq!(page.articles[1].subtitle, None);
    }

    #[test]
    fn a_paragraph_cut_at_a_column_end_is_flagged() {
        let page =
            page("标题一\n\n正文一句。\n\n既考核专业能力，\n\n标题二\n\n副题二\n\n正文二。\n");
        assert!(page.articles[0].paragraphs[1].truncated);
        assert!(!page.articles[0].paragraphs[0].truncated);
        assert!(page.articles[0].truncated());
    }

    /// Pages of random pieces: Han text, punctuation of both widths, digits, credits, bylines,
    /// datelines, dashes, quotes, blank lines. Seeded, so a failure reproduces.
    fn random_page(seed: u64) -> String {
        const PIECES: &[&str] = &[
            "湘潭",
            "园区",
            "改革",
            "。",
            "，",
            ",",
            ":",
            "：",
            "(",
            "）",
            "“",
            "”",
            "——",
            "1",
            "20",
            "2025年",
            "月",
            "日讯",
            "记者 ",
            "通讯员 摄",
            "摄",
            "新华社发",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\n\n\n\n",
            "湖南日报全媒体记者 颜石敦",
            "本报讯（记者 李四）",
            "？",
            "……",
            "、",
            "·",
            "\u{3000}",
            "\u{200B}",
            "\r\n",
            "Ａ",
            "９",
            "A",
            "x",
            "！",
            "破局：",
            "\t",
            "\u{FEFF}",
        ];
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut page = String::new();
        for _ in 0..(state % 400) as usize + 1 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            page.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
        }
        page
    }

    #[test]
    fn random_pages_never_panic_and_keep_their_promises() {
        for seed in 0..3000 {
            let text = random_page(seed);
            let cleaned = page(&text);
            for article in &cleaned.articles {
                for p in &article.paragraphs {
                    assert!(!p.text.is_empty(), "seed {seed}: empty paragraph");
                }
            }
            // Han characters are never invented.
            let han_in = text.chars().filter(|&c| chars::is_han(c)).count();
            let han_out: usize = cleaned
                .articles
                .iter()
                .map(|a| {
                    let fields = [&a.title, &a.subtitle, &a.kicker, &a.byline, &a.dateline];
                    let furniture: usize = fields
                        .iter()
                        .filter_map(|f| f.as_deref())
                        .map(|f| f.chars().filter(|&c| chars::is_han(c)).count())
                        .sum();
                    furniture + a.text().chars().filter(|&c| chars::is_han(c)).count()
                })
                .sum();
            let han_removed: usize = cleaned
                .removed
                .iter()
                .map(|r| r.text.chars().filter(|&c| chars::is_han(c)).count())
                .sum();
            assert_eq!(
                han_in,
                han_out + han_removed,
                "seed {seed}: every Han character is kept or accounted for in removed"
            );
        }
    }

    #[test]
    fn every_duplicate_row_says_where_its_kept_copy_stands() {
        for text in [
            include_str!("../../data/pages/000_5e6263fb01fcad50.txt"),
            "标题\n\n他们今年流转土地一千二百亩。今年的底气更足了，农技员还上门指导。\n\n第二段说明了情况。今年的底气更足了，农技员还上门指导。\n",
        ] {
            let cleaned = page(text);
            let duplicates: Vec<_> = cleaned
                .removed
                .iter()
                .filter(|r| r.kind == RemovedKind::Duplicate)
                .collect();
            assert!(!duplicates.is_empty());
            for r in duplicates {
                assert!(r.duplicate_of.is_some(), "{} ({}) has no kept copy", r.text, r.method);
            }
        }
    }

    #[test]
    fn cleaning_is_idempotent_on_its_own_output() {
        let sample = include_str!("../../data/pages/000_5e6263fb01fcad50.txt");
        let once = page(sample);
        let text: Vec<String> = once.articles.iter().map(Article::text).collect();
        for (article, joined) in once.articles.iter().zip(&text) {
            assert_eq!(article.n_chars(), joined.chars().count());
        }
        let again = page(&text.join("\n\n"));
        let text_again: Vec<String> = again.articles.iter().map(Article::text).collect();
        assert_eq!(text.join("\n"), text_again.join("\n"));
    }
}
