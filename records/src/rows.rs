//! The rows one document's records give every table a run appends to, each built by column
//! name in the table's order. A [`RowSink`] takes them: the run's Parquet writer checks the
//! names against [`crate::schema`] on its first row and the types on every row; the Python
//! package's Arrow builders do the same. One function for both keeps them in step.

use chrono::NaiveDate;
use clean::RemovedKind;

use crate::schema::{Table, ARTICLES, DOCUMENTS, ENTITIES, PARAGRAPHS, QUANTITIES, REMOVED};
use crate::DocRecord;

/// One value of a row.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    /// A `str` column's value.
    Str(Option<&'a str>),
    /// A `u32` column's value.
    U32(Option<u32>),
    /// A `u64` column's value.
    U64(Option<u64>),
    /// An `f32` column's value.
    F32(Option<f32>),
    /// An `f64` column's value.
    F64(Option<f64>),
    /// A `bool` column's value.
    Bool(Option<bool>),
    /// A `date` column's value.
    Date(Option<NaiveDate>),
    /// A `list<str>` column's value.
    ListStr(&'a [String]),
}

/// Days since 1970 of `date`, as Arrow's `date32` and Parquet store a date.
pub fn epoch_days(date: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&date) - UNIX_EPOCH_FROM_CE
}

/// The date a `date32` value (days since 1970-01-01) stands for.
pub fn from_epoch_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_FROM_CE)?)
}

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

/// Where rows go: one table's row at a time, as (column, cell) pairs in the table's order.
pub trait RowSink {
    /// What a sink's refusal of a row is (a name or a type out of step with the schema).
    type Error;

    /// Appends one row to `table`.
    fn push(&mut self, table: &Table, row: &[(&str, Cell)]) -> Result<(), Self::Error>;
}

/// Whether `row` holds `table`'s columns by name, in order: else what is out of step. What a
/// sink checks on its first row of a table, so that a row builder and the schema never
/// drift apart unnoticed.
pub fn check_names(table: &Table, row: &[(&str, Cell)]) -> Result<(), String> {
    if row.len() != table.columns.len() {
        return Err(format!(
            "{} cells for {} columns",
            row.len(),
            table.columns.len()
        ));
    }
    for ((name, _), (column, _)) in row.iter().zip(table.columns) {
        if name != column {
            return Err(format!("a cell named {name} where the schema has {column}"));
        }
    }
    Ok(())
}

/// `articles.article_id`: the key every article-level table joins on by itself.
pub fn article_id(doc_id: &str, article_idx: u32) -> String {
    format!("{doc_id}/{article_idx}")
}

/// Gives `sink` the rows of `record` for `documents`, `articles`, `paragraphs`, `removed`,
/// `entities` and `quantities`, in that order. `run` is `documents.run` (`None` outside a
/// run). What needs the whole dataset (`articles.duplicate_of`, its similarity) is null.
pub fn emit<S: RowSink>(
    record: &DocRecord,
    run: Option<u32>,
    sink: &mut S,
) -> Result<(), S::Error> {
    let doc = &record.document;
    let page = &record.page;
    let id = Some(doc.doc_id.as_str());
    let removed_chars = |kinds: &[RemovedKind]| -> u64 {
        page.removed
            .iter()
            .filter(|r| kinds.contains(&r.kind))
            .map(|r| r.text.chars().count() as u64)
            .sum()
    };
    let n_paragraphs: usize = page.articles.iter().map(|a| a.paragraphs.len()).sum();
    let fields = doc.fields.as_deref();
    // `articles.article_id`, the key every article-level table joins on by itself.
    let article_ids: Vec<String> = (0..page.articles.len())
        .map(|a| article_id(&doc.doc_id, a as u32))
        .collect();
    sink.push(
        &DOCUMENTS,
        &[
            ("doc_id", Cell::Str(id)),
            ("source", Cell::Str(Some(&doc.source))),
            ("bytes", Cell::U64(Some(doc.bytes))),
            ("encoding", Cell::Str(doc.encoding)),
            ("decode_errors", Cell::U32(Some(doc.decode_errors))),
            ("status", Cell::Str(Some(doc.status.as_str()))),
            ("error", Cell::Str(doc.error.as_deref())),
            ("duplicate_of", Cell::Str(doc.duplicate_of.as_deref())),
            (
                "published_date",
                Cell::Date(page.published_date.or(doc.published_date)),
            ),
            ("n_articles", Cell::U32(Some(page.articles.len() as u32))),
            ("n_paragraphs", Cell::U32(Some(n_paragraphs as u32))),
            ("chars_in", Cell::U64(Some(page.chars_in))),
            ("chars_out", Cell::U64(Some(page.chars_out))),
            ("external_id", Cell::Str(doc.external_id.as_deref())),
            (
                "chars_removed_duplicate",
                Cell::U64(Some(removed_chars(&[RemovedKind::Duplicate]))),
            ),
            (
                "chars_removed_caption",
                Cell::U64(Some(removed_chars(&[
                    RemovedKind::Caption,
                    RemovedKind::Credit,
                ]))),
            ),
            (
                "chars_removed_furniture",
                Cell::U64(Some(removed_chars(&[RemovedKind::Furniture]))),
            ),
            ("run", Cell::U32(run)),
            ("content_hash", Cell::Str(doc.content_hash.as_deref())),
            ("title", Cell::Str(fields.and_then(|f| f.title.as_deref()))),
            ("url", Cell::Str(fields.and_then(|f| f.url.as_deref()))),
            (
                "outlet",
                Cell::Str(fields.and_then(|f| f.outlet.as_deref())),
            ),
            (
                "authors",
                Cell::ListStr(fields.map_or(&[][..], |f| &f.authors)),
            ),
            (
                "published_at",
                Cell::Str(fields.and_then(|f| f.published_at.as_deref())),
            ),
            (
                "section",
                Cell::Str(fields.and_then(|f| f.section.as_deref())),
            ),
            ("extra", Cell::Str(fields.and_then(|f| f.extra.as_deref()))),
        ],
    )?;

    for (a, article) in page.articles.iter().enumerate() {
        // Built in the parallel stage; a record assembled by hand may not carry it.
        let built;
        let text = match record.texts.get(a) {
            Some(text) => text.as_str(),
            None => {
                built = article.text();
                built.as_str()
            }
        };
        sink.push(
            &ARTICLES,
            &[
                ("doc_id", Cell::Str(id)),
                ("article_idx", Cell::U32(Some(a as u32))),
                ("title", Cell::Str(article.title.as_deref())),
                ("subtitle", Cell::Str(article.subtitle.as_deref())),
                ("kicker", Cell::Str(article.kicker.as_deref())),
                ("byline", Cell::Str(article.byline.as_deref())),
                ("dateline", Cell::Str(article.dateline.as_deref())),
                ("authors", Cell::ListStr(&article.authors)),
                ("published_date", Cell::Date(article.published_date)),
                ("text", Cell::Str(Some(text))),
                (
                    "n_paragraphs",
                    Cell::U32(Some(article.paragraphs.len() as u32)),
                ),
                ("n_chars", Cell::U32(Some(article.n_chars() as u32))),
                ("truncated", Cell::Bool(Some(article.truncated()))),
                ("duplicate_of", Cell::Str(None)),
                ("duplicate_similarity", Cell::F32(None)),
                ("article_id", Cell::Str(Some(&article_ids[a]))),
            ],
        )?;
        for (p, paragraph) in article.paragraphs.iter().enumerate() {
            sink.push(
                &PARAGRAPHS,
                &[
                    ("doc_id", Cell::Str(id)),
                    ("article_idx", Cell::U32(Some(a as u32))),
                    ("paragraph_idx", Cell::U32(Some(p as u32))),
                    ("kind", Cell::Str(Some(paragraph.kind.as_str()))),
                    ("text", Cell::Str(Some(&paragraph.text))),
                    ("truncated", Cell::Bool(Some(paragraph.truncated))),
                    ("article_id", Cell::Str(Some(&article_ids[a]))),
                ],
            )?;
        }
    }

    for removed in &page.removed {
        let kept = removed.duplicate_of.map(|loc| match loc.paragraph {
            Some(p) => format!("{}/{}", article_id(&doc.doc_id, loc.article), p),
            None => article_id(&doc.doc_id, loc.article),
        });
        let article = removed
            .duplicate_of
            .and_then(|loc| article_ids.get(loc.article as usize));
        sink.push(
            &REMOVED,
            &[
                ("doc_id", Cell::Str(id)),
                ("kind", Cell::Str(Some(removed.kind.as_str()))),
                ("text", Cell::Str(Some(&removed.text))),
                ("reason", Cell::Str(Some(&removed.reason))),
                ("method", Cell::Str(Some(&removed.method))),
                ("duplicate_of", Cell::Str(kept.as_deref())),
                ("similarity", Cell::F32(removed.similarity)),
                ("article_id", Cell::Str(article.map(String::as_str))),
            ],
        )?;
    }

    let extraction = &record.extraction;
    for e in &extraction.entities {
        sink.push(
            &ENTITIES,
            &[
                ("doc_id", Cell::Str(id)),
                ("article_idx", Cell::U32(Some(e.article))),
                ("paragraph_idx", Cell::U32(e.paragraph)),
                ("start", Cell::U32(Some(e.start))),
                ("end", Cell::U32(Some(e.end))),
                ("kind", Cell::Str(Some(e.kind.as_str()))),
                ("text", Cell::Str(Some(&e.text))),
                ("name", Cell::Str(Some(&e.name))),
                ("role", Cell::Str(e.role.as_deref())),
                ("field", Cell::Str(Some(e.field.as_str()))),
                ("org", Cell::Str(e.org.as_deref())),
                ("code", Cell::Str(e.code.as_deref())),
                (
                    "article_id",
                    Cell::Str(article_ids.get(e.article as usize).map(String::as_str)),
                ),
            ],
        )?;
    }
    for q in &extraction.quantities {
        sink.push(
            &QUANTITIES,
            &[
                ("doc_id", Cell::Str(id)),
                ("article_idx", Cell::U32(Some(q.article))),
                ("paragraph_idx", Cell::U32(Some(q.paragraph))),
                ("start", Cell::U32(Some(q.start))),
                ("end", Cell::U32(Some(q.end))),
                ("kind", Cell::Str(Some(q.kind.as_str()))),
                ("text", Cell::Str(Some(&q.text))),
                ("value", Cell::F64(q.value)),
                ("value_low", Cell::F64(q.value_low)),
                ("value_high", Cell::F64(q.value_high)),
                ("unit", Cell::Str(q.unit)),
                ("approx", Cell::Str(q.approx.map(|a| a.as_str()))),
                ("iso", Cell::Str(q.iso.as_deref())),
                ("date_start", Cell::Date(q.date_start)),
                ("date_end", Cell::Date(q.date_end)),
                ("subject", Cell::Str(q.subject.as_deref())),
                ("change", Cell::Str(q.change.map(|c| c.as_str()))),
                (
                    "article_id",
                    Cell::Str(article_ids.get(q.article as usize).map(String::as_str)),
                ),
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_days_read_back_as_the_same_date() {
        for (y, m, d, days) in [(1970, 1, 1, 0), (2026, 1, 21, 20_474), (1969, 12, 31, -1)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
            assert_eq!(epoch_days(date), days);
            assert_eq!(from_epoch_days(days), Some(date));
        }
        assert_eq!(from_epoch_days(i32::MAX), None);
    }
}
