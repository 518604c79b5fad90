//! Column buffers for one table, and turning them into Parquet parts.
//!
//! Rows are appended as [`Cell`]s in schema order; when a buffer holds enough rows or text
//! ([`TableWriter::is_full`]) the writer turns it into one polars `DataFrame` and one
//! zstd-compressed Parquet part, and empties it. That bound is what keeps memory flat however
//! large the run.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::schema::{ColumnType, Table};
use crate::Error;

pub use records::Cell;

enum Data {
    /// Strings are copied once, into the Arrow array the Parquet page is encoded from.
    Str(StringChunkedBuilder),
    U32(Vec<Option<u32>>),
    U64(Vec<Option<u64>>),
    F32(Vec<Option<f32>>),
    F64(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
    ListStr(Vec<Vec<String>>),
}

impl Data {
    fn new(ty: ColumnType) -> Self {
        match ty {
            ColumnType::Str => Data::Str(StringChunkedBuilder::new(PlSmallStr::EMPTY, 0)),
            ColumnType::U32 => Data::U32(Vec::new()),
            ColumnType::U64 => Data::U64(Vec::new()),
            ColumnType::F32 => Data::F32(Vec::new()),
            ColumnType::F64 => Data::F64(Vec::new()),
            ColumnType::Bool => Data::Bool(Vec::new()),
            ColumnType::Date => Data::Date(Vec::new()),
            ColumnType::ListStr => Data::ListStr(Vec::new()),
        }
    }
}

pub use records::rows::{epoch_days, from_epoch_days};

/// A table being written: the rows buffered since its last part.
pub struct TableWriter {
    table: &'static Table,
    data: Vec<Data>,
    rows: usize,
    text_bytes: usize,
    rows_per_part: usize,
    /// Whether a named row's names were checked against the schema.
    names_checked: bool,
}

/// The parts of one table, in order, with their rows.
#[derive(Clone, Debug, Default)]
pub struct PartSet {
    /// Where each part is.
    pub paths: Vec<PathBuf>,
    /// The rows of each part.
    pub rows: Vec<u64>,
}

/// Buffered text beyond which a part is written even if it has few rows: with six tables
/// buffering, this bounds the writer's memory to about fifty megabytes.
const BYTES_PER_PART: usize = 8 << 20;

impl TableWriter {
    /// A writer of `table`'s parts of at most `rows_per_part` rows.
    pub fn new(table: &'static Table, rows_per_part: usize) -> Self {
        TableWriter {
            table,
            data: table.columns.iter().map(|(_, ty)| Data::new(*ty)).collect(),
            rows: 0,
            text_bytes: 0,
            rows_per_part: rows_per_part.max(1),
            names_checked: false,
        }
    }

    /// Rows buffered.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Whether the buffer holds a part's worth of rows or text.
    pub fn is_full(&self) -> bool {
        self.rows >= self.rows_per_part || self.text_bytes >= BYTES_PER_PART
    }

    /// Appends one row given as (column, cell) pairs, in the table's order: the names are
    /// checked against the schema on the writer's first row (a row built in another order,
    /// or naming a column the schema does not have there, is an error naming both), and the
    /// types on every row. What keeps a row builder and the schema in step.
    pub fn push_named(&mut self, row: &[(&str, Cell)]) -> Result<(), Error> {
        if row.len() != self.data.len() {
            return Err(Error::Row {
                table: self.table.name,
                detail: format!("{} cells for {} columns", row.len(), self.data.len()),
            });
        }
        if !self.names_checked {
            records::rows::check_names(self.table, row).map_err(|detail| Error::Row {
                table: self.table.name,
                detail,
            })?;
            self.names_checked = true;
        }
        for (k, ((_, cell), data)) in row.iter().zip(&mut self.data).enumerate() {
            match (cell, data) {
                (Cell::Str(v), Data::Str(builder)) => {
                    builder.append_option(*v);
                    self.text_bytes += v.map_or(0, str::len);
                }
                (Cell::U32(v), Data::U32(col)) => col.push(*v),
                (Cell::U64(v), Data::U64(col)) => col.push(*v),
                (Cell::F32(v), Data::F32(col)) => col.push(*v),
                (Cell::F64(v), Data::F64(col)) => col.push(*v),
                (Cell::Bool(v), Data::Bool(col)) => col.push(*v),
                (Cell::Date(v), Data::Date(col)) => col.push(v.map(epoch_days)),
                (Cell::ListStr(v), Data::ListStr(col)) => col.push(v.to_vec()),
                (cell, _) => {
                    return Err(Error::Row {
                        table: self.table.name,
                        detail: format!("column {} got {cell:?}", self.table.columns[k].0),
                    })
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Writes the buffered rows (possibly none: an empty part still carries the schema) as
    /// one part at `path`, empties the buffer and returns the rows written.
    pub fn write_part(&mut self, path: &Path) -> Result<u64, Error> {
        let height = self.rows;
        let columns: Vec<Column> = self
            .table
            .columns
            .iter()
            .zip(self.data.iter_mut())
            .map(|((name, ty), data)| {
                let taken = std::mem::replace(data, Data::new(*ty));
                to_column(name, taken)
            })
            .collect::<Result<_, PolarsError>>()
            .map_err(|source| self.polars_error(source))?;
        let mut frame =
            DataFrame::new(height, columns).map_err(|source| self.polars_error(source))?;
        write_frame(self.table, path, &mut frame)?;
        self.rows = 0;
        self.text_bytes = 0;
        Ok(height as u64)
    }

    fn polars_error(&self, source: PolarsError) -> Error {
        Error::Polars {
            table: self.table.name,
            source,
        }
    }
}

/// Writes a frame of `table` as one zstd Parquet file at `path`.
pub fn write_frame(table: &'static Table, path: &Path, frame: &mut DataFrame) -> Result<(), Error> {
    let file = File::create(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    // polars embeds an Arrow schema that names strings `string_view`, and pyarrow cannot
    // turn a list of those into pandas. The same Parquet data described with the oldest
    // Arrow types (large_string) reads everywhere: polars, pandas, DuckDB, Spark.
    let arrow_schema = frame.schema().to_arrow(CompatLevel::oldest());
    let arrow_key = polars_parquet::write::schema_to_metadata_key(&arrow_schema);
    let mut metadata = vec![
        ("newsprint.table".to_string(), table.name.to_string()),
        (
            "newsprint.schema_version".to_string(),
            crate::schema::SCHEMA_VERSION.to_string(),
        ),
    ];
    if let Some(value) = arrow_key.value {
        metadata.insert(0, (arrow_key.key, value));
    }
    let metadata = KeyValueMetadata::from_static(metadata);
    ParquetWriter::new(file)
        .with_key_value_metadata(Some(metadata))
        .with_compression(ParquetCompression::Zstd(
            polars_parquet::write::ZstdLevel::try_new(1).ok(),
        ))
        .finish(frame)
        .map_err(|source| Error::Polars {
            table: table.name,
            source,
        })?;
    Ok(())
}

/// Reads `columns` (all when `None`) of one part back.
pub fn read_frame(
    table: &'static Table,
    path: &Path,
    columns: Option<&[&str]>,
) -> Result<DataFrame, Error> {
    let file = File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetReader::new(file)
        .with_columns(columns.map(|c| c.iter().map(|s| s.to_string()).collect()))
        .finish()
        .map_err(|source| Error::Polars {
            table: table.name,
            source,
        })
}

/// Calls `f` with the frame of `columns` of each part, in order: one part in memory at a
/// time, so reading a table back costs a part's memory, not the table's.
pub fn for_each_frame(
    table: &'static Table,
    parts: impl IntoIterator<Item = PathBuf>,
    columns: &[&str],
    mut f: impl FnMut(&DataFrame) -> Result<(), Error>,
) -> Result<(), Error> {
    for part in parts {
        f(&read_frame(table, &part, Some(columns))?)?;
    }
    Ok(())
}

/// A column of a frame read back, as its type: `typed(&frame, &ENTITIES, "name", Column::str)`.
pub fn typed<'a, T: PolarsDataType>(
    frame: &'a DataFrame,
    table: &'static Table,
    name: &str,
    as_type: fn(&'a Column) -> PolarsResult<&'a ChunkedArray<T>>,
) -> Result<&'a ChunkedArray<T>, Error> {
    frame
        .column(name)
        .and_then(as_type)
        .map_err(|source| Error::Polars {
            table: table.name,
            source,
        })
}

fn to_column(name: &str, data: Data) -> PolarsResult<Column> {
    let name = PlSmallStr::from_str(name);
    let series = match data {
        Data::Str(builder) => builder.finish().with_name(name).into_series(),
        Data::U32(v) => Series::new(name, v),
        Data::U64(v) => Series::new(name, v),
        Data::F32(v) => Series::new(name, v),
        Data::F64(v) => Series::new(name, v),
        Data::Bool(v) => Series::new(name, v),
        Data::Date(v) => Series::new(name, v).cast(&DataType::Date)?,
        Data::ListStr(rows) => {
            if rows.is_empty() {
                Series::new_empty(name, &DataType::List(Box::new(DataType::String)))
            } else {
                let items: Vec<Series> = rows
                    .iter()
                    .map(|row| Series::new(PlSmallStr::EMPTY, row.as_slice()))
                    .collect();
                Series::new(name, items)
            }
        }
    };
    Ok(series.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_row_is_checked_against_the_schema() {
        use crate::schema::ENTITY_COUNTS;
        let row = |first: &'static str, second: &'static str| {
            [
                (first, Cell::Str(Some("person"))),
                (second, Cell::Str(Some("李永军"))),
                ("mentions", Cell::U64(Some(3))),
                ("articles", Cell::U64(Some(2))),
                ("documents", Cell::U64(Some(1))),
            ]
        };
        let mut table = TableWriter::new(&ENTITY_COUNTS, 10);
        let swapped = table
            .push_named(&row("name", "kind"))
            .expect_err("out of order");
        assert!(
            swapped
                .to_string()
                .contains("name where the schema has kind"),
            "{swapped}"
        );
        assert_eq!(table.rows(), 0);
        table.push_named(&row("kind", "name")).expect("in order");
        assert_eq!(table.rows(), 1);
    }
}
