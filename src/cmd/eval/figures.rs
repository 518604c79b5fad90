//! Figures on real articles against a hand-judged gold file.
//!
//! A figure gold file (`data/gold/figures/*.jsonl`) holds, one line an article, the article's
//! id, its publication date and every figure a reader would list in it: paragraph,
//! character offsets, kind, value, interval, unit and ISO date, but not the text. The text
//! is read at eval time from the articles file (JSON Lines of `{id, paragraphs}`), so
//! evaluation text never enters the repository. A found figure is right when a gold figure
//! of the same paragraph overlaps it and agrees on kind, value, interval, unit and date.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};

use super::KindScores;

#[derive(serde::Deserialize)]
struct GoldArticle {
    article: String,
    /// `YYYY-MM-DD`: what relative dates resolve against.
    published_date: Option<String>,
    figures: Vec<GoldFigure>,
}

#[derive(serde::Deserialize)]
struct GoldFigure {
    paragraph: u32,
    start: u32,
    end: u32,
    kind: String,
    value: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
    unit: Option<String>,
    iso: Option<String>,
}

/// One record of an articles file.
#[derive(serde::Deserialize)]
pub struct Article {
    pub(super) id: String,
    pub(super) paragraphs: Vec<String>,
}

/// One article of a hand-judged gold file: its record, its line, and its paragraphs when
/// the articles file holds it.
pub struct Judged<'a, T> {
    pub record: T,
    /// The line of the gold file, from 1, for messages.
    pub line: usize,
    id: String,
    paragraphs: Option<&'a [String]>,
}

impl<'a, T> Judged<'a, T> {
    /// Whether the articles file holds the article.
    pub fn is_present(&self) -> bool {
        self.paragraphs.is_some()
    }

    /// The article's paragraphs, or an error naming the gold line and the articles file.
    pub fn paragraphs(&self, gold: &Path, source: &Path) -> Result<&'a [String]> {
        self.paragraphs.with_context(|| {
            format!(
                "{}:{}: article {} is not in {}",
                gold.display(),
                self.line,
                self.id,
                source.display()
            )
        })
    }
}

/// The records of the gold file `gold` (one JSON object a line; `what` names it in
/// messages), each with the paragraphs of the article `id` names, looked up in `articles`.
pub fn read_judged<'a, T: serde::de::DeserializeOwned>(
    gold: &Path,
    what: &str,
    articles: &'a [Article],
    id: impl Fn(&T) -> &str,
) -> Result<Vec<Judged<'a, T>>> {
    let by_id: HashMap<&str, &[String]> = articles
        .iter()
        .map(|a| (a.id.as_str(), a.paragraphs.as_slice()))
        .collect();
    let judged = std::fs::read_to_string(gold)
        .with_context(|| format!("cannot read {what} {}", gold.display()))?;
    judged
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            let record: T = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a gold article", gold.display(), n + 1))?;
            let id = id(&record).to_string();
            let paragraphs = by_id.get(id.as_str()).copied();
            Ok(Judged {
                record,
                line: n + 1,
                id,
                paragraphs,
            })
        })
        .collect()
}

/// The records of an articles file, one JSON object a line, or `None` when the file is not
/// there (the articles are read at eval time and may be absent).
pub fn read_articles(path: &Path) -> Result<Option<Vec<Article>>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read articles {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not an article record", path.display(), n + 1))
        })
        .collect::<Result<_>>()
        .map(Some)
}

fn same(found: &extract::Quantity, paragraph: u32, gold: &GoldFigure) -> bool {
    paragraph == gold.paragraph
        && found.start < gold.end
        && gold.start < found.end
        && found.kind.as_str() == gold.kind
        && super::close(found.value, gold.value)
        && super::close(found.value_low, gold.low)
        && super::close(found.value_high, gold.high)
        && found.unit == gold.unit.as_deref()
        && found.iso == gold.iso
}

/// Two checks over every article of the articles file: amounts written with a currency
/// word (a number, then `元`, `美元`, `港币`…) that come out as money, and signed numbers
/// (`-6.75%`, `负2.1%`, `零下4度`; not a range's dash, nor `减负`) that come out negative: (found right, seen) each.
#[derive(Debug, Default)]
pub struct Checks {
    pub money: (usize, usize),
    pub signs: (usize, usize),
}

const NUMBER: &str = r"(?:[0-9０-９][0-9０-９,.]*|[零〇○一二两三四五六七八九十百千万亿]+)";
const CURRENCY: &str = "(?:亿|万|千|百)?(?:元人民币|人民币|元|美元|欧元|日元|英镑|港元|港币|韩元|澳元|加元|卢布|新元|新台币|台币|里亚尔|卢比|比索|法郎|马克|林吉特|泰铢|第纳尔|兰特|美金|美分)";

/// Runs [`Checks`] over `articles`.
pub fn checks(articles: &[Article], extractor: &extract::Extractor) -> Result<Checks> {
    let money = regex::Regex::new(&format!(r"{NUMBER}\s?(?:多|余)?\s?{CURRENCY}"))?;
    let signed = regex::Regex::new(&format!(
        r"(?:^|[^0-9.减胜抱])([-−－][0-9][0-9.]*\s?(?:%|℃|摄氏度|度)|负[0-9零一二两三四五六七八九十]|零下{NUMBER})"
    ))?;
    let mut out = Checks::default();
    for article in articles {
        for paragraph in &article.paragraphs {
            let found = extractor.figures(paragraph, None);
            // Regex offsets are bytes; figures' are characters.
            let char_at = |byte: usize| paragraph[..byte].chars().count() as u32;
            for m in money.find_iter(paragraph) {
                let (start, end) = (char_at(m.start()), char_at(m.end()));
                out.money.1 += 1;
                out.money.0 += usize::from(found.iter().any(|f| {
                    f.kind == extract::QuantityKind::Money && f.start < end && start < f.end
                }));
            }
            for m in signed.captures_iter(paragraph).filter_map(|c| c.get(1)) {
                let start = char_at(m.start());
                out.signs.1 += 1;
                out.signs.0 += usize::from(found.iter().any(|f| {
                    f.start <= start && start < f.end && f.value.is_some_and(|v| v < 0.0)
                }));
            }
        }
    }
    Ok(out)
}

/// Scores the extractor against `gold`, the articles' text taken from `articles` (read
/// from `source`). Returns the scores by kind and the number of articles judged.
pub fn score(
    gold: &Path,
    articles: &[Article],
    source: &Path,
    extractor: &extract::Extractor,
) -> Result<(KindScores, usize)> {
    let mut scores = KindScores::new();
    let mut count = 0;
    for judged in read_judged(gold, "figure gold", articles, |a: &GoldArticle| &a.article)? {
        let paragraphs = judged.paragraphs(gold, source)?;
        let (article, line) = (judged.record, judged.line);
        let published = article
            .published_date
            .as_deref()
            .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d"))
            .transpose()
            .with_context(|| {
                format!(
                    "{}:{line}: published_date is not YYYY-MM-DD",
                    gold.display()
                )
            })?;
        count += 1;
        let found: Vec<(u32, extract::Quantity)> = paragraphs
            .iter()
            .enumerate()
            .flat_map(|(p, text)| {
                extractor
                    .figures(text, published)
                    .into_iter()
                    .map(move |f| (p as u32, f))
            })
            .collect();
        super::tally(
            &found,
            &article.figures,
            |(_, f)| f.kind.as_str(),
            |g| &g.kind,
            |(p, f), g| same(f, *p, g),
            &mut scores,
        );
    }
    Ok((scores, count))
}
