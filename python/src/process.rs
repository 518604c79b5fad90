//! `newsprint._newsprint.process`: a column of texts through the per-document path, in
//! parallel and without the GIL, into the dataset's per-document tables.

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
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

/// One text: its bytes (`None` for a null) and whether they are text already (a string)
/// or bytes to decode.
type Text<'a> = (Option<&'a [u8]>, bool);

/// A raw document of `text`, named `source`; a null is a document whose `error` says so.
fn raw_doc((bytes, is_text): Text, source: String, published: Option<NaiveDate>) -> RawDoc {
    let mut raw = RawDoc::from_bytes(source, bytes.unwrap_or_default().to_vec());
    raw.is_utf8_text = is_text;
    raw.published_date = published;
    if bytes.is_none() {
        raw.outcome = Some((Status::Error, "the text is null".to_string()));
    }
    raw
}

/// The raw documents of a Python list of `str`, `bytes` or `None` (read without building
/// an Arrow array first, which would cost pyarrow's import of pandas).
fn list_docs(
    texts: &Bound<'_, PyList>,
    sources: &[String],
    published: &[Option<NaiveDate>],
) -> PyResult<Vec<RawDoc>> {
    let mut docs = Vec::with_capacity(texts.len());
    for (n, item) in texts.iter().enumerate() {
        let source = sources
            .get(n)
            .cloned()
            .ok_or_else(|| PyValueError::new_err("more texts than sources"))?;
        let date = published.get(n).copied().flatten();
        let raw = if item.is_none() {
            raw_doc((None, false), source, date)
        } else if let Ok(text) = item.cast::<PyString>() {
            let text = text.to_cow()?;
            raw_doc((Some(text.as_bytes()), true), source, date)
        } else if let Ok(bytes) = item.cast::<PyBytes>() {
            raw_doc((Some(bytes.as_bytes()), false), source, date)
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

/// The texts of an Arrow column (strings, or bytes to decode), with their sources and
/// dates, as raw documents.
fn arrow_docs(
    texts: &[ArrayRef],
    sources: &[String],
    published: &[Option<NaiveDate>],
) -> PyResult<Vec<RawDoc>> {
    let mut docs = Vec::with_capacity(sources.len());
    for chunk in texts {
        for i in 0..chunk.len() {
            let n = docs.len();
            let source = sources
                .get(n)
                .cloned()
                .ok_or_else(|| PyValueError::new_err("more texts than sources"))?;
            let (bytes, is_text) = if chunk.is_null(i) {
                (None, false)
            } else {
                match chunk.data_type() {
                    DataType::Utf8 => (Some(chunk.as_string::<i32>().value(i).as_bytes()), true),
                    DataType::LargeUtf8 => {
                        (Some(chunk.as_string::<i64>().value(i).as_bytes()), true)
                    }
                    DataType::Utf8View => (Some(chunk.as_string_view().value(i).as_bytes()), true),
                    DataType::Binary => (Some(chunk.as_binary::<i32>().value(i)), false),
                    DataType::LargeBinary => (Some(chunk.as_binary::<i64>().value(i)), false),
                    DataType::BinaryView => (Some(chunk.as_binary_view().value(i)), false),
                    other => {
                        return Err(PyTypeError::new_err(format!(
                            "texts must be strings or bytes, not Arrow {other}"
                        )))
                    }
                }
            };
            docs.push(raw_doc(
                (bytes, is_text),
                source,
                published.get(n).copied().flatten(),
            ));
        }
    }
    Ok(docs)
}

/// The raw documents of `texts`: a list, or anything Arrow's C interface exports.
fn raw_docs(
    texts: &Bound<'_, PyAny>,
    sources: &[String],
    published: &[Option<NaiveDate>],
) -> PyResult<Vec<RawDoc>> {
    let docs = match texts.cast::<PyList>() {
        Ok(list) => list_docs(list, sources, published)?,
        Err(_) => {
            let column = texts.extract::<AnyArray>()?.into_chunked_array()?;
            arrow_docs(column.chunks(), sources, published)?
        }
    };
    if docs.len() != sources.len() {
        return Err(PyValueError::new_err(format!(
            "{} texts and {} sources",
            docs.len(),
            sources.len()
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
#[pyo3(signature = (texts, sources, published, threads, encoding, published_date, drop, no_builtin_drop, entities))]
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
) -> PyResult<Vec<(&'static str, PyTable)>> {
    let published = published
        .iter()
        .map(|d| d.as_deref().map(parse_date).transpose())
        .collect::<PyResult<Vec<_>>>()?;
    let decode = match &encoding {
        Some(label) => ingest::DecodeOptions::forced(label)
            .map_err(|e| PyValueError::new_err(format!("encoding: {e}")))?,
        None => ingest::DecodeOptions::default(),
    };
    let drop = drop
        .iter()
        .map(|(name, pattern)| {
            clean::DropPattern::new(name, pattern).map_err(|e| {
                PyValueError::new_err(format!("drop: the pattern {name:?} does not compile: {e}"))
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
    let docs = raw_docs(texts, &sources, &published)?;
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
