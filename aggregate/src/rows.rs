//! One input's records made rows of every table a run appends to (by
//! [`records::rows::emit`], which names each cell's column), each row checked against the
//! schema by `TableWriter::push_named`; the articles' near-duplicate sketches kept for the
//! corpus step; the segment committed when a table's buffer is full.

use dataset::schema::{Table, ARTICLES, SEGMENT_TABLES};
use dataset::table::{self, Cell, TableWriter};
use records::RowSink;

use crate::corpus_step::near_duplicates::SketchRow;
use crate::writer::Writer;
use crate::{DocRecord, Error};

impl Writer {
    /// Appends one input's rows to every table.
    pub fn append(&mut self, record: &DocRecord) -> Result<(), Error> {
        let doc = &record.document;
        let page = &record.page;
        self.retries.read_again(&doc.source);
        *self
            .segment_documents
            .entry(doc.status.as_str().to_string())
            .or_insert(0) += 1;
        records::rows::emit(record, Some(self.run.run), self)?;

        if !page.articles.is_empty() {
            let doc_number = ingest::content_number(&doc.doc_id).ok_or_else(|| Error::Row {
                table: ARTICLES.name,
                detail: format!("doc_id {:?} is not a content hash", doc.doc_id),
            })?;
            let source = self.sketch_sources.len() as u32;
            self.sketch_sources.push(doc.source.clone());
            for (a, article) in page.articles.iter().enumerate() {
                let sketch = match record.sketches.get(a) {
                    Some(sketch) => *sketch,
                    None => corpus::neardup::sketch(&article.text()),
                };
                self.sketches.push(SketchRow {
                    doc: doc_number,
                    source,
                    article: a as u32,
                    date: article.published_date.map(table::epoch_days),
                    sketch,
                });
            }
        }
        if self.tables.iter().any(TableWriter::is_full) {
            self.flush_segment()?;
        }
        Ok(())
    }

    /// The buffer of `table`, one of [`SEGMENT_TABLES`].
    fn table(&mut self, table: &Table) -> &mut TableWriter {
        let slot = SEGMENT_TABLES
            .iter()
            .position(|t| t.name == table.name)
            .expect("a table a run appends to");
        &mut self.tables[slot]
    }
}

impl RowSink for Writer {
    type Error = Error;

    fn push(&mut self, table: &Table, row: &[(&str, Cell)]) -> Result<(), Error> {
        self.table(table).push_named(row)
    }
}
