//! Reading newsprint's inputs and decoding them to text.
//!
//! `ingest` is the only crate that touches the file system on the way in. It turns the paths a
//! user names into [`Source`]s ([`discover`]: folders walked recursively in sorted order), reads
//! each into [`RawDoc`]s ([`read`]: plain files, `.gz` and `.zst` streams, JSON Lines with one
//! document a line) and decodes them into [`Document`]s ([`decode`]: BOM, UTF-8, then a
//! detected legacy encoding such as GB18030 or Big5). Every input yields exactly one row of
//! account: a file that cannot be read, a binary file, an empty file or a second copy of the
//! same bytes still produces a [`Document`] whose [`Status`] says why it carries no text.
//!
//! ```
//! let raw = ingest::RawDoc::from_bytes("page.txt", "湘潭：园区去行政化".as_bytes().to_vec());
//! let doc = ingest::decode(raw, &ingest::DecodeOptions::default());
//! assert_eq!(doc.status, ingest::Status::Ok);
//! assert_eq!(doc.encoding, Some("UTF-8"));
//! assert_eq!(doc.text, "湘潭：园区去行政化");
//! ```

mod decode;
mod detect;
mod error;
mod identity;
mod json_record;
mod object;
mod read;
mod shard;

pub use decode::{decode, decode_known, DecodeOptions};
pub use error::Error;
pub use identity::Fingerprint;
pub use json_record::TEXT_FIELD;
pub use object::{is_url, ObjectInput, Remote};
pub use read::{
    check_records, discover, discover_with, read, too_large, DiscoverOptions, Discovered,
    ReadOptions, Reader, Source,
};
pub use shard::Shard;

use chrono::NaiveDate;

/// What became of one input, as the `documents.status` column spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Decoded to text.
    Ok,
    /// No bytes, or nothing but white space once decoded.
    Empty,
    /// Not text (an image, a PDF, an archive format we do not read).
    Binary,
    /// The same bytes were already read under an earlier source.
    Duplicate,
    /// Could not be read or decoded; `error` says why.
    Error,
}

impl Status {
    /// All statuses, in the order summaries list them.
    pub const ALL: [Status; 5] = [
        Status::Ok,
        Status::Empty,
        Status::Binary,
        Status::Duplicate,
        Status::Error,
    ];

    /// The lower-case name written to the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Empty => "empty",
            Status::Binary => "binary",
            Status::Duplicate => "duplicate",
            Status::Error => "error",
        }
    }
}

/// One input document as read, before decoding.
#[derive(Clone, Debug)]
pub struct RawDoc {
    /// The document's key ([`doc_id`] of its source and content): one per input, so two
    /// sources with the same bytes are two documents, the second a duplicate of the first.
    pub doc_id: String,
    /// Content hash of `bytes` ([`content_id`]); `None` when nothing could be read.
    pub content_hash: Option<String>,
    /// Where it came from: the path as given, `file.gz`, or `file.jsonl#L3` for a line.
    pub source: String,
    /// The document's bytes after decompression; empty for an error.
    pub bytes: Vec<u8>,
    /// The `id` field of a JSON Lines record.
    pub external_id: Option<String>,
    /// The date of a JSON Lines record (`published_date`, or the date of `published_at`).
    pub published_date: Option<NaiveDate>,
    /// The other fields of a JSON Lines record.
    pub fields: Option<Box<RecordFields>>,
    /// The bytes are already text (a JSON Lines `text` field): no detection is needed.
    pub is_utf8_text: bool,
    /// Set when reading failed or the input is a known duplicate.
    pub outcome: Option<(Status, String)>,
    /// The doc_id of the first document with the same bytes.
    pub duplicate_of: Option<String>,
    /// Bytes of the input read for this document, as stored (before decompression): the
    /// whole file, or a JSON Lines record's share of it; kept when `bytes` are let go (a
    /// duplicate). For progress, which counts inputs as stored.
    pub read_bytes: u64,
}

/// What a JSON Lines record says about its document besides its text, `id` and date: the
/// fields scrapers and CMS exports carry. Each becomes a `documents` column; fields of
/// other names are kept together as one JSON object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordFields {
    /// `title`.
    pub title: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `source` or `outlet`: the publication.
    pub outlet: Option<String>,
    /// `author` or `authors`: a name or a list of names.
    pub authors: Vec<String>,
    /// `published_at` as written (RFC 3339 or a date).
    pub published_at: Option<String>,
    /// `section`.
    pub section: Option<String>,
    /// Every other field, as a JSON object (keys sorted); `None` when there are none.
    pub extra: Option<String>,
    /// The text was a list of paragraphs (joined by blank lines): each is a paragraph as
    /// given, never joined to the next as a wrapped line would be.
    pub text_is_paragraphs: bool,
}

impl RawDoc {
    /// A document from bytes held in memory, hashed as [`read`] would hash them.
    pub fn from_bytes(source: impl Into<String>, bytes: Vec<u8>) -> Self {
        let source = source.into();
        let content = content_id(&bytes);
        RawDoc {
            doc_id: doc_id(&source, Some(&content)),
            content_hash: Some(content),
            source,
            read_bytes: bytes.len() as u64,
            bytes,
            external_id: None,
            published_date: None,
            fields: None,
            is_utf8_text: false,
            outcome: None,
            duplicate_of: None,
        }
    }

    /// An input that gave no bytes to read: its row says `status` and why. It has no
    /// content hash, and its key is that of its source alone.
    pub fn failed(source: String, status: Status, reason: String) -> Self {
        RawDoc {
            doc_id: doc_id(&source, None),
            content_hash: None,
            source,
            bytes: Vec::new(),
            external_id: None,
            published_date: None,
            fields: None,
            is_utf8_text: false,
            outcome: Some((status, reason)),
            duplicate_of: None,
            read_bytes: 0,
        }
    }
}

/// One decoded input: the text and the account of how it was obtained.
#[derive(Clone, Debug)]
pub struct Document {
    /// The document's key (see [`RawDoc::doc_id`]).
    pub doc_id: String,
    /// Content hash of the raw bytes; `None` when nothing could be read.
    pub content_hash: Option<String>,
    /// Where it came from (see [`RawDoc::source`]).
    pub source: String,
    /// Size of the raw bytes.
    pub bytes: u64,
    /// WHATWG name of the encoding used, `None` when nothing was decoded.
    pub encoding: Option<&'static str>,
    /// Replacement characters produced while decoding.
    pub decode_errors: u32,
    /// What became of the input.
    pub status: Status,
    /// Why the status is not `ok`.
    pub error: Option<String>,
    /// The doc_id of the earlier copy, for `duplicate`.
    pub duplicate_of: Option<String>,
    /// The other fields of a JSON Lines record.
    pub fields: Option<Box<RecordFields>>,
    /// The `id` field of a JSON Lines record.
    pub external_id: Option<String>,
    /// A publication date the input itself supplied (JSON Lines field).
    pub published_date: Option<NaiveDate>,
    /// The decoded text; empty unless `status` is `ok`.
    pub text: String,
}

/// The content hash of `documents.content_hash`: xxh3-128 of the bytes, as 32 hex digits.
pub fn content_id(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// A document's key, `documents.doc_id`: its source and content hash hashed together
/// (xxh3-128, 32 hex digits). An input read again unchanged keeps its key; the same bytes
/// under another source, or other bytes under the same source, are another document.
pub fn doc_id(source: &str, content_hash: Option<&str>) -> String {
    format!("{:032x}", doc_number(source, content_hash))
}

/// [`doc_id`] as a number.
pub fn doc_number(source: &str, content_hash: Option<&str>) -> u128 {
    let content = content_hash.unwrap_or_default();
    let mut bytes = Vec::with_capacity(source.len() + content.len() + 1);
    bytes.extend_from_slice(source.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(content.as_bytes());
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

/// The number a 32-hex-digit key spells ([`doc_id`] or [`content_id`] read back), `None`
/// when it spells none.
pub fn content_number(id: &str) -> Option<u128> {
    (id.len() == 32)
        .then(|| u128::from_str_radix(id, 16).ok())
        .flatten()
}

/// Encoding inputs the way other systems write them, for fixtures and generated corpora.
pub mod fixtures {
    /// `text` in the encoding named by `label` (a WHATWG label; `utf-16le-bom` and
    /// `utf-8-bom` add a byte-order mark). `None` for an unknown label.
    pub fn encode(text: &str, label: &str) -> Option<Vec<u8>> {
        match label.to_ascii_lowercase().as_str() {
            "utf-8-bom" => Some([&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()),
            "utf-16le" | "utf-16le-bom" => {
                let mut out = if label.ends_with("bom") {
                    vec![0xFF, 0xFE]
                } else {
                    Vec::new()
                };
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                Some(out)
            }
            "utf-16be" => Some(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
            other => {
                let encoding = encoding_rs::Encoding::for_label(other.as_bytes())?;
                Some(encoding.encode(text).0.into_owned())
            }
        }
    }

    /// `bytes` as a gzip stream.
    pub fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        // Writing to a Vec cannot fail.
        let _ = encoder.write_all(bytes);
        encoder.finish().unwrap_or_default()
    }
}
