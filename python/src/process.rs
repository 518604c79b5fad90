//! `newsprint._newsprint.process`: a column of texts through the per-document path, in
//! parallel and without the GIL, into the dataset's per-document tables.

use arrow_array::cast::AsArray;
use arrow_array::{new_null_array, Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use chrono::NaiveDate;
use ingest::{RawDoc, Status};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyTable;
use rayon::prelude::*;
use records::schema::SEGMENT_TABLES;
use records::Stages;

use crate::arrow_rows::{self, ArrowTables};

/// Documents processed at a time: their records are made rows before the next ones start,
/// so memory holds the tables being built and one slice's records, not every record.
const SLICE: usize = 512;

/// One row of texts.
enum Text<'a> {
    /// A string: text already, not decoded again.
    Str(&'a [u8]),
    /// Bytes, decoded as a file's are (the encoding detected).
    Bytes(&'a [u8]),
    /// Nothing to read (a null, a string that is not Unicode): the row's error says why.
    Unreadable(String),
}

/// What every row needs besides its text: its source, its date as given, the size limit.
struct Rows<'a> {
    sources: &'a [String],
    published: &'a [Option<String>],
    max_document_bytes: u64,
}

impl Rows<'_> {
    /// Row `n` as a raw document. What the command line makes an error row (a document
    /// over the size limit, a date that is not one) is an error row here too, never an
    /// exception that loses the batch.
    fn raw_doc(&self, n: usize, text: Text) -> PyResult<RawDoc> {
        let source = self
            .sources
            .get(n)
            .cloned()
            .ok_or_else(|| PyValueError::new_err("more texts than sources"))?;
        let too_large = |bytes: &[u8]| bytes.len() as u64 > self.max_document_bytes;
        let mut raw = match text {
            Text::Str(bytes) | Text::Bytes(bytes) if too_large(bytes) => RawDoc::failed(
                source,
                Status::Error,
                ingest::too_large(self.max_document_bytes),
            ),
            Text::Str(bytes) => {
                let mut raw = RawDoc::from_bytes(source, bytes.to_vec());
                raw.is_utf8_text = true;
                raw
            }
            Text::Bytes(bytes) => RawDoc::from_bytes(source, bytes.to_vec()),
            Text::Unreadable(why) => RawDoc::failed(source, Status::Error, why),
        };
        if let Some(Some(date)) = self.published.get(n) {
            match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                Ok(date) => raw.published_date = Some(date),
                Err(_) => {
                    raw.outcome.get_or_insert((
                        Status::Error,
                        format!("published {date:?} is not a YYYY-MM-DD date"),
                    ));
                }
            }
        }
        Ok(raw)
    }
}

/// The raw documents of a Python list of `str`, `bytes` or `None` (read without building
/// an Arrow array first, which would cost pyarrow's import of pandas).
fn list_docs(texts: &Bound<'_, PyList>, rows: &Rows) -> PyResult<Vec<RawDoc>> {
    let mut docs = Vec::with_capacity(texts.len());
    for (n, item) in texts.iter().enumerate() {
        let raw = if item.is_none() {
            rows.raw_doc(n, Text::Unreadable("the text is null".to_string()))?
        } else if let Ok(text) = item.cast::<PyString>() {
            match text.to_cow() {
                Ok(text) => rows.raw_doc(n, Text::Str(text.as_bytes()))?,
                Err(e) => {
                    rows.raw_doc(n, Text::Unreadable(format!("the text is not Unicode: {e}")))?
                }
            }
        } else if let Ok(bytes) = item.cast::<PyBytes>() {
            rows.raw_doc(n, Text::Bytes(bytes.as_bytes()))?
        } else {
            return Err(PyTypeError::new_err(format!(
                "texts[{n}] is a {}, not str or bytes",
                item.get_type().name()?
            )));
        };
        docs.push(raw);
    }
    Ok(docs)
}

/// Row `i` of an Arrow chunk of strings or binary (a dictionary of them decoded first).
fn arrow_text(chunk: &ArrayRef, i: usize) -> PyResult<Text<'_>> {
    if chunk.is_null(i) {
        return Ok(Text::Unreadable("the text is null".to_string()));
    }
    Ok(match chunk.data_type() {
        DataType::Utf8 => Text::Str(chunk.as_string::<i32>().value(i).as_bytes()),
        DataType::LargeUtf8 => Text::Str(chunk.as_string::<i64>().value(i).as_bytes()),
        DataType::Utf8View => Text::Str(chunk.as_string_view().value(i).as_bytes()),
        DataType::Binary => Text::Bytes(chunk.as_binary::<i32>().value(i)),
        DataType::LargeBinary => Text::Bytes(chunk.as_binary::<i64>().value(i)),
        DataType::BinaryView => Text::Bytes(chunk.as_binary_view().value(i)),
        other => {
            return Err(PyTypeError::new_err(format!(
                "texts must be strings or bytes, not Arrow {other}"
            )))
        }
    })
}

/// The texts of an Arrow column as raw documents: strings, binary, a dictionary of either
/// (a pandas category, a polars Categorical), or all nulls.
fn arrow_docs(texts: &[ArrayRef], rows: &Rows) -> PyResult<Vec<RawDoc>> {
    let mut docs = Vec::with_capacity(rows.sources.len());
    for chunk in texts {
        let chunk = match chunk.data_type() {
            DataType::Dictionary(_, values) => arrow_cast::cast(chunk, values)
                .map_err(|e| PyTypeError::new_err(format!("texts: {e}")))?,
            DataType::Null => new_null_array(&DataType::LargeUtf8, chunk.len()),
            _ => chunk.clone(),
        };
        for i in 0..chunk.len() {
            docs.push(rows.raw_doc(docs.len(), arrow_text(&chunk, i)?)?);
        }
    }
    Ok(docs)
}

/// The raw documents of `texts`: a list, or anything Arrow's C interface exports.
fn raw_docs(texts: &Bound<'_, PyAny>, rows: &Rows) -> PyResult<Vec<RawDoc>> {
    let docs = match texts.cast::<PyList>() {
        Ok(list) => list_docs(list, rows)?,
        Err(_) => {
            let column = texts.extract::<AnyArray>()?.into_chunked_array()?;
            arrow_docs(column.chunks(), rows)?
        }
    };
    if docs.len() != rows.sources.len() {
        return Err(PyValueError::new_err(format!(
            "{} texts and {} sources",
            docs.len(),
            rows.sources.len()
        )));
    }
    Ok(docs)
}

fn parse_date(s: &str) -> PyResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| PyValueError::new_err(format!("{s:?} is not a YYYY-MM-DD date: {e}")))
}

/// The per-document path over `texts`; the Python wrapper checks and documents the
/// arguments (`newsprint.process`). Returns each per-document table's name and rows.
#[pyfunction]
#[pyo3(signature = (texts, sources, published, threads, encoding, published_date, drop, no_builtin_drop, entities, max_document_mb))]
#[allow(clippy::too_many_arguments)]
pub fn process(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    sources: Vec<String>,
    published: Vec<Option<String>>,
    threads: Option<usize>,
    encoding: Option<String>,
    published_date: Option<String>,
    drop: Vec<(String, String)>,
    no_builtin_drop: bool,
    entities: &str,
    max_document_mb: u64,
) -> PyResult<Vec<(&'static str, PyTable)>> {
    let decode = match &encoding {
        Some(label) => ingest::DecodeOptions::forced(label)
            .map_err(|e| PyValueError::new_err(format!("encoding: {e}")))?,
        None => ingest::DecodeOptions::default(),
    };
    let drop = drop
        .iter()
        .map(|(name, pattern)| {
            clean::DropPattern::new(name, pattern).map_err(|e| {
                PyValueError::new_err(format!(
                    "drop: the pattern {name:?} ({pattern:?}) does not compile: {e}"
                ))
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let extractor = match entities {
        "tagger" => extract::Extractor::with_tagger(),
        "rules" => extract::Extractor::new(),
        other => {
            return Err(PyValueError::new_err(format!(
                "entities must be 'tagger' or 'rules', not {other:?}"
            )))
        }
    };
    let stages = Stages {
        decode,
        clean: clean::CleanOptions {
            fallback_date: published_date.as_deref().map(parse_date).transpose()?,
            furniture: None,
            drop,
            no_builtin: no_builtin_drop,
        },
        extractor,
        detected: Default::default(),
    };
    let rows = Rows {
        sources: &sources,
        published: &published,
        max_document_bytes: max_document_mb << 20,
    };
    let docs = raw_docs(texts, &rows)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("threads: {e}")))?;

    // One record batch per slice and table: builders stay a slice's size, so the tables
    // grow by what they hold, not by doubling (and copying) buffers as large as the result.
    let tables = py
        .detach(|| {
            let mut tables: Vec<(&'static str, Vec<RecordBatch>)> = SEGMENT_TABLES
                .iter()
                .map(|t| (t.name, Vec::new()))
                .collect();
            let mut docs = docs.into_iter();
            loop {
                let slice: Vec<RawDoc> = docs.by_ref().take(SLICE).collect();
                if slice.is_empty() {
                    break;
                }
                let records: Vec<records::DocRecord> = pool.install(|| {
                    slice
                        .into_par_iter()
                        .map(|raw| stages.process(raw))
                        .collect()
                });
                let mut rows = ArrowTables::default();
                for record in &records {
                    records::rows::emit(record, None, &mut rows)?;
                }
                for ((_, batches), (_, batch)) in tables.iter_mut().zip(rows.finish()?) {
                    batches.push(batch);
                }
            }
            Ok::<_, String>(tables)
        })
        .map_err(PyRuntimeError::new_err)?;
    SEGMENT_TABLES
        .iter()
        .zip(tables)
        .map(|(table, (name, batches))| {
            Ok((name, PyTable::try_new(batches, arrow_rows::schema(table))?))
        })
        .collect()
}
