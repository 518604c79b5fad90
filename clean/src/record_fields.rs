//! What a JSON Lines record says of its one article: the title, and the authors, that the
//! scraper or CMS exported beside the text. They fill the article when the record's text is
//! one article; a page the cleaner split into several keeps them on `documents` alone.

use crate::normalize::normalize;
use crate::{Article, Paragraph, ParagraphKind};

/// Gives `articles` (the page of one record) the record's title and authors.
pub(crate) fn apply(articles: &mut [Article], fields: &ingest::RecordFields) {
    let [article] = articles else {
        return;
    };
    if let Some(title) = fields.title.as_deref().map(|t| normalize(t.trim())) {
        let same = |text: &str| squeeze(text) == squeeze(&title);
        // Text exports often repeat the title as their first line.
        if article.paragraphs.first().is_some_and(|p| same(&p.text)) {
            article.paragraphs.remove(0);
        }
        match article.title.take() {
            Some(found) if !same(&found) => {
                // The line the cleaner took for a title is text of the article: kept, as
                // the subtitle it most likely is, or else as its first paragraph.
                if article.subtitle.is_none() {
                    article.subtitle = Some(found);
                } else {
                    article.paragraphs.insert(
                        0,
                        Paragraph {
                            kind: ParagraphKind::Body,
                            text: found,
                            truncated: false,
                        },
                    );
                }
            }
            _ => {}
        }
        article.title = Some(title);
    }
    if article.authors.is_empty() {
        article.authors = fields.authors.iter().map(|a| normalize(a.trim())).collect();
    }
}

/// The text without white space, for comparing a title with a line.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, authors: &[&str]) -> ingest::RecordFields {
        ingest::RecordFields {
            title: Some(title.to_string()),
            authors: authors.iter().map(|a| a.to_string()).collect(),
            ..Default::default()
        }
    }

    fn paragraph(text: &str) -> Paragraph {
        Paragraph {
            kind: ParagraphKind::Body,
            text: text.to_string(),
            truncated: false,
        }
    }

    #[test]
    fn the_records_title_and_authors_fill_a_lone_article() {
        let mut articles = vec![Article {
            paragraphs: vec![paragraph("正文第一段。")],
            ..Default::default()
        }];
        apply(&mut articles, &fields("一个标题", &["张三"]));
        assert_eq!(articles[0].title.as_deref(), Some("一个标题"));
        assert_eq!(articles[0].authors, ["张三"]);
        assert_eq!(articles[0].paragraphs.len(), 1);
    }

    #[test]
    fn a_title_repeated_as_the_first_line_is_not_text_and_a_different_one_is_kept() {
        let mut articles = vec![Article {
            paragraphs: vec![paragraph("一个 标题"), paragraph("正文。")],
            authors: vec!["李四".to_string()],
            ..Default::default()
        }];
        apply(&mut articles, &fields("一个标题", &["张三"]));
        assert_eq!(articles[0].paragraphs, [paragraph("正文。")]);
        assert_eq!(articles[0].authors, ["李四"], "the text's own byline wins");

        let mut articles = vec![Article {
            title: Some("引题一行".to_string()),
            paragraphs: vec![paragraph("正文。")],
            ..Default::default()
        }];
        apply(&mut articles, &fields("一个标题", &[]));
        assert_eq!(articles[0].title.as_deref(), Some("一个标题"));
        assert_eq!(articles[0].subtitle.as_deref(), Some("引题一行"));
    }

    #[test]
    fn a_page_of_several_articles_is_left_as_the_cleaner_split_it() {
        let mut articles = vec![Article::default(), Article::default()];
        apply(&mut articles, &fields("一个标题", &["张三"]));
        assert!(articles
            .iter()
            .all(|a| a.title.is_none() && a.authors.is_empty()));
    }
}
