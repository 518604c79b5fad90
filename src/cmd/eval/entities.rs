//! Entities judged by hand on real articles (`data/gold/entities/`): every mention of a
//! person, place or organisation in an article's paragraphs, by paragraph and character
//! offsets. The extractor reads each article as one page of body paragraphs; a mention
//! counts when its span and kind are exactly the gold's.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Result;

use super::figures::{read_judged, Article};
use super::KindScores;

#[derive(serde::Deserialize)]
struct GoldArticle {
    article: String,
    entities: Vec<GoldEntity>,
}

#[derive(serde::Deserialize)]
struct GoldEntity {
    paragraph: u32,
    start: u32,
    end: u32,
    kind: String,
}

/// How many articles the gold file `gold` judges that `articles` does not hold.
pub fn absent(gold: &Path, articles: &[Article]) -> Result<usize> {
    let judged = read_judged(gold, "entity gold", articles, |a: &GoldArticle| &a.article)?;
    Ok(judged.iter().filter(|j| !j.is_present()).count())
}

/// The article `paragraphs` as the page `extract` reads.
fn page_of(paragraphs: &[String]) -> clean::Page {
    clean::Page {
        articles: vec![clean::Article {
            paragraphs: paragraphs
                .iter()
                .map(|text| clean::Paragraph {
                    kind: clean::ParagraphKind::Body,
                    text: text.clone(),
                    truncated: false,
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Scores the extractor's entities against the gold file `gold` over `articles`: per kind,
/// (right, found but not gold, gold but not found). Returns the scores and the articles
/// judged.
/// With `misses`, each mention missed or found wrongly is written there as a line:
/// `missed|wrong TAB kind TAB article TAB paragraph TAB text`, for reading.
pub fn score(
    gold: &Path,
    articles: &[Article],
    source: &Path,
    extractor: &extract::Extractor,
    mut misses: Option<&mut dyn std::io::Write>,
) -> Result<(KindScores, usize)> {
    let mut scores = KindScores::new();
    let mut count = 0;
    for judged in read_judged(gold, "entity gold", articles, |a: &GoldArticle| &a.article)? {
        let paragraphs = judged.paragraphs(gold, source)?;
        let article = judged.record;
        count += 1;
        let expected: HashSet<(u32, u32, u32, &str)> = article
            .entities
            .iter()
            .map(|e| (e.paragraph, e.start, e.end, e.kind.as_str()))
            .collect();
        let found: HashSet<(u32, u32, u32, &str)> = extractor
            .extract(&page_of(paragraphs))
            .entities
            .iter()
            .filter_map(|e| Some((e.paragraph?, e.start, e.end, e.kind.as_str())))
            .collect();
        for kind in ["person", "place", "organization"] {
            let entry = scores.entry(kind.to_string()).or_default();
            let of = |set: &HashSet<(u32, u32, u32, &str)>| -> HashSet<(u32, u32, u32)> {
                set.iter()
                    .filter(|e| e.3 == kind)
                    .map(|e| (e.0, e.1, e.2))
                    .collect()
            };
            let (f, g) = (of(&found), of(&expected));
            entry.0 += f.intersection(&g).count();
            entry.1 += f.difference(&g).count();
            entry.2 += g.difference(&f).count();
            if let Some(out) = misses.as_deref_mut() {
                let text = |&(p, s, e): &(u32, u32, u32)| -> String {
                    paragraphs
                        .get(p as usize)
                        .map(|t| t.chars().skip(s as usize).take((e - s) as usize).collect())
                        .unwrap_or_default()
                };
                let mut lines: Vec<String> = Vec::new();
                for (what, set) in [("missed", g.difference(&f)), ("wrong", f.difference(&g))] {
                    for m in set {
                        lines.push(format!(
                            "{what}\t{kind}\t{}\t{}\t{}",
                            article.article,
                            m.0,
                            text(m)
                        ));
                    }
                }
                lines.sort();
                for line in lines {
                    writeln!(out, "{line}")?;
                }
            }
        }
    }
    Ok((scores, count))
}
