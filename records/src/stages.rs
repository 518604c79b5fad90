//! The per-document function: one raw input to its records, decode → clean → extract, with
//! a panic inside it made the document's error row, so one bad page never takes a run down.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use clean::{CleanOptions, Page};
use extract::{Extraction, Extractor};
use ingest::{DecodeOptions, RawDoc, Status};

use crate::DocRecord;

/// Everything the per-document function needs; built once per run.
pub struct Stages {
    /// How inputs are decoded (`--encoding`).
    pub decode: DecodeOptions,
    /// What clean takes out and assumes.
    pub clean: CleanOptions,
    /// The entity and figure extractor (`--entities`).
    pub extractor: Extractor,
    /// Encodings the furniture pass detected, by doc_id as a number (16 bytes a document,
    /// not its 32 hex digits): not detected twice.
    pub detected: HashMap<u128, &'static str>,
}

impl Stages {
    /// Processes one raw document into its records.
    pub fn process(&self, raw: RawDoc) -> DocRecord {
        guarded(raw, |raw| {
            let detected = ingest::content_number(&raw.doc_id)
                .and_then(|doc| self.detected.get(&doc).copied());
            let mut document = ingest::decode_known(raw, &self.decode, detected);
            let (page, extraction) = if document.status == Status::Ok {
                let page = clean::clean(&document, &self.clean);
                let extraction = self.extractor.extract(&page);
                (page, extraction)
            } else {
                (Page::default(), Extraction::default())
            };
            // The text lives on in the articles; the record need not carry it twice.
            document.text = String::new();
            DocRecord::new(document, page, extraction)
        })
    }
}

/// Runs `work` on `raw`; a panic inside it becomes the document's `error` row, naming the
/// panic, instead of taking the run down.
fn guarded(raw: RawDoc, work: impl FnOnce(RawDoc) -> DocRecord) -> DocRecord {
    let source = raw.source.clone();
    let doc_id = raw.doc_id.clone();
    let content_hash = raw.content_hash.clone();
    let fields = raw.fields.clone();
    let external_id = raw.external_id.clone();
    let published_date = raw.published_date;
    let bytes = raw.bytes.len() as u64;
    catch_unwind(AssertUnwindSafe(|| work(raw))).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        DocRecord::new(
            ingest::Document {
                doc_id,
                content_hash,
                source,
                bytes,
                encoding: None,
                decode_errors: 0,
                status: Status::Error,
                error: Some(format!("internal error while processing: {what}")),
                duplicate_of: None,
                fields,
                external_id,
                published_date,
                text: String::new(),
            },
            Page::default(),
            Extraction::default(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawDoc {
        RawDoc::from_bytes("page.txt", text.as_bytes().to_vec())
    }

    #[test]
    fn a_panic_while_processing_becomes_the_documents_error_row() {
        let page = raw("一页纸。");
        let doc_id = page.doc_id.clone();
        let record = guarded(page, |_| panic!("a page shape no one foresaw"));
        let document = &record.document;
        assert_eq!(document.status, Status::Error);
        assert_eq!(
            (document.doc_id.as_str(), document.source.as_str()),
            (doc_id.as_str(), "page.txt")
        );
        assert_eq!(document.bytes, "一页纸。".len() as u64);
        let error = document.error.as_deref().unwrap_or_default();
        assert!(error.contains("a page shape no one foresaw"), "{error}");
        assert!(record.page.articles.is_empty());

        // Without a panic, the work's record is the record.
        let stages = Stages {
            decode: DecodeOptions::default(),
            clean: CleanOptions::default(),
            extractor: Extractor::new(),
            detected: Default::default(),
        };
        let record = stages.process(raw("国务院总理李鹏在北京会见了客人。"));
        assert_eq!(record.document.status, Status::Ok);
        assert_eq!(record.page.articles.len(), 1);
    }
}
