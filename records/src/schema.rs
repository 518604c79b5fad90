//! The output contract: every table, its columns and their types, in one place.
//!
//! A table may gain columns in a later version; the ones listed keep their names, types and
//! meanings. `docs/schema.md` documents them and a test compares this definition with the
//! frozen copy in `data/golden/schema.txt`, so a change here is always a deliberate one.

/// Version of the output contract, written to `manifest.json`.
pub const SCHEMA_VERSION: u32 = 6;

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 string.
    Str,
    /// Unsigned 32-bit integer.
    U32,
    /// Unsigned 64-bit integer.
    U64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// Boolean.
    Bool,
    /// Calendar date.
    Date,
    /// List of strings.
    ListStr,
}

impl ColumnType {
    /// How the type is spelled in `data/golden/schema.txt` and `docs/schema.md`.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Str => "str",
            ColumnType::U32 => "u32",
            ColumnType::U64 => "u64",
            ColumnType::F32 => "f32",
            ColumnType::F64 => "f64",
            ColumnType::Bool => "bool",
            ColumnType::Date => "date",
            ColumnType::ListStr => "list<str>",
        }
    }
}

/// A table's name and columns.
#[derive(Debug)]
pub struct Table {
    /// Folder name under the output directory.
    pub name: &'static str,
    /// Columns in order.
    pub columns: &'static [(&'static str, ColumnType)],
}

use ColumnType::*;

/// `documents`: one row per input.
pub const DOCUMENTS: Table = Table {
    name: "documents",
    columns: &[
        ("doc_id", Str),
        ("source", Str),
        ("bytes", U64),
        ("encoding", Str),
        ("decode_errors", U32),
        ("status", Str),
        ("error", Str),
        ("duplicate_of", Str),
        ("published_date", Date),
        ("n_articles", U32),
        ("n_paragraphs", U32),
        ("chars_in", U64),
        ("chars_out", U64),
        ("external_id", Str),
        ("chars_removed_duplicate", U64),
        ("chars_removed_caption", U64),
        ("chars_removed_furniture", U64),
        ("run", U32),
        ("content_hash", Str),
        ("title", Str),
        ("url", Str),
        ("outlet", Str),
        ("authors", ListStr),
        ("published_at", Str),
        ("section", Str),
        ("extra", Str),
    ],
};

/// `articles`: one row per article.
pub const ARTICLES: Table = Table {
    name: "articles",
    columns: &[
        ("doc_id", Str),
        ("article_idx", U32),
        ("title", Str),
        ("subtitle", Str),
        ("kicker", Str),
        ("byline", Str),
        ("dateline", Str),
        ("authors", ListStr),
        ("published_date", Date),
        ("text", Str),
        ("n_paragraphs", U32),
        ("n_chars", U32),
        ("truncated", Bool),
        ("duplicate_of", Str),
        ("duplicate_similarity", F32),
        ("article_id", Str),
    ],
};

/// `paragraphs`: one row per paragraph or subhead.
pub const PARAGRAPHS: Table = Table {
    name: "paragraphs",
    columns: &[
        ("doc_id", Str),
        ("article_idx", U32),
        ("paragraph_idx", U32),
        ("kind", Str),
        ("text", Str),
        ("truncated", Bool),
        ("article_id", Str),
    ],
};

/// `entities`: one row per mention.
pub const ENTITIES: Table = Table {
    name: "entities",
    columns: &[
        ("doc_id", Str),
        ("article_idx", U32),
        ("paragraph_idx", U32),
        ("start", U32),
        ("end", U32),
        ("kind", Str),
        ("text", Str),
        ("name", Str),
        ("role", Str),
        ("field", Str),
        ("org", Str),
        ("code", Str),
        ("article_id", Str),
    ],
};

/// `quantities`: one row per figure.
pub const QUANTITIES: Table = Table {
    name: "quantities",
    columns: &[
        ("doc_id", Str),
        ("article_idx", U32),
        ("paragraph_idx", U32),
        ("start", U32),
        ("end", U32),
        ("kind", Str),
        ("text", Str),
        ("value", F64),
        ("value_low", F64),
        ("value_high", F64),
        ("unit", Str),
        ("approx", Str),
        ("iso", Str),
        ("date_start", Date),
        ("date_end", Date),
        ("subject", Str),
        ("change", Str),
        ("article_id", Str),
    ],
};

/// `removed`: one row per passage taken out of the text.
pub const REMOVED: Table = Table {
    name: "removed",
    columns: &[
        ("doc_id", Str),
        ("kind", Str),
        ("text", Str),
        ("reason", Str),
        ("method", Str),
        ("duplicate_of", Str),
        ("similarity", F32),
        ("article_id", Str),
    ],
};

/// `entity_counts`: mentions per entity over the dataset (copies of articles left out).
pub const ENTITY_COUNTS: Table = Table {
    name: "entity_counts",
    columns: &[
        ("kind", Str),
        ("name", Str),
        ("mentions", U64),
        ("articles", U64),
        ("documents", U64),
    ],
};

/// `quantity_counts`: figures per kind and unit over the dataset.
pub const QUANTITY_COUNTS: Table = Table {
    name: "quantity_counts",
    columns: &[
        ("kind", Str),
        ("unit", Str),
        ("count", U64),
        ("with_value", U64),
        ("min", F64),
        ("median", F64),
        ("max", F64),
    ],
};

/// Every table, in the order they are listed in the manifest.
pub const TABLES: [&Table; 8] = [
    &DOCUMENTS,
    &ARTICLES,
    &PARAGRAPHS,
    &ENTITIES,
    &QUANTITIES,
    &REMOVED,
    &ENTITY_COUNTS,
    &QUANTITY_COUNTS,
];

/// Whether `table` is a summary (`entity_counts`, `quantity_counts`): computed again over
/// the whole dataset by each corpus step, never appended to.
pub fn is_summary(table: &str) -> bool {
    table == ENTITY_COUNTS.name || table == QUANTITY_COUNTS.name
}

/// The contract as text, one `table.column type` a line: what the golden file holds.
pub fn describe() -> String {
    let mut out = format!("schema_version {SCHEMA_VERSION}\n");
    for table in TABLES {
        for (column, ty) in table.columns {
            out.push_str(&format!("{}.{} {}\n", table.name, column, ty.name()));
        }
    }
    out
}

/// The tables a run appends to (every table but the summaries), in the order a writer
/// keeps its buffers.
pub const SEGMENT_TABLES: [&Table; 6] = [
    &DOCUMENTS,
    &ARTICLES,
    &PARAGRAPHS,
    &ENTITIES,
    &QUANTITIES,
    &REMOVED,
];

#[cfg(test)]
mod tests {
    #[test]
    fn the_contract_matches_its_frozen_copy() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/golden/schema.txt");
        if std::env::var_os("NEWSPRINT_BLESS").is_some() {
            std::fs::write(path, super::describe()).expect("write golden schema");
        }
        let frozen = std::fs::read_to_string(path).expect("read golden schema");
        assert_eq!(
            super::describe(),
            frozen,
            "the output schema changed: update data/golden/schema.txt, docs/schema.md and \
             SCHEMA_VERSION together"
        );
    }
}
