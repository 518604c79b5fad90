//! A [`RowSink`] that builds Arrow columns: the dataset's per-document tables with the
//! types its Parquet parts read back as (`large_string`, `uint32`, `date32`, …, every
//! column nullable), checked against [`records::schema`] as the Parquet writer checks them.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float32Builder, Float64Builder, LargeListBuilder,
    LargeStringBuilder, UInt32Builder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use records::rows::{check_names, epoch_days};
use records::schema::{ColumnType, Table, SEGMENT_TABLES};
use records::{Cell, RowSink};

/// One column being built.
enum Column {
    Str(LargeStringBuilder),
    U32(UInt32Builder),
    U64(UInt64Builder),
    F32(Float32Builder),
    F64(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    ListStr(LargeListBuilder<LargeStringBuilder>),
}

impl Column {
    fn new(ty: ColumnType) -> Self {
        match ty {
            ColumnType::Str => Column::Str(LargeStringBuilder::new()),
            ColumnType::U32 => Column::U32(UInt32Builder::new()),
            ColumnType::U64 => Column::U64(UInt64Builder::new()),
            ColumnType::F32 => Column::F32(Float32Builder::new()),
            ColumnType::F64 => Column::F64(Float64Builder::new()),
            ColumnType::Bool => Column::Bool(BooleanBuilder::new()),
            ColumnType::Date => Column::Date(Date32Builder::new()),
            ColumnType::ListStr => Column::ListStr(
                LargeListBuilder::new(LargeStringBuilder::new()).with_field(list_item()),
            ),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Str(b) => Arc::new(b.finish()),
            Column::U32(b) => Arc::new(b.finish()),
            Column::U64(b) => Arc::new(b.finish()),
            Column::F32(b) => Arc::new(b.finish()),
            Column::F64(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
            Column::Date(b) => Arc::new(b.finish()),
            Column::ListStr(b) => Arc::new(b.finish()),
        }
    }
}

/// The item of a `list<str>` column, named as the dataset's Parquet parts read back.
fn list_item() -> Arc<Field> {
    Arc::new(Field::new("element", DataType::LargeUtf8, true))
}

fn data_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Str => DataType::LargeUtf8,
        ColumnType::U32 => DataType::UInt32,
        ColumnType::U64 => DataType::UInt64,
        ColumnType::F32 => DataType::Float32,
        ColumnType::F64 => DataType::Float64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::ListStr => DataType::LargeList(list_item()),
    }
}

/// The Arrow schema of `table`.
pub fn schema(table: &Table) -> SchemaRef {
    Arc::new(Schema::new(
        table
            .columns
            .iter()
            .map(|(name, ty)| Field::new(*name, data_type(*ty), true))
            .collect::<Vec<_>>(),
    ))
}

/// The per-document tables being built, one set of columns for each of [`SEGMENT_TABLES`].
pub struct ArrowTables {
    tables: Vec<Vec<Column>>,
}

impl Default for ArrowTables {
    fn default() -> Self {
        ArrowTables {
            tables: SEGMENT_TABLES
                .iter()
                .map(|t| t.columns.iter().map(|(_, ty)| Column::new(*ty)).collect())
                .collect(),
        }
    }
}

impl ArrowTables {
    /// Each table's name and its rows so far, as one record batch.
    pub fn finish(mut self) -> Result<Vec<(&'static str, RecordBatch)>, String> {
        SEGMENT_TABLES
            .iter()
            .zip(&mut self.tables)
            .map(|(table, columns)| {
                let arrays = columns.iter_mut().map(Column::finish).collect();
                RecordBatch::try_new(schema(table), arrays)
                    .map(|batch| (table.name, batch))
                    .map_err(|e| format!("{}: {e}", table.name))
            })
            .collect()
    }
}

impl RowSink for ArrowTables {
    type Error = String;

    fn push(&mut self, table: &Table, row: &[(&str, Cell)]) -> Result<(), String> {
        let slot = SEGMENT_TABLES
            .iter()
            .position(|t| t.name == table.name)
            .ok_or_else(|| format!("no per-document table {}", table.name))?;
        // Every row, names and count (the Parquet writer checks names on a table's first).
        check_names(table, row).map_err(|detail| format!("{}: {detail}", table.name))?;
        let columns = &mut self.tables[slot];
        for ((name, cell), column) in row.iter().zip(columns.iter_mut()) {
            match (cell, column) {
                (Cell::Str(v), Column::Str(b)) => b.append_option(*v),
                (Cell::U32(v), Column::U32(b)) => b.append_option(*v),
                (Cell::U64(v), Column::U64(b)) => b.append_option(*v),
                (Cell::F32(v), Column::F32(b)) => b.append_option(*v),
                (Cell::F64(v), Column::F64(b)) => b.append_option(*v),
                (Cell::Bool(v), Column::Bool(b)) => b.append_option(*v),
                (Cell::Date(v), Column::Date(b)) => b.append_option(v.map(epoch_days)),
                (Cell::ListStr(v), Column::ListStr(b)) => {
                    for item in v.iter() {
                        b.values().append_value(item);
                    }
                    b.append(true);
                }
                (cell, _) => return Err(format!("{}: column {name} got {cell:?}", table.name)),
            }
        }
        Ok(())
    }
}
