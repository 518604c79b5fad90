//! One document's records, with no storage: the per-document path (decode → clean →
//! extract, [`Stages`]) as one pure function, what it gives ([`DocRecord`]), the dataset's
//! tables and columns ([`schema`]), and the rows those tables take from a record
//! ([`rows::emit`], through any [`rows::RowSink`]).
//!
//! The run writes the rows as Parquet through `dataset` and `aggregate`; the Python
//! package builds Arrow tables from the same calls. Keeping them here, free of polars, is
//! what makes `newsprint.process` give the command line's rows and columns by construction.

mod record;
pub mod rows;
pub mod schema;
mod stages;

pub use record::DocRecord;
pub use rows::{article_id, Cell, RowSink};
pub use stages::Stages;
