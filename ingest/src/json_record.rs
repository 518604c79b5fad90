//! One JSON Lines record made a document: its `text`, and the fields scrapers and CMS
//! exports carry beside it (`id`, `title`, `url`, `source`, `author`, `published_at`,
//! `section`, any others). A field of the wrong type is the record's error row, never a
//! silent null.

use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};

use crate::{RawDoc, RecordFields, Status};

/// The field that holds a record's text unless told otherwise (`--text-field`).
pub const TEXT_FIELD: &str = "text";

/// Reads one record's line into its document, or the error row saying what is wrong. The
/// text is the first of `text_fields` the record has: a string, or a list of strings taken
/// as the article's paragraphs.
pub(crate) fn parse_record(source: String, line: &[u8], text_fields: &[String]) -> RawDoc {
    let fail = |source: String, reason: String| RawDoc::failed(source, Status::Error, reason);
    let mut record: Map<String, Value> = match serde_json::from_slice(line) {
        Ok(Value::Object(record)) => record,
        Ok(other) => {
            return fail(
                source,
                format!("record is a JSON {}, not an object", type_name(&other)),
            )
        }
        Err(e) => return fail(source, format!("invalid JSON: {e}")),
    };
    match read(&mut record, text_fields) {
        Ok((text, mut external_id, published_date, fields)) => {
            if record_id_is_float(&external_id) {
                // A number too long for an integer was parsed as a float: the id is kept
                // as written, not as `1.2345678901234568e+22`.
                external_id = top_level_number(line, "id").or(external_id);
            }
            let mut doc = RawDoc::from_bytes(source, text.into_bytes());
            doc.external_id = external_id;
            doc.published_date = published_date;
            doc.fields = (fields != RecordFields::default()).then(|| Box::new(fields));
            doc.is_utf8_text = true;
            doc
        }
        Err(reason) => fail(source, reason),
    }
}

type Read = (String, Option<String>, Option<NaiveDate>, RecordFields);

/// Whether an id read from a number may not be the number's text (a float's rendering).
fn record_id_is_float(id: &Option<String>) -> bool {
    id.as_deref()
        .is_some_and(|id| id.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')))
}

/// The text of the number that is the value of `key` in the JSON object `line`, as
/// written. Only keys of the object itself count, not those of objects nested in it.
fn top_level_number(line: &[u8], key: &str) -> Option<String> {
    let (mut depth, mut i) = (0usize, 0usize);
    while i < line.len() {
        match line[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                // A string: skip it whole, escapes and all; a key of the object itself
                // is followed by `:`.
                let start = i + 1;
                i += 1;
                while i < line.len() && line[i] != b'"' {
                    i += if line[i] == b'\\' { 2 } else { 1 };
                }
                let name = line.get(start..i)?;
                let mut j = i + 1;
                while line.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                if depth == 1 && line.get(j) == Some(&b':') && name == key.as_bytes() {
                    j += 1;
                    while line.get(j).is_some_and(u8::is_ascii_whitespace) {
                        j += 1;
                    }
                    let end = j + line[j..]
                        .iter()
                        .take_while(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                        .count();
                    return std::str::from_utf8(&line[j..end])
                        .ok()
                        .filter(|n| !n.is_empty())
                        .map(str::to_string);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn read(record: &mut Map<String, Value>, text_fields: &[String]) -> Result<Read, String> {
    let default = [TEXT_FIELD.to_string()];
    let text_fields = if text_fields.is_empty() {
        &default[..]
    } else {
        text_fields
    };
    let Some((field, value)) = text_fields
        .iter()
        .find_map(|field| take(record, field).map(|value| (field, value)))
    else {
        return Err(match text_fields {
            [one] => format!("record has no {one:?} field"),
            many => format!("record has none of the fields {many:?}"),
        });
    };
    let mut paragraphs = false;
    let text = match value {
        Value::String(text) => text,
        // Paragraphs one to a string: a blank line between two keeps them apart.
        Value::Array(items) => {
            paragraphs = true;
            let mut text = String::new();
            for item in items {
                match item {
                    Value::String(paragraph) if paragraph.trim().is_empty() => {}
                    Value::String(paragraph) => {
                        if !text.is_empty() {
                            text.push_str("\n\n");
                        }
                        text.push_str(paragraph.trim_end());
                    }
                    other => return Err(wrong_type(field, "a list of strings", &other)),
                }
            }
            text
        }
        other => return Err(wrong_type(field, "a string or a list of strings", &other)),
    };
    let external_id = match take(record, "id") {
        None => None,
        Some(Value::String(s)) => Some(s),
        Some(n @ Value::Number(_)) => Some(n.to_string()),
        Some(other) => return Err(wrong_type("id", "a string or a number", &other)),
    };
    let mut fields = RecordFields {
        text_is_paragraphs: paragraphs,
        title: string(record, "title")?,
        url: string(record, "url")?,
        outlet: string(record, "source")?,
        ..RecordFields::default()
    };
    if let Some(outlet) = string(record, "outlet")? {
        fields.outlet.get_or_insert(outlet);
    }
    fields.section = string(record, "section")?;
    for key in ["author", "authors"] {
        match take(record, key) {
            None => {}
            Some(Value::String(name)) => fields.authors.push(name),
            Some(Value::Array(names)) => {
                for name in names {
                    match name {
                        Value::String(name) => fields.authors.push(name),
                        other => return Err(wrong_type(key, "a list of strings", &other)),
                    }
                }
            }
            Some(other) => return Err(wrong_type(key, "a string or a list of strings", &other)),
        }
    }
    fields.authors.retain(|a| !a.trim().is_empty());
    let mut published_date = match string(record, "published_date")? {
        None => None,
        Some(s) => Some(
            NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map_err(|_| format!("published_date {s:?} is not a YYYY-MM-DD date"))?,
        ),
    };
    if let Some(at) = string(record, "published_at")? {
        let date = DateTime::parse_from_rfc3339(&at)
            .map(|t| t.date_naive())
            .or_else(|_| NaiveDate::parse_from_str(&at, "%Y-%m-%d"))
            .map_err(|_| {
                format!(
                    "published_at {at:?} is neither an RFC 3339 timestamp nor a YYYY-MM-DD date"
                )
            })?;
        published_date.get_or_insert(date);
        fields.published_at = Some(at);
    }
    if !record.is_empty() {
        // serde_json's map keeps keys sorted: the same record gives the same text.
        fields.extra = Some(Value::Object(std::mem::take(record)).to_string());
    }
    Ok((text, external_id, published_date, fields))
}

/// Takes `key` out of the record; a JSON `null` is the field left out.
fn take(record: &mut Map<String, Value>, key: &str) -> Option<Value> {
    record.remove(key).filter(|v| !v.is_null())
}

fn string(record: &mut Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match take(record, key) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong_type(key, "a string", &other)),
    }
}

fn wrong_type(key: &str, wanted: &str, found: &Value) -> String {
    format!("field {key:?} must be {wanted}, not a {}", type_name(found))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// The field names of a record's line (`None` when it is not a JSON object): whether any
/// is `text` tells a file of records in another layout from a file with a few bad records,
/// and the names say what such a file holds.
pub(crate) fn field_names(line: &[u8]) -> Option<Vec<String>> {
    match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(record)) => Some(record.into_iter().map(|(k, _)| k).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> RawDoc {
        parse_record("f.jsonl#L1".to_string(), line.as_bytes(), &[])
    }

    fn error(line: &str) -> String {
        parse(line).outcome.expect("an error row").1
    }

    #[test]
    fn known_fields_fill_their_columns_and_the_rest_is_kept_as_json() {
        let doc = parse(
            r#"{"text":"正文","id":7,"title":"标题","url":"https://x.cn/a","source":"新华社",
                "author":["甲","乙"],"published_at":"2024-03-05T23:30:00+08:00",
                "section":"国际","lang":"zh","tags":["a"],"views":null}"#,
        );
        assert!(doc.outcome.is_none());
        assert_eq!(doc.bytes, "正文".as_bytes());
        assert_eq!(doc.external_id.as_deref(), Some("7"));
        // A number longer than an integer holds is kept as written.
        for (line, id) in [
            (
                r#"{"text":"正文","id":12345678901234567890123}"#,
                "12345678901234567890123",
            ),
            (r#"{"meta":{"id":1},"text":"x","id" : 1.50}"#, "1.50"),
            (r#"{"text":"\"id\":9","id":2.5e3}"#, "2.5e3"),
        ] {
            let doc = parse_record("f.jsonl#L1".to_string(), line.as_bytes(), &[]);
            assert_eq!(doc.external_id.as_deref(), Some(id), "{line}");
        }
        assert_eq!(doc.published_date, NaiveDate::from_ymd_opt(2024, 3, 5));
        let fields = doc.fields.expect("fields");
        assert_eq!(fields.title.as_deref(), Some("标题"));
        assert_eq!(fields.url.as_deref(), Some("https://x.cn/a"));
        assert_eq!(fields.outlet.as_deref(), Some("新华社"));
        assert_eq!(fields.authors, ["甲", "乙"]);
        assert_eq!(
            fields.published_at.as_deref(),
            Some("2024-03-05T23:30:00+08:00")
        );
        assert_eq!(fields.section.as_deref(), Some("国际"));
        assert_eq!(
            fields.extra.as_deref(),
            Some(r#"{"lang":"zh","tags":["a"],"views":null}"#)
        );
    }

    #[test]
    fn a_record_of_text_alone_has_no_fields_and_a_date_alone_is_read() {
        let doc = parse(r#"{"text":"正文"}"#);
        assert!(doc.fields.is_none());
        let doc = parse(r#"{"text":"正文","published_at":"2024-03-05","author":"甲"}"#);
        assert_eq!(doc.published_date, NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(doc.fields.expect("fields").authors, ["甲"]);
    }

    #[test]
    fn wrong_types_are_error_rows_naming_the_field() {
        assert_eq!(
            error(r#"{"text":5}"#),
            r#"field "text" must be a string or a list of strings, not a number"#
        );
        assert_eq!(
            error(r#"{"text":"t","title":["a"]}"#),
            r#"field "title" must be a string, not a list"#
        );
        assert_eq!(
            error(r#"{"text":"t","author":[1]}"#),
            r#"field "author" must be a list of strings, not a number"#
        );
        assert!(error(r#"{"text":"t","published_at":"yesterday"}"#).starts_with("published_at"));
        assert_eq!(error(r#"["text"]"#), "record is a JSON list, not an object");
        assert_eq!(error(r#"{"body":"t"}"#), r#"record has no "text" field"#);
    }

    #[test]
    fn the_text_is_the_first_field_named_and_a_list_is_paragraphs() {
        let fields = ["body".to_string(), "paragraphs".to_string()];
        let parse = |line: &str| parse_record("f.json#R1".into(), line.as_bytes(), &fields);
        let doc = parse(r#"{"paragraphs":["第一段。 ","  ","第二段。"],"text":"x"}"#);
        assert!(doc.outcome.is_none());
        assert_eq!(doc.bytes, "第一段。\n\n第二段。".as_bytes());
        // The unused field is kept with the record's others.
        assert_eq!(
            doc.fields.expect("fields").extra.as_deref(),
            Some(r#"{"text":"x"}"#)
        );
        // The first present wins; the later one is kept too.
        let doc = parse(r#"{"body":"正文","paragraphs":["p"]}"#);
        assert_eq!(doc.bytes, "正文".as_bytes());
        let why = |line: &str| parse(line).outcome.expect("an error row").1;
        assert_eq!(
            why(r#"{"text":"t"}"#),
            r#"record has none of the fields ["body", "paragraphs"]"#
        );
        assert_eq!(
            why(r#"{"paragraphs":["a",3]}"#),
            r#"field "paragraphs" must be a list of strings, not a number"#
        );
    }
}
