//! The native core of the `newsprint` Python package: the per-document path (decode → clean
//! → extract, [`records::Stages`]) over a column of texts, giving the dataset's tables as
//! Arrow, built from the same rows the command line writes ([`records::rows::emit`]).
//!
//! The Python side (`python/newsprint/`) checks the arguments and turns the tables into
//! `pyarrow.Table`s; `run` and `merge` call the command line itself. What needs the whole
//! corpus (near-duplicates, furniture learned across pages, the summaries) is not here.

use pyo3::prelude::*;

mod arrow_rows;
mod process;

/// The module `newsprint._newsprint`.
#[pymodule]
fn _newsprint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(process::process, m)?)?;
    m.add("SCHEMA_VERSION", records::schema::SCHEMA_VERSION)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
