//! Errors that stop ingest from accounting for an input at all (as opposed to a document
//! that fails, which becomes a `documents` row with status `error`).

use std::path::PathBuf;

/// A run-level input problem.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path named on the command line does not exist or cannot be inspected.
    #[error("cannot read input {path}")]
    Input {
        /// The path as given.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// `--encoding` named something that is not a WHATWG encoding label.
    #[error("unknown encoding label {0:?} (try UTF-8, GB18030, GBK, Big5, UTF-16LE)")]
    UnknownEncoding(String),
    /// A JSON Lines file whose records carry none of the text fields: it is in another
    /// layout.
    #[error(
        "{file}: none of its first {records} records has {wanted}, where newsprint reads a \
         record's text (its records have: {fields}); name the field that holds the text with \
         --text-field (a string, or a list of strings taken as paragraphs)"
    )]
    NoTextField {
        /// The file, as reported.
        file: String,
        /// The records looked at.
        records: usize,
        /// The fields looked for, in words (`a "text" field`).
        wanted: String,
        /// The fields they have, sorted.
        fields: String,
    },
    /// An object-storage input that cannot be listed (bad URL, unknown setting, no such
    /// bucket or prefix, refused credentials).
    #[error("cannot read input {url}: {detail}")]
    Object {
        /// The URL as given.
        url: String,
        /// What went wrong.
        detail: String,
    },
}
